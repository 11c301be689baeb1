"""Stippen verdelen: a number of dots per leefgebied, spread over the acties."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from werkboek.errors import BallotRejected
from werkboek.model.methods.base import Method, Param, register


@register
@dataclass(frozen=True)
class Points(Method):
    key: ClassVar[str] = "punten"
    label: ClassVar[str] = "Stippen verdelen"
    label_en: ClassVar[str] = "Spread dots"
    score_label: ClassVar[str] = "Stippen"
    pabulib_vote_type: ClassVar[str] = "cumulative"
    params_spec: ClassVar[tuple[Param, ...]] = (
        Param("points", "Stippen per leefgebied", "Dots per topic", 5, 1, 50),
        Param("max_per_actie", "Hoogstens op één actie", "At most on one action", None, 1, 50, optional=True),
    )
    order: ClassVar[int] = 1
    actions: ClassVar[tuple[str, ...]] = ("add", "remove")
    points: int = 5
    max_per_actie: int | None = None

    def validate_leefgebied(self, leefgebied: str, choices: Mapping[str, int]) -> None:
        for value in choices.values():
            if value < 1:
                raise BallotRejected("invalid_value", leefgebied=leefgebied)
            if self.max_per_actie is not None and value > self.max_per_actie:
                raise BallotRejected("too_many_on_one", limit=self.max_per_actie)
        total = sum(choices.values())
        if total > self.points:
            raise BallotRejected("too_many_points", leefgebied=leefgebied, total=total, points=self.points)

    def score(self, value: int) -> float:
        return float(value)

    def left(self, choices: Mapping[str, int]) -> int:
        return self.points - sum(choices.values())

    def apply(self, choices: Mapping[str, int], actie_id: str, action: str) -> dict[str, int] | None:
        value = choices.get(actie_id, 0)
        if action == "add":
            if self.left(choices) <= 0 or (self.max_per_actie is not None and value >= self.max_per_actie):
                return None
            return {**choices, actie_id: value + 1}
        if action == "remove" and value > 0:
            out = dict(choices)
            if value == 1:
                del out[actie_id]
            else:
                out[actie_id] = value - 1
            return out
        return None

    def clean(self, choices: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for actie_id, value in choices.items():
            for _ in range(min(value, self.points)):  # bounded: a forged 10**9 costs nothing
                more = self.apply(out, actie_id, "add")
                if more is None:
                    break
                out = more
        return out

    def describe(self, lang: str = "nl") -> str:
        if lang == "en":
            return f"Spread {self.points} dots per topic over the actions you find important."
        return f"Verdeel {self.points} stippen per leefgebied over de acties die u belangrijk vindt."

    def paper_instructions(self) -> list[str]:
        limit = (f" Op één actie mogen hoogstens {self.max_per_actie} stippen."
                 if self.max_per_actie is not None else "")
        return [f"U heeft {self.points} stippen voor elk leefgebied.",
                "Schrijf in het vak bij een actie hoeveel stippen u die actie geeft." + limit,
                f"Samen niet meer dan {self.points} per leefgebied. Laat het vak leeg als u een actie "
                "geen stip geeft."]

    def paper_hint(self) -> str:
        return f"Verdeel hier {self.points} stippen."

    def value_label(self, value: int, lang: str = "nl") -> str:
        if lang == "en":
            return "1 dot" if value == 1 else f"{value} dots"
        return "1 stip" if value == 1 else f"{value} stippen"

    def pabulib_meta(self, leefgebieden: int) -> dict:
        # the limits hold per leefgebied; pabulib knows one ballot
        return {"max_sum_points": self.points * leefgebieden, "max_points": self.max_per_actie or self.points}

    def demo_choices(self, rng: random.Random, preferred: list[str]) -> dict[str, int]:
        picks = preferred[:3]
        out: dict[str, int] = {}
        for _ in range(self.points):
            more = self.apply(out, rng.choice(picks), "add")
            out = more if more is not None else out
        return out
