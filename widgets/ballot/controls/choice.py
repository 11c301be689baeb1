"""Aankruisen and top 3: one large button that chooses the actie or takes it out."""

from __future__ import annotations

from werkboek_widgets import ui
from werkboek_widgets.ballot.controls.base import Control, register
from werkboek_widgets.ballot.texts import t


class ChoiceControl(Control):
    def __init__(self, step, actie):
        super().__init__(step, actie)
        label, disabled, chosen = self._look(step.app.draft, step.app.draft.left(step.leefgebied))
        self.button = ui.button(label, "choice", "", *(("wb-chosen",) if chosen else ()), disabled=disabled)
        self.button.on_click(lambda _b: self.tap("toggle"))
        self.widget = self.button

    def label(self, value: int) -> str:
        raise NotImplementedError

    def _look(self, draft, left: int) -> tuple[str, bool, bool]:
        """The button's text, whether it cannot be tapped, whether the actie is chosen."""
        value = draft.value(self.actie.id)
        return self.label(value), not value and left <= 0, bool(value)

    def refresh(self, draft, left: int) -> None:
        label, disabled, chosen = self._look(draft, left)
        self.button.description, self.button.disabled = label, disabled
        ui.mark(self.button, "wb-chosen", chosen)


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
