"""Our own Equal Shares (werkboek.scenarios.mes) against pabutools, the reference.

Every case runs the rule twice, once with each engine (``mes.use_engine``), and compares the
funded acties *in order* and whether a tie had to be broken (that decides whether the
scenario looks for ties): on the test files in ``tests/scenarios/data`` through the whole
scenario, and on many small seeded random instances (approval and points ballots, acties
that are exact copies of each other, weights) for every completion and every tie-break.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from pabutools.election import CardinalBallot, CardinalMultiProfile, Instance, Project

from werkboek.scenarios import mes, run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import Candidate, VoterBallot
from werkboek.scenarios.rules import RULES, RuleCall, tie_breaking_rule, tie_order
from werkboek.scenarios.selection import select

DATA = Path(__file__).parent / "data"
COMPLETIONS = ("add1", "add1+greedy", "greedy")
TIE_BREAKS = ("kosten", "id", "loting")


def both(fn):
    """fn() with our engine and with pabutools'."""
    results = []
    for engine in ("werkboek", "pabutools"):
        with mes.use_engine(engine):
            results.append(fn())
    return results


@pytest.mark.parametrize("path", sorted(DATA.glob("*.pb")), ids=lambda p: p.name)
@pytest.mark.parametrize("completion", COMPLETIONS)
def test_the_test_files_give_what_pabutools_gives(path, completion, catalogue):
    for tie_break, seed in (("kosten", None), ("id", None), ("loting", 3), ("loting", 4)):
        def run():
            lot = {} if seed is None else {"seed": seed}
            out = run_scenario(scenario_from_dict({
                "name": "t", "pb_file": str(path), "start_year": 2025, "end_year": 2025, "rule": "equal_shares",
                "completion": completion, "mes_step": 1, "tie_break": tie_break, **lot}), catalogue)
            return [r["id"] for r in out.chosen], out.ties
        ours, theirs = both(run)
        assert ours == theirs, (path.name, completion, tie_break, seed)
        assert ours[0]


def random_election(seed: int):
    rng = random.Random(seed)
    n_projects = rng.randint(2, 8)
    # few distinct costs, so equal prices (ties) are common
    costs = {f"p{i}": rng.choice([10, 20, 30, rng.randrange(5, 60)]) for i in range(n_projects)}
    if seed % 4 == 0:  # an exact copy of p0: always tied with it
        costs[f"p{n_projects}"] = costs["p0"]
    projects = {a: Project(a, c) for a, c in costs.items()}
    instance = Instance(projects.values(), budget_limit=rng.randrange(30, 200))
    profile = CardinalMultiProfile(instance=instance)
    points = seed % 2 == 1
    for _ in range(rng.randint(1, 20)):
        chosen = rng.sample(sorted(costs)[:n_projects], rng.randint(1, min(4, n_projects)))
        if seed % 4 == 0 and "p0" in chosen:
            chosen.append(f"p{n_projects}")
        ballot = CardinalBallot({projects[a]: (rng.randint(1, 5) if points else 1) for a in chosen}).frozen()
        if seed % 4 == 0 and "p0" in chosen:
            ballot = CardinalBallot({**ballot, projects[f"p{n_projects}"]: ballot[projects["p0"]]}).frozen()
        profile[ballot] = profile.get(ballot, 0) + rng.randint(1, 3)
    return instance, profile, costs, rng


@pytest.mark.parametrize("chunk", range(4))
def test_random_instances_give_what_pabutools_gives(chunk):
    differ = []
    ties = 0
    for seed in range(chunk * 15, chunk * 15 + 15):
        instance, profile, costs, rng = random_election(seed)
        for completion in COMPLETIONS:
            for tie_break in TIE_BREAKS:
                order = tie_order(tie_break, costs, seed)
                step = rng.choice([1, 2, 3, None])

                def run():
                    call = RuleCall(tie_breaking_rule(order), {"completion": completion, "mes_step": step})
                    allocation = RULES["equal_shares"].run(instance, profile, call)
                    return [p.name for p in allocation], call.tie_breaking.seen

                ours, theirs = both(run)
                ties += theirs[1] and completion == "add1"
                if ours != theirs:
                    differ.append((seed, completion, tie_break, step, ours, theirs))
    assert not differ
    assert ties  # ties inside add1 were among the cases


