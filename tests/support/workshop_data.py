"""Seed a store with realistic ballots for the export, report and code-sheet tests.

Includes resident text that is dangerous in HTML and in spreadsheets, a group ballot, a
replaced (superseded) ballot, a pin, and a second workshop with another voting method.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from werkboek.model.ballot import BallotSubmission

SCRIPT = "<script>alert(1)</script>"
HYPERLINK = '=HYPERLINK("http://x","y")'
AT_SUM = "@SUM(A1)"
PLUS = "+31 45 123 4567 belt u mij"
MINUS = "-2+3 klopt niet"
REMARK_ONLY = "Alleen een opmerking: meer bankjes & minder \"hangplekken\"."
PIN_TEXT = '=cmd|" /C calc"!A0 <b>hier</b>'


@dataclass
class Seeded:
    avond: object  # Workshop (punten)
    conferentie: object  # Workshop (goedkeuren)
    andere: object  # Workshop whose ballots must never show up
    buurt: object  # Buurt used for ballots and the pin
    pin_at: tuple[float, float]


def buurt_with_inner_point(catalogue):
    for buurt in catalogue.heerlen_noord.values():
        lat, lon = buurt.shape.centroid()
        found = catalogue.buurt_at(lat, lon)
        if found is not None and found.statcode == buurt.statcode:
            return buurt, (lat, lon)
    raise AssertionError("no buurt of Heerlen-Noord contains its own centroid")


def seed(store, catalogue, avond) -> Seeded:
    """``avond`` is an open workshop with the punten method (the ``open_workshop`` fixture)."""
    grouped = avond.acties_per_leefgebied(catalogue)
    lgs = list(grouped)
    a1, a2 = [a.id for a in grouped[lgs[0]][:2]]
    b1 = grouped[lgs[1]][0].id
    buurt, (lat, lon) = buurt_with_inner_point(catalogue)

    codes = store.create_codes(avond.id, 5)
    group = store.create_codes(avond.id, 1, kind="group")[0]
    store.submit(BallotSubmission(codes[0].code, {a1: 3, a2: 2}, buurt=buurt.statcode, age_group="30-49",
                                  remark=SCRIPT,
                                  pins=[{"leefgebied": lgs[0], "lat": lat, "lon": lon, "text": PIN_TEXT}]))
    store.submit(BallotSubmission(codes[1].code, {b1: 5}, remark=HYPERLINK, age_group="65-79"))
    store.submit(BallotSubmission(codes[2].code, {a1: 1}, remark="eerste versie, wordt vervangen"))
    store.submit(BallotSubmission(codes[2].code, {a2: 4}, remark=AT_SUM, buurt=buurt.statcode))
    store.submit(BallotSubmission(group.code, {a1: 5, b1: 2}, remark=PLUS, group_size=6))
    store.submit(BallotSubmission(codes[3].code, {}, remark=REMARK_ONLY))
    # codes[4] stays unused

    conf_acties = [a1, a2, b1]
    conferentie = store.create_workshop("Bewonersconferentie 2026", method="goedkeuren",
                                        method_params={"max_approvals": 2}, acties=conf_acties,
                                        date=dt.date(2026, 3, 14), location="Glaspaleis", kind="conference")
    conferentie = store.open_voting(conferentie.id)
    cc = store.create_codes(conferentie.id, 2)
    store.submit(BallotSubmission(cc[0].code, {a1: 1, a2: 1}, remark=MINUS, age_group="18-29"))
    store.submit(BallotSubmission(cc[1].code, {b1: 1}))

    andere = store.open_voting(store.create_workshop("Andere avond", acties=[a1]).id)
    oc = store.create_codes(andere.id, 1)
    store.submit(BallotSubmission(oc[0].code, {a1: 1}, remark="hoort niet in deze export"))
    return Seeded(store.workshop(avond.id), conferentie, andere, buurt, (lat, lon))
