"""Step 1: the workshop's title, what happens with the vote, one line on privacy."""

from __future__ import annotations

from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import t


class Welkom(Step):
    next_key = "start"
    show_back = False

    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang = self.lang
        title = app.workshop.title if app.workshop else t("welcome_generic_title", lang)
        self.language = ui.button(t("switch_language", lang), "link")
        self.language.on_click(app.on_this_screen(lambda _b: app.switch_language()))
        self.widget = ui.column([
            ui.heading(t("welcome_heading", lang)),
            ui.html(f'<p class="wb-title">{ui.escape(title)}</p>'),
            ui.para(t("welcome_what", lang)),
            ui.para(t("welcome_time", lang)),
            ui.para(t("welcome_privacy", lang), "wb-privacy"),
            self.language,
        ], "wb-step")


STEP = Welkom
