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
    # the editor shows these (value, Dutch label) as a choice instead of a number field
    choices: tuple[tuple[int, str], ...] = ()
    unit: str = ""  # "euro": the editor shows the amount in words next to the field


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

    # -- hooks with defaults (a method that needs more overrides them) --------------------

    @property
    def whole_ballot(self) -> bool:
        """Whether :meth:`left`, :meth:`apply` and :meth:`clean` take the choices of the whole
        ballot (every leefgebied together: one budget for all) instead of one leefgebied's."""
        return False

    def for_ballot(self, acties: Mapping[str, object]) -> "Method":
        """This method for a ballot of ``acties`` (id -> catalogue Actie).

        A method whose rules depend on the acties themselves (their costs) keeps them;
        by default the method is the same for every ballot.
        """
        return self

    def choice_label(self, actie, value: int, lang: str = "nl") -> str:
        """A choice of ``actie`` on the review screen; by default :meth:`value_label`."""
        return self.value_label(value, lang)

    def review_note(self, choices: Mapping[str, int], lang: str = "nl") -> str:
        """A line on the review screen under ``choices`` (one leefgebied's, or the whole ballot's
        when :attr:`whole_ballot`): what is left. Empty by default."""
        return ""

    def funded(self, support: Mapping[str, float], acties: list) -> list[tuple[str | None, list[str]]] | None:
        """For a method with a budget: the acties the budget pays for, by greedy support (the
        rule participatory-budgeting platforms announce winners by), per budget as (leefgebied
        or None for the whole ballot, actie ids in order). None: the method has no budget."""
        return None

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

    def pabulib_meta_per_category(self) -> dict:
        """The limits that hold per leefgebied (written as ``<key>_per_category``); by default
        the limits of a ballot of one leefgebied."""
        return self.pabulib_meta(1)

    def pabulib_budget(self, leefgebieden: int) -> int | None:
        """The ``budget`` of a .pb export when none is asked for; None: the cost of every actie."""
        return None

    @classmethod
    def pabulib_claims(cls, meta: Mapping) -> bool:
        """Whether a .pb file with this META (of this method's vote type) is a ballot of this
        method rather than of the first method with the vote type (see ``for_vote_type``)."""
        return False

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
