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
   The float run itself is compiled (:mod:`.mes_compiled`, numba, :data:`COMPILED`): the same
   decisions with the same bounds as the numpy run ``_run``, as loops (on 120 ballots the numpy
   run is bound by the cost of ~1,500 small numpy calls; the compiled one is ~15× faster per
   add1 on the demo). A near-tie between different acties is decided in rationals as in the
   numpy run, and the compiled run goes on from there; so is a supporter's budget too close to
   price × satisfaction to tell whether she pays all she has (see :mod:`.mes_compiled`: the
   round is redone with the exact answers), where the numpy run redoes the whole run in
   rationals. Tested equal to the numpy run and the exact run (selected, tie seen, signature)
   and to pabutools.
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
COMPILED = True  # float runs in the compiled loop (:mod:`.mes_compiled`); False: the numpy run (same decisions)


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
        self.m_int = [int(w) for w in weights]
        self.N = sum(self.m_int)
        self.budget = mpq(budget)
        self.rank = np.asarray(rank, dtype=np.int64)
        self.cost_f = np.array([float(c) for c in self.cost_x])
        # the supporters of each project, one entry per (project, supporter), grouped by project
        # ("columns": only projects someone supports; pabutools leaves the others out of the method)
        table = np.empty((self.n, self.P), dtype=object)
        table[:] = [list(row) for row in scores] if self.n else table
        counted = np.array(self.m_int, dtype=np.int64) > 0
        supports = np.array(table > 0, dtype=bool) & counted[:, None] if self.n else np.zeros((0, self.P), bool)
        cols, rows = np.nonzero(supports.T)  # sorted by project, then by ballot
        vals = [mpq(v) for v in table[rows, cols]]
        self.cols = np.unique(cols).astype(np.int64)  # column j is project cols[j]
        self.J = len(self.cols)
        local = np.full(self.P, -1, dtype=np.int64)
        local[self.cols] = np.arange(self.J)
        self.e_row = rows.astype(np.int64)
        self.e_col = local[cols]
        self.ptr = np.searchsorted(self.e_col, np.arange(self.J + 1))
        self.e_sat_x = np.array([v * self.cost_x[q] for v, q in zip(vals, cols)], dtype=object)
        self.e_m_x = np.array([mpq(self.m_int[i]) for i in rows], dtype=object)
        self.e_sat_f = np.array([float(v) for v in self.e_sat_x])
        self.e_m_f = np.array([float(self.m_int[i]) for i in rows])
        # exact support per project (for the greedy completion: support per euro = Σ m·score)
        self.density = [mpq(0)] * self.P
        for v, q, i in zip(vals, cols, rows):
            self.density[q] += self.m_int[i] * v
        # clones: the same cost and the same scores, so the same price in every round (ties for certain)
        keys: dict = {}
        self.clone = np.array([keys.setdefault((self.cost_x[q], tuple(zip(rows[self.ptr[j]:self.ptr[j + 1]].tolist(),
                                                                            vals[self.ptr[j]:self.ptr[j + 1]]))), j)
                               for j, q in enumerate(self.cols)], dtype=np.int64)
        self.c_cost_x = self.cost_x[self.cols] if self.J else np.zeros(0, dtype=object)
        self.c_cost_f = self.cost_f[self.cols] if self.J else np.zeros(0)
        self.c_rank = self.rank[self.cols] if self.J else np.zeros(0, dtype=np.int64)
        self.m_supp = np.add.reduceat(self.e_m_f, self.ptr[:-1]) if self.J else np.zeros(0)
        self.msat = np.add.reduceat(self.e_m_f * self.e_sat_f, self.ptr[:-1]) if self.J else np.zeros(0)
        self.initial_lower = self.c_cost_f / self.msat if self.J else np.zeros(0)
        self.gamma = (self.n + self.P + 4) * EPS
        self.supported = np.zeros(self.P, dtype=bool)
        self.supported[self.cols] = True
        self.runs = 0  # runs of the method (for the benchmark)
        self.exact_runs = 0  # of which in rationals
        self.partition_resumes = 0  # partitions decided in rationals inside a compiled run
        self.steps = 0

    # -- one run of the method at a per-voter budget t ----------------------------------------

    def run(self, t) -> Run:
        t = mpq(t)
        self.runs += 1
        try:
            return self._run_compiled(t) if COMPILED else self._run(t, exact=False)
        except _NotCertain:
            self.exact_runs += 1
            return self._run(t, exact=True)

    def _replay_exact(self, t, history, bx=None):
        """The exact budgets after the rounds in ``history`` (column, its poor supporters), replayed in rationals."""
        if bx is None:
            bx = np.array([t] * self.n, dtype=object)
        for c, poor_c in history:
            sl = slice(self.ptr[c], self.ptr[c + 1])
            rows = self.e_row[sl]
            weight = (self.e_m_x[sl][~poor_c] * self.e_sat_x[sl][~poor_c]).sum()
            if not weight:
                raise _NotCertain
            price = (self.c_cost_x[c] - (self.e_m_x[sl][poor_c] * bx[rows[poor_c]]).sum()) / weight
            bx[rows[~poor_c]] = bx[rows[~poor_c]] - price * self.e_sat_x[sl][~poor_c]
            bx[rows[poor_c]] = mpq(0)
        return bx

    def _run_compiled(self, t) -> Run:
        """One float run in the compiled loop (:mod:`.mes_compiled`): the same decisions as ``_run`` in floats."""
        from werkboek.scenarios import mes_compiled as mc

        J, nE = self.J, len(self.e_row)
        b = np.full(self.n, float(t))
        active = np.ones(J, dtype=bool)
        lower = self.initial_lower.copy()
        st_i = np.zeros(8, dtype=np.int64)
        st_f = np.zeros(3)
        sig_u8 = np.empty(J * (J + nE) + 1, dtype=np.uint8)
        sig_i32 = np.empty(J * (J + 3) + 1, dtype=np.int32)
        sel = np.empty(J, dtype=np.int64)
        chosen_poor = np.zeros(nE, dtype=bool)
        poor = np.zeros(nE, dtype=bool)
        close_out = np.empty(J + 1, dtype=np.int64)
        resume = np.empty(J + 1, dtype=np.int64)
        n_resume = 0
        force = np.full(nE, -1, dtype=np.int8)  # a partition decided in rationals (NEEDS_PARTITION)
        partitioned = -1  # the round it was decided for
        unsure = np.empty(nE, dtype=np.int64)
        replay = {"b": None, "done": 0}  # the exact budgets, replayed on demand (near-ties)

        def exact_budgets():
            rounds = int(st_i[mc.R])
            history = [(int(c), chosen_poor[self.ptr[c]:self.ptr[c + 1]]) for c in sel[replay["done"]:rounds]]
            replay["b"] = self._replay_exact(t, history, replay["b"])  # only the rounds since the last call
            replay["done"] = rounds
            return replay["b"]

        while True:
            code = mc.float_run(float(t), self.ptr, self.e_row, self.e_col, self.e_sat_f, self.e_m_f, self.c_cost_f,
                                self.m_supp, self.msat, self.initial_lower, self.clone, self.c_rank, self.gamma, EPS,
                                SAFETY, b, active, lower, st_i, st_f, sig_u8, sig_i32, sel, chosen_poor, poor,
                                close_out, resume, n_resume, force, unsure)
            if code == mc.DONE:
                break
            if code == mc.NOT_CERTAIN:
                raise _NotCertain
            if code == mc.NEEDS_PARTITION:  # is she poor at the exact price of the chosen column?
                if st_i[mc.R] == partitioned:  # the redone round cannot ask again (same floats); never loop
                    raise _NotCertain
                partitioned = int(st_i[mc.R])
                self.partition_resumes += 1
                bx = exact_budgets()
                rho, _ = self._price(int(st_i[mc.P_]), bx[self.e_row], self.e_sat_x, self.e_m_x, self.c_cost_x, 0.0,
                                     True)
                for e in unsure[:st_i[mc.NUNSURE]]:
                    force[e] = 1 if bx[self.e_row[e]] <= rho * self.e_sat_x[e] else 0
                n_resume = 0
                continue
            # a near-tie between different acties: decided in rationals on the exact budgets so far
            close = close_out[:st_i[mc.NCLOSE]].copy()
            tied = self._exact_ties(int(st_i[mc.P_]), close, poor.copy(), exact_budgets)
            n_resume = len(tied)
            resume[:n_resume] = tied
        selected = tuple(int(self.cols[c]) for c in sel[:st_i[mc.R]])
        sig = (sig_u8[:st_i[mc.LU8]].tobytes(), sig_i32[:st_i[mc.LI32]].tobytes(),
               t if st_i[mc.NOT_AFFINE] else None)
        return Run(selected, bool(st_i[mc.SEEN]), sig, False)

    def _price(self, j, b_e, sat_e, m_e, cost, E, exact):
        """Column j's price per unit of satisfaction (pabutools' affordability) and its float error bound."""
        sl = slice(self.ptr[j], self.ptr[j + 1])
        bs, ss, ms = b_e[sl], sat_e[sl], m_e[sl]
        if not exact:
            order = np.argsort(bs / ss, kind="stable")
            bs, ss, ms = bs[order], ss[order], ms[order]
            mb, mw = ms * bs, ms * ss
            before_paid = np.cumsum(mb) - mb
            weight = np.cumsum(mw)
            rest = weight[-1] - weight + mw
            prices = (cost[j] - before_paid) / rest
            cond = prices * ss <= bs
            k = int(np.argmax(cond))
            if not cond[k]:
                raise _NotCertain
            price = float(prices[k])
            num_err = float(ms[:k].sum()) * E + self.gamma * (float(cost[j]) + float(before_paid[k]))
            err = (num_err + abs(price) * self.gamma * float(rest[k])) / float(rest[k]) * (1 + 1e-6)
            return price, err
        order = np.argsort(bs / ss, kind="stable")
        bs, ss, ms = bs[order], ss[order], ms[order]
        paid = np.cumsum(ms * bs)
        weight = np.cumsum(ms * ss)
        zero = mpq(0) if exact else 0.0
        before_paid = np.concatenate(([zero], paid[:-1]))
        rest = weight[-1] - np.concatenate(([zero], weight[:-1]))
        if exact:
            ok = [r > 0 for r in rest]
            prices = [(cost[j] - bp) / r if o else None for bp, r, o in zip(before_paid, rest, ok)]
            cond = np.array([o and p * s <= bb for p, s, bb, o in zip(prices, ss, bs, ok)], dtype=bool)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                prices = (cost[j] - before_paid) / rest
            cond = (rest > 0) & (prices * ss <= bs)
        if not cond.any():
            if exact:
                raise AssertionError("an affordable project without a price")
            raise _NotCertain
        k = int(np.argmax(cond))
        price = prices[k]
        if exact:
            return price, 0.0
        num_err = float(ms[:k].sum()) * E + self.gamma * (float(cost[j]) + float(before_paid[k]))
        err = (num_err + abs(price) * self.gamma * float(rest[k])) / float(rest[k]) * (1 + 1e-6)
        return price, err

    def _exact_ties(self, p, close, poor_e, budgets):
        """Of the columns close to p's price, those exactly tied with it (p included); raise if one is cheaper.

        ``budgets()`` gives the exact budgets now; it is called only when a column has "poor"
        supporters (who pay what they have left): otherwise the prices need no budget at all."""
        def parts(j):
            sl = slice(self.ptr[j], self.ptr[j + 1])
            rows, poor = self.e_row[sl], poor_e[sl]
            paid = (self.e_m_x[sl][poor] * budgets()[rows[poor]]).sum() if poor.any() else mpq(0)
            weight = (self.e_m_x[sl][~poor] * self.e_sat_x[sl][~poor]).sum()
            return paid, weight

        paid, weight = parts(p)
        if not weight:
            raise _NotCertain
        price = (self.c_cost_x[p] - paid) / weight
        tied = [p]
        for q in close:
            q = int(q)
            if q == p:
                continue
            paid_q, weight_q = parts(q)
            d = self.c_cost_x[q] - (paid_q + price * weight_q)
            if d < 0:
                raise _NotCertain
            if d == 0:
                tied.append(q)
        return np.array(tied, dtype=np.int64)

    def _run(self, t, exact: bool) -> Run:
        J, ptr, e_row = self.J, self.ptr[:-1], self.e_row
        if exact:
            sat_e, m_e, cost = self.e_sat_x, self.e_m_x, self.c_cost_x
            b = np.array([t] * self.n, dtype=object)
        else:
            sat_e, m_e, cost = self.e_sat_f, self.e_m_f, self.c_cost_f
            b = np.full(self.n, float(t))
        E = 0.0  # bound on the float error of any voter's budget
        active = np.ones(J, dtype=bool)
        lower = self.initial_lower.copy()  # a lower bound of each price (prices only rise): guidance only
        selected: list[int] = []
        seen = False
        sig_u8: list[bytes] = []  # the signature, encoded as in :mod:`.mes_compiled`
        sig_i32: list[int] = []
        not_affine = None
        history: list = []  # per round (column, its poor supporters): for exact replays
        replay = {"b": None, "done": 0}

        def exact_budgets():
            """The exact budgets now (float mode): the rounds so far replayed in rationals, on demand."""
            replay["b"] = self._replay_exact(t, history[replay["done"]:], replay["b"])
            replay["done"] = len(history)
            return replay["b"]

        while J:
            b_e = b[e_row]
            avail = np.add.reduceat(m_e * b_e, ptr)
            act = np.flatnonzero(active)
            if exact:
                ok = np.array([avail[j] >= cost[j] for j in act], dtype=bool)
            else:
                err = self.m_supp[act] * E + self.gamma * avail[act]
                if (np.abs(avail[act] - cost[act]) <= SAFETY * err + 1e-300).any():
                    raise _NotCertain
                ok = avail[act] >= cost[act]
            active[act[~ok]] = False
            aff = act[ok]
            if not len(aff):
                sig_i32.append(-1)
                break
            p = int(aff[np.argmin(lower[aff])])
            best, best_err = self._price(p, b_e, sat_e, m_e, cost, E, exact)
            lower[p] = float(best)
            on = active[self.e_col]  # the entries of the payable columns
            for _attempt in range(self.J + 1):
                # every payable column at this price: F = Σ m·min(b, price·s) against its cost
                pay_e = best * sat_e
                F = np.add.reduceat(m_e * np.minimum(b_e, pay_e), ptr)
                diff = cost - F
                if exact:
                    cheaper = aff[np.array([diff[j] < 0 for j in aff], dtype=bool)]
                else:
                    errF = self.m_supp * E + self.msat * best_err + self.gamma * F + EPS * cost
                    close = np.abs(diff) <= SAFETY * errF + 1e-300
                    cheaper = aff[(diff[aff] < 0) & ~close[aff]]
                if len(cheaper):  # the guidance missed a cheaper column: take the cheapest of those, recheck
                    before = p
                    for q in cheaper:
                        price, perr = self._price(int(q), b_e, sat_e, m_e, cost, E, exact)
                        lower[q] = float(price)
                        if price < best:
                            best, best_err, p = price, perr, int(q)
                    if p == before:
                        raise _NotCertain if not exact else AssertionError("no cheaper column found")
                    continue
                poor_e = np.array(b_e <= pay_e, dtype=bool) & on
                if exact:
                    tied = aff[np.array([diff[j] == 0 for j in aff], dtype=bool)]
                else:
                    gap = np.abs(b_e - pay_e)
                    if ((gap <= SAFETY * (E + sat_e * best_err + EPS * (b_e + pay_e)) + 1e-300) & on).any():
                        raise _NotCertain
                    tied = aff[close[aff]]
                    if (self.clone[tied] != self.clone[p]).any():
                        # a near-tie between different acties: decide it in rationals, with the
                        # (certain) partitions at this price and the exact budgets
                        tied = self._exact_ties(p, tied, poor_e, exact_budgets)
                break
            else:
                raise _NotCertain
            if p not in set(tied.tolist()):
                tied = np.append(tied, p)
            c = int(tied[np.argmin(self.c_rank[tied])])
            seen = seen or len(tied) > 1
            sl = slice(self.ptr[c], self.ptr[c + 1])
            poor_c = poor_e[sl]
            rows = e_row[sl]
            sig_u8 += [active.astype(np.uint8).tobytes(), poor_e[on].astype(np.uint8).tobytes()]
            sig_i32 += [c, len(tied), *sorted(int(x) for x in tied)]
            if poor_c.all():
                not_affine = t  # price = max b/s here: never skip steps around this run
            history.append((c, poor_c))
            if not exact:
                E = E + float(sat_e[sl].max()) * best_err + 2 * EPS * float(b.max())
            b = b.copy()
            b[rows[~poor_c]] = b[rows[~poor_c]] - pay_e[sl][~poor_c]
            b[rows[poor_c]] = mpq(0) if exact else 0.0
            selected.append(int(self.cols[c]))
            active[c] = False
        sig = (b"".join(sig_u8), np.array(sig_i32, dtype=np.int32).tobytes(), not_affine)
        return Run(tuple(selected), seen, sig, exact)

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
            self.steps = k  # the add1 step reached (pabutools runs the method steps + 1 times)
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
