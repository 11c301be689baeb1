"""Many processes submit at once (every resident's kernel is a process): no acknowledged ballot is lost."""

from __future__ import annotations

import multiprocessing as mp
import random

import pytest

from werkboek.model.ballot import BallotSubmission
from werkboek.store import Store

WORKERS = 4
OWN_CODES = 80     # per worker, each submitted once
SHARED_CODES = 10  # submitted by every worker: replacements race each other


def _worker(url: str, jobs: list[tuple[str, dict]], seed: int, out) -> None:
    store = Store(url, upgrade=False)
    rng = random.Random(seed)
    acks, errors = [], []
    for code, choices in jobs:
        try:
            receipt = store.submit(BallotSubmission(code=code, choices=choices))
            acks.append((code, receipt.ballot_id, choices))
        except Exception as exc:  # reported, and the test fails on any
            errors.append(f"{code}: {type(exc).__name__}: {exc}")
        if rng.random() < 0.1:
            store.ballots(code=code)  # readers mixed in with the writers
    out.put((acks, errors))


@pytest.mark.slow
def test_concurrent_writers_lose_nothing(store, open_workshop, catalogue):
    lg_acties = open_workshop.acties_per_leefgebied(catalogue)
    on_ballot = [a.id for acties in lg_acties.values() for a in acties]
    codes = [c.code for c in store.create_codes(open_workshop.id, WORKERS * OWN_CODES + SHARED_CODES)]
    shared = codes[-SHARED_CODES:]
    rng = random.Random(917)
    plans = []
    for w in range(WORKERS):
        own = codes[w * OWN_CODES:(w + 1) * OWN_CODES]
        jobs = [(c, {rng.choice(on_ballot): rng.randint(1, 5)}) for c in own + shared]
        rng.shuffle(jobs)
        plans.append(jobs)

    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(store.url, plans[w], w, out)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    acks = [a for r in results for a in r[0]]
    errors = [e for r in results for e in r[1]]
    assert errors == []
    assert len(acks) == WORKERS * (OWN_CODES + SHARED_CODES)

    everything = {b.id: b for b in store.ballots(open_workshop.id, include_superseded=True)}
    assert len(everything) == len(acks)  # nothing extra, nothing missing
    for code, ballot_id, choices in acks:
        assert everything[ballot_id].code == code
        assert everything[ballot_id].choices == choices

    current = store.ballots(open_workshop.id)
    assert sorted(b.code for b in current) == sorted(codes)  # exactly one current ballot per code
    for b in current:
        versions = [x for x in everything.values() if x.code == b.code]
        assert b.id == max(versions, key=lambda x: (x.submitted_at, x.id)).id
        assert all(x.superseded_at is not None for x in versions if x.id != b.id)
