"""Our own exact Method of Equal Shares with the add1 completion — pabutools is the reference.

Why hand-written. pabutools' ``method_of_equal_shares(voter_budget_increment=…)`` is the
reference (and stays selectable: :data:`ENGINE`, :func:`use_engine`; the tests compare the
two on every test file and on many random instances). It reruns the whole method in exact
Python fractions for every add1 step: 2.5 s a run on the demo workshop (120 ballots), 3–4.5
minutes on 5,000 ballots, and the cities' step of 1 euro per person (``mes_step: 1``) did not
finish in 10 minutes. This module gives the *same* funded acties in the same order, with the
same tie-break, in a fraction of that time, by two means:

1. **A vectorised run in floats, trusted only where it is certain.** One run of the method is
   done with numpy over the *distinct* ballots (identical ballots merged, their count as
   weight). Every decision the run takes (can an actie still be paid for; is a voter "poor"
   for an actie — pays all she has left; which actie is cheapest per unit of satisfaction,
   and which are tied) compares two floats whose forward error is bounded (a running bound on
   every voter's budget, the summation bound ``(n + P + 4)·eps`` for the sums). When a
   comparison is closer than four times its bound, the run is not trusted and is redone in
   exact rationals (gmpy2 ``mpq``, as pabutools) with the same code on object arrays. Exact
   ties between acties with the same cost and the same scores ("clones") are known to be ties
   without that. So every run's result is the exact result.
2. **add1 skips steps that cannot change anything — exactly.** Take the per-voter budget ``t``
   as the variable. Given the *signature* of a run (per round: which acties can still be paid
   for, the chosen actie, the tied acties, and for every actie that can be paid for which of
   its supporters would pay all they have at the chosen price), every voter's budget, every
   price and every quantity compared in the run is an affine function of ``t`` (a price is
   ``(cost − Σ_poor m·b(t)) / Σ_rich m·s``; a budget after paying is ``b(t) − price(t)·s``).
   Every decision is then the sign of an affine function of ``t``, so the set of ``t`` at
   which a run has a given signature is an interval. If two steps ``k < j`` give the same
   signature, every step between them does too: the same funded acties, the same ties seen,
   and (as the outcome neither overspends nor is exhaustive at ``k``) add1 would have gone on
   through all of them. So we probe ahead (doubling), then bisect to the last step with the
   same signature, and continue right after it. A run whose chosen actie has no "rich"
   supporter left (its price is then ``max b/s``, not affine) gets a signature no other run
   shares, so no step is skipped around it.

The outer loop is pabutools' (``method_of_equal_shares_scheme``): start at ``budget / number
of voters``; stop with the outcome when it is exhaustive (no supported actie fits any more),
with the outcome of the step before when it overspends. The greedy completion is pabutools'
additive greedy on the same satisfaction (support per euro, then the tie-break order).
Satisfaction: a voter's score for an actie times its cost (:class:`.rules.Support_Cost_Sat`;
for approval ballots pabutools' ``Cost_Sat``).

Not covered (the caller then uses pabutools): acties that cost nothing.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
from gmpy2 import mpq

ENGINES = ("werkboek", "pabutools")
ENGINE = "werkboek"  # which Equal Shares :mod:`.rules` runs; "pabutools" = the reference

EPS = float(np.finfo(float).eps)
SAFETY = 4.0  # a float decision counts only when its margin is at least this many times its error bound


@contextlib.contextmanager
def use_engine(name: str):
    """Run Equal Shares with another engine for a while (the tests' cross-check with pabutools)."""
    global ENGINE
    if name not in ENGINES:
        raise ValueError(f"unknown Equal Shares engine {name!r}")
    before, ENGINE = ENGINE, name
    try:
        yield
    finally:
        ENGINE = before


class _NotCertain(Exception):
    """A float comparison was too close to call: redo the run exactly."""


@dataclass(frozen=True)
class Run:
    selected: tuple[int, ...]  # project indices in the order funded
    seen: bool  # a tie between acties had to be broken
    sig: tuple  # the signature (see the module docstring)
    exact: bool  # done in rationals (a float decision was too close to call)


class EqualShares:
    """One election for the Method of Equal Shares: distinct ballots with weights, exact costs and scores.

    ``scores[i][q]``: ballot i's score for project q (int or rational, 0 = not supported);
    ``weights[i]``: how many voters cast ballot i (whole numbers, as pabutools counts them);
    ``rank[q]``: the tie-break position of project q (lower is chosen first).
    """

    def __init__(self, costs, scores, weights, budget, rank):
        self.P = len(costs)
        self.n = len(weights)
        self.cost_x = np.array([mpq(c) for c in costs], dtype=object)
        if any(c <= 0 for c in self.cost_x):
            raise ValueError("every project must cost more than 0")
        score_x = [[mpq(s) for s in row] for row in scores]
        self.m_int = [int(w) for w in weights]
        self.N = sum(self.m_int)
        self.budget = mpq(budget)
        self.rank = np.asarray(rank, dtype=np.int64)
        self.cost_f = np.array([float(c) for c in self.cost_x])
        score_f = np.array([[float(s) for s in row] for row in score_x], dtype=float).reshape(self.n, self.P)
        self.supp = score_f > 0
        self.supp_f = self.supp.astype(float)
        self.sat_f = score_f * self.cost_f[None, :]
        self.m_f = np.array(self.m_int, dtype=float)
        self._score_x = score_x
        self._sat_x = None
        self.supported = self.supp.any(axis=0) & (self.m_f @ self.supp_f > 0)
        self.gamma = (self.n + self.P + 4) * EPS
        # clones: the same cost and the same scores, so the same price in every round (ties for certain)
        keys: dict = {}
        self.clone = np.array([keys.setdefault((self.cost_x[q], tuple(row[q] for row in score_x)), q)
                               for q in range(self.P)])
        total_sat = self.m_f @ self.sat_f
        with np.errstate(divide="ignore"):
            self.initial_lower = np.where(total_sat > 0, self.cost_f / np.where(total_sat > 0, total_sat, 1), np.inf)
        # exact support per project (for the greedy completion: support per euro = Σ m·score)
        self.density = [sum((self.m_int[i] * score_x[i][q] for i in range(self.n)), mpq(0)) for q in range(self.P)]
        self.runs = 0
        self.exact_runs = 0

    # -- one run of the method at a per-voter budget t ----------------------------------------

    def _exact_arrays(self):
        if self._sat_x is None:
            self._sat_x = np.array([[s * c for s, c in zip(row, self.cost_x)] for row in self._score_x],
                                   dtype=object).reshape(self.n, self.P)
            self._m_x = np.array([mpq(w) for w in self.m_int], dtype=object)
            self._supp_x = self.supp.astype(np.int64).astype(object)
        return self._sat_x, self._m_x, self._supp_x

    def run(self, t) -> Run:
        t = mpq(t)
        self.runs += 1
        try:
            return self._run(t, exact=False)
        except _NotCertain:
            self.exact_runs += 1
            return self._run(t, exact=True)

    def _price(self, q, b, sat, m, cost, E, exact):
        """Project q's price per unit of satisfaction (pabutools' affordability) and its float error bound."""
        idx = np.flatnonzero(self.supp[:, q])
        bs, ss, ms = b[idx], sat[idx, q], m[idx]
        order = np.argsort(bs / ss, kind="stable")
        bs, ss, ms = bs[order], ss[order], ms[order]
        paid = np.cumsum(ms * bs)
        weight = np.cumsum(ms * ss)
        total = weight[-1]
        zero = mpq(0) if exact else 0.0
        before_paid = np.concatenate(([zero], paid[:-1]))
        before_weight = np.concatenate(([zero], weight[:-1]))
        rest = total - before_weight
        if exact:
            ok = [r > 0 for r in rest]
            prices = np.array([(cost[q] - bp) / r if o else None for bp, r, o in zip(before_paid, rest, ok)],
                              dtype=object)
            cond = np.array([o and p * s <= bb for p, s, bb, o in zip(prices, ss, bs, ok)], dtype=bool)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                prices = (cost[q] - before_paid) / rest
            cond = (rest > 0) & (prices * ss <= bs)
        if not cond.any():
            if exact:
                raise AssertionError("an affordable project without a price")
            raise _NotCertain
        k = int(np.argmax(cond))
        price = prices[k]
        if exact:
            return price, 0.0
        num_err = float(ms[:k] @ np.full(k, E)) + self.gamma * (float(cost[q]) + float(before_paid[k]))
        err = (num_err + abs(price) * self.gamma * float(rest[k])) / float(rest[k]) * (1 + 1e-6)
        return price, err

    def _exact_ties(self, p, close, aff, poor, bx):
        """Of the acties close to p's price, those exactly tied with it (p included); raise if one is cheaper."""
        sat_x, m_x, _ = self._exact_arrays()
        column = {int(q): j for j, q in enumerate(aff)}
        poor_p = poor[:, column[p]]
        rich_p = self.supp[:, p] & ~poor_p
        if not rich_p.any():
            raise _NotCertain
        price = (self.cost_x[p] - (m_x[poor_p] * bx[poor_p]).sum()) / (m_x[rich_p] * sat_x[rich_p, p]).sum()
        tied = [p]
        for q in close:
            q = int(q)
            if q == p:
                continue
            poor_q = poor[:, column[q]]
            rich_q = self.supp[:, q] & ~poor_q
            paid = (m_x[poor_q] * bx[poor_q]).sum() + price * (m_x[rich_q] * sat_x[rich_q, q]).sum()
            d = self.cost_x[q] - paid
            if d < 0:
                raise _NotCertain
            if d == 0:
                tied.append(q)
        return np.array(tied, dtype=np.int64)

    def _run(self, t, exact: bool) -> Run:
        if exact:
            sat, m, supp_num = self._exact_arrays()
            cost = self.cost_x
            b = np.array([t] * self.n, dtype=object)
        else:
            sat, m, supp_num, cost = self.sat_f, self.m_f, self.supp_f, self.cost_f
            b = np.full(self.n, float(t))
        E = 0.0  # bound on the float error of any voter's budget
        remaining = self.supported.copy()
        lower = self.initial_lower.copy()  # a lower bound of each price (prices only rise): guidance only
        selected: list[int] = []
        seen = False
        sig: list = []
        history: list = []  # per round (chosen, its poor supporters, its rich supporters): for exact replays
        replay = {"b": None, "done": 0}

        def exact_budgets():
            """The exact budgets now (float mode): the rounds so far replayed in rationals, on demand."""
            sat_x, m_x, _ = self._exact_arrays()
            if replay["b"] is None:
                replay["b"] = np.array([t] * self.n, dtype=object)
            bx = replay["b"]
            for q, col_poor, rich in history[replay["done"]:]:
                if not rich.any():
                    raise _NotCertain
                price = (self.cost_x[q] - (m_x[col_poor] * bx[col_poor]).sum()) / (m_x[rich] * sat_x[rich, q]).sum()
                bx[rich] = bx[rich] - price * sat_x[rich, q]
                bx[col_poor] = mpq(0)
            replay["done"] = len(history)
            return bx
        while True:
            rem = np.flatnonzero(remaining)
            mb = m * b
            avail = mb @ supp_num[:, rem] if len(rem) else np.zeros(0)
            if exact:
                ok = np.array([a >= c for a, c in zip(avail, cost[rem])], dtype=bool)
            else:
                err = (self.m_f @ self.supp_f[:, rem]) * E + self.gamma * avail
                if (np.abs(avail - cost[rem]) <= SAFETY * err + 1e-300).any():
                    raise _NotCertain
                ok = avail >= cost[rem]
            remaining[rem[~ok]] = False
            aff = rem[ok]
            if not len(aff):
                sig.append(("end", aff.tobytes()))
                break
            # find the cheapest: prices in order of their lower bounds, until the bound is above the best
            best = None
            p = -1
            best_err = 0.0
            computed = set()
            for q in aff[np.argsort(lower[aff], kind="stable")]:
                if best is not None and lower[q] > float(best) * (1 + 1e-9):
                    break
                price, perr = self._price(q, b, sat, m, cost, E, exact)
                computed.add(int(q))
                lower[q] = float(price)
                if best is None or price < best:
                    best, p, best_err = price, int(q), perr
            while True:
                # every other payable actie at this price: F_q = Σ m·min(b, price·s) against its cost
                Sa = sat[:, aff]
                pay = best * Sa
                bcol = b[:, None]
                if exact:
                    F = m @ np.minimum(bcol, pay)
                    diff = cost[aff] - F
                    below = np.array([d < 0 for d in diff], dtype=bool)
                    if below.any():  # the guidance missed a cheaper one (bounds are floats): take it and recheck
                        for q in aff[below]:
                            price, _ = self._price(q, b, sat, m, cost, E, True)
                            if price < best:
                                best, p = price, int(q)
                        continue
                    tied = aff[np.array([d == 0 for d in diff], dtype=bool)]
                    poor = np.array(bcol <= pay, dtype=bool) & self.supp[:, aff]
                else:
                    Sa_err = E + Sa * best_err
                    F = m @ np.minimum(bcol, pay)
                    diff = cost[aff] - F
                    errF = (m @ (Sa_err * self.supp_f[:, aff])) + self.gamma * F + EPS * cost[aff]
                    close = np.abs(diff) <= SAFETY * errF + 1e-300
                    if ((diff < 0) & ~close).any():
                        raise _NotCertain  # a cheaper actie than the one found: let the exact run sort it out
                    tied = aff[close]
                    gap = np.abs(bcol - pay)
                    if ((gap <= SAFETY * (Sa_err + EPS * (bcol + pay)) + 1e-300) & self.supp[:, aff]).any():
                        raise _NotCertain
                    poor = (bcol <= pay) & self.supp[:, aff]
                    if (self.clone[tied] != self.clone[p]).any():
                        # a near-tie between different acties: decide it in rationals, with the
                        # (certain) partitions at this price and the exact budgets
                        tied = self._exact_ties(p, tied, aff, poor, exact_budgets())
                break
            if p not in set(tied.tolist()):
                tied = np.append(tied, p)
            chosen = int(tied[np.argmin(self.rank[tied])])
            if len(tied) > 1:
                seen = True
            c = int(np.flatnonzero(aff == chosen)[0])
            col_poor = poor[:, c]
            supporters = self.supp[:, chosen]
            rich = supporters & ~col_poor
            entry = (aff.tobytes(), chosen, tuple(sorted(int(x) for x in tied)), np.packbits(poor).tobytes())
            if not rich.any():
                entry = entry + (("not affine", t),)  # price = max b/s here: never skip steps around this run
            sig.append(entry)
            if not exact:
                E = E + float((Sa[:, c] * best_err)[supporters].max(initial=0.0)) + 2 * EPS * float(b.max())
            history.append((chosen, col_poor, rich))
            newb = b.copy()
            newb[rich] = b[rich] - pay[rich, c]
            newb[col_poor] = mpq(0) if exact else 0.0
            b = newb
            selected.append(chosen)
            remaining[chosen] = False
        return Run(tuple(selected), seen, tuple(sig), exact)

    # -- the completions ------------------------------------------------------------------

    def _cost(self, projects) -> mpq:
        return sum((self.cost_x[q] for q in projects), mpq(0))

    def _exhaustive(self, projects) -> bool:
        spent = self._cost(projects)
        inside = set(projects)
        return all(spent + self.cost_x[q] > self.budget
                   for q in np.flatnonzero(self.supported) if q not in inside)

    def once(self) -> tuple[list[int], bool]:
        r = self.run(self.budget / self.N)
        return list(r.selected), r.seen

    def add1(self, step) -> tuple[list[int], bool]:
        """pabutools' ``voter_budget_increment=step`` (see the module docstring for the skipping)."""
        step = mpq(step)
        t0 = self.budget / self.N
        cache: dict[int, Run] = {}

        def at(k: int) -> Run:
            if k not in cache:
                cache[k] = self.run(t0 + k * step)
            return cache[k]

        k = 0
        previous: tuple[int, ...] = ()
        seen = False
        ahead = 1
        while True:
            r = at(k)
            seen = seen or r.seen
            if self._cost(r.selected) > self.budget:
                return list(previous), seen
            if self._exhaustive(r.selected):
                return list(r.selected), seen
            lo, hi, reach = k, None, ahead
            while hi is None:  # probe ahead, doubling, while the signature stays the same
                j = lo + reach
                if at(j).sig == r.sig:
                    lo, reach = j, reach * 2
                else:
                    hi = j
            while hi - lo > 1:  # the last step with this signature
                mid = (lo + hi) // 2
                if at(mid).sig == r.sig:
                    lo = mid
                else:
                    hi = mid
            ahead = max(1, lo - k)
            previous = r.selected
            k = lo + 1
            for old in [x for x in cache if x < k]:
                del cache[old]

    def greedy(self, start: list[int]) -> tuple[list[int], bool]:
        """pabutools' additive greedy from ``start``: support per euro, ties by the tie-break order."""
        inside = set(start)
        rest = sorted((q for q in range(self.P) if q not in inside), key=lambda q: self.rank[q])
        ordered = sorted(rest, key=lambda q: -self.density[q])  # stable: the tie-break order within equal support
        left = self.budget - self._cost(start)
        chosen = list(start)
        for q in ordered:
            if self.cost_x[q] <= left:
                chosen.append(q)
                left -= self.cost_x[q]
        return chosen, len(rest) > 1


def equal_shares(costs, scores, weights, budget, rank, *, completion: str = "add1", step=None
                 ) -> tuple[list[int], bool]:
    """Funded project indices in order, and whether a tie was broken (as pabutools' tie-break would record)."""
    es = EqualShares(costs, scores, weights, budget, rank)
    if completion in ("add1", "add1+greedy"):
        chosen, seen = es.add1(step)
    else:
        chosen, seen = es.once()
    if completion in ("greedy", "add1+greedy"):
        chosen, greedy_seen = es.greedy(chosen)
        seen = seen or greedy_seen
    return chosen, seen
