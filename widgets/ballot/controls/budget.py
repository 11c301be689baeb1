"""Begroten: one large button that puts an actie in the basket or takes it out; an actie that
no longer fits says so and cannot be chosen. Above the acties a bar that stays in view:
"U heeft nog € 3,2 miljoen" (announced to screen readers as it changes)."""

from __future__ import annotations

from werkboek.dutch import amount_in_words
from werkboek_widgets import ui
from werkboek_widgets.ballot.controls.base import Control, register
from werkboek_widgets.ballot.texts import t


@register("begroten")
class BudgetControl(Control):
    left_key = "budget_left"
    left_classes = ("wb-budget-bar",)

    def __init__(self, step, actie):
        super().__init__(step, actie)
        label, disabled, chosen, note = self._look(step.app.draft, step.app.draft.left(step.leefgebied))
        self.button = ui.button(label, "choice", "", *(("wb-chosen",) if chosen else ()), disabled=disabled)
        self.button.on_click(lambda _b: self.tap("toggle"))
        self.note = ui.html(note, "wb-budget-note")
        self.widget = ui.column([self.button, self.note], "wb-budget-control")

    def _look(self, draft, left: int) -> tuple[str, bool, bool, str]:
        """The button's text, whether it cannot be tapped, whether the actie is chosen, the note."""
        chosen = bool(draft.value(self.actie.id))
        fits = chosen or draft.can(self.actie.id, "toggle")
        label = t("budget_chosen" if chosen else "budget_choose" if fits else "budget_no_fit", self.lang)
        note = ("" if fits else
                f'<p class="wb-no-fit">{ui.escape(t("budget_no_fit_note", self.lang, bedrag=amount_in_words(left, self.lang)))}</p>')
        return label, not fits, chosen, note

    def refresh(self, draft, left: int) -> None:
        label, disabled, chosen, note = self._look(draft, left)
        self.button.description, self.button.disabled = label, disabled
        ui.mark(self.button, "wb-chosen", chosen)
        self.note.value = note

    @classmethod
    def left_markup(cls, left: int, method, lang: str) -> str:
        budget = method.budget
        spent = budget - left
        text = t("budget_left", lang, bedrag=amount_in_words(left, lang)) if left > 0 else t("budget_left_0", lang)
        of = t("budget_of_whole" if method.whole_ballot else "budget_of_leefgebied", lang,
               budget=amount_in_words(budget, lang))
        still = ""
        if method.minimum and 0 < spent < method.minimum:
            still = (f'<p class="wb-budget-minimum">'
                     f'{ui.escape(t("budget_minimum", lang, bedrag=amount_in_words(method.minimum - spent, lang)))}</p>')
        used = 100 if budget <= 0 else max(0, min(100, round(100 * spent / budget)))
        return (
            f'<div class="wb-budget-inner"><p class="wb-budget-left" role="status" aria-live="polite" '
            f'aria-atomic="true" data-testid="budget-left">{ui.escape(text)}</p>'
            f'<div class="wb-budget-meter" aria-hidden="true"><div class="wb-budget-used" style="width: {used}%">'
            f'</div></div><p class="wb-budget-of">{ui.escape(of)}</p>{still}</div>'
        )
