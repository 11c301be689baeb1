"""The live dashboard for the projector: turnout, ranked acties per leefgebied, buurten, ages, pins, remarks.

It refreshes itself every few seconds (an asyncio task in the kernel, so it works in
Voilà and in JupyterLab alike). A refresh first asks the store for a cheap fingerprint of
the ballots and only reloads and redraws when something changed; charts update their data
in place, so the projected page neither flickers nor jumps.

Privacy (:mod:`werkboek.model.privacy`): the room must not be able to read one resident's ballot
off the screen. Only the number of ballots received is live; everything else (results,
who voted, pins, remarks) comes from the last complete batch of k ballots
(:func:`~werkboek.model.privacy.projector_batch`). Buurten and age groups of fewer than k people
show as "Overige …"; remarks and pin texts only once approved (or with "alles direct
tonen"), without a time and in an order that has nothing to do with their arrival.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from html import escape

import ipywidgets as w
import traitlets as t

from werkboek.dutch import count
from werkboek.model.ballot import AGE_GROUPS, Pin
from werkboek.model.methods import method_class
from werkboek.model.privacy import (
    OTHER,
    OTHER_AGE,
    OTHER_BUURT,
    privacy_k,
    projector_batch,
    remark_shown,
    round_coordinate,
    suppress_small,
    turnout_in_steps,
)
from werkboek.model.records import PAPER
from werkboek.model.results import tally
from werkboek.model.workshop import STATUS_LABELS
from werkboek_widgets.facilitator.charts import CountBars, RankedBars, TurnoutLine
from werkboek_widgets.facilitator.funded import FundedPanel
from werkboek_widgets.facilitator.refresh import AutoRefresh


class Dashboard(AutoRefresh, w.VBox):
    workshop_ids = t.List(t.Int(), help="the workshops whose current ballots are shown (combined)")
    interval = t.Float(3.0, help="seconds between refreshes")
    ballots_shown = t.Int(0, help="number of ballots in the results shown (the last complete batch)").tag(sync=False)
    paper_received = t.Int(0, help="current ballots that came on paper (live, like the number received)").tag(
        sync=False)

    def __init__(self, store, catalogue, workshop_ids=(), **kwargs):
        self.store = store
        self.catalogue = catalogue
        self._fingerprint = None
        self._shown_key = None
        self._res = None
        self._head = ""
        self._pins = []
        self.header = w.HTML()
        self.charts: dict[str, RankedBars] = {}
        self.results_grid = w.GridBox(layout=w.Layout(grid_template_columns="repeat(auto-fit, minmax(560px, 1fr))",
                                                      grid_gap="24px", width="100%"))
        self.turnout = TurnoutLine()
        self.by_buurt = CountBars("Mensen per buurt", colour="#0072B2")
        self.by_age = CountBars("Mensen per leeftijd", colour="#8F3668")
        self.notice = w.HTML()
        self.remarks = w.HTML()
        self._map = None
        self.map_box = w.VBox()
        self.funded = FundedPanel(catalogue)  # a method with a budget: what it pays for (funded.py)
        self.tabs = w.Tab(children=[
            w.VBox([self.funded, self.results_grid]),
            w.VBox([self.turnout, w.HBox([self.by_buurt, self.by_age],
                                          layout=w.Layout(width="100%"))]),
            self.map_box,
            self.remarks,
        ])
        for i, title in enumerate(["Uitslag", "Wie stemden", "Kaart", "Opmerkingen"]):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, "selected_index")
        super().__init__([self.header, self.notice, self.tabs], **kwargs)
        self.add_class("wb-dashboard")
        self.workshop_ids = list(workshop_ids)

    # -- refreshing ---------------------------------------------------------------------

    @t.observe("workshop_ids")
    def _on_workshops(self, _change):
        self._fingerprint = None
        self._shown_key = None
        self._build_charts()
        self.refresh()

    def refresh(self, force: bool = False) -> bool:
        """Reload when the ballots or the moderation changed; returns True when the results shown changed."""
        if not self.workshop_ids:
            self.header.value = "<h1 class='wb-dash-title'>Kies een bijeenkomst</h1>"
            return False
        fingerprint = self.store.ballots_fingerprint(self.workshop_ids)
        workshops = [self.store.workshop(i) for i in self.workshop_ids]
        settings = tuple((ws.status, ws.privacy_k, ws.remarks_direct, ws.results_visible) for ws in workshops)
        moderation = self.store.remark_statuses(self.workshop_ids)
        state = (fingerprint, settings, tuple(sorted(moderation.items())))
        if not force and state == self._fingerprint:
            self._stamp(workshops, None)
            return False
        self._fingerprint = state
        k = privacy_k(workshops)
        history = self.store.ballots(self.workshop_ids, include_superseded=True)
        # like the number received, live: that a paper came in says nothing of what is on it
        self.paper_received = sum(b.channel == PAPER for b in history if b.superseded_at is None)
        batch = projector_batch(history, k)
        if not all(ws.results_visible for ws in workshops):  # "uitslag verbergen tot sluiten": nothing of the votes
            batch = dataclasses.replace(batch, ballots=(), waiting=0)
        shown_key = (tuple(b.id for b in batch.ballots), settings)
        changed = force or shown_key != self._shown_key
        self._shown_key = shown_key
        if changed:
            self._show_results(batch, workshops)
        self._moderated(batch, workshops, moderation)
        self._stamp(workshops, batch)
        return changed

    def _show_results(self, batch, workshops) -> None:
        res = tally(batch.ballots, workshops, self.catalogue)
        self._res = res
        self.ballots_shown = res.ballots
        for lg, chart in self.charts.items():
            chart.update([(self.catalogue.acties[r.actie_id].titel, r.score, r.voters) for r in res.ranked(lg)])
        self.funded.show(workshops, res)
        self.turnout.update(turnout_in_steps(res.turnout))
        k = batch.k
        names = {code: b.naam for code, b in self.catalogue.buurten.items()}
        names.update({"": "Niet gezegd", OTHER: OTHER_BUURT})
        by_buurt = suppress_small(res.by_buurt, k)
        self.by_buurt.update(sorted(((names.get(key, key), v) for key, v in by_buurt.items() if key != OTHER),
                                    key=lambda kv: -kv[1])
                             + ([(OTHER_BUURT, by_buurt[OTHER])] if by_buurt.get(OTHER) else []))
        by_age = suppress_small(res.by_age, k)
        self.by_age.update([(AGE_GROUPS[key], by_age[key]) for key in AGE_GROUPS if by_age.get(key)]
                           + ([("Niet gezegd", by_age[""])] if by_age.get("") else [])
                           + ([(OTHER_AGE, by_age[OTHER])] if by_age.get(OTHER) else []))

    def _moderated(self, batch, workshops, moderation: dict[int, str]) -> None:
        """Remarks and pin texts of the batch that may be shown (they change when the facilitator decides)."""
        direct = {ws.id: ws.remarks_direct for ws in workshops}
        remarks, pins = [], []
        # ordered by the ballot's keyed pseudonym: unrelated to the order of arrival
        for b in sorted(batch.ballots, key=lambda b: (b.pseudonym, b.id)):
            shown = remark_shown(moderation.get(b.id, "pending"), direct.get(b.workshop_id, False))
            if shown and b.remark:
                remarks.append(b.remark)
            pins.extend(Pin(p.leefgebied, round_coordinate(p.lat), round_coordinate(p.lon), p.text if shown else "")
                        for p in b.pins)
        self._remarks(remarks, batch)
        if self._map is not None:
            self._map.update(pins)
        self._pins = pins

    def _stamp(self, workshops, batch) -> None:
        now = dt.datetime.now().strftime("%H:%M:%S")
        if batch is not None:
            titles = " + ".join(escape(ws.title) for ws in workshops)
            status = ", ".join(sorted({STATUS_LABELS[ws.status] for ws in workshops}))
            people = count(self._res.people) if self._res is not None else "0"
            closed = not any(ws.is_open for ws in workshops)
            self._head = (
                f"<div class='wb-dash-head'><h1 class='wb-dash-title'>{titles}</h1>"
                f"<div class='wb-dash-status'>{escape(status)}</div>"
                f"<div class='wb-dash-count'><span class='wb-big' data-testid='ballots'>{batch.received}</span> "
                f"stemmen ontvangen{_on_paper(self.paper_received)}</div>"
                f"<div class='wb-dash-count'>Uitslag van <span data-testid='shown'>{len(batch.ballots)}</span> "
                f"stemmen &middot; <span data-testid='people'>{people}</span> mensen</div>"
            )
            self.notice.value = _notice(batch, closed)
            if not all(ws.results_visible for ws in workshops):
                self.notice.value = ("<p class='wb-dash-notice' data-testid='notice'>De uitslag komt na het sluiten "
                                     "van het stemmen.</p>")
        self.header.value = f"{self._head}<div class='wb-dash-time'>Bijgewerkt om {now}</div></div>"

    def _build_charts(self) -> None:
        workshops = [self.store.workshop(i) for i in self.workshop_ids]
        methods = {ws.method for ws in workshops}
        label = method_class(methods.pop()).score_label if len(methods) == 1 else "Score"
        on_ballot = {a for ws in workshops for a in ws.acties}
        charts = {}
        for lg in self.catalogue.leefgebieden.values():
            if any(self.catalogue.acties[a].leefgebied == lg.id for a in on_ballot if a in self.catalogue.acties):
                charts[lg.id] = RankedBars(lg.naam, lg.kleur, label)
        self.charts = charts
        self.results_grid.children = list(charts.values())

    def _remarks(self, remarks: list[str], batch) -> None:
        if not remarks:
            text = "Nog geen opmerkingen." if batch.ballots else "Nog geen opmerkingen: de uitslag komt eerst."
            self.remarks.value = f"<p class='wb-empty'>{text}</p>"
            return
        # dir='auto': a remark in Arabic or Persian reads right to left, without turning its neighbours around
        items = "".join(f"<li dir='auto'>{escape(text)}</li>" for text in remarks)
        self.remarks.value = f"<ul class='wb-remarks'>{items}</ul>"

    def _on_tab(self, change) -> None:
        if change["new"] == 2 and self._map is None:  # build the map when it is first shown
            from werkboek_widgets.maps import PinMap

            basemap = any(self.store.workshop(i).basemap for i in self.workshop_ids)
            self._map = PinMap(self.catalogue, basemap=basemap)
            self.map_box.children = [self._map]
            self._map.update(self._pins)

    # -- auto refresh (werkboek_widgets.facilitator.refresh) -----------------------------

    def refresh_once(self) -> None:
        self.refresh()

    def refresh_failed(self, exc: Exception) -> None:  # a hiccup of the database must not stop the screen
        self.header.value = f"{self._head}<div class='wb-dash-time'>Niet bijgewerkt: {escape(str(exc))}</div></div>"

def _on_paper(n: int) -> str:
    if not n:
        return ""
    return f", waarvan <span data-testid='paper'>{n}</span> op papier"


def _notice(batch, closed: bool) -> str:
    return f"<p class='wb-dash-notice' data-testid='notice'>{escape(notice_text(batch, closed))}</p>"


def notice_text(batch, closed: bool) -> str:
    """What the room reads about the batches (Dutch, B1)."""
    k = batch.k
    if batch.empty:
        if closed and batch.received:
            text = (f"Het stemmen is gesloten. Er zijn minder dan {k} stemmen. Daarom staat de uitslag niet op "
                    "het scherm: u zou dan kunnen zien wat één persoon stemde.")
        else:
            text = f"De uitslag verschijnt zodra er {k} stemmen zijn."
    elif closed and batch.waiting:
        text = (f"Eindstand. De laatste {batch.waiting} {'stem staat' if batch.waiting == 1 else 'stemmen staan'} "
                f"niet op het scherm: dat zijn er minder dan {k}, en dan zou u kunnen zien wat iemand stemde. "
                "Ze tellen wel mee in het verslag.")
    elif closed:
        text = "Eindstand."
    else:
        text = (f"Bijgewerkt per {k} stemmen. Zo kan niemand zien wat één persoon stemde."
                if k > 1 else "Elke stem komt direct op het scherm.")
    return text
