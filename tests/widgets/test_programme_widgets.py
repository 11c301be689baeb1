"""The programme office's screen, driven from Python: a decision, a change, progress, the timeline."""

from __future__ import annotations

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
