"""The console as a new facilitator meets it (issue 13): next-step hints, plain errors by the field, wifi, reveal."""

from __future__ import annotations

import pytest

from werkboek.model.ballot import BallotSubmission


@pytest.fixture
def console(store, catalogue, tmp_path, monkeypatch):
    from werkboek_widgets.facilitator import ConsoleApp

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    return ConsoleApp(store, catalogue)


def test_every_step_says_what_comes_next_and_goes_there(console):
    from werkboek_widgets.facilitator.console import TITLES

    assert [console.tabs.get_title(i) for i in range(len(TITLES))] == TITLES
    assert "Wat nu?" in console.next_hint.value and "2. Codes" in console.next_hint.value
    assert console.next_button.description == "Volgende stap: 2. Codes"
    console.next_button.click()
    assert console.tabs.selected_index == 1 and "3. Stemmen" in console.next_hint.value
    console.next_button.click()
    console.next_button.click()
    assert console.tabs.selected_index == 3
    console.tabs.selected_index = 6
    assert console.next_button.layout.display == "none" and "klaar" in console.next_hint.value


def test_errors_are_plain_dutch_next_to_the_field(console, store):
    ed = console.editor
    ed.save_button.click()
    assert "Vul een titel in." in ed.errors["titel"].value and store.workshops() == []
    ed.title.value = "Buurtavond"
    ed.wifi_name.value = "x" * 80
    ed.save_button.click()
    assert "Hoogstens 64 tekens." in ed.errors["wifi"].value and ed.errors["titel"].value == ""
    assert "workshop" not in ed.errors["wifi"].value and "veld" not in ed.errors["wifi"].value  # no technical words
    ed.location.value = "y" * 130
    ed.save_button.click()
    assert "Hoogstens 120 tekens." in ed.errors["locatie"].value


def test_the_wifi_name_and_hidden_results_are_saved_with_the_workshop(console, store, catalogue):
    ed = console.editor
    ed.title.value = "Buurtavond"
    ed.wifi_name.value = "Buurthuis-Gast"
    ed.hide_results.value = True
    ed.picker.leefgebied.value = "wonen"
    ed.picker.select_visible.click()
    ed.save_button.click()
    ws = store.workshop(console.workshop_id)
    assert ws.wifi_name == "Buurthuis-Gast" and ws.hide_results
    assert "Volgende stap: maak de stemcodes" in ed.message.value
    console.chooser.value = -1  # "Nieuwe bijeenkomst…": an empty form
    assert ed.wifi_name.value == "" and ed.hide_results.value is False
    console.chooser.value = ws.id
    assert ed.wifi_name.value == "Buurthuis-Gast" and ed.hide_results.value is True


def test_nu_onthullen_shows_hidden_results_at_once(console, store, catalogue):
    acties = [a.id for a in catalogue.acties_in("wonen")]
    ws = store.create_workshop("Avond", acties=acties, privacy_k=1)
    store.update_workshop(ws.id, hide_results=True)
    store.open_voting(ws.id)
    console._reload_chooser(select=ws.id)
    code = store.create_codes(ws.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices={acties[0]: 3}))
    console.tabs.selected_index = 3
    assert console.reveal.layout.display is None and console.dashboard.ballots_shown == 0
    console.reveal.click()
    assert store.workshop(ws.id).results_visible and console.dashboard.ballots_shown == 1
    assert console.reveal.layout.display == "none"
    console.dashboard.stop()


def test_one_click_exports_give_all_three_files(console, store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices={open_workshop.acties[0]: 1}))
    console.exports.reload(selected=[open_workshop.id])
    console.exports.everything.click()
    links = console.exports.links.value
    assert "CSV downloaden" in links and "Excel downloaden" in links and "Rapport openen" in links


def test_the_facilitator_sees_the_ballot_as_a_resident_and_nothing_is_stored(console, store, catalogue):
    from support.resident_flow import go_to

    acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:3]]
    ws = store.create_workshop("Avond", acties=acties)  # not open yet: the preview works before
    console._reload_chooser(select=ws.id)
    console.tabs.selected_index = 2
    console.preview.open_button.click()
    app = console.preview.app
    assert "telt niet mee" in console.preview.note.value and console.preview.phone.children == (app.widget,)
    go_to(app, "stemmen")
    assert [s.leefgebied for s in app.flow.screens if s.step == "stemmen"] == ["leren", "wonen"]
    app.step.controls[next(iter(app.step.controls))].plus.click()
    go_to(app, "controle")
    app.next_button.click()
    assert app.flow.current.step == "bedankt"
    assert len(console.preview.preview_store.sent) == 1  # checked as the store would …
    assert store.ballots(ws.id, include_superseded=True, include_excluded=True) == []  # … and not stored
    assert store.codes(ws.id) == [] and store.workshop(ws.id).status == "concept"
    console.preview.close_button.click()
    assert console.preview.phone.children == () and console.preview.app is None
