"""Step 4, one screen per leefgebied: its acties in plain words and the workshop's method.

Stippen (big − and +, "nog 3 stippen over"), approve up to k, a top 3, or begroten
("U heeft nog € 3,2 miljoen" in a bar that stays in view). Optionally a pin
on the map ("waar in de buurt?") with a short text.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from werkboek.dutch import euros_in_words, years_in_words
from werkboek.model.ballot import MAX_PIN_TEXT
from werkboek_widgets import ui
from werkboek_widgets.ballot.controls import control_for
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import t


class StemmenStep(Step):
    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang, draft = self.lang, app.draft
        self.leefgebied = screen.leefgebied
        lg = app.catalogue.leefgebieden[self.leefgebied]
        naam = lg.naam_en if lang == "en" and lg.naam_en else lg.naam
        i, n = app.flow.part()
        self.control_class = control_for(draft.method.key)
        # every widget built as it first looks (a change after creation is one more message)
        self.left = ui.status("", "info", *self.control_class.left_classes, markup=self._left_markup())
        self.controls = {}
        cards = []
        for actie in draft.per_leefgebied[self.leefgebied]:
            control = self.control_class(self, actie)
            self.controls[actie.id] = control
            cards.append(ui.column([ui.html(self._describe(actie)), control.widget], "wb-card"))
        header = ui.html(
            f'<p class="wb-part">{escape(t("leefgebied_part", lang, i=i, n=n))}</p>'
            f'<h1 class="wb-lg" style="border-left: 12px solid {escape(lg.kleur)}">{escape(naam)}</h1>'
        )
        self.pin_button = ui.button(t("pin_open", lang), "secondary")
        self.pin_button.on_click(lambda _b: self.open_pin_map())
        self.pin_box = ui.column([], "wb-map-box")
        self.pin_status = ui.status(self._pins_text())
        self.widget = ui.column([
            header, ui.para(draft.method.describe(lang)),
            self.left, *cards,
            ui.heading(t("pin_heading", lang), 2), self.pin_button, self.pin_box, self.pin_status,
        ], "wb-step")

    # -- acties ---------------------------------------------------------------------------

    def _describe(self, actie) -> str:
        cost = t("cost", self.lang, kosten=euros_in_words(actie.kosten, self.lang),
                 jaren=years_in_words(actie.looptijd, self.lang))
        return (f'<h2 class="wb-actie">{escape(actie.titel_in(self.lang))}</h2>'
                f'<p class="wb-text">{escape(actie.beschrijving_in(self.lang))}</p><p class="wb-cost">{escape(cost)}</p>')

    def changed(self, ok: bool) -> None:
        """A control was tapped (``ok``: the draft changed)."""
        self.refresh()
        if ok:
            self.app.draft_changed()

    def _left_markup(self, left: int | None = None) -> str:
        draft = self.app.draft
        left = draft.left(self.leefgebied) if left is None else left
        return self.control_class.left_markup(left, draft.method, self.lang)

    def refresh(self) -> None:
        draft = self.app.draft
        left = draft.left(self.leefgebied)
        self.left.value = self._left_markup(left)
        for control in self.controls.values():
            control.refresh(draft, left)

    # -- pins -----------------------------------------------------------------------------

    def _pins_text(self) -> str:
        n = len(self.app.draft.pins_in(self.leefgebied))
        return t("pins_count", self.lang, n=n) if n else ""

    def open_pin_map(self) -> None:
        if self.pin_box.children:
            return
        from werkboek_widgets.maps import BuurtKaart  # ipyleaflet only now

        self.kaart = BuurtKaart(self.app.catalogue, basemap=self.app.draft.workshop.basemap,
                                chosen=self.app.draft.buurt, hint=t("pin_hint", self.lang),
                                label=t("pin_map_label", self.lang), on_place=lambda lat, lon: ui.set_status(self.pin_status, ""))
        self.pin_text = w.Text(description=t("pin_text_label", self.lang), style={"description_width": "initial"},
                               layout=ui.shared(ui.SharedLayout, width="100%"), _dom_classes=("wb-input",))
        self.pin_save = ui.button(t("pin_save", self.lang), "secondary")
        self.pin_save.on_click(lambda _b: self.save_pin())
        self.pin_box.children = [self.kaart.widget, self.pin_text, self.pin_save]

    def save_pin(self) -> None:
        lang, draft = self.lang, self.app.draft
        if self.kaart.place is None:
            return ui.set_status(self.pin_status, t("pin_pick_first", lang), "error")
        lat, lon = self.kaart.place
        if self.app.catalogue.buurt_at(lat, lon) is None:
            return ui.set_status(self.pin_status, t("pin_outside", lang), "error")
        text = self.pin_text.value.strip()[:MAX_PIN_TEXT]
        if not draft.add_pin(self.leefgebied, lat, lon, text):
            return ui.set_status(self.pin_status, t("pins_full", lang), "error")
        self.pin_box.children = []
        ui.set_status(self.pin_status, f"{t('pin_saved', lang)} {self._pins_text()}")
        self.app.draft_changed()


STEP = StemmenStep
