"""Benchmark: our exact Equal Shares with add1 (werkboek.scenarios.mes) against pabutools' own.

Prints, per case, the seconds of one Equal Shares selection with each engine and the ratio,
whether both funded the same acties, and (ours) how many add1 steps the method took and in
how many runs; then a bootstrap of Equal Shares with add1 on our engine. pabutools runs in a
child process with a time cap: when it does not finish, the line says "> CAP s".

    .venv/bin/python benchmarks/bench_mes.py [--cap 240] [--ballots 5000] [--resamples 20]

Ballots: the demo workshop (120 invented ballots, punten, in a temporary store) and 5,000
invented points ballots (as benchmarks/bench_bootstrap.py). Budget € 40 M over 10 years.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

BUDGET, YEARS = 40_000_000, 10


def demo_ballots(catalogue):
    from werkboek.demo.scenarios import seed_demo_workshop
    from werkboek.scenarios.inputs import voter_ballots
    from werkboek.store import Store

    home = Path(tempfile.mkdtemp(prefix="werkboek-bench-mes-"))
    store = Store(f"sqlite:///{home / 'werkboek.sqlite'}", catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=120)
        return voter_ballots(store.ballots([wid]), [store.workshop(wid)])
    finally:
        store.close()


def timed_select(engine, candidates, ballots, params):
    from werkboek.scenarios import mes
    from werkboek.scenarios.selection import select

    stats = {}
    original = mes.EqualShares.add1

    def add1(self, step):
        try:
            return original(self, step)
        finally:
            stats.update(runs=self.runs, exact=self.exact_runs, steps=self.steps)

    mes.EqualShares.add1 = add1
    try:
        with mes.use_engine(engine):
            started = time.perf_counter()
            sel = select(candidates, ballots, rule="equal_shares", budget=BUDGET, years=YEARS, rule_params=params,
                         ties=False)
            return time.perf_counter() - started, sel.chosen, stats, sel.rule_used.get("mes_step")
    finally:
        mes.EqualShares.add1 = original


def _child(conn, candidates, ballots, params):
    conn.send(timed_select("pabutools", candidates, ballots, params))


def pabutools_capped(candidates, ballots, params, cap):
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, candidates, ballots, params))
    proc.start()
    if parent.poll(cap):
        result = parent.recv()
        proc.join()
        return result
    proc.kill()
    proc.join()
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=float, default=300, help="seconds pabutools may take per case")
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--resamples", type=int, default=20, help="bootstrap resamples on the demo workshop")
    parser.add_argument("--big-resamples", type=int, default=3, help="bootstrap resamples on the large workshop")
    args = parser.parse_args()
    os.environ.setdefault("WERKBOEK_HOME", tempfile.mkdtemp(prefix="werkboek-bench-mes-home-"))

    from bench_bootstrap import invented_ballots

    from werkboek.model.catalogue import catalogue as load
    from werkboek.scenarios.inputs import candidates_from_catalogue
    from werkboek.scenarios.robustness import bootstrap

    catalogue = load()
    candidates = candidates_from_catalogue(catalogue)
    demo = demo_ballots(catalogue)
    big = invented_ballots(catalogue, args.ballots)
    print(f"{len(candidates)} acties, budget € " + f"{BUDGET:,}".replace(",", ".") +
          f", {os.cpu_count()} cores, load average before: {os.getloadavg()[0]:.1f}")
    cases = [
        (f"demo ({len(demo)} ballots), add1 default step", demo, {"completion": "add1"}),
        (f"demo ({len(demo)} ballots), add1 step 1", demo, {"completion": "add1", "mes_step": 1}),
        (f"demo ({len(demo)} ballots), add1+greedy", demo, {"completion": "add1+greedy"}),
        (f"demo ({len(demo)} ballots), greedy", demo, {"completion": "greedy"}),
        (f"{len(big)} ballots, add1 default step", big, {"completion": "add1"}),
    ]
    print(f"{'case':42} {'ours s':>9} {'pabutools s':>12} {'ratio':>8} {'same':>5}  ours: step, steps, runs (exact)")
    per_step: dict[int, float] = {}  # pabutools' seconds per add1 step, per set of ballots (for the estimates)
    for label, ballots, params in cases:
        ours_s, ours_chosen, stats, step = timed_select("werkboek", candidates, ballots, params)
        theirs = pabutools_capped(candidates, ballots, params, args.cap)
        steps = stats.get("steps", 0) + 1  # pabutools runs the method once per step
        estimate = ""
        if theirs is None:
            their_s, ratio, same = f"> {args.cap:.0f}", f"> {args.cap / ours_s:.0f}x", "?"
            if stats and id(ballots) in per_step:
                guess = per_step[id(ballots)] * steps
                estimate = f"; pabutools est. {guess:.0f} s ({guess / ours_s:.0f}x) from its s/step above"
        else:
            their_s, ratio, same = f"{theirs[0]:.2f}", f"{theirs[0] / ours_s:.1f}x", "yes" if theirs[1] == ours_chosen else "NO"
            if stats and params["completion"] == "add1":
                per_step[id(ballots)] = theirs[0] / steps
        detail = (f"€ {step}, {steps - 1}, {stats.get('runs', 0)} ({stats.get('exact', 0)})" if stats else "one run")
        print(f"{label:42} {ours_s:9.2f} {their_s:>12} {ratio:>8} {same:>5}  {detail}{estimate}", flush=True)

    print(f"\nbootstrap of equal_shares (add1, default step), our engine, load average {os.getloadavg()[0]:.1f}:")
    for label, ballots, n in ((f"demo ({len(demo)} ballots)", demo, args.resamples),
                              (f"{len(big)} ballots", big, args.big_resamples)):
        started = time.perf_counter()
        result = bootstrap(candidates, ballots, resamples=n, draw_seed=1, rule="equal_shares", budget=BUDGET,
                           years=YEARS, rule_params={"completion": "add1"})
        total = time.perf_counter() - started
        sure = sum(1 for s in result["share"].values() if s >= 0.95)
        print(f"{label:42} {n:5d} resamples {total:8.1f} s  {total / n:7.2f} s/resample  "
              f"(1,000: ~{total / n * 1000 / 60:.0f} min); {sure} acties funded in >= 95%", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
