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
        self.stepper = ui.Stepper("", t("stip_less", self.lang, titel=actie.titel_in(self.lang)),
                                  t("stip_more", self.lang, titel=actie.titel_in(self.lang)),
                                  lambda: self.tap("remove"), lambda: self.tap("add"))
        self.widget = self.stepper.widget
        self.minus, self.plus, self.value = self.stepper.minus, self.stepper.plus, self.stepper.value

    def refresh(self, draft, left: int) -> None:
        value = draft.value(self.actie.id)
        self.stepper.show(counted("stippen", value, self.lang), can_minus=draft.can(self.actie.id, "remove"),
                          can_plus=draft.can(self.actie.id, "add"))
