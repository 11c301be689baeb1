"""Voting methods for a workshop ballot, and how a ballot's choices count.

A ballot holds, per leefgebied, a mapping ``actie id -> value``:

* ``punten`` (stippen): value = points given (>= 1); at most ``points`` per leefgebied,
  and at most ``max_per_actie`` on one actie.
* ``goedkeuren`` (approval): value = 1 for each approved actie, at most ``max_approvals``.
* ``top3`` (ranking): value = rank (1 = first choice), ranks 1..n without gaps, at most ``top``.

Each method validates a leefgebied's choices (raising :class:`BallotRejected` with a Dutch
message for the resident) and turns a value into a score for the results: points as they
are, approval as 1, a rank as a Borda score (``top - rank + 1``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from werkboek.errors import BallotRejected, DataError


@dataclass(frozen=True)
class Method:
    key: ClassVar[str]
    label: ClassVar[str]

    def validate(self, leefgebied: str, choices: dict[str, int]) -> None:
        raise NotImplementedError

    def score(self, value: int) -> float:
        raise NotImplementedError

    def params(self) -> dict[str, int]:
        return dict(self.__dict__)

    def describe(self) -> str:
        raise NotImplementedError


@dataclass(frozen=True)
class Points(Method):
    key: ClassVar[str] = "punten"
    label: ClassVar[str] = "Stippen verdelen"
    points: int = 5
    max_per_actie: int | None = None

    def validate(self, leefgebied: str, choices: dict[str, int]) -> None:
        for actie, value in choices.items():
            if value < 1:
                raise BallotRejected("invalid_value", f"Bij '{actie}' staat een ongeldig aantal stippen.")
            if self.max_per_actie is not None and value > self.max_per_actie:
                raise BallotRejected(
                    "too_many_on_one", f"U kunt hoogstens {self.max_per_actie} stippen op één actie zetten."
                )
        total = sum(choices.values())
        if total > self.points:
            raise BallotRejected(
                "too_many_points", f"Bij {leefgebied} heeft u {total} stippen gezet. U heeft er {self.points}."
            )

    def score(self, value: int) -> float:
        return float(value)

    def describe(self) -> str:
        return f"Verdeel {self.points} stippen per leefgebied over de acties die u belangrijk vindt."


@dataclass(frozen=True)
class Approval(Method):
    key: ClassVar[str] = "goedkeuren"
    label: ClassVar[str] = "Acties aankruisen"
    max_approvals: int = 3

    def validate(self, leefgebied: str, choices: dict[str, int]) -> None:
        if any(v != 1 for v in choices.values()):
            raise BallotRejected("invalid_value", "Een actie is aangekruist of niet; andere waarden kunnen niet.")
        if len(choices) > self.max_approvals:
            raise BallotRejected(
                "too_many_approvals",
                f"Bij {leefgebied} heeft u {len(choices)} acties gekozen. Het mogen er hoogstens {self.max_approvals} zijn.",
            )

    def score(self, value: int) -> float:
        return 1.0

    def describe(self) -> str:
        return f"Kies per leefgebied hoogstens {self.max_approvals} acties die u belangrijk vindt."


@dataclass(frozen=True)
class Ranking(Method):
    key: ClassVar[str] = "top3"
    label: ClassVar[str] = "Top 3 maken"
    top: int = 3

    def validate(self, leefgebied: str, choices: dict[str, int]) -> None:
        ranks = sorted(choices.values())
        if len(ranks) > self.top:
            raise BallotRejected("too_many_ranked", f"Bij {leefgebied} kunt u hoogstens {self.top} acties kiezen.")
        if ranks != list(range(1, len(ranks) + 1)):
            raise BallotRejected("invalid_ranking", f"Bij {leefgebied} moet de volgorde 1, 2, 3 zijn, zonder gaten.")

    def score(self, value: int) -> float:
        return float(self.top - value + 1)

    def describe(self) -> str:
        return f"Kies per leefgebied uw top {self.top}: wat vindt u het belangrijkst?"


METHODS: dict[str, type[Method]] = {m.key: m for m in (Points, Approval, Ranking)}

_LIMITS = {"points": (1, 50), "max_per_actie": (1, 50), "max_approvals": (1, 20), "top": (1, 10)}


def make_method(key: str, params: dict | None = None) -> Method:
    """Build a method from its key and parameters, validating both."""
    if key not in METHODS:
        raise DataError.at("workshop", None, "methode", f"onbekende stemmethode '{key}' (kies uit {', '.join(METHODS)})")
    cls = METHODS[key]
    allowed = set(cls.__dataclass_fields__)
    params = dict(params or {})
    for name, value in params.items():
        if name not in allowed:
            raise DataError.at("workshop", None, name, f"onbekende instelling voor '{key}'")
        if value is None and name == "max_per_actie":
            continue
        low, high = _LIMITS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise DataError.at("workshop", None, name, f"moet een geheel getal van {low} tot {high} zijn")
    return cls(**params)
