"""Benchmark: 20 scenarios through papermill — a kernel per scenario (papermill's default) against
one warm kernel per worker (werkboek.scenarios.engine), with 1 and with 2 workers.

Prints the wall time of each batch, the speed-ups, and where the time goes per scenario
(kernel start-up, imports and catalogue in the kernel, the computation, the report cells
plus the HTML export), next to the computation alone in this process.

    .venv/bin/python benchmarks/bench_scenarios.py [--scenarios 20] [--ballots 120] [--rules a,b] [--no-cold] [--keep]

Runs on invented ballots in a temporary WERKBOEK_HOME; nothing of the user's is touched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

RULES = ("support", "support_per_euro", "equal_shares", "phragmen", "max_welfare")
WEIGHTINGS = ("person", "ballot", "buurt")


def write_scenarios(folder: Path, n: int, url: str, wid: int, rules=RULES) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        text = (f"name: Scenario {i + 1:02d}\nbudget_per_year: {2_000_000 + 250_000 * (i % 8)}\n"
                f"start_year: 2025\nend_year: {2030 + i % 6}\nworkshops: [{wid}]\ndatabase_url: '{url}'\n"
                f"rule: {rules[i % len(rules)]}\nweighting: {WEIGHTINGS[i % len(WEIGHTINGS)]}\n"
                f"example_indicators: true\nversnelling_first: {'true' if i % 2 else 'false'}\n"
                f"min_share_per_leefgebied: {0.05 * (i % 3)}\n")
        path = folder / f"scenario-{i + 1:02d}.yaml"
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


def _spin(_=None) -> int:
    total = 0
    for i in range(6_000_000):
        total += i * i % 7
    return total


def machine_ceiling() -> float:
    """What 2 processes get on this machine for pure CPU work: the ratio a batch can approach."""
    import multiprocessing

    started = time.perf_counter()
    for _ in range(4):
        _spin()
    one = time.perf_counter() - started
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        pool.map(_spin, range(2))  # started
        started = time.perf_counter()
        pool.map(_spin, range(4), chunksize=1)
        two = time.perf_counter() - started
    return one / two


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--ballots", type=int, default=120)
    parser.add_argument("--rules", default=",".join(RULES),
                        help="rules to cycle through, comma-separated (e.g. without equal_shares, whose add1 "
                             "completion takes seconds: the overhead alone)")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold batch (a kernel per scenario)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder with the results")
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="werkboek-bench-"))
    os.environ["WERKBOEK_HOME"] = str(home)  # before importing werkboek: workers inherit it
    from werkboek.demo.scenarios import seed_demo_workshop
    from werkboek.model.catalogue import catalogue
    from werkboek.scenarios import load_scenario, run_scenario
    from werkboek.scenarios.batch import DONE, run_batch
    from werkboek.store import Store

    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue())
    wid = seed_demo_workshop(store, catalogue(), ballots=args.ballots)
    store.close()
    rules = tuple(args.rules.split(","))
    files = write_scenarios(home / "scenarios", args.scenarios, url, wid, rules)
    print(f"{args.scenarios} scenarios ({', '.join(rules)}), {args.ballots} invented ballots, {os.cpu_count()} cores, "
          f"load average before: {os.getloadavg()[0]:.1f}")

    if "equal_shares" in rules:
        from bench_mes import print_jit_costs

        from werkboek.scenarios import mes

        print_jit_costs()  # once per machine (compile) / once per worker kernel (from the cache)
        mes.EqualShares([10, 20], [[1, 0], [0, 1]], [1, 1], 30, [0, 1]).run(15)  # this process: from the cache
    started = time.perf_counter()
    per_rule: dict[str, list[float]] = {}
    for i, f in enumerate(files):
        one = time.perf_counter()
        run_scenario(load_scenario(f, catalogue()), catalogue())
        per_rule.setdefault(rules[i % len(rules)], []).append(time.perf_counter() - one)
    inprocess = (time.perf_counter() - started) / len(files)
    print(f"computation alone (in this process, warm): {inprocess:.3f} s per scenario; per rule: "
          + ", ".join(f"{r} {statistics.mean(v):.3f}" for r, v in per_rule.items()))

    walls = {}
    steady = {}  # first → last result: the batch without its workers' fixed start
    timings = {}
    runs = (("cold", 1), ("warm", 1), ("warm", 2))[1 if args.no_cold else 0:]
    for kind, workers in runs:
        started = time.perf_counter()
        stamps: list[float] = []
        results = run_batch([home / "scenarios"], home / f"results-{kind}-{workers}", workers=workers, force=True,
                            progress=False, warm=kind == "warm", on_done=lambda r: stamps.append(time.perf_counter()))
        walls[kind, workers] = time.perf_counter() - started
        steady[kind, workers] = ((stamps[-1] - stamps[0]) / (len(stamps) - 1), stamps[0] - started)
        failed = [r for r in results if r.status != DONE]
        if failed:
            raise SystemExit(f"{len(failed)} scenarios failed: {failed[0].message}")
        timings[kind, workers] = results
        print(f"{kind}, {workers} worker(s): {walls[kind, workers]:.1f} s wall, "
              f"{walls[kind, workers] / len(files):.2f} s per scenario")
    if not args.no_cold:
        print(f"warm vs cold, 1 worker: {walls['cold', 1] / walls['warm', 1]:.2f}x fewer seconds per scenario")
    print(f"speed-up 2 workers vs 1 (warm): {walls['warm', 1] / walls['warm', 2]:.2f}x")
    (s1, first1), (s2, first2) = steady["warm", 1], steady["warm", 2]
    print(f"  first result after {first1:.1f} s (1 worker) and {first2:.1f} s (2 workers: both start at once "
          f"on the same 2 cores); from then on {s1:.3f} vs {s2:.3f} s a scenario: {s1 / s2:.2f}x "
          f"(this machine's own ceiling, pure Python in 2 processes: {machine_ceiling():.2f}x)")
    print(f"overhead per scenario beyond the computation alone ({inprocess:.3f} s): "
          + ", ".join(f"{k} {w} worker(s) {walls[k, w] * w / len(files) - inprocess:.2f} s" for k, w in runs))
    for (kind, workers), results in timings.items():
        parts = {key: statistics.mean(r.timings[key] for r in results)
                 for key in ("kernel", "setup", "compute", "report", "other", "total")}
        share = {k: v / parts["total"] for k, v in parts.items() if k != "total"}
        print(f"per scenario, {kind}, {workers} worker(s), mean seconds: "
              + ", ".join(f"{k} {v:.2f}" for k, v in parts.items())
              + "  |  share of total: " + ", ".join(f"{k} {v:.0%}" for k, v in share.items()))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if args.keep:
        print(f"results in {home}")
    else:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
