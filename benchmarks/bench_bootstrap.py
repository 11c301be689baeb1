"""Benchmark: "hoe zeker?" — bootstrap resamples of a 5,000-ballot workshop.

Prints seconds per resample and for the whole bootstrap per rule, next to one run of the
selection, and how many different ballots a draw leaves after merging identical ones.
The Equal Shares add1 line also shows what the completion costs against the greedy one.

    .venv/bin/python benchmarks/bench_bootstrap.py [--ballots 5000] [--resamples 1000]

Invented ballots (points, the catalogue's acties); nothing is stored.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def invented_ballots(catalogue, n: int, seed: int = 5):
    from werkboek.model.methods import make_method
    from werkboek.scenarios.inputs import VoterBallot

    rng = random.Random(seed)
    method = make_method("punten", {"points": 5})
    favourites = {a: rng.random() for a in catalogue.acties}
    by_lg: dict[str, list[str]] = {}
    for a in catalogue.acties.values():
        by_lg.setdefault(a.leefgebied, []).append(a.id)
    ballots = []
    for i in range(n):
        values: dict[str, int] = {}
        for acties in by_lg.values():
            preferred = sorted(acties, key=lambda a: -(favourites[a] + rng.random()))
            values.update(method.demo_choices(rng, preferred))
        ballots.append(VoterBallot(str(i), "punten", values, {a: method.score(v) for a, v in values.items()}))
    return ballots


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--resamples", type=int, default=1000)
    args = parser.parse_args()

    from werkboek.model.catalogue import catalogue as load
    from werkboek.scenarios.inputs import candidates_from_catalogue
    from werkboek.scenarios.robustness import _merge, bootstrap
    from werkboek.scenarios.selection import select

    catalogue = load()
    candidates = candidates_from_catalogue(catalogue)
    ballots = invented_ballots(catalogue, args.ballots)
    budget, years = 40_000_000, 10
    print(f"{args.ballots} ballots (punten), {len(candidates)} acties, budget € " + f"{budget:,}".replace(",", "."))
    import numpy as np

    counts = np.random.default_rng(0).multinomial(len(ballots), [1 / len(ballots)] * len(ballots))
    print(f"different ballots in one draw after merging: {len(_merge(ballots, counts))} of {len(ballots)}")
    cases = [
        ("support", {}, args.resamples),
        ("support_per_euro", {}, args.resamples),
        ("equal_shares", {"completion": "greedy"}, max(1, args.resamples // 10)),
        ("equal_shares", {"completion": "add1"}, 1),  # ~30-50 s a run at 5,000 ballots (our engine; pabutools ~4 min)
    ]
    print(f"{'rule':32} {'one run s':>10} {'resamples':>10} {'total s':>9} {'s/resample':>11} {'ratio':>7}")
    for rule, params, n in cases:
        kwargs = dict(rule=rule, budget=budget, years=years, rule_params=params)
        t0 = time.perf_counter()
        select(candidates, ballots, ties=False, **kwargs)
        one = time.perf_counter() - t0
        t0 = time.perf_counter()
        result = bootstrap(candidates, ballots, resamples=n, draw_seed=1, **kwargs)
        total = time.perf_counter() - t0
        sure = sum(1 for s in result["share"].values() if s >= 0.95)
        label = rule + (f" ({params['completion']})" if params else "")
        print(f"{label:32} {one:10.3f} {n:10d} {total:9.1f} {total / n:11.3f} {total / n / one:7.2f}"
              f"   acties funded in >=95% of draws: {sure}")
        if n < args.resamples:
            print(f"{'':32} -> {args.resamples} resamples would take ~{total / n * args.resamples:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
