"""The selection rules: one entry a rule, in one registry (:data:`RULES`), as papermill keeps engines.

A rule is one :class:`Rule`: its key (what a scenario file names), its Dutch label, the
pabutools call that computes it, the parameters it takes (with their defaults and Dutch
words) and what kind of profile it needs. A new rule is one function and one
:func:`register_rule` call here; :mod:`.params` checks a scenario's rule and rule
parameters against this registry, :mod:`.selection` runs it, the report says it.

The rules themselves are pabutools' (greedy, Method of Equal Shares, Phragmén, maximal
welfare); here we only choose the arguments. Ties are broken by a scenario's ``tie_break``
(:data:`TIE_BREAKS`), handed to pabutools as its ``tie_breaking``.

The Method of Equal Shares leaves money unspent when no project can be paid for by its
own supporters any more. How that money is spent is the *completion*:

* ``add1`` (the default): raise every voter's budget step by step and rerun the method,
  until the outcome spends the budget so that nothing more fits, or one step further would
  overspend it (then the outcome before that step). This is how the cities that used Equal
  Shares ran it (Świecie, Wieliczka, Assen; see equalshares.net, "completion"): pabutools'
  ``voter_budget_increment``. The cities add 1 unit of money per voter per step; with the
  Heerlen budgets (hundreds of thousands of euros per person) that would be up to 10⁵
  reruns, so by default the step is 1 euro per person *or* 0.1% of a person's starting
  share, whichever is larger (``mes_step`` sets it: 1 gives exactly the cities' way);
* ``add1+greedy``: ``add1``, then what is still left is spent greedily by support;
* ``greedy``: one run of the method, then the rest greedily by support (pabutools'
  ``initial_budget_allocation``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from pabutools.election import Additive_Cardinal_Sat, AdditiveSatisfaction
from pabutools.fractions import frac
from pabutools.rules import (
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
    sequential_phragmen,
)
from pabutools.tiebreaking import TieBreakingRule

from werkboek.scenarios import mes


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
        self._by_name: dict[str, object] = {}

    def sat_project(self, project):
        """The same value as pabutools' own (``get_project_sat``), remembered per project *name*.

        pabutools' Equal Shares asks this ~5,600 times per add1 round (it sorts the supporters
        of every actie by budget / satisfaction), and its own cache is a dict keyed by
        ``Project``, whose ``__hash__``/``__eq__`` are Python code: on the demo workshop (120
        ballots) that lookup was 2.2 of 5.7 s of a run. A ``str`` key hashes in C. A pure
        memo of the same function, so the outcome is the same (tested against the plain
        satisfaction on random instances)."""
        try:
            return self._by_name[project.name]
        except KeyError:
            score = self._by_name[project.name] = self.get_project_sat(project)
            return score


@dataclass(frozen=True)
class RuleParam:
    """One parameter of a rule, as a scenario file gives it (a top-level key)."""

    name: str
    label: str  # Dutch, for the report
    default: object
    choices: dict | None = None  # value -> Dutch words; None: a number > 0 (or absent)
    doc: str = ""  # Dutch, for the parameter docs


@dataclass(frozen=True)
class RuleCall:
    """What a rule's pabutools call gets besides the instance and the profile."""

    tie_breaking: TieBreakingRule
    params: dict  # the rule's parameters, defaults filled in
    people_scale: int = 1  # pabutools voters per person (weights are scaled to whole numbers)
    used: dict = field(default_factory=dict)  # what the rule chose itself (the add1 step), for the report


