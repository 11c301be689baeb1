"""Step 2: the stemcode, from the link (``?code=K7P-4QX``) or typed in, checked with the store."""

from __future__ import annotations

import ipywidgets as w

from werkboek.errors import BallotRejected
from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import rejected, t


class CodeStep(Step):
    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang = self.lang
        self.input = w.Text(value=app.code_typed, description=t("code_label", lang),
                            placeholder=t("code_placeholder", lang), continuous_update=True,
                            style={"description_width": "initial"}, layout=w.Layout(width="100%"))
        self.input.add_class("wb-input")
        self.input.add_class("wb-code-input")  # werkboek-watch.js remembers the code for a reload
        self.input.observe(self._typed, "value")
        self.widget = ui.column([
            ui.heading(t("code_heading", lang)),
            ui.para(t("code_intro", lang)),
            self.input,
        ], "wb-step")

    def _typed(self, change):
        self.app.code_typed = change["new"]

    def leave(self) -> str | None:
        typed = self.input.value.strip()
        if not typed:
            return t("code_missing", self.lang)
        try:
            code, workshop = self.app.check_code(typed)
        except BallotRejected as exc:
            return rejected(exc, self.lang)
        self.app.start_ballot(code, workshop)
        return None


STEP = CodeStep
