"""Stippen: a big − and + around the number of dots on the actie."""

from __future__ import annotations

from werkboek_widgets import ui
from werkboek_widgets.ballot.controls.base import Control, register
from werkboek_widgets.ballot.texts import counted, t


@register("punten")
class PointsControl(Control):
    left_key = "points_left"

    def __init__(self, step, actie):
        super().__init__(step, actie)
        text, can_minus, can_plus = self._look(step.app.draft)
        self.stepper = ui.Stepper(text, t("stip_less", self.lang, titel=actie.titel_in(self.lang)),
                                  t("stip_more", self.lang, titel=actie.titel_in(self.lang)),
                                  lambda: self.tap("remove"), lambda: self.tap("add"),
                                  can_minus=can_minus, can_plus=can_plus)
        self.widget = self.stepper.widget
        self.minus, self.plus, self.value = self.stepper.minus, self.stepper.plus, self.stepper.value

    def _look(self, draft) -> tuple[str, bool, bool]:
        """The count, and whether − and + can be tapped."""
        return (counted("stippen", draft.value(self.actie.id), self.lang), draft.can(self.actie.id, "remove"),
                draft.can(self.actie.id, "add"))

    def refresh(self, draft, left: int) -> None:
        text, can_minus, can_plus = self._look(draft)
        self.stepper.show(text, can_minus=can_minus, can_plus=can_plus)
