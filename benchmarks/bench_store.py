"""The vote store under several writers: ballots per second on SQLite (WAL) and PostgreSQL.

Run:  ./run bench store   (or .venv/bin/python benchmarks/bench_store.py [--writers 1,2,4] [--ballots 200])

Every writer is its own process (as every resident's kernel is), submitting ballots through
``Store.submit`` (validation + one transaction + commit). PostgreSQL runs as a throwaway
local server (tests/pg.py) when its binaries are installed.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _writer(url, jobs, start_event, out):
    from werkboek.ballot import BallotSubmission
    from werkboek.store import Store

    store = Store(url, upgrade=False)
    start_event.wait()
    t0 = time.perf_counter()
    for code, choices in jobs:
        store.submit(BallotSubmission(code=code, choices=choices))
    out.put(time.perf_counter() - t0)


def measure(url: str, writers: int, per_writer: int) -> float:
    from werkboek.catalogue import catalogue
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
    procs = [ctx.Process(target=_writer, args=(url, jobs[i::writers], go, out)) for i in range(writers)]
    for p in procs:
        p.start()
    time.sleep(3)  # let every writer import and connect before the clock starts
    t0 = time.perf_counter()
    go.set()
    for _ in procs:
        out.get(timeout=600)
    wall = time.perf_counter() - t0
    for p in procs:
        p.join()
    assert store.count_ballots(ws.id) == len(jobs)
    return len(jobs) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,2,4,8")
    parser.add_argument("--ballots", type=int, default=150, help="ballots per writer")
    args = parser.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp(prefix='bench-store-')}/werkboek.sqlite"}
    server = None
    try:
        from pg import TempPostgres, find_bindir

        if find_bindir():
            server = TempPostgres()
            backends["postgresql"] = server.start()
        for name, url in backends.items():
            base = None
            for n in counts:
                rate = measure(url, n, args.ballots)
                base = base or rate
                print(f"{name:10s} {n:2d} writer(s): {rate:7.0f} ballots/s  ({rate / base:.2f}x one writer)", flush=True)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
