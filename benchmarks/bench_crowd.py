"""Issue 6, modest: a crowd of 40 residents (20 within 20 s) against a fresh resident server.

    ./run bench crowd
    .venv/bin/python benchmarks/bench_crowd.py [any benchmarks.crowd.run option]

The full-size runs (150 in 60 s, 300 over the evening) and their figures are in
benchmarks/crowd/RESULTS.md; this one is small enough for a routine benchmark run.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by benchmarks/run.py

from benchmarks.crowd.run import main  # noqa: E402

DEFAULT = ["--residents", "40", "--peak", "20", "--ramp", "20", "--spread", "60", "--think", "1,4",
           "--pool", "8", "--json", "/tmp/werkboek-crowd-bench.json"]

if __name__ == "__main__":
    sys.exit(main(DEFAULT + sys.argv[1:]))
