"""Step 3: "Waar woont u?" — the buurt from a list or on the map, the age group, a table's size."""

from __future__ import annotations

import ipywidgets as w

from werkboek.model.ballot import AGE_GROUPS, MAX_GROUP_SIZE
from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import age_label, t


class BuurtStep(Step):
    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang, draft = self.lang, app.draft
        buurten = sorted(app.catalogue.heerlen_noord.values(), key=lambda b: b.naam)
        self.buurt = w.Dropdown(options=[(t("rather_not", lang), "")] + [(b.naam, b.statcode) for b in buurten],
                                value=draft.buurt or "", description=t("buurt_label", lang),
                                style={"description_width": "initial"}, layout=ui.shared(ui.SharedLayout, width="100%"),
                                _dom_classes=("wb-input",))
        self.buurt.observe(self._buurt_changed, "value")
        self.age = w.Dropdown(options=[(t("rather_not", lang), "")] + [(age_label(k, lang), k) for k in AGE_GROUPS],
                              value=draft.age_group or "", description=t("age_label", lang),
                              style={"description_width": "initial"}, layout=ui.shared(ui.SharedLayout, width="100%"),
                              _dom_classes=("wb-input",))
        self.age.observe(self._age_changed, "value")
        self.map_button = ui.button(t("show_map", lang), "secondary")
        self.map_button.on_click(lambda _b: self.toggle_map())
        self.map_box = ui.column([], "wb-map-box")
        self.kaart = None
        children = [ui.heading(t("buurt_heading", lang))]
        if draft.is_group:
            self.group = ui.Stepper("", t("fewer_people", lang), t("more_people", lang),
                                    lambda: self._resize(-1), lambda: self._resize(+1))
            self._resize(0)
            children += [ui.para(t("group_size_label", lang), "wb-label"), self.group.widget]
        children += [ui.para(t("buurt_intro", lang)), self.buurt, self.map_button, self.map_box, self.age]
        self.widget = ui.column(children, "wb-step")

    def _resize(self, delta: int) -> None:
        size = self.app.draft.set_group_size(self.app.draft.group_size + delta)
        if delta:
            self.app.draft_changed()
        self.group.show(t("people", self.lang, n=size), can_minus=size > 2, can_plus=size < MAX_GROUP_SIZE)

    def _age_changed(self, change):
        self.app.draft.age_group = change["new"] or None
        self.app.draft_changed()

    def _buurt_changed(self, change):
        self.app.draft.buurt = change["new"] or None
        self.app.draft_changed()
        if self.kaart is not None and self.kaart.chosen != self.app.draft.buurt:
            self.kaart.choose(self.app.draft.buurt)

    def toggle_map(self) -> None:
        if self.map_box.children:
            self.map_box.children = []
            self.map_button.description = t("show_map", self.lang)
            return
        if self.kaart is None:
            from werkboek_widgets.maps import BuurtKaart  # ipyleaflet only now

            self.kaart = BuurtKaart(self.app.catalogue, basemap=self.app.draft.workshop.basemap,
                                    chosen=self.app.draft.buurt, hint=t("map_hint", self.lang),
                                    label=t("map_label", self.lang),
                                    on_buurt=self._picked_on_map)
        self.map_box.children = [self.kaart.widget]
        self.map_button.description = t("hide_map", self.lang)

    def _picked_on_map(self, statcode: str) -> None:
        self.buurt.value = statcode


STEP = BuurtStep
