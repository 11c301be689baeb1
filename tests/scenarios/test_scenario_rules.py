"""Equal Shares completions and tie-breaks on small hand-made files in the pabulib format.

The files in ``tests/scenarios/data`` are invented; every outcome below is worked out by
hand in the comments and cross-checked against pabutools where pabutools has the rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from werkboek.errors import ScenarioError
from werkboek.scenarios import report, run_scenario, scenario_from_dict
from werkboek.scenarios.rules import RULES, Rule, register_rule, tie_order

DATA = Path(__file__).parent / "data"
COMPLETION = DATA / "mes_completion.pb"
TIE = DATA / "tie_edge.pb"


def outcome(path, catalogue, **params):
    return run_scenario(scenario_from_dict({"name": "t", "pb_file": str(path), "start_year": 2025,
                                            "end_year": 2025, **params}), catalogue)


def funded(out) -> list[str]:
    return [r["id"] for r in out.chosen]


# mes_completion.pb: budget 100, 10 voters (10 each). a 40 and b 60 by voters 1-5, c 35 by 6-8,
# d 26 by 9-10, e 20 by 10.
# * One run: a costs its 5 supporters 8 each; c (3 x 10 = 30 < 35), d (20 < 26), e (10 < 20) and
#   b (5 x 2 left < 60) are out of reach: {a}, 60 left.
# * greedy completion: most votes first: b (5 votes, 60) fits exactly: {a, b}.
# * add1: at 12 each c is in reach (36 >= 35), and so is b (5 x 12 = 60): a and b then cost their
#   supporters the same per euro, a tie the default tie-break gives to the cheaper a; {a, c}, 75,
#   and e (20) would still fit, so one more step; at 13 d is in reach too (26 >= 26): {a, c, d} costs 101 > 100, so {a, c} stands.
# * add1+greedy: {a, c} and then the 25 left: b (60) and d (26) do not fit, e (20) does: {a, c, e}.
@pytest.mark.parametrize("completion, expected", [
    ("greedy", ["a", "b"]),
    ("add1", ["a", "c"]),
    ("add1+greedy", ["a", "c", "e"]),
])
def test_each_completion_by_hand(completion, expected, catalogue):
    out = outcome(COMPLETION, catalogue, rule="equal_shares", completion=completion)
    assert funded(out) == expected
    assert out.scenario["rule_params"]["completion"] == completion
    assert RULES["equal_shares"].params[0].choices[completion] in out.rule_label
    assert out.rule_label in report.header(out)  # the report says which completion


def test_add1_is_the_default_and_equals_pabutools_voter_budget_increment(catalogue):
    instance, profile = parse_pabulib(str(COMPLETION))
    add1 = method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    out = outcome(COMPLETION, catalogue, rule="equal_shares")
    assert out.scenario["rule_params"]["completion"] == "add1"
    assert sorted(funded(out)) == sorted(p.name for p in add1) == ["a", "c"]
    assert "stap per persoon (euro): 1" in out.rule_label  # 10 each: the cities' step of 1
    plain = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    completed = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=plain)
    assert funded(outcome(COMPLETION, catalogue, rule="equal_shares", completion="greedy")) == [
        p.name for p in completed]


def test_a_larger_add1_step_can_be_set(catalogue):
    # With a step of 5: 10 -> 15 each: c, d and e... {a, c, d} already at 15 costs 101: the first
    # step overspends, so the single run {a} stands.
    out = outcome(COMPLETION, catalogue, rule="equal_shares", mes_step=5)
    assert funded(out) == ["a"] and "stap per persoon (euro): 5" in out.rule_label


def test_rule_parameters_are_checked():
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", "budget_total": 10, "rule": "support", "completion": "add1"})
    assert "parameter 'completion': hoort bij regel 'equal_shares', niet bij 'support'" in str(info.value)
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict({"name": "x", "budget_total": 10, "rule": "equal_shares", "completion": "add2",
                            "tie_break": "munt", "seed": 3})
    message = str(info.value)
    assert "parameter 'completion': 'add2' is onbekend (kies uit add1, add1+greedy, greedy)" in message
    assert "parameter 'tie_break': 'munt' is onbekend (kies uit kosten, id, loting)" in message
    assert "parameter 'seed': een startgetal hoort bij tie_break: loting" in message


def test_a_rule_is_one_registry_entry(catalogue):
    from pabutools.rules import greedy_utilitarian_welfare as greedy

    from werkboek.scenarios.rules import Support_Cost_Sat

    rule = register_rule(Rule("test_cheap", "Goedkoopste eerst (test)",
                              lambda inst, prof, call: greedy(inst, prof, sat_class=Support_Cost_Sat,
                                                              tie_breaking=call.tie_breaking)))
    try:
        out = outcome(TIE, catalogue, rule="test_cheap")
        assert out.rule_label == rule.label and funded(out) == ["a", "c"]
    finally:
        del RULES["test_cheap"]


# tie_edge.pb: budget 100; a (50) has 3 votes, b (50) and c (40) 2 each. Greedy takes a, then
# 50 is left: b or c fits, not both. The tie-break decides.
def test_tie_break_kosten_is_the_default_and_said_out_loud(catalogue):
    out = outcome(TIE, catalogue, rule="support")
    assert out.scenario["tie_break"] == "kosten"
    assert funded(out) == ["a", "c"]  # c is cheaper
    assert len(out.ties) == 1
    tie = out.ties[0]
    assert tie["acties"] == ["c", "b"] and tie["gekozen"] == ["c"] and tie["niet_gekozen"] == ["b"]
    assert tie["tekst"] == ("Aanpak C en Aanpak B kregen evenveel steun; gekozen door de kosten (de goedkoopste "
                            "eerst, bij gelijke kosten het nummer): Aanpak C.")
    html = report.acties(out)
    assert "Gelijke stand" in html and "Aanpak C en Aanpak B kregen evenveel steun" in html
    assert "Bij gelijke stand" in report.header(out)


def test_tie_break_by_id(catalogue):
    out = outcome(TIE, catalogue, rule="support", tie_break="id")
    assert funded(out) == ["a", "b"]
    assert out.ties[0]["gekozen"] == ["b"] and "gekozen door het nummer van de actie (alfabetisch): Aanpak B." in \
        out.ties[0]["tekst"]


def test_tie_break_by_lot_follows_the_seed(catalogue):
    winners = {}
    for seed in range(12):
        out = outcome(TIE, catalogue, rule="support", tie_break="loting", seed=seed)
        order = tie_order("loting", {"a": 50, "b": 50, "c": 40}, seed)
        expected = "b" if order.index("b") < order.index("c") else "c"
        assert funded(out) == ["a", expected]
        assert out.ties[0]["gekozen"] == [expected] and f"loting (startgetal {seed})" in out.ties[0]["tekst"]
        assert funded(outcome(TIE, catalogue, rule="support", tie_break="loting", seed=seed)) == funded(out)
        winners[seed] = expected
    assert set(winners.values()) == {"b", "c"}  # the lot really decides


def test_a_tie_inside_equal_shares_is_found(catalogue):
    out = outcome(COMPLETION, catalogue, rule="equal_shares")
    assert [(t["gekozen"], t["niet_gekozen"]) for t in out.ties] == [(["a"], ["b"])]
    assert out.ties[0]["tekst"].startswith("Speeltuin en Sporthal kregen evenveel steun; gekozen door de kosten")


def test_no_tie_no_words(catalogue):
    # Per euro: a 3/50, c 2/40, b 2/50 - all different: a and c, and nothing tied.
    out = outcome(TIE, catalogue, rule="support_per_euro")
    assert funded(out) == ["a", "c"]
    assert out.ties == [] and "Gelijke stand" not in report.acties(out)


@pytest.mark.parametrize("rule", ["support", "support_per_euro", "max_welfare"])
def test_additive_rules_on_one_summed_ballot_equal_pabutools_on_every_ballot(rule):
    import random

    from pabutools.election import Additive_Cardinal_Sat, CardinalBallot, CardinalProfile, Instance, Project
    from pabutools.rules import max_additive_utilitarian_welfare

    from werkboek.scenarios.inputs import Candidate, VoterBallot
    from werkboek.scenarios.rules import Support_Cost_Sat, tie_breaking_rule
    from werkboek.scenarios.selection import run_rule

    rng = random.Random(4)
    costs = {f"p{i:02d}": rng.randrange(10, 60) for i in range(12)}
    ballots = []
    for i in range(80):
        scores = {p: float(rng.randint(1, 3)) for p in rng.sample(sorted(costs), rng.randint(1, 5))}
        ballots.append(VoterBallot(str(i), "punten", {p: int(s) for p, s in scores.items()}, scores))
    candidates = [Candidate(p, p, "", c, 1, "structureel") for p, c in costs.items()]
    order = sorted(costs, key=lambda p: (costs[p], p))
    ours = run_rule(rule, candidates, costs, ballots, 150, order=order)
    projects = {p: Project(p, c) for p, c in costs.items()}
    instance = Instance(projects.values(), budget_limit=150)
    profile = CardinalProfile([CardinalBallot({projects[p]: int(s) for p, s in b.scores.items()}) for b in ballots],
                              instance=instance)
    if rule == "max_welfare":
        theirs = max_additive_utilitarian_welfare(instance, profile, sat_class=Additive_Cardinal_Sat)
        assert sorted(ours) == sorted(p.name for p in theirs)
    else:
        sat = Support_Cost_Sat if rule == "support" else Additive_Cardinal_Sat
        theirs = greedy_utilitarian_welfare(instance, profile, sat_class=sat, tie_breaking=tie_breaking_rule(order))
        assert ours == [p.name for p in theirs]


@pytest.mark.parametrize("seed", range(6))
def test_equal_shares_add1_with_the_name_memo_equals_pabutools_own_satisfaction(seed):
    """Support_Cost_Sat remembers its values per project name (speed); Equal Shares with add1 (and
    greedy completion) must fund exactly what pabutools funds with its own, unmemoised satisfaction
    of the same function, and on approval ballots with pabutools' Cost_Sat."""
    import random

    from pabutools.election import (
        AdditiveSatisfaction,
        ApprovalBallot,
        ApprovalProfile,
        CardinalBallot,
        CardinalProfile,
        Instance,
        Project,
    )

    from werkboek.scenarios.rules import Support_Cost_Sat, _support_cost, tie_breaking_rule

    class Plain(AdditiveSatisfaction):
        def __init__(self, instance, profile, ballot):
            super().__init__(instance, profile, ballot, _support_cost)

    rng = random.Random(seed)
    projects = {f"p{i:02d}": Project(f"p{i:02d}", rng.randrange(10, 80)) for i in range(10)}
    instance = Instance(projects.values(), budget_limit=rng.randrange(120, 260))
    order = tie_breaking_rule(sorted(projects, key=lambda p: (projects[p].cost, p)))
    cardinal = CardinalProfile([CardinalBallot({projects[p]: rng.randint(1, 3) for p in rng.sample(
        sorted(projects), rng.randint(1, 5))}) for _ in range(30)], instance=instance)
    approvals = [rng.sample(sorted(projects), rng.randint(1, 4)) for _ in range(30)]
    as_scores = CardinalProfile([CardinalBallot({projects[p]: 1 for p in a}) for a in approvals], instance=instance)
    approval = ApprovalProfile([ApprovalBallot({projects[p] for p in a}) for a in approvals], instance=instance)
    for (profile, reference, their_profile) in ((cardinal, Plain, cardinal), (as_scores, Plain, as_scores),
                                                (as_scores, Cost_Sat, approval)):
        for increment in (1, 3):
            ours = method_of_equal_shares(instance, profile, sat_class=Support_Cost_Sat, tie_breaking=order,
                                          voter_budget_increment=increment)
            theirs = method_of_equal_shares(instance, their_profile, sat_class=reference, tie_breaking=order,
                                            voter_budget_increment=increment)
            assert [p.name for p in ours] == [p.name for p in theirs], (seed, reference.__name__, increment)
            assert ours  # something is funded: the comparison is not between two empty lists
