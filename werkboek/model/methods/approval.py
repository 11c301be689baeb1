"""Acties aankruisen: tick at most a number of acties per leefgebied (approval voting)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from werkboek.errors import BallotRejected
from werkboek.model.methods.base import Method, Param, register


@register
@dataclass(frozen=True)
class Approval(Method):
    key: ClassVar[str] = "goedkeuren"
    label: ClassVar[str] = "Acties aankruisen"
    label_en: ClassVar[str] = "Tick actions"
    score_label: ClassVar[str] = "Kruisjes"
    pabulib_vote_type: ClassVar[str] = "approval"
    params_spec: ClassVar[tuple[Param, ...]] = (
        Param("max_approvals", "Hoeveel acties kiezen", "How many actions to choose", 3, 1, 20),
    )
    order: ClassVar[int] = 2
    actions: ClassVar[tuple[str, ...]] = ("toggle",)
    max_approvals: int = 3

    def validate_leefgebied(self, leefgebied: str, choices: Mapping[str, int]) -> None:
        if any(v != 1 for v in choices.values()):
            raise BallotRejected("invalid_approval")
        if len(choices) > self.max_approvals:
            raise BallotRejected("too_many_approvals", leefgebied=leefgebied, n=len(choices), limit=self.max_approvals)

    def score(self, value: int) -> float:
        return 1.0

    def left(self, choices: Mapping[str, int]) -> int:
        return self.max_approvals - len(choices)

    def apply(self, choices: Mapping[str, int], actie_id: str, action: str) -> dict[str, int] | None:
        if action != "toggle":
            return None
        if actie_id in choices:
            return {a: v for a, v in choices.items() if a != actie_id}
        if self.left(choices) <= 0:
            return None
        return {**choices, actie_id: 1}

    def clean(self, choices: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for actie_id in choices:
            out = self.apply(out, actie_id, "toggle") or out
        return out

    def describe(self, lang: str = "nl") -> str:
        if lang == "en":
            return f"Choose at most {self.max_approvals} actions per topic that you find important."
        return f"Kies per leefgebied hoogstens {self.max_approvals} acties die u belangrijk vindt."

    paper_box: ClassVar[str] = "tick"

    def paper_instructions(self) -> list[str]:
        return ["Zet een kruisje in het vak bij de acties die u belangrijk vindt.",
                f"Per leefgebied hoogstens {self.max_approvals} kruisjes.",
                "Laat de andere vakken leeg."]

    def paper_hint(self) -> str:
        return f"Hoogstens {self.max_approvals} kruisjes."

    def read_paper(self, typed: str) -> int | None:
        """A cross: ``x``, ``v`` or ``1`` (what a volunteer types for a ticked box)."""
        text = (typed or "").strip().lower()
        if not text:
            return None
        if text in ("x", "v", "1", "+", "✓"):
            return 1
        raise ValueError("Typ x als het vak is aangekruist, of laat het vak leeg.")

    def value_label(self, value: int, lang: str = "nl") -> str:
        return "✓"

    def pabulib_meta(self, leefgebieden: int) -> dict:
        return {"max_length": self.max_approvals * leefgebieden}

    def demo_choices(self, rng: random.Random, preferred: list[str]) -> dict[str, int]:
        return {a: 1 for a in preferred[: rng.randint(1, min(3, self.max_approvals))]}
