"""After step 6: "Bedankt, uw stem is ontvangen", and a way to change the vote while voting is open."""

from __future__ import annotations

from werkboek import settings
from werkboek_widgets import ui
from werkboek_widgets.ballot.steps import Step
from werkboek_widgets.ballot.texts import t


class BedanktStep(Step):
    next_key = None
    show_back = False

    def __init__(self, app, screen):
        super().__init__(app, screen)
        lang = self.lang
        self.change = ui.button(t("change", lang), "secondary")
        self.change.on_click(app.on_this_screen(lambda _b: app.change_vote()))
        children = [ui.html(f'<h1 class="wb-thanks" role="status">{ui.escape(t("thanks_heading", lang))}</h1>')]
        if app.receipt is not None and app.receipt.replaced:
            children.append(ui.para(t("thanks_replaced", lang)))
        children += [ui.para(t("thanks_change", lang)), self.change]
        results = settings.public_url()  # a plain http(s) address or None (werkboek.settings)
        if results:
            children.append(ui.para(t("thanks_results", lang, url=results), "wb-results-url"))
        self.widget = ui.column(children, "wb-step")


STEP = BedanktStep
