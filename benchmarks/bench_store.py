"""The vote store under several writers: ballots per second on SQLite (WAL) and PostgreSQL.

Run:  ./run bench store   (or .venv/bin/python benchmarks/bench_store.py [--writers 1,2,4] [--ballots 200])

Every writer is its own process (as every resident's kernel is), submitting ballots through
``Store.submit`` (validation + one transaction + commit). PostgreSQL runs as a throwaway
local server (tests/pg.py) when its binaries are installed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ballot_writers import measure, store_backends  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", default="1,2,4,8")
    parser.add_argument("--ballots", type=int, default=150, help="ballots per writer")
    args = parser.parse_args()
    counts = [int(x) for x in args.writers.split(",")]
    with store_backends("bench-store-") as backends:
        for name, url in backends.items():
            base = None
            for n in counts:
                rate, _latencies = measure(url, n, args.ballots)
                base = base or rate
                print(f"{name:10s} {n:2d} writer(s): {rate:7.0f} ballots/s  ({rate / base:.2f}x one writer)", flush=True)


if __name__ == "__main__":
    main()
