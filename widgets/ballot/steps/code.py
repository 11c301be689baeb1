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
                            style={"description_width": "initial"}, layout=ui.shared(ui.SharedLayout, width="100%"),
                            # wb-code-input: werkboek-watch.js remembers the code for a reload
                            _dom_classes=("wb-input", "wb-code-input"))
        self.input.observe(self._typed, "value")
        # "Verder" with the code in it (werkboek.js): ipywidgets sends a text field's value at most
        # one update at a time per field (the rest waits until the kernel is idle) but a click at
        # once, so under load the click overtook the last letters and a right code was refused.
        # The page writes "<tap number>:<code as shown>" here instead of clicking; one message.
        self.go = w.Text(value="", continuous_update=True, layout=ui.shared(ui.SharedLayout, display="none"),
                         _dom_classes=("wb-code-go",))
        self.go.observe(app.on_this_screen(self._go), "value")
        self.widget = ui.column([
            ui.heading(t("code_heading", lang)),
            ui.para(t("code_intro", lang)),
            self.input,
            self.go,
        ], "wb-step")

    def _go(self, change) -> None:
        """A tap on "Verder" carrying the code as the resident saw it (untrusted: as typed)."""
        tap, sep, code = (change["new"] or "").partition(":")
        if not sep or not tap.isdigit() or len(code) > 40 or self.app.flow.current.step != "code":
            return
        self.input.value = code
        self.app.next()

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
