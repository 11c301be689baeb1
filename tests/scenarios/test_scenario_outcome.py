"""Phasing over the years, the outcome's measures, JSON, and scenarios on the real store."""

from __future__ import annotations

import json

import pytest

from werkboek.demo.scenarios import seed_demo_workshop
from werkboek.scenarios import run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import Candidate, ScenarioInput, VoterBallot
from werkboek.scenarios.outcome import Outcome
from werkboek.scenarios.phasing import phase
from werkboek.store import Store


def cand(id_, cost, years, **kw):
    return Candidate(id_, id_.upper(), kw.pop("lg", "wonen"), cost, years, kw.pop("horizon", "structureel"), **kw)


def test_phasing_by_hand():
    c = {"p": cand("p", 200, 2), "q": cand("q", 100, 1), "r": cand("r", 120, 2)}
    ph = phase(["p", "q", "r"], c, [2025, 2026, 2027], 100)
    assert (ph.start["p"], ph.end["p"]) == (2025, 2026)
    assert (ph.start["q"], ph.end["q"]) == (2027, 2027)
    # r (60 a year for 2 years) fits nowhere: it starts where it overspends least.
    assert ph.start["r"] == 2025 and ph.overspent_years == [2025, 2026]
    assert ph.per_year() == {2025: 160, 2026: 160, 2027: 100}


def test_phasing_cuts_off_at_the_horizon():
    c = {"p": cand("p", 200, 2), "s": cand("s", 100, 2)}
    ph = phase(["p", "s"], c, [2025, 2026, 2027], 100)
    assert ph.start["s"] == 2027 and ph.end["s"] == 2027 and ph.cut_off == ["s"]
    assert ph.spending["s"] == {2027: 50} and not ph.overspent_years


def test_phasing_versnelling_first_keeps_priority_otherwise():
    c = {"s": cand("s", 100, 1), "v": cand("v", 100, 1, horizon="versnelling")}
    ph = phase(["s", "v"], c, [2025, 2026], 100, versnelling_first=True)
    assert ph.start == {"v": 2025, "s": 2026}


def test_outcome_measures_by_hand(catalogue):
    buurten = sorted(catalogue.heerlen_noord)[:2]
    partners = list(catalogue.partners)[:3]
    candidates = {
        "x": Candidate("x", "X", "leren", 100, 1, "versnelling", tuple(buurten),
                       ((partners[0], 60.0), (partners[1], 40.0)), (partners[1], partners[2])),
        "y": Candidate("y", "Y", "wonen", 100, 1, "structureel", tuple(buurten), ((partners[0], 100.0),), (partners[0],)),
    }
    ballots = [VoterBallot("1", "goedkeuren", {"x": 1}, {"x": 1.0}, buurt=buurten[0]),
               VoterBallot("2", "goedkeuren", {"x": 1}, {"x": 1.0}, buurt=buurten[0]),
               VoterBallot("3", "goedkeuren", {"y": 1}, {"y": 1.0}, buurt=buurten[1])]
    scenario = scenario_from_dict({"name": "Hand", "budget_total": 100, "start_year": 2025, "end_year": 2025,
                                   "weighting": "ballot"})
    out = run_scenario(scenario, catalogue, data=ScenarioInput(candidates, ballots, ("goedkeuren",), "test"))
    assert [r["id"] for r in out.chosen] == ["x"] and out.spent == 100
    assert out.per_leefgebied["leren"] == 100 and out.per_leefgebied["wonen"] == 0
    assert out.per_year == {"2025": {lg: (100.0 if lg == "leren" else 0.0) for lg in catalogue.leefgebieden}}
    assert out.per_buurt[buurten[0]]["euros"] == 50 and out.per_buurt[buurten[1]]["euros"] == 50
    p = out.partners
    assert (p[partners[0]]["betaalt"], p[partners[0]]["incasseert"], p[partners[0]]["saldo"]) == (60, 0, -60)
    assert (p[partners[1]]["betaalt"], p[partners[1]]["incasseert"], p[partners[1]]["saldo"]) == (40, 50, 10)
    assert p[partners[2]]["saldo"] == 50
    assert out.support["served_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert out.support["served_by_buurt"][buurten[0]]["share"] == 1.0
    assert out.support["served_by_buurt"][buurten[1]]["share"] == 0.0
    assert out.support["funded_support_share"] == pytest.approx(2 / 3, abs=1e-4)
    assert out.support["satisfaction"] == pytest.approx(2 / 3, abs=1e-4)
    assert [r["id"] for r in out.not_chosen] == ["y"]


def test_top_choices_and_own_support():
    b = VoterBallot("1", "punten", {"a": 3, "b": 1, "c": 1}, {"a": 3.0, "b": 1.0, "c": 1.0})
    assert b.top_choices() == {"a"}
    assert b.funded_share({"b", "c"}) == pytest.approx(2 / 5)
    tie = VoterBallot("2", "goedkeuren", {"a": 1, "b": 1}, {"a": 1.0, "b": 1.0})
    assert tie.top_choices() == {"a", "b"}
    assert VoterBallot("3", "punten", {}, {}).funded_share({"a"}) is None


def test_outcome_json_round_trip(tmp_path, catalogue):
    out = run_scenario(scenario_from_dict({"name": "Catalogus", "budget_per_year": 2_000_000,
                                           "min_share_per_leefgebied": 0.1}), catalogue)
    path = out.save(tmp_path / "outcome.json")
    again = Outcome.load(path)
    assert again == out
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == 1 and doc["scenario"]["name"] == "Catalogus"
    assert catalogue.attribution in doc["data_labels"] and doc["example_data"] is True
    for lg in catalogue.leefgebieden:  # the minimum holds: at least 10% of 20 million each, as chosen
        assert sum(r["kosten"] for r in doc["chosen"] if r["leefgebied"] == lg) >= 0.1 * 20_000_000 - 1
    assert sum(doc["per_leefgebied"].values()) == pytest.approx(doc["spent"])


@pytest.fixture
def demo_store(db_url, catalogue):
    store = Store(db_url, catalogue=catalogue)
    wid = seed_demo_workshop(store, catalogue, ballots=40, groups=3)
    yield store, wid
    store.close()


def test_scenario_on_stored_ballots(demo_store, catalogue, db_url, monkeypatch, tmp_path):
    store, wid = demo_store
    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))  # no indicators imported here
    base = {"name": "Stemmen", "budget_per_year": 3_000_000, "workshops": [wid], "database_url": db_url}
    person = run_scenario(scenario_from_dict({**base, "rule": "equal_shares"}), catalogue)
    ballots = store.ballots([wid])
    assert person.support["ballots"] == 40
    assert person.support["people"] == sum(b.group_size for b in ballots)
    assert 0 < person.support["served_share"] <= 1
    assert person.spent <= person.budget
    with pytest.raises(Exception, match="kerncijfers"):
        run_scenario(scenario_from_dict({**base, "weighting": "buurt"}), catalogue)
    weighted = run_scenario(scenario_from_dict({**base, "weighting": "buurt", "example_indicators": True}), catalogue)
    assert weighted.example_data and any("Voorbeeldgegevens" in label for label in weighted.data_labels)
    assert weighted.support["people"] == pytest.approx(person.support["people"], rel=1e-6)
    missing = scenario_from_dict({**base, "workshops": [999]})
    with pytest.raises(Exception, match="workshop 999 bestaat niet"):
        run_scenario(missing, catalogue)
