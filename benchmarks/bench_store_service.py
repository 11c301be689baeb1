"""The store service against kernels that open the database themselves: latency, throughput, memory.

Run:  ./run bench store_service   (or .venv/bin/python benchmarks/bench_store_service.py [--writers 1,8,32] [--ballots 40])

N writer processes stand in for N resident kernels. Each submits ballots one after another
(validation + one transaction + commit), either

* **direct**: through its own :class:`werkboek.store.Store` (what every kernel did before the
  store_service: SQLAlchemy imported, a connection of its own), or
* **store_service**: through :class:`werkboek.store_service.client.StoreServiceClient` to one store service process
  on a Unix socket (what a kernel does now).

Printed per backend (SQLite; PostgreSQL when its binaries are installed) and writer count:
ballots per second, submit latency p50/p95 as a kernel sees it, and the ratio store_service/direct.
Then what each way costs a kernel in memory: RSS after importing what it needs and sending
one request.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _writer(url, socket_path, jobs, start_event, out):
    from werkboek.ballot import BallotSubmission

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


def measure(url: str, writers: int, per_writer: int, socket_path: str | None) -> tuple[float, list[float]]:
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


KERNEL_SIDE = {
    "direct": "from werkboek.store import Store\ns = Store(URL, upgrade=False)\ns.has_ballot('AAA-AAA')",
    "store_service": "from werkboek.store_service.client import StoreServiceClient\nStoreServiceClient(SOCKET).has_ballot('AAA-AAA')",
}


def kernel_memory(url: str, socket_path: str) -> dict[str, float]:
    """RSS (MB) a fresh Python adds to reach the store one way or the other."""
    result = {}
    for way, code in KERNEL_SIDE.items():
        program = ("import psutil, werkboek.ballot, werkboek.errors\n"
                   "before = psutil.Process().memory_info().rss\n"
                   f"URL, SOCKET = {url!r}, {socket_path!r}\n{code}\n"
                   "print((psutil.Process().memory_info().rss - before) / 2**20)")
        out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
        result[way] = float(out.stdout.strip())
    return result


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    from werkboek.store_service.process import running_store_service
    from werkboek.store import Store

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,8,32")
    parser.add_argument("--ballots", type=int, default=40, help="ballots per writer")
    args = parser.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    backends = {"sqlite": f"sqlite:///{tempfile.mkdtemp(prefix='bench-store_service-')}/werkboek.sqlite"}
    server = None
    try:
        from pg import TempPostgres, find_bindir

        if find_bindir():
            server = TempPostgres()
            backends["postgresql"] = server.start()
        for name, url in backends.items():
            Store(url).close()  # schema
            with running_store_service(url) as bus:
                if name == "sqlite":
                    mem = kernel_memory(url, bus.socket_path)
                    print(f"kernel side: direct store +{mem['direct']:.1f} MB RSS, store_service client "
                          f"+{mem['store_service']:.1f} MB RSS (saves {mem['direct'] - mem['store_service']:.1f} MB a kernel)")
                for n in counts:
                    figures = {}
                    for way in ("direct", "store_service"):
                        rate, lat = measure(url, n, args.ballots, bus.socket_path if way == "store_service" else None)
                        figures[way] = (rate, pct(lat, 50), pct(lat, 95))
                        print(f"{name:10s} {n:3d} kernel(s) {way:8s}: {rate:6.0f} ballots/s, submit p50 "
                              f"{figures[way][1]:6.1f} ms, p95 {figures[way][2]:7.1f} ms", flush=True)
                    d, s = figures["direct"], figures["store_service"]
                    print(f"{'':10s} {n:3d} kernel(s) store_service/direct: throughput {s[0] / d[0]:.2f}x, "
                          f"p95 latency {s[2] / d[2]:.2f}x", flush=True)
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
