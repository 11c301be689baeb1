"""The live dashboard for the projector: turnout, ranked acties per leefgebied, buurten, ages, pins, remarks.

It refreshes itself every few seconds (an asyncio task in the kernel, so it works in
Voilà and in JupyterLab alike). A refresh first asks the store for a cheap fingerprint of
the ballots and only reloads and redraws when something changed; charts update their data
in place, so the projected page neither flickers nor jumps.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.ballot import AGE_GROUPS
from werkboek.results import tally
from werkboek.workshop import STATUS_LABELS

from .charts import CountBars, RankedBars, TurnoutLine

SCORE_LABELS = {"punten": "Stippen", "goedkeuren": "Kruisjes", "top3": "Punten"}


class Dashboard(w.VBox):
    workshop_ids = t.List(t.Int(), help="the workshops whose current ballots are shown (combined)")
    interval = t.Float(3.0, help="seconds between refreshes")
    ballots_shown = t.Int(0, help="number of ballots in the last refresh").tag(sync=False)

    def __init__(self, store, catalogue, workshop_ids=(), **kwargs):
        self.store = store
        self.catalogue = catalogue
        self._task: asyncio.Task | None = None
        self._fingerprint = None
        self._head = ""
        self._pins = []
        self.header = w.HTML()
        self.charts: dict[str, RankedBars] = {}
        self.results_grid = w.GridBox(layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(560px, 1fr))",
                                                      grid_gap="24px", width="100%"))
        self.turnout = TurnoutLine()
        self.by_buurt = CountBars("Mensen per buurt", colour="#0072B2")
        self.by_age = CountBars("Mensen per leeftijd", colour="#8F3668")
        self.remarks = w.HTML()
        self._map = None
        self.map_box = w.VBox()
        self.tabs = w.Tab(children=[
            self.results_grid,
            w.VBox([self.turnout, w.HBox([self.by_buurt, self.by_age],
                                          layout=w.Layout(width="100%"))]),
            self.map_box,
            self.remarks,
        ])
        for i, title in enumerate(["Uitslag", "Wie stemden", "Kaart", "Opmerkingen"]):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, "selected_index")
        super().__init__([self.header, self.tabs], **kwargs)
        self.add_class("wb-dashboard")
        self.workshop_ids = list(workshop_ids)

    # -- refreshing ---------------------------------------------------------------------

    @t.observe("workshop_ids")
    def _on_workshops(self, _change):
        self._fingerprint = None
        self._build_charts()
        self.refresh()

    def refresh(self, force: bool = False) -> bool:
        """Reload when the ballots changed; returns True when the display was updated."""
        if not self.workshop_ids:
            self.header.value = "<h1 class='wb-dash-title'>Kies een bijeenkomst</h1>"
            return False
        fingerprint = self.store.ballots_fingerprint(self.workshop_ids)
        workshops = [self.store.workshop(i) for i in self.workshop_ids]
        statuses = tuple(ws.status for ws in workshops)
        if not force and (fingerprint, statuses) == self._fingerprint:
            self._stamp(workshops, None)
            return False
        self._fingerprint = (fingerprint, statuses)
        ballots = self.store.ballots(self.workshop_ids)
        res = tally(ballots, workshops, self.catalogue)
        self.ballots_shown = res.ballots
        self._stamp(workshops, res)
        for lg, chart in self.charts.items():
            chart.update([(self.catalogue.acties[r.actie_id].titel, r.score, r.voters) for r in res.ranked(lg)])
        self.turnout.update(res.turnout)
        names = {code: b.naam for code, b in self.catalogue.buurten.items()}
        buurten = sorted(((names.get(k, k) if k else "Niet gezegd", v) for k, v in res.by_buurt.items()),
                         key=lambda kv: -kv[1])
        self.by_buurt.update(buurten)
        self.by_age.update([(AGE_GROUPS[k], res.by_age[k]) for k in AGE_GROUPS if res.by_age.get(k)]
                           + ([("Niet gezegd", res.by_age[""])] if res.by_age.get("") else []))
        self._remarks(res.remarks)
        if self._map is not None:
            self._map.update(res.pins)
        self._pins = res.pins
        return True

    def _stamp(self, workshops, res) -> None:
        now = dt.datetime.now().strftime("%H:%M:%S")
        if res is not None:
            titles = " + ".join(escape(ws.title) for ws in workshops)
            status = ", ".join(sorted({STATUS_LABELS[ws.status] for ws in workshops}))
            people = f"{res.people:g}"
            self._head = (
                f"<div class='wb-dash-head'><h1 class='wb-dash-title'>{titles}</h1>"
                f"<div class='wb-dash-status'>{escape(status)}</div>"
                f"<div class='wb-dash-count'><span class='wb-big' data-testid='ballots'>{res.ballots}</span> "
                f"stemmen &middot; <span class='wb-big' data-testid='people'>{people}</span> mensen</div>"
            )
        self.header.value = f"{self._head}<div class='wb-dash-time'>Bijgewerkt om {now}</div></div>"

    def _build_charts(self) -> None:
        workshops = [self.store.workshop(i) for i in self.workshop_ids]
        methods = {ws.method for ws in workshops}
        label = SCORE_LABELS[methods.pop()] if len(methods) == 1 else "Score"
        on_ballot = {a for ws in workshops for a in ws.acties}
        charts = {}
        for lg in self.catalogue.leefgebieden.values():
            if any(self.catalogue.acties[a].leefgebied == lg.id for a in on_ballot if a in self.catalogue.acties):
                charts[lg.id] = RankedBars(lg.naam, lg.kleur, label)
        self.charts = charts
        self.results_grid.children = list(charts.values())

    def _remarks(self, remarks) -> None:
        if not remarks:
            self.remarks.value = "<p class='wb-empty'>Nog geen opmerkingen.</p>"
            return
        items = "".join(
            f"<li><span class='wb-time'>{ts.astimezone().strftime('%H:%M')}</span> {escape(text)}</li>"
            for ts, text in sorted(remarks, reverse=True)
        )
        self.remarks.value = f"<ul class='wb-remarks'>{items}</ul>"

    def _on_tab(self, change) -> None:
        if change["new"] == 2 and self._map is None:  # build the map when it is first shown
            from .pinmap import PinMap

            basemap = any(self.store.workshop(i).basemap for i in self.workshop_ids)
            self._map = PinMap(self.catalogue, basemap=basemap)
            self.map_box.children = [self._map]
            self._map.update(self._pins)

    # -- auto refresh ---------------------------------------------------------------------

    def start(self) -> None:
        """Refresh every ``interval`` seconds until :meth:`stop` (or the kernel ends)."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._loop())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.refresh()
            except Exception as exc:  # a hiccup of the database must not stop the projector
                self.header.value = f"{self._head}<div class='wb-dash-time'>Niet bijgewerkt: {escape(str(exc))}</div></div>"