@dataclass(frozen=True)
class Rule:
    key: str
    label: str  # Dutch
    run: Callable  # (instance, profile, RuleCall) -> pabutools BudgetAllocation
    params: tuple[RuleParam, ...] = ()
    profile: str = "cardinal"  # "cardinal" | "approval": the pabutools profile it needs
    breaks_ties: bool = True  # whether pabutools takes a tie_breaking for it
    # The rule depends only on each actie's total (additive) satisfaction, so the profile may
    # be one ballot holding the summed scores: the same pabutools call and the same outcome,
    # without pabutools hashing every ballot once per actie (5,000 ballots: 0.5 s -> ms).
    additive: bool = False
    asks_only_on_ties: bool = False  # pabutools consults the tie-break only for tied projects (RecordingTieBreak)

    def defaults(self) -> dict:
        return {p.name: p.default for p in self.params}

    def describe(self, params: dict | None = None) -> str:
        """The rule with its parameters in Dutch, for the report: "Method of Equal Shares; aanvulling: …"."""
        values = {**self.defaults(), **(params or {})}
        parts = [self.label]
        for p in self.params:
            value = values.get(p.name)
            if p.choices is not None:
                parts.append(f"{p.label}: {p.choices.get(value, value)}")
            elif value is not None:
                parts.append(f"{p.label}: {value}")
        return "; ".join(parts)


RULES: dict[str, Rule] = {}


def register_rule(rule: Rule) -> Rule:
    if rule.key in RULES and RULES[rule.key] is not rule:
        raise ValueError(f"two selection rules with the key {rule.key!r}")
    RULES[rule.key] = rule
    return rule


def rule_params() -> dict[str, tuple[Rule, RuleParam]]:
    """Every rule parameter by its name (a scenario key), with the rule it belongs to."""
    return {p.name: (r, p) for r in RULES.values() for p in r.params}


# -- tie-breaks -----------------------------------------------------------------------------

TIE_BREAKS = {
    "kosten": "de kosten (de goedkoopste eerst, bij gelijke kosten het nummer)",
    "id": "het nummer van de actie (alfabetisch)",
    "loting": "loting",
}
DEFAULT_TIE_BREAK = "kosten"


def tie_order(tie_break: str, costs: dict[str, object], seed: int = 0) -> list[str]:
    """All candidate ids in the order a tie is broken (first = chosen first)."""
    names = sorted(costs)
    if tie_break == "kosten":
        return sorted(names, key=lambda a: (costs[a], a))
    if tie_break == "id":
        return names
    if tie_break == "loting":
        random.Random(seed).shuffle(names)
        return names
    raise ValueError(f"unknown tie-break {tie_break!r}")


class RecordingTieBreak(TieBreakingRule):
    """pabutools' tie-breaking by a fixed order, noting whether it was ever asked to order tied projects.

    Equal Shares and Phragmén ask only when projects are tied (greedy orders all projects up
    front), so for them ``seen`` False means there was no tie to report.
    """

    def __init__(self, rank: dict[str, int]):
        super().__init__(lambda instance, profile, project: rank.get(project.name, len(rank)))
        self.rank = rank
        self.seen = False

    def order(self, instance, profile, projects, key=None):
        projects = list(projects)
        if len(projects) > 1:
            self.seen = True
        return super().order(instance, profile, projects, key)


def tie_breaking_rule(order: list[str]) -> RecordingTieBreak:
    return RecordingTieBreak({a: i for i, a in enumerate(order)})


def tie_break_label(tie_break: str, seed: int = 0) -> str:
    return f"loting (startgetal {seed})" if tie_break == "loting" else TIE_BREAKS[tie_break]


# -- the rules ------------------------------------------------------------------------------

def _support(instance, profile, call: RuleCall):
    return greedy_utilitarian_welfare(instance, profile, sat_class=Support_Cost_Sat, tie_breaking=call.tie_breaking)


def _support_per_euro(instance, profile, call: RuleCall):
    return greedy_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat,
                                      tie_breaking=call.tie_breaking)


def mes_step(budget, people: float) -> int:
    """The default add1 step in euros per person: 1, or 0.1% of a person's starting share when larger."""
    if not people:
        return 1
    return max(1, math.ceil(float(budget) / float(people) / 1000))


