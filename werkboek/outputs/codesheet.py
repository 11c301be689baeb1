"""Printable code sheets: one A4 page holds ten slips, each with a QR code, to cut apart.

The sheet is one self-contained HTML page (inline SVG QR codes, inline CSS, no scripts,
no external files), so it prints from any browser on a laptop without internet. QR codes
come from segno; nothing here draws them by hand.
"""

from __future__ import annotations

import html
import io

import segno

from werkboek.dutch import date_nl
from werkboek.network import short_address

SLIPS_PER_PAGE = 10  # 2 columns x 5 rows on A4
QR_ERROR = "m"  # error correction: survives a fold or a coffee stain, still a small symbol
_QR_SVG = {"omitsize": True, "border": 2, "dark": "#000", "light": "#fff", "svgclass": "qr", "lineclass": None}


def code_url(base_url: str, code: str) -> str:
    """The address in a slip's QR code: the resident app with the code filled in."""
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}code={code}"


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url``, sized by CSS (no width/height of its own)."""
    return segno.make(url, error=QR_ERROR, micro=False).svg_inline(**_QR_SVG)


def terminal_qr(url: str) -> str:
    """A QR code drawn with block characters, for the facilitator's terminal."""
    out = io.StringIO()
    segno.make(url, error=QR_ERROR, micro=False).terminal(out=out, compact=True)
    return out.getvalue()


def code_sheet_html(workshop, codes, base_url: str, *, english: bool = False) -> str:
    """An A4 print-ready HTML page with one slip per code (``werkboek.store.Code``).

    ``base_url`` is the resident app's address on this laptop (see :mod:`werkboek.network`);
    keep it short, people may have to type it. ``english`` adds one line in English per slip.
    """
    codes = list(codes)
    title = html.escape(workshop.title)
    pages = [codes[i:i + SLIPS_PER_PAGE] for i in range(0, len(codes), SLIPS_PER_PAGE)] or [[]]
    body = "\n".join(
        '<section class="page">\n' + "\n".join(_slip(workshop, c, base_url, english) for c in page) + "\n</section>"
        for page in pages
    )
    return f"""<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<title>Stemcodes – {title}</title>
<style>{_CSS}</style>
</head>
<body>
<p class="screen-only">Druk deze pagina af op A4 (schaal 100%, zonder kop- en voetteksten).
Knip de briefjes los langs de stippellijnen. Elk briefje is één stem.</p>
{body}
</body>
</html>
"""


def _slip(workshop, code, base_url: str, english: bool) -> str:
    url = code_url(base_url, code.code)
    address = html.escape(short_address(base_url))
    when = " · ".join(x for x in (date_nl(workshop.date), workshop.location) if x)
    group = code.kind == "group"
    label = (f'<p class="group-line"><span class="table">{html.escape(code.label or "Tafel")}</span> '
             f'Voor de hele tafel</p>' if group else "")
    return f"""<div class="slip{' group' if group else ''}" data-code="{html.escape(code.code)}">
  <div class="qr-box">{qr_svg(url)}</div>
  <div class="text">
    <p class="title">{html.escape(workshop.title)}</p>
    <p class="when">{html.escape(when)}</p>
    {label}
    <p class="code">{html.escape(code.code)}</p>
    <p class="how">Scan de code met uw telefoon, of ga naar <b>{address}</b> en typ de code.</p>
    {'<p class="how en" lang="en">Scan the code with your phone, or go to the address and type the code.</p>'
     if english else ""}
  </div>
</div>"""


# Sizes in millimetres: A4 is 210 x 297; with 10 mm page margins the printable area is
# 190 x 277, which holds 2 x 5 slips of 95 x 55.4 mm (a little spare height per slip).
_CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; color: #000; background: #fff; }
.page { width: 190mm; height: 276mm; display: grid; grid-template-columns: 95mm 95mm;
        grid-template-rows: repeat(5, 55.2mm); break-after: page; page-break-after: always;
        overflow: hidden; }
.page:last-child { break-after: auto; page-break-after: auto; }
.slip { border: 0.3mm dashed #777; display: flex; align-items: center; gap: 3mm; padding: 3mm;
        overflow: hidden; break-inside: avoid; }
.qr-box { flex: 0 0 34mm; width: 34mm; height: 34mm; }
.qr-box svg { width: 34mm; height: 34mm; display: block; }
.text { flex: 1 1 auto; min-width: 0; }
.text p { margin: 0 0 1.2mm 0; }
.title { font-weight: bold; font-size: 10pt; line-height: 1.2; }
.when { font-size: 8pt; }
.group-line { font-size: 8pt; font-weight: bold; }
.table { font-size: 11pt; border: 0.4mm solid #000; padding: 0 1.5mm; margin-right: 1mm; white-space: nowrap; }
.code { font-family: "DejaVu Sans Mono", "Courier New", monospace; font-size: 18pt; font-weight: bold;
        letter-spacing: 0.5mm; white-space: nowrap; }
.how { font-size: 7.5pt; line-height: 1.25; overflow-wrap: anywhere; }
.how.en { color: #333; font-style: italic; }
.screen-only { font-size: 11pt; margin: 4mm 0; max-width: 190mm; }
@media print { .screen-only { display: none; } }
@media screen { body { padding: 5mm; background: #eee; } .page { background: #fff; margin-bottom: 5mm; } }
"""
