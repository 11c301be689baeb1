"""'Hoe zeker?': bootstrap shares on cases whose probabilities can be worked out by hand."""

from __future__ import annotations

import pytest

from werkboek.scenarios import report, run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import Candidate, ScenarioInput, VoterBallot
from werkboek.scenarios.robustness import bootstrap


def cand(id_, cost):
    return Candidate(id_, id_.upper(), "wonen", cost, 1, "structureel")


def approval(i, *acties, weight=1.0):
    return VoterBallot(str(i), "goedkeuren", {a: 1 for a in acties}, {a: 1.0 for a in acties}, weight=weight)


def test_unanimous_support_is_certain():
    candidates = {"a": cand("a", 50), "b": cand("b", 50)}
    ballots = [approval(i, "a") for i in range(9)]
    result = bootstrap(candidates, ballots, resamples=50, draw_seed=1, rule="support", budget=50, years=1)
    assert result["share"] == {"a": 1.0, "b": 0.0} and result["resamples"] == 50


def test_two_voters_by_hand():
    # Two ballots, {x} and {y}; money for one. A draw of two ballots is (x, x) with chance 1/4,
    # one of each 1/2, (y, y) 1/4; at one each the tie goes to the cheaper x: x in 3/4 of draws.
    candidates = {"x": cand("x", 90), "y": cand("y", 100)}
    ballots = [approval(1, "x"), approval(2, "y")]
    result = bootstrap(candidates, ballots, resamples=2000, draw_seed=7, rule="support", budget=100, years=1)
    assert result["share"]["x"] == pytest.approx(0.75, abs=0.04)
    assert result["share"]["y"] == pytest.approx(0.25, abs=0.04)
    assert result["share"]["x"] + result["share"]["y"] == pytest.approx(1.0)
    again = bootstrap(candidates, ballots, resamples=2000, draw_seed=7, rule="support", budget=100, years=1)
    assert again == result  # the same seed, the same draws


def test_weights_travel_with_the_ballot():
    # One ballot of weight 3 for x against three of weight 1 for y. A draw of 4 with k x-ballots
    # gives x 3k against 4 - k: for k >= 1 x wins or ties (and the cheaper x takes the tie); only
    # draws without the x-ballot fund y: (3/4)^4 = 0.316.
    candidates = {"x": cand("x", 90), "y": cand("y", 100)}
    ballots = [approval(0, "x", weight=3.0)] + [approval(i, "y") for i in range(1, 4)]
    share = bootstrap(candidates, ballots, resamples=3000, draw_seed=3, rule="support", budget=100, years=1)["share"]
    assert share["y"] == pytest.approx((3 / 4) ** 4, abs=0.03)


def test_in_the_outcome_and_the_report(catalogue):
    candidates = {"x": cand("x", 90), "y": cand("y", 100)}
    ballots = [approval(1, "x"), approval(2, "x"), approval(3, "y")]
    data = ScenarioInput(candidates, ballots, ("goedkeuren",), "test")
    out = run_scenario(scenario_from_dict({"name": "z", "budget_total": 100, "start_year": 2025, "end_year": 2025,
                                           "bootstrap": 400, "bootstrap_seed": 2}), catalogue, data=data)
    assert out.robustness["resamples"] == 400
    # A draw of 3 with j y-ballots gives x 3 - j against j: y wins for j >= 2 (no tie with 3):
    # P(j >= 2) = 3 (1/3)^2 (2/3) + (1/3)^3 = 7/27, so x is funded in 20/27 of the draws.
    assert out.chosen[0]["id"] == "x" and out.chosen[0]["zeker"] == pytest.approx(20 / 27, abs=0.06)
    html = report.acties(out)
    assert "Hoe zeker?" in html and "400 trekkingen" in html
    plain = run_scenario(scenario_from_dict({"name": "z", "budget_total": 100, "start_year": 2025,
                                             "end_year": 2025}), catalogue, data=data)
    assert plain.robustness == {} and "Hoe zeker?" not in report.acties(plain)


def test_bootstrap_parameter_is_checked():
    from werkboek.errors import ScenarioError

    with pytest.raises(ScenarioError, match="parameter 'bootstrap': '-1' moet een geheel getal van 0 tot en met"):
        scenario_from_dict({"name": "x", "budget_total": 10, "bootstrap": -1})


def test_the_comparison_shows_how_sure(catalogue):
    from werkboek.scenarios.compare import chosen_matrix, summary

    candidates = {"x": cand("x", 90), "y": cand("y", 100)}
    data = ScenarioInput(candidates, [approval(1, "x"), approval(2, "x"), approval(3, "y")], ("goedkeuren",), "test")
    base = {"budget_total": 100, "start_year": 2025, "end_year": 2025}
    sure = run_scenario(scenario_from_dict({"name": "zeker", "bootstrap": 100, **base}), catalogue, data=data)
    plain = run_scenario(scenario_from_dict({"name": "gewoon", **base}), catalogue, data=data)
    matrix = chosen_matrix({"a": sure, "b": plain})
    share = sure.chosen[0]["zeker"]
    assert matrix.loc["x", "gewoon"] == "2025"
    assert matrix.loc["x", "zeker"].startswith("2025 (") and matrix.loc["x", "zeker"] != "2025"
    assert 0 < share < 1
    assert summary({"a": sure})["zeker"]["gelijke stand beslist"] == 0
