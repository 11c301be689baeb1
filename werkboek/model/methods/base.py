"""What every voting method has, and the registry (:data:`METHODS`)."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import ClassVar

from werkboek.errors import DataError

METHODS: dict[str, type["Method"]] = {}


@dataclass(frozen=True)
class Param:
    """One setting of a method, as the facilitator's editor shows it and the store checks it."""

    name: str
    label: str  # Dutch, for the facilitator
    label_en: str
    default: int | None
    low: int
    high: int
    optional: bool = False  # None is allowed ("no limit")


def register(cls: type["Method"]) -> type["Method"]:
    """Class decorator: add a method to :data:`METHODS` under its ``key``, kept in ``order``."""
    if cls.key in METHODS and METHODS[cls.key] is not cls:
        raise ValueError(f"two voting methods with the key {cls.key!r}")
    METHODS[cls.key] = cls
    ordered = sorted(METHODS.values(), key=lambda m: (m.order, m.key))
    METHODS.clear()
    METHODS.update((m.key, m) for m in ordered)
    return cls


@dataclass(frozen=True)
class Method:
    """A voting method with its parameters (subclasses are frozen dataclasses of those).

    A ballot holds, per leefgebied, ``actie id -> value`` (a positive int, meaning depends on
    the method). The store validates every ballot with :meth:`validate_ballot`.
    """

    key: ClassVar[str]
    label: ClassVar[str]  # Dutch, for the facilitator: "Stippen verdelen"
    label_en: ClassVar[str]
    score_label: ClassVar[str]  # the projector's column: "Stippen", "Kruisjes", "Punten"
    pabulib_vote_type: ClassVar[str]  # cumulative | approval | ordinal
    params_spec: ClassVar[tuple[Param, ...]] = ()
    actions: ClassVar[tuple[str, ...]] = ()  # what a tap on an actie can do: "add", "remove", "toggle"
    order: ClassVar[int] = 100  # where the facilitator's list of methods shows it

    # -- the ballot -----------------------------------------------------------------------

    def validate_leefgebied(self, leefgebied: str, choices: Mapping[str, int]) -> None:
        """Raise BallotRejected (Dutch, for the resident) unless ``choices`` of one leefgebied are valid."""
        raise NotImplementedError

    def validate_ballot(self, by_leefgebied: Mapping[str, Mapping[str, int]], catalogue) -> None:
        """The whole ballot; by default every leefgebied on its own (``by_leefgebied``: id -> choices)."""
        for lg, choices in by_leefgebied.items():
            self.validate_leefgebied(catalogue.leefgebieden[lg].naam, choices)

    def score(self, value: int) -> float:
        """What one choice adds to an actie's score in the results."""
        raise NotImplementedError

    def left(self, choices: Mapping[str, int]) -> int:
        """How much is left to give in one leefgebied (stippen, kruisjes, places)."""
        raise NotImplementedError

    def apply(self, choices: Mapping[str, int], actie_id: str, action: str) -> dict[str, int] | None:
        """The leefgebied's choices after the resident's tap, or None when the tap is not allowed now."""
        raise NotImplementedError

    def clean(self, choices: Mapping[str, int]) -> dict[str, int]:
        """The valid part of saved (untrusted) choices of one leefgebied, rebuilt through :meth:`apply`."""
        raise NotImplementedError

    def review_order(self, value: int) -> float:
        """Sort key for the review screen (most important first)."""
        return -value

    # -- words ----------------------------------------------------------------------------

    def describe(self, lang: str = "nl") -> str:
        """The instructions on the resident's screen."""
        raise NotImplementedError

    def value_label(self, value: int, lang: str = "nl") -> str:
        """A choice on the review screen: "2 stippen", "nr. 1", "✓"."""
        raise NotImplementedError

    # -- paper ----------------------------------------------------------------------------

    # what a resident writes in an actie's box on a paper ballot: "number" (stippen),
    # "tick" (a cross), "rank" (1, 2, 3); werkboek.outputs.paperballot draws the box
    paper_box: ClassVar[str] = "number"

    def paper_instructions(self) -> list[str]:
        """The lines at the top of a paper ballot (Dutch, B1): how to fill in the boxes."""
        raise NotImplementedError

    def paper_hint(self) -> str:
        """Under the leefgebied's heading on paper: what goes in the boxes here."""
        return ""

    def read_paper(self, typed: str) -> int | None:
        """The value a volunteer typed from a paper's box: None when empty; ValueError when unreadable.

        Only reading: whether the whole ballot is allowed is :meth:`validate_ballot`'s job
        (through the store, the same as for a phone).
        """
        text = (typed or "").strip()
        if not text:
            return None
        if not text.isdigit() or len(text) > 3:
            raise ValueError("Vul een getal in, of laat het vak leeg.")
        value = int(text)
        return value or None

    # -- elsewhere ------------------------------------------------------------------------

    def pabulib_meta(self, leefgebieden: int) -> dict:
        """The META lines of a .pb export for a ballot of ``leefgebieden`` leefgebieden."""
        raise NotImplementedError

    def demo_choices(self, rng: random.Random, preferred: list[str]) -> dict[str, int]:
        """Invented choices of one resident in one leefgebied, from acties ``preferred`` most-liked first."""
        raise NotImplementedError

    def params(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def method_class(key: str) -> type[Method]:
    if key not in METHODS:
        raise DataError.at("workshop", None, "methode", f"onbekende stemmethode '{key}' (kies uit {', '.join(METHODS)})")
    return METHODS[key]


def make_method(key: str, params: Mapping | None = None) -> Method:
    """Build a method from its key and parameters, checking both against its :attr:`Method.params_spec`."""
    cls = method_class(key)
    spec = {p.name: p for p in cls.params_spec}
    values = dict(params or {})
    for name, value in values.items():
        if name not in spec:
            raise DataError.at("workshop", None, name, f"onbekende instelling voor '{key}'")
        param = spec[name]
        if value is None and param.optional:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or not param.low <= value <= param.high:
            raise DataError.at("workshop", None, name, f"moet een geheel getal van {param.low} tot {param.high} zijn")
    return cls(**values)
