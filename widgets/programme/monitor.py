"""The 25-year monitor on the programme office's screen: a chart per indicator, targets, where we stand, money.

The notebook hands in what it read (the imported kwb tables, the ``Monitoring`` of the
store for the targets, the ``Programme`` for decisions and progress); this widget imports
no store code. The charts are the public site's (:mod:`werkboek.outputs.monitor`).
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from werkboek.errors import WerkboekError
from werkboek.model.monitor import (
    HEERLEN_NOORD,
    MEASURES,
    adopted_scenario,
    build_monitor,
    money_per_year,
    where_we_stand,
)
from werkboek.outputs.monitor import chart_html, money_html, shown, stand_html

_LAYOUT = w.Layout(width="32em")


class MonitorApp(w.VBox):
    """Choose an indicator (and a buurt); set its target for 2047; see where we stand and the money."""

    def __init__(self, monitoring, tables, catalogue, *, programme=None, planned=None, by: str = "", **kwargs):
        super().__init__(**kwargs)
        self.monitoring = monitoring
        self.tables = list(tables)
        self.catalogue = catalogue
        self.programme = programme
        self.planned = planned  # year -> euros of the adopted scenario's phasing (the notebook reads it)
        self.add_class("wb-console")
        self.add_class("wb-monitor")
        noord = sorted(catalogue.heerlen_noord.items(), key=lambda kv: kv[1].naam)
        self.measure = w.Dropdown(description="Cijfer", options=[(m.label, m.id) for m in MEASURES.values()],
                                  layout=w.Layout(width="48em"))
        self.buurt = w.Dropdown(description="Buurt", options=[("(geen buurt)", None)] + [
            (b.naam, code) for code, b in noord], layout=_LAYOUT)
        self.chart = w.HTML()
        self.by = w.Text(description="Uw naam", value=by, layout=_LAYOUT)
        self.area = w.Dropdown(description="Doel voor", options=[("heel Heerlen-Noord", HEERLEN_NOORD)] + [
            (b.naam, code) for code, b in noord], layout=_LAYOUT)
        self.doel = w.Text(description="Doel 2047", placeholder="bijvoorbeeld 25,5", layout=_LAYOUT)
        self.save_target = w.Button(description="Doel opslaan", button_style="primary")
        self.remove_target = w.Button(description="Doel weghalen")
        self.target_message = w.HTML()
        self.stand = w.HTML()
        self.money = w.HTML()
        self.measure.observe(lambda _c: self.show(), names="value")
        self.buurt.observe(lambda _c: self.show(), names="value")
        self.save_target.on_click(lambda _b: self._save(remove=False))
        self.remove_target.on_click(lambda _b: self._save(remove=True))
        self.children = [
            w.HTML("<h1>Monitor: de buurten over 25 jaar</h1>"), self.measure, self.buurt, self.chart,
            w.HTML("<h2>Het doel voor 2047</h2><p>In dezelfde eenheid als de grafiek (uitkeringen: per 1.000 "
                   "inwoners).</p>"), self.by, self.area, self.doel, w.HBox([self.save_target, self.remove_target]),
            self.target_message,
            w.HTML("<h2>Waar staan we?</h2>"), self.stand,
            w.HTML("<h2>Geld per jaar</h2>"), self.money,
        ]
        self.refresh()

    def refresh(self) -> None:
        """Read the targets (and decisions) again and redraw everything."""
        self.monitor = build_monitor(self.tables, self.catalogue, self.monitoring.targets())
        self.show()
        if not self.monitor.imported:
            self.stand.value = ("<p class='wb-note'>Nog geen kerncijfers ingelezen "
                                "(werkboek indicators import kwb-2024.csv).</p>")
        else:
            self.stand.value = stand_html(where_we_stand(self.monitor, self.catalogue.leefgebieden))
        if self.programme is not None:
            decisions = self.programme.decisions()
            name = adopted_scenario(decisions) if self.planned is not None else ""
            self.money.value = money_html(money_per_year(decisions, self.programme.timeline(), self.catalogue,
                                                         planned=self.planned, scenario=name))

    def show(self) -> None:
        if not self.monitor.imported:
            self.chart.value = "<p class='wb-note'>Nog geen kerncijfers ingelezen.</p>"
            return
        self.chart.value = chart_html(self.monitor, self.measure.value, self.buurt.value)
        target = self.monitor.target(self.measure.value, self.area.value)
        self.doel.value = "" if target is None else shown(target.doel, MEASURES[self.measure.value]).rstrip("%")

    def _save(self, *, remove: bool) -> None:
        try:
            if remove:
                doel = None
            else:
                text = self.doel.value.strip().rstrip("%").strip()
                if not text:
                    raise ValueError("Doel: vul een getal in")
                doel = float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)
            t = self.monitoring.set_target(self.measure.value, doel, by=self.by.value, area=self.area.value)
        except ValueError as exc:
            message = str(exc) if str(exc).startswith("Doel") else f"Doel: '{self.doel.value}' is geen getal"
            self.target_message.value = f"<p class='wb-error' role='alert'>{escape(message)}</p>"
            return
        except WerkboekError as exc:
            self.target_message.value = f"<p class='wb-error' role='alert'>{escape(str(exc))}</p>"
            return
        self.refresh()
        what = "weggehaald" if t.doel is None else f"opgeslagen: {shown(t.doel, MEASURES[t.indicator])} in {t.jaar}"
        self.target_message.value = f"<p class='wb-ok' role='status'>Doel {escape(what)}.</p>"
