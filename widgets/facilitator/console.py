"""The facilitator's console: one tab per task of a workshop evening, in the order of the evening.

Tab titles are shown whole (they wrap onto a second row on a small laptop screen, see
``style.py``); under the tabs a line says what the next step is, with a button to go there.
"""

from __future__ import annotations

import ipywidgets as w
import traitlets as t

from werkboek_widgets.facilitator.codes_panel import CodesPanel
from werkboek_widgets.facilitator.compare import CompareWorkshops
from werkboek_widgets.facilitator.editor import WorkshopEditor
from werkboek_widgets.facilitator.exports_panel import ExportsPanel
from werkboek_widgets.facilitator.health import HealthPanel
from werkboek_widgets.facilitator.paper_panel import PaperPanel
from werkboek_widgets.facilitator.preview import BallotPreview
from werkboek_widgets.facilitator.remarks_panel import RemarksPanel
from werkboek_widgets.facilitator.rounds_panel import RoundsPanel
from werkboek_widgets.facilitator.voting import VotingControl

NEW = -1
TITLES = ["1. Voorbereiden", "2. Codes", "3. Stemmen", "4. Live uitslag", "5. Opmerkingen", "6. Samen bekijken",
          "7. Exporteren", "Stand van zaken", "Papieren stembiljetten", "Rondes"]
