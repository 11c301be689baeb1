"""How sure are we? Bootstrap the ballots and count how often each actie is funded.

The ballots are drawn again with replacement, as many as there were (a tafel is one ballot
and is drawn as a whole), ``resamples`` times; each draw runs the same selection as the
scenario (rule, stages, forced acties, tie-break). An actie's share is the fraction of draws
in which it is funded: near 100% it is funded whatever the chance make-up of the room,
near 50% a few other residents would have changed it.

Our own code (pabutools has no resampling). A draw is a multinomial count per ballot
(numpy), and identical ballots are merged into one weighted ballot before the rule runs,
so the rule sees as many ballots as there are different ones, not as many as were drawn.
"""

from __future__ import annotations

from dataclasses import replace

from werkboek.scenarios.inputs import VoterBallot


def _merge(ballots: list[VoterBallot], counts) -> list[VoterBallot]:
    merged: dict[tuple, VoterBallot] = {}
    for b, n in zip(ballots, counts):
        if not n:
            continue
        key = (b.method, tuple(sorted(b.scores.items())))
        if key in merged:
            merged[key] = replace(merged[key], weight=merged[key].weight + b.weight * int(n))
        else:
            merged[key] = replace(b, weight=b.weight * int(n))
    return list(merged.values())


def bootstrap(candidates, ballots: list[VoterBallot], *, resamples: int, draw_seed: int = 0, **select_kwargs) -> dict:
    """Per actie the share of ``resamples`` bootstrap draws of the ballots in which it is funded.

    ``select_kwargs`` are those of :func:`werkboek.scenarios.selection.select` (rule, budget, ...).
    ``draw_seed`` seeds the draws (``seed`` is the tie-break lottery's, as in ``select``).
    Returns ``{"resamples", "seed", "share": {actie: share}}``; no draws without ballots.
    """
    import numpy as np

    from werkboek.scenarios.selection import select

    if not ballots or resamples <= 0:
        return {"resamples": 0, "seed": draw_seed, "share": {}}
    rng = np.random.default_rng(draw_seed)
    funded = dict.fromkeys(candidates, 0)
    n = len(ballots)
    for _ in range(resamples):
        counts = rng.multinomial(n, [1 / n] * n)
        sel = select(candidates, _merge(ballots, counts), ties=False, **select_kwargs)
        for a in sel.chosen:
            funded[a] += 1
    return {"resamples": resamples, "seed": draw_seed, "share": {a: round(k / resamples, 4) for a, k in funded.items()}}
