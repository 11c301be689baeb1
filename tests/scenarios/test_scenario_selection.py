"""Selection rules and stages on small hand-checked cases, cross-checked against pabutools."""

from __future__ import annotations

import pytest
from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, Instance, Project
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares

from werkboek.scenarios.inputs import Candidate, VoterBallot
from werkboek.scenarios.selection import select
from werkboek.scenarios.weighting import apply_weighting


def cand(id_, cost, lg="wonen", horizon="structureel", years=1, **kw) -> Candidate:
    return Candidate(id_, id_.upper(), lg, cost, years, horizon, **kw)


def approvals(*sets, group_sizes=None) -> list[VoterBallot]:
    sizes = group_sizes or [1] * len(sets)
    return [VoterBallot(str(i), "goedkeuren", {a: 1 for a in s}, {a: 1.0 for a in s}, group_size=n)
            for i, (s, n) in enumerate(zip(sets, sizes))]


# Five voters, budget 100: three want a (costs 100), two want b (60) and c (40).
MES_CASE = ([cand("a", 100), cand("b", 60), cand("c", 40)],
            [{"a"}, {"a"}, {"a"}, {"b", "c"}, {"b", "c"}], 100)


def pabutools_case():
    candidates, sets, budget = MES_CASE
    projects = {c.id: Project(c.id, c.kosten) for c in candidates}
    instance = Instance(projects.values(), budget_limit=budget)
    profile = ApprovalProfile([ApprovalBallot(projects[a] for a in s) for s in sets], instance=instance)
    return instance, profile


def run(rule, candidates, ballots, budget, **kw):
    return select({c.id: c for c in candidates}, ballots, rule=rule, budget=budget, years=1, **kw)


def test_greedy_and_equal_shares_differ_as_by_hand():
    candidates, sets, budget = MES_CASE
    ballots = approvals(*sets)
    # Greedy by support: a has 3 votes and takes the whole budget.
    assert run("support", candidates, ballots, budget).chosen == ["a"]
    # Equal shares: everyone has 20. a's 3 supporters have 60 < 100, b's 2 have 40 < 60; c (40) is
    # paid by voters 4 and 5. The greedy completion spends the 60 left greedily: a does not fit, b does.
    assert run("equal_shares", candidates, ballots, budget, rule_params={"completion": "greedy"}).chosen == ["c", "b"]
    # add1 (the default): at 34 each, a's supporters can pay 102 >= 100 and a comes first, then c: 140 is
    # over the budget, so the outcome at 33 each stands: {c} (b and c tie there; the cheaper c first).
    assert run("equal_shares", candidates, ballots, budget).chosen == ["c"]
    # Support per euro: c 2/40, b 2/60, a 3/100.
    assert run("support_per_euro", candidates, ballots, budget).chosen == ["c", "b"]


def test_rules_agree_with_pabutools():
    candidates, sets, budget = MES_CASE
    ballots = approvals(*sets)
    instance, profile = pabutools_case()
    mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    assert [p.name for p in mes] == ["c"]
    completed = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat, initial_budget_allocation=mes)
    assert run("equal_shares", candidates, ballots, budget,
               rule_params={"completion": "greedy"}).chosen == [p.name for p in completed]
    greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    assert run("support", candidates, ballots, budget).chosen == [p.name for p in greedy]


def test_max_welfare_and_phragmen_run():
    candidates, sets, budget = MES_CASE
    ballots = approvals(*sets)
    # Total support: a alone 3, b + c 4.
    assert sorted(run("max_welfare", candidates, ballots, budget).chosen) == ["b", "c"]
    assert run("phragmen", candidates, ballots, budget).chosen[0] == "c"


