"""The console's and the projector's look: large type, high contrast, visible focus."""

import ipywidgets as w

CSS = """
<style>
.wb-console, .wb-dashboard { font-size: 18px; color: #1a1a1a; }
.wb-console h1, .wb-dash-title { font-size: 36px; margin: 8px 0; }
.wb-console .widget-label, .wb-console .widget-button, .wb-console input, .wb-console select { font-size: 17px; }
.wb-console .lm-TabBar-tab, .wb-dashboard .lm-TabBar-tab { font-size: 20px; min-height: 44px; line-height: 44px;
  min-width: 180px; color: #1a1a1a; }
.wb-console .lm-TabBar-tab, .wb-dashboard .lm-TabBar-tab, .wb-console .lm-TabBar-tabLabel,
.wb-dashboard .lm-TabBar-tabLabel { color: #1a1a1a !important; opacity: 1 !important; background: #e6e6e6; }
.wb-console .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel,
.wb-dashboard .lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel { background: #ffffff; }
.wb-console .lm-TabBar-tab.lm-mod-current, .wb-dashboard .lm-TabBar-tab.lm-mod-current { font-weight: 700; }
.wb-console .widget-button, .wb-console .widget-toggle-button { min-height: 44px; }
.wb-console .mod-success { background: #00613F !important; color: #fff !important; }
.wb-console .mod-danger { background: #A4161A !important; color: #fff !important; }
.wb-console .mod-primary { background: #005A8C !important; color: #fff !important; }
.wb-console .widget-button:disabled { opacity: 1 !important; background: #d9d9d9 !important; color: #1a1a1a !important; }
.wb-dash-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 24px; }
.wb-dash-count { font-size: 28px; }
.wb-big { font-size: 56px; font-weight: 700; color: #00513B; }
.wb-dash-status, .wb-dash-time { font-size: 20px; color: #333; }
.wb-table { border-collapse: collapse; font-size: 18px; margin: 4px 0 12px; width: 100%; }
.wb-table th, .wb-table td { border-bottom: 1px solid #bbb; padding: 4px 8px; text-align: left; }
.wb-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.wb-rounds table { border-collapse: collapse; font-size: 18px; margin: 4px 0 16px; }
.wb-rounds th, .wb-rounds td { border-bottom: 1px solid #bbb; padding: 4px 10px; text-align: left; }
.wb-rounds .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.wb-remarks { font-size: 24px; line-height: 1.5; list-style: none; padding: 0; }
.wb-remarks li { border-bottom: 1px solid #ddd; padding: 8px 0; white-space: pre-wrap; }
.wb-dash-notice { font-size: 22px; color: #1a1a1a; margin: 4px 0 8px; }
.wb-note { font-size: 16px; color: #333; }
.wb-remarks-panel blockquote { font-size: 20px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.wb-legend { display: flex; gap: 20px; font-size: 20px; margin: 8px 0; flex-wrap: wrap; }
.wb-dot { display: inline-block; width: 18px; height: 18px; border-radius: 50%; margin-right: 6px; vertical-align: -2px; }
.wb-ok { color: #00513B; font-weight: 600; }
.wb-warn { color: #5A3E00; font-weight: 600; }
.wb-error { color: #a00000; font-weight: 600; }
.wb-download { display: inline-block; font-size: 20px; padding: 10px 16px; margin: 8px 12px 8px 0;
               background: #0072B2; color: #fff !important; border-radius: 6px; text-decoration: none; }
.wb-saved { display: block; font-size: 15px; color: #444; }
/* whole tab titles: no "1. Voorbereid…"; on a small screen the tabs wrap onto a second row */
.wb-console .widget-tab > .lm-TabBar, .wb-console .jupyter-widget-tab > .lm-TabBar { height: auto !important;
  min-height: 0 !important; overflow: visible !important; }
.wb-console .lm-TabBar-content { flex-wrap: wrap !important; }
.wb-console .lm-TabBar-tab { flex: 0 0 auto !important; max-width: none !important; min-width: 0 !important; }
.wb-console .lm-TabBar-tabLabel { overflow: visible !important; text-overflow: clip !important;
  white-space: nowrap !important; }
.wb-next-step { margin: 12px 0; padding: 8px 12px; border-left: 6px solid #005A8C; background: #f2f7fb; }
.wb-next { font-size: 18px; margin: 0 16px 0 0; }
.wb-field-error { margin: 2px 0 8px 228px; }
.wb-codes-panel .wb-field-error { margin-left: 0; }
.wb-codes td.wb-code { font-family: monospace; font-size: 20px; }
.wb-console :focus-visible, .wb-dashboard :focus-visible { outline: 3px solid #BB5300 !important; outline-offset: 2px; }

</style>
"""


def style() -> w.HTML:
    return w.HTML(CSS)
