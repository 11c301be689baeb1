"""Invented ballots for trying scenarios out: one closed example workshop in the store.

The ballots are random (deterministic for a seed) and the workshop's title says they are
example data, so no report can pass them off as real votes. Used by ``werkboek scenarios
demo``, the tests and the benchmark.
"""

from __future__ import annotations

import random

from werkboek.model.ballot import BallotSubmission
from werkboek.model.methods import method_class

TITLE = "Voorbeeld-workshop (verzonnen stemmen)"


def seed_demo_workshop(store, catalogue, *, ballots: int = 120, method: str = "punten", seed: int = 917,
                       groups: int = 5) -> int:
    """Create a closed workshop with invented ballots for every actie; returns its id."""
    rng = random.Random(seed)
    cls = method_class(method)
    params = {p.name: p.default for p in cls.params_spec if p.default is not None}
    acties = list(catalogue.acties)
    ws = store.create_workshop(TITLE, method=method, method_params=params, acties=acties, location="Voorbeeld")
    voting = ws.voting_method(catalogue)  # for this ballot (begroten needs the costs)
    store.open_voting(ws.id)
    buurten = sorted(catalogue.heerlen_noord)
    popular = {b: rng.sample(buurten, 1)[0] for b in range(3)}  # a few buurten turn up more
    codes = store.create_codes(ws.id, ballots - groups) + (store.create_codes(ws.id, groups, "group") if groups else [])
    favourites = {a: rng.random() for a in acties}  # some acties are liked more everywhere
    for code in codes:
        choices: dict[str, int] = {}
        for lg in catalogue.leefgebieden:
            options = [a.id for a in catalogue.acties_in(lg)]
            picks = sorted(options, key=lambda a: -(favourites[a] + rng.random()))[:3]
            choices.update(voting.demo_choices(rng, picks))
        buurt = popular[rng.randrange(3)] if rng.random() < 0.5 else rng.choice(buurten)
        store.submit(BallotSubmission(code.code, choices=choices, buurt=buurt,
                                      group_size=rng.randint(3, 8) if code.kind == "group" else None))
    store.close_voting(ws.id)
    return ws.id