NEXT_STEP = [
    "Vul de bijeenkomst in en klik op Opslaan. Daarna: 2. Codes, om de stemcodes te maken en te printen.",
    "Maak de codes en print ze. Daarna: 3. Stemmen, om het stemmen te openen als iedereen een briefje heeft.",
    "Open het stemmen. Daarna: 4. Live uitslag, om de uitslag op de beamer te zetten.",
    "Zet de uitslag op de beamer. Daarna: 5. Opmerkingen, om te kiezen welke opmerkingen op het scherm mogen.",
    "Kies welke opmerkingen op het scherm mogen. Sluit het stemmen bij 3. Stemmen. Daarna: 7. Exporteren.",
    "Vergelijk bijeenkomsten met elkaar. Daarna: 7. Exporteren.",
    "Download de bestanden voor het programmabureau. Dan bent u klaar.",
    "Hier ziet u of alles goed draait. Ga terug naar de stap waar u was.",
    "Print papieren stembiljetten voor wie niet op de telefoon stemt. Voer de ingevulde papieren hier in, "
    "voordat u het stemmen sluit bij 3. Stemmen.",
    "Na een tweede ronde (te openen bij 3. Stemmen) ziet u hier wat het gesprek aan tafel veranderde. "
    "Daarna: 7. Exporteren.",
]
NEXT_INDEX = [1, 2, 3, 4, 6, 6, None, None, 2, 6]
PAPER_TAB = 8
ROUNDS_TAB = 9


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
        self.preview = BallotPreview(store, catalogue)
        self._dashboard = None  # made when the live tab is first opened (bqplot: the slowest part to load)
        self.remarks = RemarksPanel(store)
        self.compare = CompareWorkshops(store, catalogue)
        self.exports = ExportsPanel(store, catalogue)
        self.health = HealthPanel(store)
        self.paper = PaperPanel(store, catalogue)
        self.rounds = RoundsPanel(store, catalogue)
        self.beamer_link = w.HTML()
        self.reveal = w.Button(description="Nu onthullen", icon="eye", button_style="primary",
                               layout=w.Layout(width="220px", height="48px", display="none"))
        self.reveal_note = w.HTML()
        self.reveal.on_click(self._reveal)
        self.next_hint = w.HTML()
        self.next_button = w.Button(description="Volgende stap", icon="arrow-right",
                                    layout=w.Layout(width="auto", height="44px"))
        self.next_button.on_click(self._go_next)
        self.dashboard_url = dashboard_url
        self.tabs = w.Tab(children=[
            self.editor, self.codes, w.VBox([self.voting, self.preview]),
            self._live_box(), self.remarks,
            self.compare, self.exports, self.health, self.paper, self.rounds,
        ])
        for i, title in enumerate(TITLES):
            self.tabs.set_title(i, title)
        self.tabs.observe(self._on_tab, "selected_index")
        self.chooser.observe(self._chosen, "value")
        self.editor.observe(self._created, "workshop_id")
        hint = w.HBox([self.next_hint, self.next_button], layout=w.Layout(align_items="center",
                                                                         flex_flow="row wrap"))
        hint.add_class("wb-next-step")
        super().__init__([w.HTML("<h1 class='wb-console-title'>Werkboek Heerlen-Noord: begeleiders</h1>"),
                          self.chooser, hint, self.tabs], **kwargs)
        self.add_class("wb-console")
        self._reload_chooser()
        self._hint(self.tabs.selected_index or 0)

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
        self.preview.workshop_id = wid
        self.remarks.workshop_id = wid
        self.paper.workshop_id = wid
        self.rounds.workshop_id = wid
        if self._dashboard is not None:
            self._dashboard.workshop_ids = [wid] if wid is not None else []
        if wid is not None:
            self.exports.reload(selected=[wid])
        if wid is not None and self.dashboard_url:
            url = f"{self.dashboard_url}?workshop={wid}"
            self.beamer_link.value = (f"<p><a class='wb-download' href='{url}' target='_blank'>"
                                      "Open de uitslag voor de beamer (nieuw venster)</a></p>")

    def _live_box(self) -> w.VBox:
        self.live = w.VBox([self.beamer_link, w.HBox([self.reveal, self.reveal_note])])
        return self.live

    @property
    def dashboard(self):
        """The live results of the chosen workshop (made on first use: the console starts faster without it)."""
        if self._dashboard is None:
            from werkboek_widgets.facilitator.dashboard import Dashboard

            self._dashboard = Dashboard(self.store, self.catalogue,
                                        workshop_ids=[self.workshop_id] if self.workshop_id is not None else [])
            self.live.children = [*self.live.children, self._dashboard]
        return self._dashboard

    def _hint(self, index: int) -> None:
        self.next_hint.value = f"<p class='wb-next' data-testid='next-step'><b>Wat nu?</b> {NEXT_STEP[index]}</p>"
        following = NEXT_INDEX[index]
        self.next_button.layout.display = None if following is not None else "none"
        if following is not None:
            self.next_button.description = f"Volgende stap: {TITLES[following]}"

    def _go_next(self, _button=None) -> None:
        following = NEXT_INDEX[self.tabs.selected_index or 0]
        if following is not None:
            self.tabs.selected_index = following

    def _show_reveal(self) -> None:
        ws = self.store.workshop(self.workshop_id) if self.workshop_id is not None else None
        hidden = ws is not None and not ws.results_visible
        self.reveal.layout.display = None if hidden else "none"
        self.reveal_note.value = ("<p class='wb-note'>De uitslag is verborgen tot het sluiten. Met 'Nu onthullen' "
                                  "komt hij meteen op de beamer.</p>" if hidden else "")

    def _reveal(self, _button=None) -> None:
        if self.workshop_id is not None:
            self.store.reveal_results(self.workshop_id)
            if self._dashboard is not None:
                self._dashboard.refresh()
        self._show_reveal()

    def _on_tab(self, change) -> None:
        self._hint(change["new"])
        if change["new"] == 2:
            self.voting.show()
        if change["new"] == 3:
            self._show_reveal()
            self.dashboard.refresh()
            self.dashboard.start()
        elif self._dashboard is not None:
            self._dashboard.stop()
        if change["new"] == 4:
            self.remarks.show()
            self.remarks.start()
        else:
            self.remarks.stop()
        if change["new"] in (5, 6):
            self.compare.reload()
            self.exports.reload(selected=[self.workshop_id] if self.workshop_id is not None else None)
        if change["new"] == PAPER_TAB:
            self.paper.show()
        if change["new"] == ROUNDS_TAB:
            self.rounds.show()
            self.rounds.start()
        else:
            self.rounds.stop()
        if change["new"] == 7:
            self.health.show()
            self.health.start()
        else:
            self.health.stop()
