"""A ballot in progress as a small JSON payload, and back: what survives a reload.

:func:`to_payload` turns a :class:`~werkboek_widgets.ballot.draft.BallotDraft` and the screen the
resident is on into a plain dict for :meth:`werkboek.store.Store.save_draft`.
:func:`restore` builds a fresh draft from such a payload. The payload comes back from the
database, but it is treated as untrusted input: every value is checked again against the
workshop and the catalogue, and whatever does not fit (an unknown actie, too many stippen,
a buurt outside Heerlen-Noord, a pin outside the map, …) is dropped without a word. The
choices are replayed through the draft's own methods (``add_point``, ``toggle_approval``,
``toggle_rank``), so the rules of the voting method hold exactly as when clicking.
"""

from __future__ import annotations

import math

from werkboek.model.ballot import AGE_GROUPS, MAX_PIN_TEXT, MAX_PINS, MAX_REMARK
from werkboek_widgets.ballot.draft import BallotDraft
from werkboek_widgets.ballot.flow import Screen

VERSION = 1
# Screens a resident can continue on; before the code there is no ballot, after it no draft.
RESUMABLE = ("buurt", "stemmen", "opmerking", "controle")


def to_payload(draft: BallotDraft, screen: Screen | None = None, lang: str = "nl") -> dict:
    """Everything needed to continue this ballot later (well under the store's 16 kB)."""
    payload = {
        "v": VERSION,
        "workshop": draft.workshop.id,
        "choices": dict(draft.choices),
        "buurt": draft.buurt,
        "age_group": draft.age_group,
        "remark": draft.remark,
        "pins": [dict(p) for p in draft.pins],
        "group_size": draft.group_size if draft.is_group else None,
        "lang": lang,
    }
    if screen is not None and screen.step in RESUMABLE:
        payload["screen"] = {"step": screen.step, "leefgebied": screen.leefgebied}
    return payload


def restore(payload, workshop, catalogue, code: str, code_kind: str = "individual"
            ) -> tuple[BallotDraft, Screen | None]:
    """A new draft with every value from ``payload`` that still fits; and where to continue.

    Returns a fresh, empty draft (and None) when the payload is not a draft of this workshop.
    """
    draft = BallotDraft(workshop, catalogue, code, code_kind)
    if not isinstance(payload, dict) or payload.get("v") != VERSION or payload.get("workshop") != workshop.id:
        return draft, None
    _restore_choices(draft, payload.get("choices"))
    buurt = payload.get("buurt")
    draft.buurt = buurt if isinstance(buurt, str) and buurt in catalogue.heerlen_noord else None
    age = payload.get("age_group")
    draft.age_group = age if isinstance(age, str) and age in AGE_GROUPS else None
    remark = payload.get("remark")
    draft.remark = remark[:MAX_REMARK] if isinstance(remark, str) else ""
    _restore_pins(draft, payload.get("pins"), catalogue)
    size = payload.get("group_size")
    if draft.is_group and _is_int(size):
        draft.set_group_size(size)
    return draft, _screen(payload.get("screen"), draft)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _restore_choices(draft: BallotDraft, choices) -> None:
    if not isinstance(choices, dict):
        return
    valid = {a: v for a, v in choices.items()
             if isinstance(a, str) and a in draft.workshop.acties and a in draft.catalogue.acties
             and _is_int(v) and v > 0}
    for lg in draft.leefgebieden:  # the method rebuilds what it allows (a forged 10**9 costs nothing)
        draft.restore_choices(lg, {a: v for a, v in valid.items() if draft.leefgebied_of(a) == lg})


def _restore_pins(draft: BallotDraft, pins, catalogue) -> None:
    if not isinstance(pins, list):
        return
    for pin in pins:  # the store keeps at most 16 kB, so this list is short
        if len(draft.pins) >= MAX_PINS:
            break
        if not isinstance(pin, dict) or pin.get("leefgebied") not in draft.leefgebieden:
            continue
        lat, lon, text = pin.get("lat"), pin.get("lon"), pin.get("text", "")
        if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) for x in (lat, lon)):
            continue
        if catalogue.buurt_at(lat, lon) is None:
            continue
        draft.add_pin(pin["leefgebied"], lat, lon, text[:MAX_PIN_TEXT] if isinstance(text, str) else "")


def _screen(raw, draft: BallotDraft) -> Screen | None:
    if not isinstance(raw, dict) or raw.get("step") not in RESUMABLE:
        return None
    step = raw["step"]
    if step == "stemmen":
        lg = raw.get("leefgebied")
        return Screen("stemmen", lg) if lg in draft.leefgebieden else None
    return Screen(step)
