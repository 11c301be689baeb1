"""Run the benchmarks: all of them, or the ones named.

    ./run bench                 every benchmarks/bench_*.py in turn
    ./run bench dashboard ballot  only bench_dashboard.py and bench_ballot.py

Each benchmark prints its own figures and ratios; this runner only sequences them (they
are not run in parallel, so they do not disturb each other's timings on 2 cores).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    available = {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}
    names = argv or list(available)
    unknown = [n for n in names if n not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    failed = 0
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        start = time.monotonic()
        code = subprocess.call([sys.executable, str(available[name])], cwd=HERE.parent)
        print(f"--- {name}: {time.monotonic() - start:.0f} s, exit {code}", flush=True)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
