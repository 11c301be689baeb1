"""A demo workshop with votes, so a newcomer sees the whole workbook at once (``werkboek workshop --demo``).

Everything it makes is labelled as a demo; the votes are random, drawn with a fixed seed.
"""

from __future__ import annotations

import datetime as dt
import random

from werkboek.model.ballot import AGE_GROUPS, BallotSubmission
from werkboek.model.methods import method_class
from werkboek.store import Store

DEMO_TITLE = "Demo: buurtavond Heerlen-Noord (voorbeeld)"
REMARKS = [
    "Meer bankjes in het park, dan kunnen ouderen even rusten.",
    "De straatverlichting bij de bushalte is vaak kapot.",
    "Graag een plek waar jongeren 's avonds kunnen sporten.",
    "Goed dat er iets aan de huizen gebeurt, ze zijn erg koud.",
    "Kan de huisarts ook een spreekuur in het buurthuis houden?",
    "Veel mensen weten niet waar ze hulp kunnen vragen bij schulden.",
]
PIN_TEXTS = ["Hier is het donker", "Speelplek nodig", "Gevaarlijke oversteek", "Leegstaand pand", "Mooie plek"]


def seed_demo(store: Store, ballots: int = 30, seed: int = 917, method: str = "punten") -> int:
    """Create the demo workshop (once) and fill it with votes; returns its id.

    ``method``: the demo's voting method (``werkboek workshop --demo --demo-methode begroten``);
    any other than stippen gets its defaults and the method's own invented choices.
    """
    title = DEMO_TITLE if method == "punten" else DEMO_TITLE.replace("(voorbeeld)", f"(voorbeeld, {method})")
    for ws in store.workshops():
        if ws.title == title:
            return ws.id
    cat = store.catalogue
    rng = random.Random(seed)
    acties = [a.id for lg in cat.leefgebieden for a in cat.acties_in(lg)[:3]]
    if method == "punten":
        params = {"points": 5}
    else:
        params = {p.name: p.default for p in method_class(method).params_spec if p.default is not None}
    ws = store.create_workshop(title, method=method, method_params=params, acties=acties,
                               date=dt.date.today(), location="Buurthuis (voorbeeld)")
    voting = ws.voting_method(cat)
    store.open_voting(ws.id)
    codes = store.create_codes(ws.id, ballots + 20)
    groups = store.create_codes(ws.id, 4, kind="group")
    buurten = sorted(cat.heerlen_noord)
    per_lg = ws.acties_per_leefgebied(cat)
    for n, code in enumerate(codes[:ballots] + groups[:2]):
        choices: dict[str, int] = {}
        for lg_acties in per_lg.values():
            if method != "punten":
                preferred = [a.id for a in lg_acties]
                rng.shuffle(preferred)
                choices.update(voting.demo_choices(rng, preferred))
                continue
            left = 5
            while left:
                actie = rng.choice(lg_acties).id
                give = rng.randint(1, left)
                choices[actie] = choices.get(actie, 0) + give
                left -= give
        pins = []
        if rng.random() < 0.4:
            pins.append(_random_pin(cat, rng, rng.choice(list(cat.leefgebieden))))
        store.submit(BallotSubmission(
            code=code.code, choices=choices, buurt=rng.choice(buurten + [None]),
            age_group=rng.choice(list(AGE_GROUPS) + [None]),
            remark=rng.choice(REMARKS) if rng.random() < 0.3 else "", pins=pins,
            group_size=rng.randint(3, 8) if code.kind == "group" else None,
        ))
    return ws.id


def _random_pin(cat, rng: random.Random, leefgebied: str) -> dict:
    buurt = cat.buurten[rng.choice(sorted(cat.heerlen_noord))]
    min_lon, min_lat, max_lon, max_lat = buurt.shape.bbox
    for _ in range(200):
        lat, lon = rng.uniform(min_lat, max_lat), rng.uniform(min_lon, max_lon)
        if buurt.shape.contains(lat, lon):
            return {"leefgebied": leefgebied, "lat": lat, "lon": lon, "text": rng.choice(PIN_TEXTS)}
    lat, lon = buurt.shape.centroid()
    return {"leefgebied": leefgebied, "lat": lat, "lon": lon, "text": rng.choice(PIN_TEXTS)}
