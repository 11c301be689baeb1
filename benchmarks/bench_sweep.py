"""Benchmark: one sweep on a local process pool and on a 2-worker Dask LocalCluster.

The same sweep (werkboek.scenarios.sweep) twice: on the local pool ('spawn', 2 processes)
and on a ``distributed.LocalCluster`` with 2 worker processes (1 thread each, no dashboard,
on 127.0.0.1 with a free port); prints the seconds of each, the ratio, and whether the two
tables are identical.

    .venv/bin/python benchmarks/bench_sweep.py [--workers 2] [--bootstrap 4] [--chunk 2]

Ballots: the demo workshop (120 invented ballots, in a temporary store). Grid: 3 rules
(support, Equal Shares with greedy completion, Equal Shares with add1) × 2 yearly budgets × 2
weightings, each cell on all ballots and on ``--bootstrap`` draws.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bootstrap", type=int, default=4)
    parser.add_argument("--chunk", type=int, default=2)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="werkboek-bench-sweep-"))
    os.environ["WERKBOEK_HOME"] = str(home)  # before importing werkboek: workers inherit it

    from distributed import Client, LocalCluster

    from werkboek.demo.scenarios import seed_demo_workshop
    from werkboek.model.catalogue import catalogue
    from werkboek.scenarios.sweep import load_sweep, run_sweep
    from werkboek.store import Store

    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue())
    wid = seed_demo_workshop(store, catalogue(), ballots=120)
    store.close()
    spec = home / "sweep.yaml"
    spec.write_text(
        f"name: Bench\nworkshops: [{wid}]\ndatabase_url: '{url}'\nstart_year: 2025\nend_year: 2030\n"
        "rules: [support, {rule: equal_shares, completion: greedy}, {rule: equal_shares, completion: add1}]\n"
        "budgets: [2000000, 3000000]\nweightings: [person, ballot]\n"
        f"bootstrap: {args.bootstrap}\nbootstrap_seed: 1\nchunk: {args.chunk}\n", encoding="utf-8")
    sweep = load_sweep(spec, catalogue())
    tasks = len(sweep.cells) * (1 + -(-args.bootstrap // args.chunk))
    print(f"sweep: {len(sweep.cells)} cells × (all ballots + {args.bootstrap} draws) = {tasks} tasks, 120 ballots, "
          f"{os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.1f}")

    started = time.perf_counter()
    local = run_sweep(sweep, workers=args.workers, progress=False)
    local_s = time.perf_counter() - started
    print(f"local process pool, {args.workers} workers: {local_s:7.1f} s (incl. starting the workers)", flush=True)

    started = time.perf_counter()
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1", scheduler_port=0) as cluster, Client(cluster) as client:
        up = time.perf_counter() - started
        started_sweep = time.perf_counter()
        on_dask = run_sweep(sweep, scheduler=cluster.scheduler_address, progress=False)
        dask_s = time.perf_counter() - started_sweep
        del client
    print(f"Dask LocalCluster, {args.workers} workers: {dask_s:7.1f} s (+ {up:.1f} s starting the cluster)")
    print(f"ratio local / Dask: {local_s / dask_s:.2f}; same table: {'yes' if local.equals(on_dask) else 'NO'}; "
          f"load average after: {os.getloadavg()[0]:.1f}")
    return 0 if local.equals(on_dask) else 1


if __name__ == "__main__":
    sys.exit(main())
