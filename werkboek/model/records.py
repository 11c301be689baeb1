"""What the store hands out: plain records of codes, receipts, stored ballots and remarks.

Part of the model (results and exports count them; the store fills them), importable
without SQLAlchemy: resident kernels talk to the store through :mod:`werkboek.store_service`
and only need these records (the store itself imports SQLAlchemy, ~11 MB a kernel).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkboek.model.ballot import Pin


@dataclass(frozen=True)
class Code:
    code: str
    workshop_id: int
    kind: str  # "individual" | "group"
    label: str = ""


@dataclass(frozen=True)
class CodeState:
    """A code as the facilitator's console lists it (status: see werkboek.model.codes.code_status)."""

    code: str
    workshop_id: int
    kind: str
    label: str
    status: str  # ongebruikt | bezig | gestemd | ongeldig
    printed_at: dt.datetime | None = None
    voided_at: dt.datetime | None = None
    has_ballot: bool = False  # a current ballot, counted or not
    excluded: bool = False  # the facilitator confirmed that its ballot no longer counts

    @property
    def printed(self) -> bool:
        return self.printed_at is not None


@dataclass(frozen=True)
class Receipt:
    """What the resident is told after a successful submission."""

    ballot_id: int
    code: str
    replaced: bool
    submitted_at: dt.datetime


@dataclass(frozen=True)
class StoredBallot:
    id: int
    workshop_id: int
    code: str
    code_kind: str
    group_size: int
    buurt: str | None
    age_group: str | None
    remark: str
    submitted_at: dt.datetime
    superseded_at: dt.datetime | None
    choices: dict[str, int]
    pins: tuple[Pin, ...]
    remark_status: str = "pending"  # pending | approved | hidden: may remark and pin texts go on the projector?
    remark_original: str = ""  # the remark as received, when cleaning changed it (audit only)
    # the ballot's number in exports that are not exact: a keyed hash of ``id``, so that it
    # does not give away the order in which ballots arrived (see werkboek.outputs.exports)
    pseudonym: str = ""
    channel: str = "telefoon"  # telefoon | papier (see CHANNELS)
    voting_round: int = 1  # the workshop's round it was cast in (Store.open_next_round)


REMARK_STATUSES = ("pending", "approved", "hidden")
# how a ballot reached the store: a resident's phone, or a paper ballot typed in by a volunteer
PHONE, PAPER = "telefoon", "papier"
CHANNELS = (PHONE, PAPER)
@dataclass(frozen=True)
class Remark:
    """A resident's free text for moderation: the remark and the texts of their pins."""

    ballot_id: int
    workshop_id: int
    text: str
    pin_texts: tuple[str, ...]
    status: str
    original: str  # non-empty when invisible or control characters were removed
    submitted_at: dt.datetime
