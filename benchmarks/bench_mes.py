"""Benchmark: our exact Equal Shares with add1 (werkboek.scenarios.mes) against pabutools' own.

Prints the cost of the compiled loop's JIT (a fresh process: compile with an empty cache,
load from the cache); then per case, the seconds of one Equal Shares selection with our
engine (compiled loop, JIT warm), with our engine's numpy float run, with pabutools, the ratio
pabutools / ours, whether both funded the same acties, and (ours) how many add1 steps the
method took and in how many runs; then a bootstrap of Equal Shares with add1 on our engine. pabutools runs in a
child process with a time cap: when it does not finish, the line says "> CAP s".

    .venv/bin/python benchmarks/bench_mes.py [--cap 240] [--ballots 5000] [--resamples 20] [--skip-slow-numpy]

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

_FIRST_RUN = """
import time
started = time.perf_counter()
from werkboek.scenarios import mes
mes.COMPILED = {compiled}
mes.EqualShares([10, 20], [[1, 0], [0, 1]], [1, 1], 30, [0, 1]).run(15)
print(time.perf_counter() - started)
"""


def jit_costs() -> dict[str, float]:
    """Seconds of a fresh process's first Equal Shares run: without the compiled loop (numpy), with an empty
    numba cache (the JIT compiles: a fresh install's first scenario) and with the cache filled (every later
    process, e.g. each batch worker's kernel). Each in its own child process."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    cache = tempfile.mkdtemp(prefix="werkboek-numba-cache-")
    env = {**os.environ, "NUMBA_CACHE_DIR": cache}
    out = {}
    for label, compiled in (("numpy", False), ("compile", True), ("cached", True)):
        done = subprocess.run([sys.executable, "-c", _FIRST_RUN.format(compiled=compiled)], cwd=root, env=env,
                              capture_output=True, text=True, check=True)
        out[label] = float(done.stdout.split()[-1])
    return out


def print_jit_costs() -> None:
    costs = jit_costs()
    print(f"first Equal Shares run in a fresh process (import incl.): numpy {costs['numpy']:.2f} s; "
          f"compiled, empty cache (JIT compiles) {costs['compile']:.2f} s; compiled, from the cache "
          f"{costs['cached']:.2f} s", flush=True)


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
    parser.add_argument("--skip-slow-numpy", action="store_true", help="no numpy-run figure for mes_step 1")
    args = parser.parse_args()
    os.environ.setdefault("WERKBOEK_HOME", tempfile.mkdtemp(prefix="werkboek-bench-mes-home-"))

    from bench_bootstrap import invented_ballots

    from werkboek.model.catalogue import catalogue as load
    from werkboek.scenarios import mes
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
    print_jit_costs()
    mes.EqualShares([10, 20], [[1, 0], [0, 1]], [1, 1], 30, [0, 1]).run(15)  # this process: the JIT from the cache
    print(f"{'case':42} {'ours s':>9} {'numpy s':>8} {'pabutools s':>12} {'ratio':>8} {'same':>5}  "
          "ours: step, steps, runs (exact)")
    per_step: dict[int, float] = {}  # pabutools' seconds per add1 step, per set of ballots (for the estimates)
    for label, ballots, params in cases:
        ours_s, ours_chosen, stats, step = timed_select("werkboek", candidates, ballots, params)  # JIT warm
        mes.COMPILED = False  # the same engine with the numpy float run (before the compiled loop)
        try:
            numpy_s, numpy_chosen, _, _ = timed_select("werkboek", candidates, ballots, params) if \
                not (args.skip_slow_numpy and params.get("mes_step") == 1) else (float("nan"), ours_chosen, 0, 0)
        finally:
            mes.COMPILED = True
        assert numpy_chosen == ours_chosen, label
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
        print(f"{label:42} {ours_s:9.2f} {numpy_s:8.2f} {their_s:>12} {ratio:>8} {same:>5}  {detail}{estimate}",
              flush=True)

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
