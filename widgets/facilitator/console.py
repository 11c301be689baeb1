"""The facilitator's console: one tab per task of a workshop evening."""

from __future__ import annotations

import ipywidgets as w
import traitlets as t

from werkboek_widgets.facilitator.codes_panel import CodesPanel
from werkboek_widgets.facilitator.compare import CompareWorkshops
from werkboek_widgets.facilitator.dashboard import Dashboard
from werkboek_widgets.facilitator.editor import WorkshopEditor
from werkboek_widgets.facilitator.exports_panel import ExportsPanel
from werkboek_widgets.facilitator.health import HealthPanel
from werkboek_widgets.facilitator.remarks_panel import RemarksPanel
from werkboek_widgets.facilitator.voting import VotingControl

NEW = -1


class ConsoleApp(w.VBox):
    """Choose a workshop at the top; every tab works on that workshop."""

    workshop_id = t.Int(None, allow_none=True)

    def __init__(self, store, catalogue, dashboard_url: str | None = None, **kwargs):
        self.store = store
        self.catalogue = catalogue
        self.chooser = w.Dropdown(description="Bijeenkomst", style={"description_width": "120px"},
                                  layout=w.Layout(width="640px"))
        self.editor = WorkshopEditor(store, catalogue)
        self.codes = CodesPanel(store)
        self.voting = VotingControl(store)
        self.dashboard = Dashboard(store, catalogue)
        self.remarks = RemarksPanel(store)
        self.compare = CompareWorkshops(store, catalogue)
        self.exports = ExportsPanel(store, catalogue)
        self.health = HealthPanel(store)
        self.beamer_link = w.HTML()
        self.dashboard_url = dashboard_url
        self.tabs = w.Tab(children=[
            self.editor, self.codes, self.voting, w.VBox([self.beamer_link, self.dashboard]), self.remarks,
            self.compare, self.exports, self.health,
        ])
        for i, title in enumerate(["1. Voorbereiden", "2. Codes", "3. Stemmen", "4. Live uitslag",
                                   "5. Opmerkingen", "6. Samen bekijken", "7. Exporteren", "Stand van zaken"]):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, "selected_index")
        self.chooser.observe(self._chosen, "value")
        self.editor.observe(self._created, "workshop_id")
        super().__init__([w.HTML("<h1 class='wb-console-title'>Werkboek Heerlen-Noord: begeleiders</h1>"),
                          self.chooser, self.tabs], **kwargs)
        self.add_class("wb-console")
        self._reload_chooser()

    def _reload_chooser(self, select=None) -> None:
        workshops = self.store.workshops()
        self.chooser.options = [("Nieuwe bijeenkomst…", NEW)] + [(f"{ws.id}. {ws.title}", ws.id) for ws in workshops]
        if select is not None:
            self.chooser.value = select
        elif workshops:
            self.chooser.value = workshops[-1].id
        else:
            self.chooser.value = NEW

    def _chosen(self, change) -> None:
        self.workshop_id = None if change["new"] in (NEW, None) else change["new"]

    def _created(self, change) -> None:
        if change["new"] is not None and change["new"] != self.workshop_id:
            self._reload_chooser(select=change["new"])
            self.compare.reload()
            self.exports.reload()

    @t.observe("workshop_id")
    def _workshop_changed(self, change) -> None:
        wid = change["new"]
        self.editor.workshop_id = wid
        self.codes.workshop_id = wid
        self.voting.workshop_id = wid
        self.remarks.workshop_id = wid
        self.dashboard.workshop_ids = [wid] if wid is not None else []
        if wid is not None:
            self.exports.reload(selected=[wid])
        if wid is not None and self.dashboard_url:
            url = f"{self.dashboard_url}?workshop={wid}"
            self.beamer_link.value = (f"<p><a class='wb-download' href='{url}' target='_blank'>"
                                      "Open de uitslag voor de beamer (nieuw venster)</a></p>")

    def _on_tab(self, change) -> None:
        if change["new"] == 2:
            self.voting.show()
        if change["new"] == 3:
            self.dashboard.refresh()
            self.dashboard.start()
        else:
            self.dashboard.stop()
        if change["new"] == 4:
            self.remarks.show()
            self.remarks.start()
        else:
            self.remarks.stop()
        if change["new"] in (5, 6):
            self.compare.reload()
            self.exports.reload(selected=[self.workshop_id] if self.workshop_id is not None else None)
        if change["new"] == 7:
            self.health.show()
            self.health.start()
        else:
            self.health.stop()
