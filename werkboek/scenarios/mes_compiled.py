"""One float run of Equal Shares, compiled (numba): the inner loop of :mod:`.mes`.

Why a compiled loop of our own. :meth:`.mes.EqualShares._run` in floats is the same method
written with numpy calls; on a workshop of ~100 ballots and 50 acties one run is ~29 rounds of
~50 small numpy calls each, so it is bound by the cost of a call, not by the arithmetic (~30 ms
a run; add1 with the default step takes ~280 runs: ~9 s on the demo workshop). Here the same
rounds are plain loops over the supporter entries, compiled once (``cache=True``: the machine
code is kept in ``__pycache__`` and loaded by the next process).

It takes exactly the decisions of the numpy float run, with the same error bounds: every
comparison whose margin is below ``SAFETY`` times its forward error bound returns
:data:`NOT_CERTAIN` (the caller then redoes the run in rationals). Sums are sequential, so the
summation bound ``(n + P + 4)·eps`` of :mod:`.mes` holds as it is. No fast-math (no
reassociation; LLVM does not fuse multiply-adds without it).

A near-tie between acties that are not clones cannot be decided in floats; then the function
returns :data:`NEEDS_TIES` with the candidates in ``close_out`` and the "poor" partition in
``poor``; the caller decides the tie in rationals and calls again with the tied acties
(``resume_tied``), which finishes that round and goes on. Likewise a supporter whose budget
is too close to the price × her satisfaction (does she pay all she has left?): the function
returns :data:`NEEDS_PARTITION` with those entries in ``unsure_out``, the round undone (the
guidance ``lower`` restored; budgets and payable columns are not changed before that point);
the caller decides them in rationals at the exact price of the chosen column and writes the
answers in ``force`` (1 poor, 0 not, -1 undecided), and the round is redone bit for bit up to
that point, taking the forced answers. Why that is the exact partition: for every other entry
the float answer has a margin above its error bound, so it is the same at the exact price.
The exact price is that column's price, and it is the lowest. No other column is cheaper by
more than the float bound, and columns within it are clones (the same price), or else the
near-tie path decides them in rationals; a cheaper one found there sends the whole run to
rationals. For a supporter with budget exactly price × satisfaction both answers pay the
same, so the price does not depend on how she is counted.

The signature of the run (see :mod:`.mes`) is written in two buffers: ``sig_u8`` per round
the payable columns (J flags) and the "poor" flag of every entry of a payable column, in entry
order; ``sig_i32`` per round the chosen column, the number of tied columns, the tied columns
sorted, and ``-1`` when the run ends with no payable column. Both buffers are prefix-decodable
(the flags' length follows from the payable columns), so equal buffers ⇔ equal signatures.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DONE, NOT_CERTAIN, NEEDS_TIES, NEEDS_PARTITION = 0, 1, 2, 3

# st_i: [rounds done, u8 length, i32 length, p, close count, tie seen, not affine, unsure entries]
R, LU8, LI32, P_, NCLOSE, SEEN, NOT_AFFINE, NUNSURE = range(8)
# st_f: [E, best price, its error bound]
E_, BEST, BEST_ERR = range(3)


@njit(cache=True)
def _price(j, ptr, b_e, sat, m, cost_j, E, gamma, ratio_buf):
    """Column j's price per unit of satisfaction and its error bound; ok False when not certain."""
    lo, hi = ptr[j], ptr[j + 1]
    L = hi - lo
    ratio = ratio_buf[:L]
    for i in range(L):
        ratio[i] = b_e[lo + i] / sat[lo + i]
    order = np.argsort(ratio, kind="mergesort")  # stable, as numpy's kind="stable"
    total_w = 0.0
    for i in range(L):
        e = lo + order[i]
        total_w += m[e] * sat[e]
    cum_b = 0.0
    cum_w = 0.0
    cum_m = 0.0
    for i in range(L):
        e = lo + order[i]
        mb = m[e] * b_e[e]
        mw = m[e] * sat[e]
        cum_b += mb
        cum_w += mw
        before_paid = cum_b - mb
        rest = total_w - cum_w + mw
        if rest <= 0.0:
            return 0.0, 0.0, False
        price = (cost_j - before_paid) / rest
        if price * sat[e] <= b_e[e]:
            num_err = cum_m * E + gamma * (cost_j + before_paid)
            err = (num_err + abs(price) * gamma * rest) / rest * (1 + 1e-6)
            return price, err, True
        cum_m += m[e]
    return 0.0, 0.0, False