def _equal_shares(instance, profile, call: RuleCall):
    completion = call.params.get("completion", "add1")
    kwargs = {"sat_class": Support_Cost_Sat, "tie_breaking": call.tie_breaking}
    if completion in ("add1", "add1+greedy"):
        step = call.params.get("mes_step") or mes_step(instance.budget_limit, profile.num_ballots() / call.people_scale)
        step = Fraction(step).limit_denominator(10**6)
        call.used["mes_step"] = step
        increment = frac(step.numerator, step.denominator * call.people_scale)  # per pabutools voter
    else:
        increment = None
    if mes.ENGINE == "werkboek":
        ours = _equal_shares_ours(instance, profile, call, completion, increment)
        if ours is not None:
            return ours
    if increment is not None:
        allocation = method_of_equal_shares(instance, profile, voter_budget_increment=increment, **kwargs)
    else:
        allocation = method_of_equal_shares(instance, profile, **kwargs)
    if completion in ("greedy", "add1+greedy"):
        allocation = greedy_utilitarian_welfare(instance, profile, sat_class=Support_Cost_Sat,
                                                tie_breaking=call.tie_breaking, initial_budget_allocation=allocation)
    return allocation


def _equal_shares_ours(instance, profile, call: RuleCall, completion: str, increment):
    """Equal Shares through our exact, faster engine (:mod:`.mes`); None where it does not apply.

    The same satisfaction as pabutools is called with (:class:`Support_Cost_Sat`: score x cost),
    the same voters (the profile's distinct ballots with their multiplicities), the same
    tie-break order (``call.tie_breaking.rank``), the same outer add1 loop."""
    projects = list(instance)
    if not projects or any(p.cost <= 0 for p in projects) or profile.num_ballots() == 0:
        return None  # pabutools funds free acties up front in an order of its own: leave those to it
    index = {p.name: q for q, p in enumerate(projects)}
    rows, weights = [], []
    for ballot, count in profile.items():
        if count <= 0:
            continue
        row = [0] * len(projects)
        items = ballot.items() if hasattr(ballot, "items") else ((p, 1) for p in ballot)
        for project, score in items:
            if score > 0:
                row[index[project.name]] = score
        rows.append(row)
        weights.append(int(count))
    rank_of = call.tie_breaking.rank
    rank = [rank_of.get(p.name, len(rank_of)) for p in projects]
    chosen, seen = mes.equal_shares([p.cost for p in projects], rows, weights, instance.budget_limit, rank,
                                    completion=completion, step=increment)
    call.tie_breaking.seen = call.tie_breaking.seen or seen
    return [projects[q] for q in chosen]


def _phragmen(instance, profile, call: RuleCall):
    return sequential_phragmen(instance, profile, tie_breaking=call.tie_breaking)


def _max_welfare(instance, profile, call: RuleCall):
    return max_additive_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat)


COMPLETIONS = {
    "add1": "add1 (ieders budget stap voor stap hoger, zoals de steden en equalshares.net)",
    "add1+greedy": "add1, daarna de rest naar meeste steun",
    "greedy": "de rest naar meeste steun (greedy)",
}

register_rule(Rule("support", "Meeste steun eerst (greedy)", _support, additive=True))
register_rule(Rule("support_per_euro", "Meeste steun per euro eerst (greedy)", _support_per_euro, additive=True))
register_rule(Rule(
    "equal_shares", "Method of Equal Shares", _equal_shares,
    params=(
        RuleParam("completion", "aanvulling", "add1", COMPLETIONS,
                  "Hoe het geld wordt besteed dat de methode overlaat: add1 (standaard), add1+greedy of greedy."),
        RuleParam("mes_step", "stap per persoon (euro)", None, None,
                  "Stap van add1 in euro per persoon; standaard 1, of 0,1% van het deel per persoon als dat "
                  "meer is (rekentijd). 1 = precies zoals de steden."),
    ),
    asks_only_on_ties=True,
))
register_rule(Rule("phragmen", "Sequentiële Phragmén (alleen bij aankruisen)", _phragmen, profile="approval",
                   asks_only_on_ties=True))
register_rule(Rule("max_welfare", "Maximale totale steun (optimaal)", _max_welfare, breaks_ties=False,
                   additive=True))