def test_group_size_counts_with_person_weighting():
    candidates = [cand("x", 100), cand("y", 100)]
    ballots = approvals({"x"}, {"y"}, {"y"}, group_sizes=[3, 1, 1])
    by_person, _ = apply_weighting(ballots, "person")
    by_ballot, _ = apply_weighting(ballots, "ballot")
    assert run("support", candidates, by_person, 100).chosen == ["x"]  # 3 people against 2
    assert run("support", candidates, by_ballot, 100).chosen == ["y"]  # 1 ballot against 2
    assert run("equal_shares", candidates, by_person, 100).chosen == ["x"]


def test_buurt_weighting_by_hand():
    ballots = [VoterBallot(str(i), "goedkeuren", {"x": 1}, {"x": 1.0}, buurt=b) for i, b in
               enumerate(["A", "A", "A", "B", ""])]
    weighted, notes = apply_weighting(ballots, "buurt", {"A": 100, "B": 300})
    # Voters: A 3/4, B 1/4; inhabitants: A 1/4, B 3/4 -> A x1/3, B x3; no buurt keeps 1.
    assert [round(b.weight, 6) for b in weighted] == [pytest.approx(1 / 3)] * 3 + [3.0, 1.0]
    assert "1 stembiljetten zonder" in notes[0]


def test_minimum_share_per_leefgebied():
    candidates = [cand("l1", 50, "leren"), cand("w1", 100), cand("w2", 50)]
    ballots = approvals({"w1", "w2"}, {"w1", "w2"}, {"w1"})
    assert run("support", candidates, ballots, 150).chosen == ["w1", "w2"]
    sel = run("support", candidates, ballots, 150, min_share={"leren": 0.4})
    assert sel.chosen == ["l1", "w1"]
    assert sel.stage == {"l1": "minimum leren", "w1": "open ronde"}
    # 30% of 150 = 45 is not enough for l1 (50), so the rule funds nothing in leren; "at least
    # 30%" still holds by topping up with l1.
    topped = run("support", candidates, ballots, 150, min_share={"leren": 0.3})
    assert topped.chosen == ["l1", "w1"] and topped.stage["l1"] == "minimum leren"
    # When no leren actie fits the budget at all, the minimum is reported as not reachable.
    dear = [cand("l1", 160, "leren"), cand("w1", 100), cand("w2", 50)]
    sel = run("support", dear, ballots, 150, min_share={"leren": 0.3})
    assert sel.chosen == ["w1", "w2"] and "niet te halen" in sel.warnings[0]


def test_forced_in_and_out():
    candidates = [cand("l1", 50, "leren"), cand("w1", 100), cand("w2", 50)]
    ballots = approvals({"w1"}, {"w1"}, {"w2"})
    sel = run("support", candidates, ballots, 150, forced_in=["l1"])
    assert sel.chosen == ["l1", "w1"] and sel.stage["l1"] == "verplicht"
    assert run("support", candidates, ballots, 150, forced_out=["w1"]).chosen == ["w2", "l1"]
    over = run("support", candidates, ballots, 100, forced_in=["l1", "w1"])
    assert over.chosen == ["l1", "w1"] and "meer dan het budget" in over.warnings[0]


def test_versnelling_first():
    candidates = [cand("v1", 100, horizon="versnelling"), cand("s1", 100)]
    ballots = approvals({"s1"}, {"s1"}, {"v1"})
    assert run("support", candidates, ballots, 100).chosen == ["s1"]
    assert run("support", candidates, ballots, 100, versnelling_first=True).chosen == ["v1"]


def test_catalogue_only_uses_neutral_support():
    candidates = [cand("a", 60), cand("b", 30), cand("c", 30)]
    # No ballots: all acties equal; per euro the cheap ones go first.
    assert run("support_per_euro", candidates, [], 60).chosen == ["b", "c"]


def test_cost_within_horizon():
    long = cand("lang", 1_000, years=10)
    assert long.cost_within(4) == 400 and long.cost_within(12) == 1_000
    sel = select({"lang": long}, [], rule="support", budget=400, years=4)
    assert sel.chosen == ["lang"] and sel.spent == 400
