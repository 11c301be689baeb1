"""Which acties a scenario funds: the selection rules (through pabutools) and the stages.

The rules themselves come from pabutools (greedy, Method of Equal Shares, Phragmén,
maximal welfare). What pabutools does not do is ours, in :func:`select`:

1. acties forced out are removed, acties forced in are funded first (even over budget,
   which gives a warning);
2. a guaranteed minimum share per leefgebied: for each leefgebied with a minimum, the rule
   runs on that leefgebied's acties with the reserved money (minus what forced acties there
   already cost), topped up with its best supported acties when the rule stays below the
   minimum, so the programme stays integraal;
3. the rule runs on all remaining acties with the remaining money.

With ``versnelling_first`` every stage runs twice: first on the versnellingsacties, then on
the structurele acties with what is left. Each run is a fresh run of the rule on that
stage's acties and money (so the Method of Equal Shares gives every voter an equal share of
the stage's money, whatever earlier stages funded for them). Costs are the cost within the horizon (an actie
running longer than the horizon costs only its years inside it).

Ballots become a pabutools cardinal multiprofile: per ballot the method's score per actie
(points, 1 for approval, a Borda score for a ranking), and its weight as multiplicity.
pabutools counts voters as whole numbers, so non-integer weights (buurt weighting) are
scaled by 1000 and rounded, which changes a voter's share by less than 0.1%. Without ballots
(catalogue only) one neutral ballot supports every actie equally.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from pabutools.election import (
    Additive_Cardinal_Sat,
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalMultiProfile,
    CardinalBallot,
    CardinalMultiProfile,
    Instance,
    Project,
)
from pabutools.rules import (
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)

from werkboek.errors import ScenarioError
from werkboek.model.methods import for_vote_type
from werkboek.scenarios.inputs import Candidate, VoterBallot

APPROVAL = for_vote_type("approval").key  # the method whose ballots are approval ballots (aankruisen)

WEIGHT_SCALE = 1000


def exact(value: float):
    """pabutools computes with exact fractions (gmpy2), which do not accept floats."""
    return int(value) if float(value).is_integer() else Fraction(value).limit_denominator(10**6)


def _support_cost(instance, profile, ballot, project, precomputed) -> float:
    return ballot.get(project, 0) * project.cost


class Support_Cost_Sat(AdditiveSatisfaction):
    """A voter's satisfaction: score x cost of each funded actie they supported.

    For approval ballots this is pabutools' ``Cost_Sat`` (the usual choice for the Method of
    Equal Shares on pabulib); for points and rankings it weighs each euro by the score.
    Greedy on this satisfaction per euro orders acties by their support.
    """

    def __init__(self, instance, profile, ballot):
        super().__init__(instance, profile, ballot, _support_cost)


@dataclass
class Selection:
    chosen: list[str]  # in the order funded (= priority for phasing)
    stage: dict[str, str]  # actie id -> why it was chosen (Dutch, for the report)
    cost: dict[str, int]  # actie id -> cost within the horizon (every candidate)
    support: dict[str, float]  # actie id -> weighted score
    voters: dict[str, float]  # actie id -> weighted number of people who chose it
    warnings: list[str] = field(default_factory=list)

    @property
    def spent(self) -> int:
        return sum(self.cost[a] for a in self.chosen)


def support_of(ballots: list[VoterBallot]) -> tuple[dict[str, float], dict[str, float]]:
    support: dict[str, float] = {}
    voters: dict[str, float] = {}
    for b in ballots:
        for actie, score in b.scores.items():
            support[actie] = support.get(actie, 0.0) + b.weight * score
            if score > 0:
                voters[actie] = voters.get(actie, 0.0) + b.weight
    return support, voters


def multiplicities(ballots: list[VoterBallot]) -> list[int]:
    if all(float(b.weight).is_integer() for b in ballots):
        return [int(b.weight) for b in ballots]
    return [max(0, round(b.weight * WEIGHT_SCALE)) for b in ballots]


def run_rule(rule: str, candidates: list[Candidate], cost: dict[str, int], ballots: list[VoterBallot],
             budget: float) -> list[str]:
    """Apply one pabutools rule to some candidates with some budget; the funded ids in order."""
    if not candidates or budget <= 0:
        return []
    projects = {c.id: Project(c.id, cost[c.id]) for c in candidates}
    instance = Instance(projects.values(), budget_limit=int(budget))
    if not ballots:
        ballots = [VoterBallot("neutraal", APPROVAL, {c.id: 1 for c in candidates},
                               {c.id: 1.0 for c in candidates})]
    if rule == "phragmen":
        profile = ApprovalMultiProfile(instance=instance)
        for b, n in zip(ballots, multiplicities(ballots)):
            if n:
                approved = ApprovalBallot(projects[a] for a, s in b.scores.items() if s > 0 and a in projects).frozen()
                profile[approved] = profile.get(approved, 0) + n
        allocation = sequential_phragmen(instance, profile)
        return [p.name for p in allocation]
    profile = CardinalMultiProfile(instance=instance)
    for b, n in zip(ballots, multiplicities(ballots)):
        if n:
            ballot = CardinalBallot({projects[a]: exact(s) for a, s in b.scores.items() if a in projects and s > 0})
            frozen = ballot.frozen()
            profile[frozen] = profile.get(frozen, 0) + n
    if rule == "support":
        allocation = greedy_utilitarian_welfare(instance, profile, sat_class=Support_Cost_Sat)
    elif rule == "support_per_euro":
        allocation = greedy_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat)
    elif rule == "equal_shares":
        allocation = method_of_equal_shares(instance, profile, sat_class=Support_Cost_Sat)
        # The Method of Equal Shares may leave money unspent; the usual completion (as in
        # real PB elections) spends the rest greedily by support.
        allocation = greedy_utilitarian_welfare(instance, profile, sat_class=Support_Cost_Sat,
                                                initial_budget_allocation=allocation)
    elif rule == "max_welfare":
        allocation = max_additive_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat)
    else:
        raise ScenarioError(f"onbekende regel '{rule}'")
    return [p.name for p in allocation]


def select(candidates: dict[str, Candidate], ballots: list[VoterBallot], *, rule: str, budget: float,
           years: int, min_share: dict[str, float] | None = None, versnelling_first: bool = False,
           forced_in=(), forced_out=()) -> Selection:
    """Choose acties for a scenario (see the module docstring for the stages)."""
    cost = {a: c.cost_within(years) for a, c in candidates.items()}
    support, voters = support_of(ballots)
    sel = Selection([], {}, cost, support, voters)
    unknown = [a for a in (*forced_in, *forced_out) if a not in candidates]
    if unknown:
        raise ScenarioError(f"parameter 'forced_in'/'forced_out': onbekende acties {', '.join(unknown)}")
    if rule == "phragmen" and any(b.method != APPROVAL for b in ballots):
        sel.warnings.append("Phragmén werkt met aankruisen: elke gekozen actie telt als aangekruist.")
    for a in forced_in:
        sel.chosen.append(a)
        sel.stage[a] = "verplicht"
    if sel.spent > budget:
        sel.warnings.append(f"De verplichte acties kosten € {sel.spent:,.0f}, meer dan het budget "
                            f"(€ {budget:,.0f}).".replace(",", "."))
    pool = [c for a, c in candidates.items() if a not in forced_out]

    def stage(group: list[Candidate], money: float, label: str) -> None:
        passes = ([[c for c in group if c.horizon == "versnelling"], [c for c in group if c.horizon != "versnelling"]]
                  if versnelling_first else [group])
        spent_here = 0
        for part in passes:
            open_ = [c for c in part if c.id not in sel.stage]
            for a in run_rule(rule, open_, cost, ballots, money - spent_here):
                sel.chosen.append(a)
                sel.stage[a] = label
                spent_here += cost[a]

    for lg, share in (min_share or {}).items():
        if share <= 0:
            continue
        already = sum(cost[a] for a in sel.chosen if candidates[a].leefgebied == lg)
        money = min(share * budget - already, budget - sel.spent)
        group = [c for c in pool if c.leefgebied == lg]
        stage(group, money, f"minimum {lg}")
        # The rule stays within the reserved money, so a knapsack gap can leave the minimum
        # unmet; then top up with the best supported actie of the leefgebied that still fits
        # the whole budget, so "at least this share" holds whenever it can.
        while sum(cost[a] for a in sel.chosen if candidates[a].leefgebied == lg) < share * budget:
            fits = [c for c in group if c.id not in sel.stage and cost[c.id] <= budget - sel.spent]
            if not fits:
                sel.warnings.append(f"Het minimum voor {lg} ({share:.0%}) is niet te halen binnen het budget.")
                break
            best = min(fits, key=lambda c: (-support.get(c.id, 0.0), cost[c.id], c.id))
            sel.chosen.append(best.id)
            sel.stage[best.id] = f"minimum {lg}"
    stage(pool, budget - sel.spent, "open ronde")
    return sel
