"""Top 3 maken: rank the most important acties of each leefgebied (1 = first choice)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from werkboek.errors import BallotRejected
from werkboek.model.methods.base import Method, Param, register


@register
@dataclass(frozen=True)
class Ranking(Method):
    key: ClassVar[str] = "top3"
    label: ClassVar[str] = "Top 3 maken"
    label_en: ClassVar[str] = "Make a top 3"
    score_label: ClassVar[str] = "Punten"
    pabulib_vote_type: ClassVar[str] = "ordinal"
    params_spec: ClassVar[tuple[Param, ...]] = (
        Param("top", "Lengte van de top", "Length of the top", 3, 1, 10),
    )
    order: ClassVar[int] = 3
    actions: ClassVar[tuple[str, ...]] = ("toggle",)
    top: int = 3

    def validate_leefgebied(self, leefgebied: str, choices: Mapping[str, int]) -> None:
        ranks = sorted(choices.values())
        if len(ranks) > self.top:
            raise BallotRejected("too_many_ranked", leefgebied=leefgebied, limit=self.top)
        if ranks != list(range(1, len(ranks) + 1)):
            raise BallotRejected("invalid_ranking", leefgebied=leefgebied)

    def score(self, value: int) -> float:
        """A Borda score: the first of a top 3 gets 3, the third 1."""
        return float(self.top - value + 1)

    def left(self, choices: Mapping[str, int]) -> int:
        return self.top - len(choices)

    def apply(self, choices: Mapping[str, int], actie_id: str, action: str) -> dict[str, int] | None:
        """Give an actie the next free place, or take it out (the ones below move up)."""
        if action != "toggle":
            return None
        if actie_id in choices:
            removed = choices[actie_id]
            return {a: (r - 1 if r > removed else r) for a, r in choices.items() if a != actie_id}
        if self.left(choices) <= 0:
            return None
        return {**choices, actie_id: len(choices) + 1}

    def clean(self, choices: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = {}
        for actie_id in sorted(choices, key=choices.get):  # in the order of the saved ranks: 1, 2, 3 again
            out = self.apply(out, actie_id, "toggle") or out
        return out

    def review_order(self, value: int) -> float:
        return value

    def describe(self, lang: str = "nl") -> str:
        if lang == "en":
            return f"Choose your top {self.top} per topic: what matters most?"
        return f"Kies per leefgebied uw top {self.top}: wat vindt u het belangrijkst?"

    paper_box: ClassVar[str] = "rank"

    def paper_instructions(self) -> list[str]:
        places = ", ".join(str(i) for i in range(1, self.top + 1))
        return [f"Kies per leefgebied uw top {self.top}.",
                f"Schrijf {places} in de vakken: 1 bij de actie die u het belangrijkst vindt, dan 2, dan 3."
                if self.top == 3 else
                f"Schrijf {places} in de vakken: 1 bij de actie die u het belangrijkst vindt, dan 2, enzovoort.",
                "Elk getal één keer. Laat de andere vakken leeg."]

    def paper_hint(self) -> str:
        return f"Schrijf 1 tot en met {self.top}." if self.top > 1 else "Schrijf 1 bij één actie."

    def value_label(self, value: int, lang: str = "nl") -> str:
        return f"nr. {value}"

    def pabulib_meta(self, leefgebieden: int) -> dict:
        return {"max_length": self.top * leefgebieden, "scoring_fn": "Borda"}

    def demo_choices(self, rng: random.Random, preferred: list[str]) -> dict[str, int]:
        return {a: r for r, a in enumerate(preferred[: min(3, self.top)], start=1)}
