"""When each funded actie runs: phasing over the horizon within a yearly budget.

Our own code (pabutools knows one budget, not years). Acties are placed in priority order
(the order the rule funded them): each starts in the first year from which its cost per
year fits in what is left of every year it runs in, for all its years (or the whole
horizon when it runs longer; the selection counted its cost within the horizon). When no
such start exists, it starts later and is cut off at the end of the horizon (listed in
``cut_off``: less of it is spent inside the horizon); when even that does not fit, it
starts where it overspends least, and those years show the overspend.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from werkboek.scenarios.inputs import Candidate


@dataclass
class Phasing:
    years: list[int]
    start: dict[str, int]  # actie id -> first year
    end: dict[str, int]  # actie id -> last year within the horizon
    spending: dict[str, dict[int, float]]  # actie id -> year -> euros
    overspent_years: list[int] = field(default_factory=list)
    cut_off: list[str] = field(default_factory=list)  # acties started late and cut off at the horizon

    def per_year(self) -> dict[int, float]:
        totals = {y: 0.0 for y in self.years}
        for by_year in self.spending.values():
            for y, amount in by_year.items():
                totals[y] += amount
        return totals


def phase(chosen: list[str], candidates: dict[str, Candidate], years: list[int], yearly_budget: float,
          versnelling_first: bool = False) -> Phasing:
    order = list(chosen)
    if versnelling_first:
        order.sort(key=lambda a: candidates[a].horizon != "versnelling")  # stable: keeps priority
    left = {y: float(yearly_budget) for y in years}
    result = Phasing(years, {}, {}, {})
    tolerance = 0.5  # euros: rounding of costs per year
    for a in order:
        c = candidates[a]
        per_year = c.kosten_per_jaar
        full = [y0 for y0 in years
                if len([y for y in years if y0 <= y < y0 + c.looptijd]) >= min(c.looptijd, len(years))]

        def shortfall(y0: int) -> float:
            return max(per_year - left[y] for y in years if y0 <= y < y0 + c.looptijd)

        # First choice: the first start where it runs all its years within the yearly budget;
        # then a later start, cut off at the end of the horizon (it then costs less inside
        # the horizon); last, the full start that overspends least.
        fitting = [y0 for y0 in full if shortfall(y0) <= tolerance]
        cut_off = [y0 for y0 in years if y0 not in full and shortfall(y0) <= tolerance]
        if fitting:
            start = fitting[0]
        elif cut_off:
            start = cut_off[0]
            result.cut_off.append(a)
        else:
            start = min(full, key=lambda y0: (shortfall(y0), y0))
        run = [y for y in years if start <= y < start + c.looptijd]
        for y in run:
            left[y] -= per_year
        result.start[a] = start
        result.end[a] = run[-1]
        result.spending[a] = {y: per_year for y in run}
    result.overspent_years = [y for y in years if left[y] < -tolerance]
    return result
