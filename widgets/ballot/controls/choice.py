"""Aankruisen and top 3: one large button that chooses the actie or takes it out."""

from __future__ import annotations

from werkboek_widgets import ui
from werkboek_widgets.ballot.controls.base import Control, register
from werkboek_widgets.ballot.texts import t


class ChoiceControl(Control):
    def __init__(self, step, actie):
        super().__init__(step, actie)
        self.button = ui.button("", "choice")
        self.button.on_click(lambda _b: self.tap("toggle"))
        self.widget = self.button

    def label(self, value: int) -> str:
        raise NotImplementedError

    def refresh(self, draft, left: int) -> None:
        value = draft.value(self.actie.id)
        self.button.description = self.label(value)
        self.button.disabled = not value and left <= 0
        if value:
            self.button.add_class("wb-chosen")
        else:
            self.button.remove_class("wb-chosen")


@register("goedkeuren")
class ApprovalControl(ChoiceControl):
    left_key = "approvals_left"

    def label(self, value: int) -> str:
        return t("approved" if value else "approve", self.lang)


@register("top3")
class RankingControl(ChoiceControl):
    left_key = "ranks_left"

    def label(self, value: int) -> str:
        return t("rank_is", self.lang, n=value) if value else t("rank_add", self.lang)
