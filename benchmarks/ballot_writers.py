"""What bench_store.py and bench_store_service.py share: N writer processes submitting ballots,
and the databases to run them against.

Every writer is its own process (as every resident's kernel is) and submits its ballots one
after another, either through its own :class:`werkboek.store.Store` or, given a socket, through
:class:`werkboek.store_service.client.StoreServiceClient`.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


@contextlib.contextmanager
def store_backends(prefix: str):
    """``{"sqlite": url, "postgresql": url}``: a fresh SQLite file, and a throwaway PostgreSQL
    server (tests/pg.py) when its binaries are installed; stopped afterwards."""
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp(prefix=prefix)}/werkboek.sqlite"}
    server = None
    try:
        from support.pg import TempPostgres, find_bindir

        if find_bindir():
            server = TempPostgres()
            backends["postgresql"] = server.start()
        yield backends
    finally:
        if server:
            server.stop()


def _writer(url, socket_path, jobs, start_event, out):
    from werkboek.model.ballot import BallotSubmission

    if socket_path:
        from werkboek.store_service.client import StoreServiceClient

        store = StoreServiceClient(socket_path)
    else:
        from werkboek.store import Store

        store = Store(url, upgrade=False)
    store.has_ballot(jobs[0][0])  # connect / warm up before the clock starts
    start_event.wait()
    latencies = []
    for code, choices in jobs:
        t0 = time.perf_counter()
        store.submit(BallotSubmission(code=code, choices=choices))
        latencies.append(time.perf_counter() - t0)
    out.put(latencies)


def measure(url: str, writers: int, per_writer: int, socket_path: str | None = None) -> tuple[float, list[float]]:
    """Ballots per second over all writers, and every submit's latency (seconds)."""
    from werkboek.model.catalogue import catalogue
    from werkboek.store import Store

    cat = catalogue()
    store = Store(url, catalogue=cat)
    acties = [a.id for lg in cat.leefgebieden for a in cat.acties_in(lg)[:3]]
    ws = store.open_voting(store.create_workshop(f"bench {writers}", acties=acties).id)
    codes = [c.code for c in store.create_codes(ws.id, writers * per_writer)]
    rng = random.Random(writers)
    per_lg = ws.acties_per_leefgebied(cat)
    jobs = [(c, {rng.choice(a).id: rng.randint(1, 5) for a in per_lg.values()}) for c in codes]
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(url, socket_path, jobs[i::writers], go, out)) for i in range(writers)]
    for p in procs:
        p.start()
    time.sleep(2 + writers * 0.15)  # let every writer import and connect before the clock starts
    t0 = time.perf_counter()
    go.set()
    latencies = []
    for _ in procs:
        latencies += out.get(timeout=600)
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    assert store.count_ballots(ws.id) == len(jobs)
    store.close()
    return len(jobs) / wall, latencies
