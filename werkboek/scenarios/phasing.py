"""When each funded actie runs: phasing over the horizon within a yearly budget.

Our own code (pabutools knows one budget, not years). Acties are placed in priority order
(the order the rule funded them): each starts in the first year from which its cost per
year fits in what is left of every year it runs in. An actie running past the end of the
horizon is cut off there (its cost within the horizon was what the selection counted). An
actie that fits nowhere starts where it overspends least, and those years show the overspend.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .inputs import Candidate


@dataclass
class Phasing:
    years: list[int]
    start: dict[str, int]  # actie id -> first year
    end: dict[str, int]  # actie id -> last year within the horizon
    spending: dict[str, dict[int, float]]  # actie id -> year -> euros
    overspent_years: list[int] = field(default_factory=list)

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
        starts = [y0 for y0 in years
                  if len([y for y in years if y0 <= y < y0 + c.looptijd]) >= min(c.looptijd, len(years))]
        # Starting later would cut the actie off at the horizon, so only starts where it runs
        # all its years (or the whole horizon) count. The first start where it fits wins;
        # when it fits nowhere, the start with the smallest overspend.
        def shortfall(y0: int) -> float:
            return max(per_year - left[y] for y in years if y0 <= y < y0 + c.looptijd)

        fitting = [y0 for y0 in starts if shortfall(y0) <= tolerance]
        start = fitting[0] if fitting else min(starts, key=lambda y0: (shortfall(y0), y0))
        run = [y for y in years if start <= y < start + c.looptijd]
        for y in run:
            left[y] -= per_year
        result.start[a] = start
        result.end[a] = run[-1]
        result.spending[a] = {y: per_year for y in run}
    result.overspent_years = [y for y in years if left[y] < -tolerance]
    return result