def test_non_integer_weights_and_the_whole_selection_give_what_pabutools_gives():
    """Through select(): buurt-like weights (scaled to whole voters), stages, forced acties."""
    for seed in range(4):
        rng = random.Random(100 + seed)
        candidates = {f"a{i}": Candidate(f"a{i}", f"A{i}", rng.choice(["noord", "zuid"]), rng.choice([100, 150, 240]),
                                         1, rng.choice(["versnelling", "structureel"])) for i in range(7)}
        ballots = []
        for v in range(12):
            picked = rng.sample(sorted(candidates), 3)
            ballots.append(VoterBallot(str(v), "punten", {a: 1 for a in picked},
                                       {a: rng.randint(1, 4) for a in picked}, weight=rng.choice([1.0, 0.75, 1.5])))
        for completion in COMPLETIONS:
            def run():
                sel = select(candidates, ballots, rule="equal_shares", budget=600, years=1,
                             min_share={"noord": 0.3}, versnelling_first=seed % 2 == 0,
                             rule_params={"completion": completion, "mes_step": 2})
                return sel.chosen, sel.ties
            ours, theirs = both(run)
            assert ours == theirs, (seed, completion)


def test_skipping_steps_equals_taking_every_step():
    """add1 with skips against our own runs at every single step (no skipping), on points ballots
    with a small step: the same outcome, in far fewer runs than steps."""
    rng = random.Random(7)
    costs = [rng.randrange(20, 90) for _ in range(8)]
    scores = [[rng.choice([0, 0, 0, 1, 2, 3]) for _ in costs] for _ in range(25)]
    scores = [row if any(row) else [1] + row[1:] for row in scores]
    weights = [rng.randint(1, 3) for _ in scores]
    budget, rank = 300, list(range(len(costs)))
    es = mes.EqualShares(costs, scores, weights, budget, rank)
    step = mes.mpq(1, 1000)
    skipped, _ = es.add1(step)
    skipping_runs = es.runs
    t0 = es.budget / es.N
    previous, k = [], 0
    while True:  # pabutools' loop, one run per step
        outcome = list(es.run(t0 + k * step).selected)
        if es._cost(outcome) > es.budget:
            outcome = previous
            break
        if es._exhaustive(outcome):
            break
        previous, k = outcome, k + 1
    assert skipped == outcome and outcome
    assert k > 100 and skipping_runs < k / 3, (k, skipping_runs)


def test_a_near_tie_is_decided_in_rationals():
    """Two acties whose prices differ by far less than a float can see (1/10^18 against
    1/(10^18 + 10) per unit): the float run must not call it a tie, the exact run decides."""
    big = 10**17
    es = mes.EqualShares([10, 10], [[1, 0], [0, 1]], [big, big + 1], 100 * (2 * big + 1), [0, 1])
    chosen, seen = es.once()
    assert chosen == [1, 0] and not seen  # b is (exactly) cheaper, although a comes first on a tie
    assert es.exact_runs == 1


def test_an_exact_tie_between_different_acties_is_a_tie_without_the_exact_run():
    # a and b: different voters, the same total score (3): the same price per unit in round one
    es = mes.EqualShares([30, 60], [[1, 0], [2, 0], [0, 3]], [1, 1, 1], 240, [1, 0])
    chosen, seen = es.once()
    assert chosen == [1, 0] and seen  # b first (the tie-break), then a
    assert es.exact_runs == 0


def test_pabutools_stays_selectable():
    with mes.use_engine("pabutools"):
        assert mes.ENGINE == "pabutools"
    assert mes.ENGINE == "werkboek"
    with pytest.raises(ValueError):
        with mes.use_engine("nope"):
            pass


def _random_table(seed: int):
    """A small random election as the engine takes it: costs, scores, weights, budget, tie-break ranks."""
    rng = random.Random(1000 + seed)
    n_projects = rng.randint(2, 10)
    costs = [rng.choice([10, 20, 30, rng.randrange(5, 60)]) for _ in range(n_projects)]
    points = seed % 2 == 1
    scores = [[rng.choice([0, 0, 1, 2, 3] if points else [0, 0, 1]) for _ in costs] for _ in range(rng.randint(1, 25))]
    scores = [row if any(row) else [1] + row[1:] for row in scores]
    if seed % 3 == 0:  # a clone of project 0 (same cost, same scores)
        costs.append(costs[0])
        scores = [row + [row[0]] for row in scores]
    weights = [rng.randint(1, 3) for _ in scores]
    rank = list(range(len(costs)))
    rng.shuffle(rank)
    return costs, scores, weights, rng.randrange(30, 300), rank


