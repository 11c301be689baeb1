"""Step 5: an optional remark, length-limited (the store limits it again)."""

from __future__ import annotations

import ipywidgets as w

from werkboek.model.ballot import MAX_REMARK
from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import t


class OpmerkingStep(Step):
    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang = self.lang
        self.input = w.Textarea(value=app.draft.remark, description=t("remark_label", lang), rows=5,
                                continuous_update=True, style={"description_width": "initial"},
                                layout=ui.shared(ui.SharedLayout, width="100%"), _dom_classes=("wb-input",))
        self.counter = ui.status()
        self.input.observe(self._typed, "value")
        self._typed({"new": self.input.value})
        self.widget = ui.column([ui.heading(t("remark_heading", lang)), self.input, self.counter], "wb-step")

    def _typed(self, change) -> None:
        if self.app.draft.remark != change["new"]:
            self.app.draft.remark = change["new"]
            self.app.draft_changed()
        left = MAX_REMARK - len(change["new"])
        ui.set_status(self.counter, t("remark_left", self.lang, n=left) if left >= 0 else t("remark_too_long", self.lang),
                      "info" if left >= 0 else "error")

    def leave(self) -> str | None:
        if len(self.input.value.strip()) > MAX_REMARK:
            return t("remark_too_long", self.lang)
        return None


STEP = OpmerkingStep