@njit(cache=True)
def float_run(t, ptr, e_row, e_col, sat, m, cost, m_supp, msat, init_lower, clone, rank, gamma, eps, safety,
              b, active, lower, st_i, st_f, sig_u8, sig_i32, sel, chosen_poor, poor, close_out,
              resume_tied, n_resume, force, unsure_out):
    """Rounds of one float run from the state given (``b``, ``active``, ``lower``, ``st_*``); see the module doc."""
    J = len(cost)
    nE = len(e_row)
    b_e = np.empty(nE)
    pay_e = np.empty(nE)
    isclose = np.zeros(J, dtype=np.bool_)
    avail = np.empty(J)
    cheaper = np.empty(J, dtype=np.int64)
    tied = np.empty(J + 1, dtype=np.int64)
    ratio_buf = np.empty(nE)
    E = st_f[E_]
    resume = n_resume > 0
    if J == 0:
        return DONE
    while True:
        for e in range(nE):
            b_e[e] = b[e_row[e]]
        if resume:
            resume = False
            p = st_i[P_]
            best = st_f[BEST]
            nt = n_resume
            for i in range(nt):
                tied[i] = resume_tied[i]
            for e in range(nE):
                pay_e[e] = best * sat[e]
        else:
            lower_save = lower.copy()  # to redo this round as it was (NEEDS_PARTITION)
            # which columns can still be paid for by their supporters
            naff = 0
            for j in range(J):
                if not active[j]:
                    continue
                s = 0.0
                for e in range(ptr[j], ptr[j + 1]):
                    s += m[e] * b_e[e]
                avail[j] = s
                err = m_supp[j] * E + gamma * s
                if abs(s - cost[j]) <= safety * err + 1e-300:
                    return NOT_CERTAIN
            for j in range(J):
                if active[j]:
                    if avail[j] >= cost[j]:
                        naff += 1
                    else:
                        active[j] = False
            if naff == 0:
                sig_i32[st_i[LI32]] = -1
                st_i[LI32] += 1
                return DONE
            p = -1
            for j in range(J):  # the guidance: the lowest lower bound of a price (first on equal)
                if active[j] and (p < 0 or lower[j] < lower[p]):
                    p = j
            best, best_err, ok = _price(p, ptr, b_e, sat, m, cost[p], E, gamma, ratio_buf)
            if not ok:
                return NOT_CERTAIN
            lower[p] = best
            found = False
            for _attempt in range(J + 1):
                # every payable column at this price: Σ m·min(b, price·s) against its cost
                for e in range(nE):
                    pay_e[e] = best * sat[e]
                ncheap = 0
                for j in range(J):
                    if not active[j]:
                        continue
                    F = 0.0
                    for e in range(ptr[j], ptr[j + 1]):
                        F += m[e] * min(b_e[e], pay_e[e])
                    diff = cost[j] - F
                    errF = m_supp[j] * E + msat[j] * best_err + gamma * F + eps * cost[j]
                    isclose[j] = abs(diff) <= safety * errF + 1e-300
                    if diff < 0 and not isclose[j]:
                        cheaper[ncheap] = j
                        ncheap += 1
                if ncheap:  # the guidance missed a cheaper column: take the cheapest of those, recheck
                    before = p
                    for i in range(ncheap):
                        q = cheaper[i]
                        price, perr, ok = _price(q, ptr, b_e, sat, m, cost[q], E, gamma, ratio_buf)
                        if not ok:
                            return NOT_CERTAIN
                        lower[q] = price
                        if price < best:
                            best, best_err, p = price, perr, q
                    if p == before:
                        return NOT_CERTAIN
                    continue
                nun = 0
                for j in range(J):
                    if not active[j]:
                        continue
                    for e in range(ptr[j], ptr[j + 1]):
                        if force[e] >= 0:
                            continue  # decided in rationals by the caller
                        gap = abs(b_e[e] - pay_e[e])
                        if gap <= safety * (E + sat[e] * best_err + eps * (b_e[e] + pay_e[e])) + 1e-300:
                            unsure_out[nun] = e
                            nun += 1
                if nun:  # is she poor? too close to call: the caller decides in rationals, then redo this round
                    for j in range(J):
                        lower[j] = lower_save[j]
                    st_i[NUNSURE] = nun
                    st_i[P_] = p
                    st_f[BEST] = best
                    st_f[E_] = E
                    return NEEDS_PARTITION
                found = True
                break
            if not found:
                return NOT_CERTAIN
            nt = 0
            other = False
            for j in range(J):
                if active[j] and isclose[j]:
                    tied[nt] = j
                    nt += 1
                    if clone[j] != clone[p]:
                        other = True
            st_f[BEST] = best
            st_f[BEST_ERR] = best_err
            if other:  # a near-tie between different acties: the caller decides it in rationals
                for e in range(nE):
                    poor[e] = active[e_col[e]] and (force[e] == 1 if force[e] >= 0 else b_e[e] <= pay_e[e])
                for i in range(nt):
                    close_out[i] = tied[i]
                st_i[NCLOSE] = nt
                st_i[P_] = p
                st_f[E_] = E
                return NEEDS_TIES
        # -- the round's decision is taken: record it and pay
        best_err = st_f[BEST_ERR]
        inside = False
        for i in range(nt):
            if tied[i] == p:
                inside = True
        if not inside:
            tied[nt] = p
            nt += 1
        c = tied[0]
        for i in range(1, nt):
            if rank[tied[i]] < rank[c]:
                c = tied[i]
        if nt > 1:
            st_i[SEEN] = 1
        srt = np.sort(tied[:nt])
        u = st_i[LU8]
        for j in range(J):
            sig_u8[u] = 1 if active[j] else 0
            u += 1
        for j in range(J):
            if active[j]:
                for e in range(ptr[j], ptr[j + 1]):
                    sig_u8[u] = 1 if (force[e] == 1 if force[e] >= 0 else b_e[e] <= pay_e[e]) else 0
                    u += 1
        st_i[LU8] = u
        w = st_i[LI32]
        sig_i32[w] = c
        sig_i32[w + 1] = nt
        w += 2
        for i in range(nt):
            sig_i32[w] = srt[i]
            w += 1
        st_i[LI32] = w
        all_poor = True
        smax = 0.0
        for e in range(ptr[c], ptr[c + 1]):
            chosen_poor[e] = force[e] == 1 if force[e] >= 0 else b_e[e] <= pay_e[e]
            if not chosen_poor[e]:
                all_poor = False
            if sat[e] > smax:
                smax = sat[e]
        if all_poor:
            st_i[NOT_AFFINE] = 1  # price = max b/s here: never skip steps around this run
        bmax = b[0]
        for i in range(len(b)):
            if b[i] > bmax:
                bmax = b[i]
        E = E + smax * best_err + 2 * eps * bmax
        for e in range(ptr[c], ptr[c + 1]):
            if chosen_poor[e]:
                b[e_row[e]] = 0.0
            else:
                b[e_row[e]] = b[e_row[e]] - pay_e[e]
        if st_i[NUNSURE]:  # the decided partition belonged to this round only
            for e in range(nE):
                force[e] = -1
            st_i[NUNSURE] = 0
        sel[st_i[R]] = c
        st_i[R] += 1
        active[c] = False
        st_f[E_] = E
