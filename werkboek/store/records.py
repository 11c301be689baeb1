"""What the store hands out: plain records, importable without SQLAlchemy.

Resident kernels talk to the store through :mod:`werkboek.store_service` and only need these
records, so they live apart from :mod:`.store` (which imports SQLAlchemy, ~11 MB a kernel).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..ballot import Pin


@dataclass(frozen=True)
class Code:
    code: str
    workshop_id: int
    kind: str  # "individual" | "group"
    label: str = ""


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
