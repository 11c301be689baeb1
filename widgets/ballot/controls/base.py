"""What every actie control has, and the registry (:data:`CONTROLS`, by voting method key)."""

from __future__ import annotations

from typing import ClassVar

from werkboek_widgets import ui
from werkboek_widgets.ballot.texts import counted

CONTROLS: dict[str, type["Control"]] = {}


def register(method_key: str):
    def decorate(cls: type["Control"]) -> type["Control"]:
        CONTROLS[method_key] = cls
        return cls
    return decorate


def control_for(method_key: str) -> type["Control"]:
    return CONTROLS[method_key]


class Control:
    """One actie's control: ``widget`` to show, :meth:`refresh` after every change.

    ``left_key``: the texts key (``werkboek_widgets.ballot.texts``) of "what is left", counted
    (``points_left``, ``points_left_1``, ``points_left_0``).
    """

    left_key: ClassVar[str]

    def __init__(self, step, actie):
        self.step = step
        self.actie = actie
        self.widget = None

    @property
    def lang(self) -> str:
        return self.step.lang

    def tap(self, action: str) -> None:
        self.step.changed(self.step.app.draft.act(self.actie.id, action))

    def refresh(self, draft, left: int) -> None:
        raise NotImplementedError

    # what the leefgebied screen shows above the acties: "Nog 3 stippen over"
    left_classes: ClassVar[tuple[str, ...]] = ()  # extra classes of that line (a budget's bar)

    @classmethod
    def left_markup(cls, left: int, method, lang: str) -> str:
        """What is left (``left``, from ``method.left``) for a status line that screen readers
        announce (aria-live); by default counted with :attr:`left_key`."""
        return ui.status_markup(counted(cls.left_key, left, lang))
