"""The resident's ballot while it is being filled in: pure logic, no widgets.

The widgets call these methods and show the result; the tests drive them directly. What
this class allows is only a convenience for the resident (a + button that does nothing when
the stippen are used up). The store validates everything again on submit
(:func:`werkboek.model.ballot.validate_ballot`), so a forged widget message cannot get past it.
"""

from __future__ import annotations

from werkboek.model.ballot import MAX_GROUP_SIZE, MAX_PINS, BallotSubmission


class BallotDraft:
    """Choices, buurt, age group, remark, pins and group size of one ballot."""

    def __init__(self, workshop, catalogue, code: str, code_kind: str = "individual"):
        self.workshop = workshop
        self.catalogue = catalogue
        self.method = workshop.voting_method(catalogue)
        self.code = code
        self.code_kind = code_kind
        self.per_leefgebied: dict[str, list] = workshop.acties_per_leefgebied(catalogue)
        self.choices: dict[str, int] = {}
        self.buurt: str | None = None
        self.age_group: str | None = None
        self.remark = ""
        self.pins: list[dict] = []
        self.group_size: int | None = 2 if code_kind == "group" else None

    # -- general --------------------------------------------------------------------------

    @property
    def is_group(self) -> bool:
        return self.code_kind == "group"

    @property
    def leefgebieden(self) -> list[str]:
        return list(self.per_leefgebied)

    def leefgebied_of(self, actie_id: str) -> str:
        return self.catalogue.acties[actie_id].leefgebied

    def value(self, actie_id: str) -> int:
        return self.choices.get(actie_id, 0)

    def chosen_in(self, leefgebied: str) -> dict[str, int]:
        return {a.id: self.choices[a.id] for a in self.per_leefgebied.get(leefgebied, []) if a.id in self.choices}

    # -- choices: what the workshop's method allows (werkboek.model.methods) ------------

    def pool(self, leefgebied: str) -> dict[str, int]:
        """The choices the method's limits hold over: one leefgebied's, or the whole ballot's
        when one budget spans every leefgebied (``Method.whole_ballot``)."""
        return dict(self.choices) if self.method.whole_ballot else self.chosen_in(leefgebied)

    def left(self, leefgebied: str) -> int:
        """What is left to give in a leefgebied: stippen, kruisjes, places or euros, by method."""
        return self.method.left(self.pool(leefgebied))

    def can(self, actie_id: str, action: str) -> bool:
        """Whether ``action`` ("add", "remove", "toggle") on an actie is possible now."""
        return action in self.method.actions and \
            self.method.apply(self.pool(self.leefgebied_of(actie_id)), actie_id, action) is not None

    def act(self, actie_id: str, action: str) -> bool:
        """The resident taps an actie's control; False (and nothing changes) when that is not allowed."""
        if actie_id not in self.workshop.acties:
            raise KeyError(actie_id)
        if action not in self.method.actions:
            return False
        pool = self.pool(self.leefgebied_of(actie_id))
        new = self.method.apply(pool, actie_id, action)
        if new is None:
            return False
        for old in pool:
            del self.choices[old]
        self.choices.update(new)
        return True

    def restore_choices(self, leefgebied: str, saved: dict[str, int]) -> None:
        """Saved (untrusted) choices of a leefgebied, kept as far as the method allows (after the
        choices of the other leefgebieden it shares its limits with)."""
        for old in self.chosen_in(leefgebied):
            del self.choices[old]
        others = self.pool(leefgebied)  # without this leefgebied's now
        cleaned = self.method.clean({**others, **saved})
        self.choices.update({a: v for a, v in cleaned.items() if a not in others})

    # -- the rest -------------------------------------------------------------------------

    def set_group_size(self, size: int) -> int:
        self.group_size = max(2, min(MAX_GROUP_SIZE, int(size)))
        return self.group_size

    def add_pin(self, leefgebied: str, lat: float, lon: float, text: str = "") -> bool:
        if len(self.pins) >= MAX_PINS:
            return False
        self.pins.append({"leefgebied": leefgebied, "lat": float(lat), "lon": float(lon), "text": text})
        return True

    def pins_in(self, leefgebied: str) -> list[dict]:
        return [p for p in self.pins if p["leefgebied"] == leefgebied]

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.remark.strip() and not self.pins

    def submission(self) -> BallotSubmission:
        """What goes to :meth:`werkboek.store.Store.submit` (which validates it again)."""
        return BallotSubmission(
            code=self.code, choices=dict(self.choices), buurt=self.buurt, age_group=self.age_group,
            remark=self.remark, pins=[dict(p) for p in self.pins],
            group_size=self.group_size if self.is_group else None,
        )
