"""The programme office's screen, driven from Python: a decision, a change, progress, the timeline."""

from __future__ import annotations

import datetime as dt

import pytest

from werkboek.model.programme import GEKOZEN, NIET_NU
from werkboek.store.programme import Programme


@pytest.fixture
def office(store, catalogue):
    from werkboek_widgets.programme import ProgrammeApp

    return ProgrammeApp(Programme(store), catalogue)


def test_record_change_and_follow_a_decision(office, catalogue):
    programme = office.programme
    actie = next(iter(catalogue.acties.values()))
    office.actie.value = actie.id
    assert office.budget.value == str(actie.kosten)  # a new decision starts from the catalogue
    assert office.save_progress.disabled  # no progress before the actie is chosen
    office.by.value = "Anna"
    office.reden.value = "Veel steun van bewoners."
    office.budget.value = "120.000"
    office.jaar.value = "2027"
    office.workshops.value = "2; 1"
    office.save_decision.click()
    assert "versie 1" in office.decision_message.value
    d = programme.decision(actie.id)
    assert (d.besluit, d.budget, d.jaar, d.workshops, d.changed_by) == (GEKOZEN, 120_000, 2027, (1, 2), "Anna")
    assert "(gekozen)" in dict((v, k) for k, v in office.actie.options)[actie.id]
    assert not office.save_progress.disabled

    office.datum.value, office.status.value, office.percentage.value = "1-6-2026", "bezig", "30"
    office.uitgegeven.value, office.tekst.value = "€ 20.000", "De eerste groep is begonnen."
    office.save_progress.click()
    assert "Toegevoegd" in office.progress_message.value
    assert [(u.percentage, u.uitgegeven) for u in programme.timeline(actie.id)] == [(30, 20_000)]
    assert "De eerste groep is begonnen." in office.timeline.value and "30% klaar" in office.timeline.value

    office.besluit.value, office.reden.value = NIET_NU, "Eerst de nieuwe school."
    office.save_decision.click()
    assert [d.version for d in programme.history(actie.id)] == [1, 2]
    assert "versie 1" in office.timeline.value and "versie 2" in office.timeline.value
    assert office.save_progress.disabled


def test_bad_input_shows_the_dutch_message_and_stores_nothing(office, catalogue):
    actie = next(iter(catalogue.acties.values()))
    office.actie.value = actie.id
    office.by.value, office.reden.value, office.jaar.value = "", "", "volgend jaar"
    office.save_decision.click()
    assert "geen heel getal" in office.decision_message.value and "role='alert'" in office.decision_message.value
    office.jaar.value = "2090"
    office.save_decision.click()
    message = office.decision_message.value
    assert "jaar" in message and "reden" in message and "door" in message
    assert office.programme.history() == []
    office.reden.value = "<script>alert(1)</script>"
    office.by.value, office.jaar.value = "Anna", "2027"
    office.save_decision.click()
    assert "<script>" not in office.timeline.value and "&lt;script&gt;" in office.timeline.value
    office.datum.value, office.percentage.value, office.uitgegeven.value = "morgen", "10", "0"
    office.save_progress.click()
    assert "geen datum" in office.progress_message.value and office.programme.timeline() == []


def test_adopt_a_scenario_from_the_list_and_import_a_progress_sheet(store, catalogue, tmp_path):
    from werkboek.scenarios.outcome import run_scenario
    from werkboek.scenarios.params import scenario_from_dict
    from werkboek_widgets.programme import ProgrammeApp

    out = run_scenario(scenario_from_dict({"name": "Basis", "budget_per_year": 3_000_000}), catalogue)
    (tmp_path / "results" / "basis").mkdir(parents=True)
    out.save(tmp_path / "results" / "basis" / "outcome.json")
    (tmp_path / "results" / "kapot").mkdir()
    (tmp_path / "results" / "kapot" / "outcome.json").write_text("{niet af", encoding="utf-8")
    office = ProgrammeApp(Programme(store), catalogue, results_dir=tmp_path / "results")
    assert [label for label, _ in office.scenario.options] == ["basis", "kapot"]
    office.by.value = "Anna"
    office.scenario.value = str(tmp_path / "results" / "kapot" / "outcome.json")
    office.adopt.click()
    assert "geen uitkomst" in office.adopt_message.value and office.programme.history() == []
    office.scenario.value = str(tmp_path / "results" / "basis" / "outcome.json")
    office.adopt.click()
    n = len(out.chosen) + len(out.not_chosen)
    assert f"{n} nieuwe besluiten" in office.adopt_message.value
    office.adopt.click()
    assert "0 nieuwe besluiten" in office.adopt_message.value and len(office.programme.history()) == n

    chosen = out.chosen[0]["id"]
    office.upload.value = ({"name": "stand.csv", "type": "text/csv", "size": 0, "last_modified": dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc),
                            "content": memoryview(f"actie;datum;status;percentage;uitgegeven\n"
                                                  f"{chosen};1-6-2026;bezig;80;1.000\n"
                                                  f"{chosen};1-6-2026;half;x;\n".encode())},)
    office.do_import.click()
    message = office.import_message.value
    assert "stand.csv, rij 3, veld &#x27;status&#x27;" in message and "rij 3, veld &#x27;uitgegeven&#x27;" in message
    assert "/tmp" not in message and office.programme.timeline() == []
    office.upload.value = ({"name": "stand.csv", "type": "text/csv", "size": 0, "last_modified": dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc),
                            "content": memoryview(f"actie;datum;status;percentage;uitgegeven\n"
                                                  f"{chosen};1-6-2026;bezig;80;1.000\n".encode())},)
    office.do_import.click()
    assert "1 regels voortgang ingelezen" in office.import_message.value
    assert [(u.percentage, u.uitgegeven) for u in office.programme.timeline(chosen)] == [(80, 1000)]
