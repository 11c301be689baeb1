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
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ballot_writers import measure, store_backends  # noqa: E402

KERNEL_SIDE = {
    "direct": "from werkboek.store import Store\ns = Store(URL, upgrade=False)\ns.has_ballot('AAA-AAA')",
    "service": "from werkboek.store_service.client import StoreServiceClient\n"
               "StoreServiceClient(SOCKET).has_ballot('AAA-AAA')",
}


def kernel_memory(url: str, socket_path: str) -> dict[str, float]:
    """RSS (MB) a fresh Python adds to reach the store one way or the other."""
    result = {}
    for way, code in KERNEL_SIDE.items():
        program = ("import psutil, werkboek.model.ballot, werkboek.errors\n"
                   "before = psutil.Process().memory_info().rss\n"
                   f"URL, SOCKET = {url!r}, {socket_path!r}\n{code}\n"
                   "print((psutil.Process().memory_info().rss - before) / 2**20)")
        out = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
        result[way] = float(out.stdout.strip())
    return result


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] * 1000 if len(values) > 1 else values[0] * 1000


def main() -> None:
    from werkboek.store import Store
    from werkboek.store_service.process import running_store_service

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,8,32")
    parser.add_argument("--ballots", type=int, default=40, help="ballots per writer")
    args = parser.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    with store_backends("bench-store-service-") as backends:
        for name, url in backends.items():
            Store(url).close()  # schema
            with running_store_service(url) as service:
                if name == "sqlite":
                    mem = kernel_memory(url, service.socket_path)
                    print(f"kernel side: direct store +{mem['direct']:.1f} MB RSS, store service client "
                          f"+{mem['service']:.1f} MB RSS (saves {mem['direct'] - mem['service']:.1f} MB a kernel)")
                for n in counts:
                    figures = {}
                    for way in ("direct", "service"):
                        rate, lat = measure(url, n, args.ballots, service.socket_path if way == "service" else None)
                        figures[way] = (rate, pct(lat, 50), pct(lat, 95))
                        print(f"{name:10s} {n:3d} kernel(s) {way:8s}: {rate:6.0f} ballots/s, submit p50 "
                              f"{figures[way][1]:6.1f} ms, p95 {figures[way][2]:7.1f} ms", flush=True)
                    d, s = figures["direct"], figures["service"]
                    print(f"{'':10s} {n:3d} kernel(s) service/direct: throughput {s[0] / d[0]:.2f}x, "
                          f"p95 latency {s[2] / d[2]:.2f}x", flush=True)


if __name__ == "__main__":
    main()
