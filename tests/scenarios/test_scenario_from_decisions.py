"""from_decisions: next year's scenario starts from what is already decided and spent."""

from __future__ import annotations

import pytest

from werkboek.errors import ScenarioError
from werkboek.model.programme import GEKOZEN, NIET_NU, new_decision, new_progress
from werkboek.scenarios.outcome import run_scenario
from werkboek.scenarios.params import scenario_from_dict
from werkboek.store.programme import Programme


def _three(catalogue):
    return [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[-1:]][:3]


def test_the_gekozen_acties_are_forced_in_at_what_is_still_to_pay(store, catalogue):
    programme = Programme(store)
    a, b, c = _three(catalogue)
    programme.decide_many([
        new_decision(a, GEKOZEN, "Vast.", budget=400_000, jaar=2025, by="A"),
        new_decision(b, GEKOZEN, "Vast.", budget=90_000, jaar=2025, by="A"),
        new_decision(c, NIET_NU, "Later.", by="A"),
    ])
    programme.add_progress(new_progress(a, "2025-06-01", "bezig", 30, 150_000, by="A"))
    programme.add_progress(new_progress(b, "2025-06-01", "bezig", 90, 60_000, by="A"))
    programme.add_progress(new_progress(b, "2025-12-01", "klaar", 100, 90_000, by="A"))  # fully paid
    params = {"name": "Volgend jaar", "budget_total": 3_000_000, "start_year": 2026, "end_year": 2030}

    plain = run_scenario(scenario_from_dict(params, catalogue=catalogue), catalogue, store=store)
    decided = run_scenario(scenario_from_dict({**params, "from_decisions": True}, catalogue=catalogue),
                           catalogue, store=store)

    chosen = {r["id"]: r for r in decided.chosen}
    assert a in chosen and chosen[a]["kosten"] == 400_000 - 150_000  # its decided budget minus what was spent
    assert b not in chosen and b not in {r["id"] for r in decided.not_chosen}  # paid in full: not in it any more
    assert c not in chosen or c in {r["id"] for r in plain.chosen}  # niet_nu is not forced in
    text = " ".join(decided.notes)
    assert "begint bij wat al besloten is" in text and "2 gekozen acties" in text
    assert "€ 490.000" in text and "€ 240.000" in text  # committed, and of it already spent
    assert b in text  # "al helemaal betaald"
    assert not any("besloten" in n for n in plain.notes)
    assert decided.scenario["from_decisions"] is True


def test_without_decisions_the_report_says_so(store, catalogue):
    out = run_scenario(scenario_from_dict({"name": "Leeg", "budget_per_year": 1_000_000, "from_decisions": True},
                                          catalogue=catalogue), catalogue, store=store)
    assert any("nog geen gekozen acties" in n for n in out.notes)


def test_forced_out_wins_over_a_decision(store, catalogue):
    a = _three(catalogue)[0]
    Programme(store).decide(new_decision(a, GEKOZEN, "Vast.", budget=100_000, jaar=2025, by="A"))
    out = run_scenario(scenario_from_dict({"name": "X", "budget_per_year": 2_000_000, "from_decisions": True,
                                           "forced_out": [a]}, catalogue=catalogue), catalogue, store=store)
    assert a not in {r["id"] for r in out.chosen}


@pytest.mark.parametrize("value, message", [("ja", "true of false"), (1, "true of false")])
def test_the_parameter_is_checked(catalogue, value, message):
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict({"name": "X", "budget_per_year": 1, "from_decisions": value}, catalogue=catalogue)
    assert "'from_decisions'" in str(caught.value) and message in str(caught.value)


def test_not_with_a_pabulib_file(tmp_path, catalogue):
    pb = tmp_path / "x.pb"
    pb.write_text("META\nkey;value\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict({"name": "X", "pb_file": str(pb), "from_decisions": True}, catalogue=catalogue)
    assert "niet bij een pabulib-bestand" in str(caught.value)
