"""Participant codes (stemcodes): short, printable, hard to mistype, impossible to guess.

A code looks like ``K7P-4QX``: six characters from an alphabet without look-alikes
(no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G), shown in two groups of three. 23^6 ≈ 148 million
codes, drawn with :mod:`secrets`, so guessing a valid code of a workshop with a few
hundred codes takes on the order of a million tries.
"""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
LENGTH = 6
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"})


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"{raw[:3]}-{raw[3:]}"


def normalise(typed: str) -> str | None:
    """Turn what a resident typed into the canonical form, or None when it cannot be a code.

    Case, spaces and dashes do not matter. Look-alike letters are mapped to the digit they
    resemble, which is then rejected because the alphabet has neither: a typo never
    silently becomes somebody else's code.
    """
    if not isinstance(typed, str):
        return None
    raw = "".join(ch for ch in typed.upper() if ch not in " -_.").translate(_CONFUSABLE)
    if len(raw) != LENGTH or any(ch not in ALPHABET for ch in raw):
        return None
    return f"{raw[:3]}-{raw[3:]}"


# What the console shows for each code (see werkboek.store.Store.code_states)
UNUSED, BUSY, VOTED, VOID = "ongebruikt", "bezig", "gestemd", "ongeldig"
CODE_STATUSES = (UNUSED, BUSY, VOTED, VOID)
MAX_NEW_CODES = 500  # at one click of "Maak N codes": more than a room holds is a typo


def code_status(*, voided: bool, has_ballot: bool, has_draft: bool) -> str:
    """ongeldig (voided) before gestemd (a current ballot) before bezig (a draft) before ongebruikt."""
    if voided:
        return VOID
    if has_ballot:
        return VOTED
    if has_draft:
        return BUSY
    return UNUSED
