"""Compare and combine workshops: the buurtavonden and the bewonersconferentie together."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from werkboek.dutch import count, date_nl
from werkboek.model.results import tally
from werkboek.model.workshop import STATUS_LABELS


class CompareWorkshops(w.VBox):
    def __init__(self, store, catalogue, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.choice = w.SelectMultiple(description="Bijeenkomsten", rows=6, style={"description_width": "140px"},
                                       layout=w.Layout(width="640px"))
        self.show_button = w.Button(description="Samen bekijken", button_style="primary", icon="bar-chart",
                                    layout=w.Layout(width="240px", height="48px"))
        self.table = w.HTML()
        self._dashboard = None  # made when first asked for (bqplot is slow to load)
        self.show_button.on_click(self._show)
        super().__init__([
            w.HTML("<h2>Bijeenkomsten samen bekijken</h2><p>Kies twee of meer bijeenkomsten. De uitslag telt "
                   "alle stemmen samen; een tafel telt mee met het aantal mensen aan tafel.</p>"),
            self.choice, self.show_button, self.table,
        ], **kwargs)
        self.reload()

    @property
    def dashboard(self):
        if self._dashboard is None:
            from werkboek_widgets.facilitator.dashboard import Dashboard

            self._dashboard = Dashboard(self.store, self.catalogue)
            self.children = [*self.children, self._dashboard]
        return self._dashboard

    def reload(self) -> None:
        self.choice.options = [(f"{ws.id}. {ws.title}", ws.id) for ws in self.store.workshops()]

    def _show(self, _button=None) -> None:
        ids = list(self.choice.value)
        if not ids:
            self.table.value = "<p class='wb-error' role='alert'>Kies eerst een of meer bijeenkomsten.</p>"
            return
        rows = []
        for wid in ids:
            ws = self.store.workshop(wid)
            res = tally(self.store.ballots([wid]), [ws], self.catalogue)
            date = date_nl(ws.date, weekday=False)
            rows.append(f"<tr><td>{escape(ws.title)}</td><td>{date}</td><td>{escape(ws.voting_method().label)}</td>"
                        f"<td>{STATUS_LABELS[ws.status]}</td><td class='num'>{res.ballots}</td>"
                        f"<td class='num'>{count(res.people)}</td></tr>")
        self.table.value = (
            "<table class='wb-table'><thead><tr><th>Bijeenkomst</th><th>Datum</th><th>Manier van stemmen</th>"
            "<th>Status</th><th>Stemmen</th><th>Mensen</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        )
        self.dashboard.workshop_ids = ids
