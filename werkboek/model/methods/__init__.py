"""Voting methods: one class a method, and one registry.

Everything method-specific lives in the method's class (:class:`.base.Method`): its
parameters with labels, defaults and limits, its Dutch and English instructions, how it
validates a ballot and scores a choice, what a tap on an actie does to the choices, how a
choice reads on the review screen, its pabulib vote type and invented demo choices. The
rest of the workbook asks the registry, never the key:

    method = make_method("punten", {"points": 5})
    method.validate_leefgebied("Leren", {"A1": 3, "A2": 2})
    method.describe("en")

A new method is one module here (a :class:`.base.Method` subclass decorated with
:func:`register`) and one control class in ``widgets/ballot/controls/`` for the resident's screen.

=============  ============================  ===================  =====================
key            label                         value of a choice    pabulib vote type
=============  ============================  ===================  =====================
``punten``     Stippen verdelen              points (≥ 1)         cumulative
``goedkeuren`` Acties aankruisen             1                    approval
``top3``       Top 3 maken                   rank (1 = first)     ordinal
``begroten``   Begroten met een budget       1 (chosen)           approval (+ max_sum_cost)
=============  ============================  ===================  =====================
"""

from __future__ import annotations

from werkboek.model.methods import approval, budget, points, ranking  # noqa: F401 - they register themselves
from werkboek.model.methods.base import METHODS, Method, Param, make_method, method_class, register

DEFAULT_METHOD = "punten"  # what a new workshop uses

__all__ = ["DEFAULT_METHOD", "METHODS", "Method", "Param", "make_method", "method_class", "register",
           "for_vote_type"]


def for_vote_type(vote_type: str, meta=None) -> type[Method] | None:
    """The method whose pabulib ``vote_type`` this is (None: none of ours).

    With a file's ``meta``, a method of that vote type that claims it (``Method.pabulib_claims``:
    approval with ``max_sum_cost`` is begroten) comes first; else the first of the vote type.
    """
    candidates = [cls for cls in METHODS.values() if cls.pabulib_vote_type == vote_type]
    if meta is not None:
        claimed = next((cls for cls in candidates if cls.pabulib_claims(meta)), None)
        if claimed is not None:
            return claimed
    return candidates[0] if candidates else None
