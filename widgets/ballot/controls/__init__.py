"""The resident's control for one actie on a leefgebied screen, one class per voting method.

The method's rules live in the domain (:mod:`werkboek.model.methods`); a control only shows
the actie's state and turns a tap into the method's action (``draft.act(actie_id, "add")``).
A new voting method needs one domain class and one control class here, registered for its key:

    @register("punten")
    class PointsControl(Control): ...
"""

from __future__ import annotations

from werkboek_widgets.ballot.controls import budget, choice, stepper  # noqa: F401 - they register themselves
from werkboek_widgets.ballot.controls.base import CONTROLS, Control, control_for, register

__all__ = ["CONTROLS", "Control", "control_for", "register"]