def test_the_compiled_run_takes_the_decisions_of_the_numpy_run(monkeypatch):
    """mes_compiled.float_run against EqualShares._run in floats: the same funded columns, the
    same tie seen and the same signature (which add1's skipping compares) at many budgets."""
    compared = seen = resumed = 0
    for seed in range(80):
        es = mes.EqualShares(*_random_table(seed))
        for k in range(0, 30, 3):
            t = es.budget / es.N + k * mes.mpq(1, 2)
            monkeypatch.setattr(mes, "COMPILED", False)
            numpy_run = es.run(t)
            monkeypatch.setattr(mes, "COMPILED", True)
            calls = []
            original = es._exact_ties
            monkeypatch.setattr(es, "_exact_ties", lambda *a: calls.append(1) or original(*a))
            compiled_run = es.run(t)
            monkeypatch.undo()
            assert (compiled_run.selected, compiled_run.seen, compiled_run.sig) == \
                (numpy_run.selected, numpy_run.seen, numpy_run.sig), (seed, k)
            compared += 1
            seen += compiled_run.seen
            resumed += bool(calls) and not compiled_run.exact
    assert compared == 800 and seen > 50 and resumed > 20, (seen, resumed)  # ties and near-tie resumes were tested


@pytest.mark.parametrize("chunk", range(2))
def test_larger_random_instances_give_what_pabutools_gives(chunk):
    """More voters and acties than above, points and approval, a small add1 step (many steps skipped)."""
    differ = []
    for seed in range(200 + chunk * 6, 206 + chunk * 6):
        rng = random.Random(seed)
        projects = {f"p{i}": Project(f"p{i}", rng.choice([100, 150, 200, rng.randrange(50, 400)])) for i in range(14)}
        instance = Instance(projects.values(), budget_limit=rng.randrange(600, 1500))
        profile = CardinalMultiProfile(instance=instance)
        for _ in range(60):
            chosen = rng.sample(sorted(projects), rng.randint(1, 5))
            ballot = CardinalBallot({projects[a]: rng.randint(1, 4) if seed % 2 else 1 for a in chosen}).frozen()
            profile[ballot] = profile.get(ballot, 0) + 1
        order = tie_order("kosten", {a: p.cost for a, p in projects.items()}, seed)
        for completion in ("add1", "add1+greedy"):
            def run():
                call = RuleCall(tie_breaking_rule(order), {"completion": completion, "mes_step": 1})
                allocation = RULES["equal_shares"].run(instance, profile, call)
                return [p.name for p in allocation], call.tie_breaking.seen

            ours, theirs = both(run)
            if ours != theirs:
                differ.append((seed, completion, ours, theirs))
    assert not differ


def test_a_supporter_who_pays_exactly_all_she_has_is_decided_in_rationals():
    """Budgets equal to price × satisfaction ("poor" or not: too close for floats): the compiled run
    decides them in rationals and goes on, with the outcome and signature of the run in rationals."""
    # by hand: acties a (10) and b (6); voters with scores 1, 1, 2 for a, t = 5: a's price gives voter 3
    # exactly her 5 to pay (poor, as pabutools counts b <= price × sat)
    es = mes.EqualShares([10, 6], [[1, 1], [1, 0], [2, 1]], [1, 1, 1], 15, [0, 1])
    compiled, exact = es.run(5), es._run(mes.mpq(5), exact=True)
    assert es.partition_resumes >= 1 and es.exact_runs == 0
    assert (compiled.selected, compiled.seen, compiled.sig) == (exact.selected, exact.seen, exact.sig)
    resumes = 0
    for seed in range(60):  # random elections whose starting budget is exactly someone's share of one actie
        costs, scores, weights, _, rank = _random_table(seed)
        rng = random.Random(seed)
        q = rng.randrange(len(costs))
        voters = [i for i, row in enumerate(scores) if row[q]]
        if not voters:
            continue
        v = rng.choice(voters)
        t = mes.mpq(scores[v][q] * costs[q], sum(weights[i] * scores[i][q] for i in voters))
        es = mes.EqualShares(costs, scores, weights, t * sum(weights), rank)
        for k in range(3):
            at = t + k * mes.mpq(1, 3)
            compiled, exact = es.run(at), es._run(at, exact=True)
            assert (compiled.selected, compiled.seen, compiled.sig) == (exact.selected, exact.seen, exact.sig), seed
        resumes += es.partition_resumes
    assert resumes > 5
