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
        self.method = workshop.voting_method()
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

    def _set(self, actie_id: str, value: int) -> None:
        if actie_id not in self.workshop.acties:
            raise KeyError(actie_id)
        if value:
            self.choices[actie_id] = value
        else:
            self.choices.pop(actie_id, None)

    # -- punten (stippen) -----------------------------------------------------------------

    def points_left(self, leefgebied: str) -> int:
        return self.method.points - sum(self.chosen_in(leefgebied).values())

    def can_add_point(self, actie_id: str) -> bool:
        cap = self.method.max_per_actie
        return self.points_left(self.leefgebied_of(actie_id)) > 0 and (cap is None or self.value(actie_id) < cap)

    def add_point(self, actie_id: str) -> bool:
        """One stip more on an actie; False (and nothing changes) when that is not allowed."""
        if self.method.key != "punten" or not self.can_add_point(actie_id):
            return False
        self._set(actie_id, self.value(actie_id) + 1)
        return True

    def remove_point(self, actie_id: str) -> bool:
        if self.method.key != "punten" or self.value(actie_id) == 0:
            return False
        self._set(actie_id, self.value(actie_id) - 1)
        return True

    # -- goedkeuren -----------------------------------------------------------------------

    def approvals_left(self, leefgebied: str) -> int:
        return self.method.max_approvals - len(self.chosen_in(leefgebied))

    def toggle_approval(self, actie_id: str) -> bool:
        """Approve or un-approve; False when approving would exceed the maximum."""
        if self.method.key != "goedkeuren":
            return False
        if self.value(actie_id):
            self._set(actie_id, 0)
            return True
        if self.approvals_left(self.leefgebied_of(actie_id)) <= 0:
            return False
        self._set(actie_id, 1)
        return True

    # -- top3 -----------------------------------------------------------------------------

    def ranks_left(self, leefgebied: str) -> int:
        return self.method.top - len(self.chosen_in(leefgebied))

    def toggle_rank(self, actie_id: str) -> bool:
        """Give an actie the next free place in its leefgebied's top, or take it out (the rest move up)."""
        if self.method.key != "top3":
            return False
        lg = self.leefgebied_of(actie_id)
        ranked = self.chosen_in(lg)
        if actie_id in ranked:
            removed = ranked.pop(actie_id)
            self._set(actie_id, 0)
            for other, rank in ranked.items():
                if rank > removed:
                    self._set(other, rank - 1)
            return True
        if len(ranked) >= self.method.top:
            return False
        self._set(actie_id, len(ranked) + 1)
        return True

    # -- choices left, in one number for the screen ---------------------------------------

    def left(self, leefgebied: str) -> int:
        return {"punten": self.points_left, "goedkeuren": self.approvals_left, "top3": self.ranks_left}[
            self.method.key](leefgebied)

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
