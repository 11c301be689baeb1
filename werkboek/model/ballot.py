"""A resident's ballot: what the browser sends, and its validation before anything is stored.

The browser is never trusted: any visitor can send any widget state over the kernel
websocket. :func:`validate_ballot` checks every value against the workshop and the
catalogue and returns a clean :class:`Ballot`, or raises :class:`BallotRejected` with a
Dutch message meant for the resident.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from werkboek.errors import REFUSALS, BallotRejected

AGE_GROUPS: dict[str, str] = {
    "tot-18": "jonger dan 18",
    "18-29": "18 tot 30 jaar",
    "30-49": "30 tot 50 jaar",
    "50-64": "50 tot 65 jaar",
    "65-79": "65 tot 80 jaar",
    "80-plus": "80 jaar of ouder",
}
# English names of the texts a refusal names ("Uw opmerking is te lang")
_EN = {"Uw opmerking": "Your remark", "De tekst bij een plek": "The text with a place"}
MAX_REMARK = 500
MAX_PIN_TEXT = 140
MAX_PINS = 10
MAX_GROUP_SIZE = 40

# Joiners stay: U+200D builds emoji sequences (👩‍👧), U+200C is part of Persian spelling.
# Neither can reorder or hide text.
_KEEP_FORMAT = {"\u200c", "\u200d"}
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
RAW_LIMIT_FACTOR = 4  # the raw text may hold some invisible characters, not a megabyte of them


@dataclass(frozen=True)
class Pin:
    leefgebied: str
    lat: float
    lon: float
    text: str = ""


@dataclass
class BallotSubmission:
    """Untrusted input, as it comes from a widget (or a forged websocket message)."""

    code: str
    choices: dict = field(default_factory=dict)  # actie id -> value (see werkboek.model.methods)
    buurt: str | None = None
    age_group: str | None = None
    remark: str = ""
    pins: list = field(default_factory=list)  # Pin or dicts with leefgebied, lat, lon, text
    group_size: int | None = None


@dataclass(frozen=True)
class Ballot:
    """A validated ballot, ready for the store."""

    code: str
    workshop_id: int
    choices: dict[str, int]
    buurt: str | None
    age_group: str | None
    remark: str
    pins: tuple[Pin, ...]
    group_size: int
    remark_original: str = ""  # the remark exactly as received, when cleaning changed it (audit)


def strip_invisible(text: str, *, multiline: bool = False) -> str:
    """Text without control and format characters: what the reader sees is what is there.

    Removes C0/C1 controls (a tab becomes a space; a line break stays only when
    ``multiline``), lone surrogates, and every Unicode format character (category Cf:
    bidi embeddings, overrides and isolates, direction marks, zero-width space, BOM, soft
    hyphen, tag characters) except the joiners in ``_KEEP_FORMAT``. A bidi override
    (U+202E) would otherwise make ``TNEMUCOD`` display as ``DOCUMENT`` on the projector.
    """
    text = _LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\n" if multiline else " ")
        elif ch == "\t":
            out.append(" ")
        elif ch in _KEEP_FORMAT:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean_text(value, limit: int, what: str, *, multiline: bool = False) -> str:
    """Normalise free text (NFC, no control or format characters, trimmed) and enforce its length."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BallotRejected("invalid_text", what=what, what_en=_EN.get(what, what))
    if len(value) > limit * RAW_LIMIT_FACTOR:
        raise BallotRejected("text_too_long", what=what, what_en=_EN.get(what, what), limit=limit, n=len(value))
    text = strip_invisible(value, multiline=multiline).strip()
    if len(text) > limit:
        raise BallotRejected("text_too_long", what=what, what_en=_EN.get(what, what), limit=limit, n=len(text))
    return text


def validate_ballot(sub: BallotSubmission, workshop, code_kind: str, catalogue) -> Ballot:
    """Check a submission against its workshop (``werkboek.model.workshop.Workshop``) and the catalogue."""
    on_ballot = set(workshop.acties)
    method = workshop.voting_method()

    if not isinstance(sub.choices, dict):
        raise BallotRejected("invalid_choices")
    by_leefgebied: dict[str, dict[str, int]] = {}
    choices: dict[str, int] = {}
    for actie_id, value in sub.choices.items():
        if not isinstance(actie_id, str) or actie_id not in on_ballot or actie_id not in catalogue.acties:
            raise BallotRejected("unknown_actie")
        if not isinstance(value, int) or isinstance(value, bool):
            raise BallotRejected("invalid_value")
        if value == 0:
            continue  # zero is no choice (every method's values start at 1)
        lg = catalogue.acties[actie_id].leefgebied
        by_leefgebied.setdefault(lg, {})[actie_id] = value
        choices[actie_id] = value
    method.validate_ballot(by_leefgebied, catalogue)

    buurt = sub.buurt or None
    if buurt is not None and (not isinstance(buurt, str) or buurt not in catalogue.heerlen_noord):
        raise BallotRejected("unknown_buurt")
    age = sub.age_group or None
    if age is not None and (not isinstance(age, str) or age not in AGE_GROUPS):
        raise BallotRejected("unknown_age_group")
    remark = clean_text(sub.remark, MAX_REMARK, "Uw opmerking", multiline=True)
    original = sub.remark if isinstance(sub.remark, str) and sub.remark != remark else ""

    if not isinstance(sub.pins, (list, tuple)):
        raise BallotRejected("invalid_pins")
    if len(sub.pins) > MAX_PINS:
        raise BallotRejected("too_many_pins", limit=MAX_PINS)
    # a pin belongs to a leefgebied of this ballot (the resident places it on that page)
    pin_leefgebieden = {catalogue.acties[a].leefgebied for a in on_ballot if a in catalogue.acties}
    pins = tuple(_validate_pin(p, catalogue, pin_leefgebieden) for p in sub.pins)

    if code_kind == "group":
        size = sub.group_size
        if not isinstance(size, int) or isinstance(size, bool) or not 2 <= size <= MAX_GROUP_SIZE:
            raise BallotRejected("invalid_group_size", limit=MAX_GROUP_SIZE)
    else:
        if sub.group_size not in (None, 1):
            raise BallotRejected("not_a_group")
        size = 1

    if not choices and not remark and not pins:
        raise BallotRejected("empty")
    return Ballot(sub.code, workshop.id, choices, buurt, age, remark, pins, size, original)


def _validate_pin(raw, catalogue, leefgebieden) -> Pin:
    if isinstance(raw, Pin):
        raw = raw.__dict__
    if not isinstance(raw, dict):
        raise BallotRejected("invalid_pin")
    lg = raw.get("leefgebied")
    if lg not in catalogue.leefgebieden:
        raise BallotRejected("invalid_pin")
    if lg not in leefgebieden:
        raise BallotRejected("invalid_pin", REFUSALS["pin_not_on_ballot"][0])
    try:
        lat, lon = float(raw.get("lat")), float(raw.get("lon"))
    except (TypeError, ValueError):
        raise BallotRejected("invalid_pin") from None
    if not (math.isfinite(lat) and math.isfinite(lon)) or catalogue.buurt_at(lat, lon) is None:
        raise BallotRejected("pin_outside")
    text = clean_text(raw.get("text", ""), MAX_PIN_TEXT, "De tekst bij een plek")
    return Pin(lg, round(lat, 6), round(lon, 6), text)
