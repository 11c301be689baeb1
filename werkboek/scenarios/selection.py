"""Which acties a scenario funds: the selection rules (through pabutools) and the stages.

The rules themselves come from pabutools (greedy, Method of Equal Shares with the completion
a scenario names, Phragmén, maximal welfare), one entry each in :mod:`.rules`. What
pabutools does not do is ours, in :func:`select`:

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

Ties are broken by the scenario's ``tie_break`` (``kosten``: cheaper first, the default;
``id``; ``loting`` with a ``seed``), the same order in every stage. Each run is repeated
with the order reversed: acties funded in one run and not the other were tied, and the
outcome says so (:func:`find_ties`). Equal Shares and Phragmén are repeated only when
pabutools actually had to break a tie (:class:`.rules.RecordingTieBreak`).

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
    ApprovalBallot,
    ApprovalMultiProfile,
    CardinalBallot,
    CardinalMultiProfile,
    Instance,
    Project,
)
from pabutools.fractions import frac

from werkboek.errors import ScenarioError
from werkboek.model.methods import METHODS, for_vote_type
from werkboek.scenarios.inputs import Candidate, VoterBallot
from werkboek.scenarios.rules import (  # noqa: F401 - Support_Cost_Sat: where it used to live
    DEFAULT_TIE_BREAK,
    RULES,
    RuleCall,
    Support_Cost_Sat,
    tie_break_label,
    tie_breaking_rule,
    tie_order,
)

APPROVAL = for_vote_type("approval").key  # the method whose ballots are approval ballots (aankruisen)
# every method whose ballots are approval ballots (aankruisen, begroten)
APPROVAL_METHODS = frozenset(k for k, cls in METHODS.items() if cls.pabulib_vote_type == "approval")

WEIGHT_SCALE = 1000


def exact(value):
    """pabutools computes with exact fractions (gmpy2), which accept neither floats nor standard Fractions."""
    if isinstance(value, int):
        return value
    if not isinstance(value, Fraction):
        if float(value).is_integer():
            return int(value)
        value = Fraction(value).limit_denominator(10**6)
    return int(value) if value.denominator == 1 else frac(value.numerator, value.denominator)


@dataclass
class Selection:
    chosen: list[str]  # in the order funded (= priority for phasing)
    stage: dict[str, str]  # actie id -> why it was chosen (Dutch, for the report)
    cost: dict[str, int]  # actie id -> cost within the horizon (every candidate)
    support: dict[str, float]  # actie id -> weighted score
    voters: dict[str, float]  # actie id -> weighted number of people who chose it
    warnings: list[str] = field(default_factory=list)
    ties: list[dict] = field(default_factory=list)  # ties the tie-break decided (see :func:`find_ties`)
    rule_used: dict = field(default_factory=dict)  # what the rule chose itself (the add1 step)

    @property
    def spent(self):
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


def multiplicities(ballots: list[VoterBallot]) -> tuple[list[int], int]:
    """Whole-number multiplicities for pabutools, and how many of them make one person."""
    if all(float(b.weight).is_integer() for b in ballots):
        return [int(b.weight) for b in ballots], 1
    return [max(0, round(b.weight * WEIGHT_SCALE)) for b in ballots], WEIGHT_SCALE


def _profile(kind: str, instance, projects, ballots: list[VoterBallot], additive: bool = False):
    counts, scale = multiplicities(ballots)
    if additive and kind == "cardinal":
        # one ballot with every actie's summed score: the same totals, so the same outcome
        totals: dict[str, object] = {}
        for b, n in zip(ballots, counts):
            for a, s in b.scores.items():
                if n and a in projects and s > 0:
                    totals[a] = totals.get(a, 0) + n * exact(s)
        profile = CardinalMultiProfile(instance=instance)
        if totals:
            profile[CardinalBallot({projects[a]: t for a, t in totals.items()}).frozen()] = 1
        return profile, scale
    if kind == "approval":
        profile = ApprovalMultiProfile(instance=instance)
        for b, n in zip(ballots, counts):
            if n:
                approved = ApprovalBallot(projects[a] for a, s in b.scores.items() if s > 0 and a in projects).frozen()
                profile[approved] = profile.get(approved, 0) + n
        return profile, scale
    profile = CardinalMultiProfile(instance=instance)
    for b, n in zip(ballots, counts):
        if n:
            frozen = CardinalBallot({projects[a]: exact(s) for a, s in b.scores.items()
                                     if a in projects and s > 0}).frozen()
            profile[frozen] = profile.get(frozen, 0) + n
    return profile, scale


def run_rule(rule: str, candidates: list[Candidate], cost: dict, ballots: list[VoterBallot], budget, *,
             params: dict | None = None, order: list[str] | None = None, used: dict | None = None) -> list[str]:
    """Apply one pabutools rule to some candidates with some budget; the funded ids in order.

    ``order``: the tie-break order of the ids (default: by id); ``used``: filled with what
    the rule chose itself (the add1 step).
    """
    if rule not in RULES:
        raise ScenarioError(f"onbekende regel '{rule}'")
    if not candidates or budget <= 0:
        return []
    spec = RULES[rule]
    projects = {c.id: Project(c.id, exact(cost[c.id])) for c in candidates}
    instance = Instance(projects.values(), budget_limit=exact(budget))
    if not ballots:
        ballots = [VoterBallot("neutraal", APPROVAL, {c.id: 1 for c in candidates},
                               {c.id: 1.0 for c in candidates})]
    profile, scale = _profile(spec.profile, instance, projects, ballots, spec.additive)
    call = RuleCall(tie_breaking_rule(order if order is not None else sorted(projects)),
                    {**spec.defaults(), **(params or {})}, people_scale=scale)
    allocation = spec.run(instance, profile, call)
    if used is not None:
        used.update(call.used)
        used["tie_seen"] = call.tie_breaking.seen
    return [p.name for p in allocation]


def find_ties(rule: str, candidates: list[Candidate], cost: dict, ballots: list[VoterBallot], budget,
              params: dict, order: list[str], funded: list[str],
              support: dict[str, float]) -> list[tuple[list[str], bool]]:
    """Groups of acties whose funding the tie-break decided: each group holds funded and unfunded ones.

    The rule runs once more with the tie-break order reversed; the acties funded in one run
    and not in the other were tied. They are grouped by equal support (the usual case: equal
    votes at the budget edge); acties tied on the rule's own measure without equal support
    (Equal Shares compares the price per supporter) form one group.
    """
    if not RULES[rule].breaks_ties or not candidates or budget <= 0 or not ballots:
        # without ballots every actie has the same neutral support: all are tied by construction
        return []
    other = run_rule(rule, candidates, cost, ballots, budget, params=params, order=list(reversed(order)))
    changed = set(funded) ^ set(other)
    if not changed:
        return []
    by_support: dict[float, list[str]] = {}
    for a in sorted(changed, key=order.index):
        by_support.setdefault(round(support.get(a, 0.0), 9), []).append(a)
    groups = [g for g in by_support.values() if any(a in funded for a in g) and any(a not in funded for a in g)]
    grouped = {a for g in groups for a in g}
    rest = [a for a in sorted(changed, key=order.index) if a not in grouped]
    result = [(g, True) for g in groups]
    if rest and any(a in funded for a in rest) and any(a not in funded for a in rest):
        result.append((rest, False))
    return result


def tie_text(group: list[str], funded: set[str], equal_support: bool, how: str, titles: dict[str, str]) -> str:
    """A tie in plain Dutch: "A en B kregen evenveel steun; gekozen door de kosten …: A"."""
    def names(ids):
        shown = [titles.get(a, a) for a in ids]
        return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " en " + shown[-1]

    head = "kregen evenveel steun" if equal_support else "stonden gelijk bij deze regel"
    won = [a for a in group if a in funded]
    return f"{names(group)} {head}; gekozen door {how}: {names(won)}."


def select(candidates: dict[str, Candidate], ballots: list[VoterBallot], *, rule: str, budget: float,
           years: int, min_share: dict[str, float] | None = None, versnelling_first: bool = False,
           forced_in=(), forced_out=(), rule_params: dict | None = None, tie_break: str = DEFAULT_TIE_BREAK,
           seed: int = 0, ties: bool = True) -> Selection:
    """Choose acties for a scenario (see the module docstring for the stages; ``ties``: look for them)."""
    cost = {a: c.cost_within(years) for a, c in candidates.items()}
    support, voters = support_of(ballots)
    sel = Selection([], {}, cost, support, voters)
    unknown = [a for a in (*forced_in, *forced_out) if a not in candidates]
    if unknown:
        raise ScenarioError(f"parameter 'forced_in'/'forced_out': onbekende acties {', '.join(unknown)}")
    if rule not in RULES:
        raise ScenarioError(f"onbekende regel '{rule}'")
    params = {**RULES[rule].defaults(), **(rule_params or {})}
    order = tie_order(tie_break, cost, seed)
    rank = {a: i for i, a in enumerate(order)}
    how = tie_break_label(tie_break, seed)
    titles = {a: c.titel for a, c in candidates.items()}
    if rule == "phragmen" and any(b.method not in APPROVAL_METHODS for b in ballots):
        sel.warnings.append("Phragmén werkt met aankruisen: elke gekozen actie telt als aangekruist.")
    for a in forced_in:
        sel.chosen.append(a)
        sel.stage[a] = "verplicht"
    if sel.spent > budget:
        sel.warnings.append(f"De verplichte acties kosten € {float(sel.spent):,.0f}, meer dan het budget "
                            f"(€ {budget:,.0f}).".replace(",", "."))
    pool = [c for a, c in candidates.items() if a not in forced_out]

    def stage(group: list[Candidate], money: float, label: str) -> None:
        passes = ([[c for c in group if c.horizon == "versnelling"], [c for c in group if c.horizon != "versnelling"]]
                  if versnelling_first else [group])
        spent_here = 0
        for part in passes:
            open_ = [c for c in part if c.id not in sel.stage]
            info: dict = {}
            funded = run_rule(rule, open_, cost, ballots, money - spent_here, params=params, order=order, used=info)
            tie_seen = info.pop("tie_seen", True)
            sel.rule_used.update(info)
            if RULES[rule].asks_only_on_ties and not tie_seen:
                ties_here = False  # pabutools never had to break a tie: nothing to look for
            else:
                ties_here = ties
            found = find_ties(rule, open_, cost, ballots, money - spent_here, params, order, funded,
                              support) if ties_here else []
            for group_, equal in found:
                won = set(funded)
                sel.ties.append({"acties": group_, "gekozen": [a for a in group_ if a in won],
                                 "niet_gekozen": [a for a in group_ if a not in won], "evenveel_steun": equal,
                                 "ronde": label, "tekst": tie_text(group_, won, equal, how, titles)})
            for a in funded:
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
            best = min(fits, key=lambda c: (-support.get(c.id, 0.0), rank[c.id]))
            sel.chosen.append(best.id)
            sel.stage[best.id] = f"minimum {lg}"
    stage(pool, budget - sel.spent, "open ronde")
    return sel
