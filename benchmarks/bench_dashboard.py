"""Facilitator benchmarks: dashboard refresh with 500 ballots, and `werkboek workshop` start-up.

Run:  ./run bench dashboard     (or: .venv/bin/python benchmarks/bench_dashboard.py [--ballots 500])

Prints medians; the goal for the projector is a refresh well under the 3 s refresh interval,
and a workshop server that is ready within seconds of the command.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_refresh(n_ballots: int, repeat: int) -> None:
    os.environ["WERKBOEK_HOME"] = tempfile.mkdtemp(prefix="bench-dash-")
    from werkboek.model.ballot import BallotSubmission
    from werkboek.model.catalogue import catalogue
    from werkboek.model.results import tally
    from werkboek.store import Store
    from werkboek_widgets.facilitator import Dashboard

    cat = catalogue()
    store = Store()
    acties = [a.id for lg in cat.leefgebieden for a in cat.acties_in(lg)[:4]]
    ws = store.open_voting(store.create_workshop("Bench", method="punten", method_params={"points": 5},
                                                 acties=acties).id)
    rng = random.Random(1)
    per_lg = ws.acties_per_leefgebied(cat)
    buurten = sorted(cat.heerlen_noord)
    codes = store.create_codes(ws.id, n_ballots)
    start = time.perf_counter()
    for code in codes:
        choices = {}
        for lg_acties in per_lg.values():
            choices[rng.choice(lg_acties).id] = rng.randint(1, 5)
        lat, lon = cat.buurten[rng.choice(buurten)].shape.centroid()
        store.submit(BallotSubmission(code=code.code, choices=choices, buurt=rng.choice(buurten),
                                      remark="opmerking" if rng.random() < 0.2 else "",
                                      pins=[{"leefgebied": "wonen", "lat": lat, "lon": lon, "text": "hier"}]
                                      if rng.random() < 0.3 else []))
    seeding = time.perf_counter() - start
    dash = Dashboard(store, cat, workshop_ids=[ws.id])
    dash.tabs.selected_index = 2  # the pin map too
    load = _median_ms(lambda: store.ballots([ws.id]), repeat)
    agg = _median_ms(lambda: tally(store.ballots([ws.id]), [ws], cat), repeat)
    full = _median_ms(lambda: dash.refresh(force=True), repeat)
    idle = _median_ms(dash.refresh, repeat)
    print(f"dashboard, {n_ballots} ballots (SQLite, one process, {seeding / n_ballots * 1000:.1f} ms per submit):")
    print(f"  load ballots            {load:8.1f} ms")
    print(f"  load + tally            {agg:8.1f} ms")
    print(f"  full refresh (redraw)   {full:8.1f} ms   ({full / 3000:.1%} of the 3 s interval)")
    print(f"  refresh, nothing new    {idle:8.1f} ms   (fingerprint only; {full / idle:.0f}x cheaper)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_startup(runs: int, pool_size: int) -> None:
    import urllib.request

    ready, first_page = [], []
    for _ in range(runs):
        home = tempfile.mkdtemp(prefix="bench-ws-")
        port, console = _free_port(), _free_port()
        env = dict(os.environ, WERKBOEK_HOME=home)
        env.pop("WERKBOEK_DATABASE_URL", None)
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "werkboek", "workshop", "--ip", "127.0.0.1",
                                 "--port", str(port), "--console-port", str(console), "--no-qr",
                                 "--pool-size", str(pool_size)],
                                env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            for line in proc.stdout:
                if line.strip() == "READY":
                    break
            ready.append(time.perf_counter() - start)
            # the first resident's page: served from the preheated pool once it has filled
            time.sleep(0)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=120) as response:
                response.read()
            first_page.append(time.perf_counter() - start)
        finally:
            proc.send_signal(2)
            proc.wait(60)
    print(f"werkboek workshop start-up (median of {runs}, pool of {pool_size}):")
    print(f"  command to READY (both servers answering)      {statistics.median(ready):6.2f} s")
    print(f"  command to first rendered ballot page           {statistics.median(first_page):6.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pool-size", type=int, default=2)
    args = parser.parse_args()
    bench_refresh(args.ballots, args.repeat)
    bench_startup(args.runs, args.pool_size)


if __name__ == "__main__":
    main()
