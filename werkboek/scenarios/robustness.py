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
    """The drawn ballots (``counts`` per ballot) with identical ones merged into one weighted ballot."""
    return _Merger(ballots).merge(counts)


class _Merger:
    """Groups identical ballots once, then merges each draw with one numpy ``bincount``."""

    def __init__(self, ballots: list[VoterBallot]):
        import numpy as np

        index: dict[tuple, int] = {}
        self.first: list[VoterBallot] = []
        groups = []
        for b in ballots:
            key = (b.method, tuple(sorted(b.scores.items())))
            if key not in index:
                index[key] = len(self.first)
                self.first.append(b)
            groups.append(index[key])
        self.groups = np.array(groups)
        self.weights = np.array([b.weight for b in ballots], dtype=float)

    def merge(self, counts) -> list[VoterBallot]:
        import numpy as np

        totals = np.bincount(self.groups, weights=self.weights * counts, minlength=len(self.first))
        return [replace(b, weight=float(w)) for b, w in zip(self.first, totals) if w > 0]


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
    merger = _Merger(ballots)
    for _ in range(resamples):
        counts = rng.multinomial(n, [1 / n] * n)
        sel = select(candidates, merger.merge(counts), ties=False, **select_kwargs)
        for a in sel.chosen:
            funded[a] += 1
    return {"resamples": resamples, "seed": draw_seed, "share": {a: round(k / resamples, 4) for a, k in funded.items()}}
