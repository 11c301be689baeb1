"""The console's codes panel, driven from Python: make N, status per code, print once, void a lost slip."""

from __future__ import annotations

import re

import pytest

from werkboek.model.ballot import BallotSubmission
from werkboek.model.results import tally


@pytest.fixture
def panel(store, open_workshop, tmp_path, monkeypatch):
    from werkboek_widgets.facilitator.codes_panel import CodesPanel

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    monkeypatch.setenv("WERKBOEK_RESIDENT_URL", "http://stemmen.local:8866/")
    p = CodesPanel(store)
    p.workshop_id = open_workshop.id
    return p


def _statuses(panel) -> dict[str, str]:
    return dict(re.findall(r"data-code='([^']+)' data-status='([^']+)'", panel.table.value))


def test_make_n_codes_asks_for_a_sensible_number(panel, store, open_workshop):
    panel.make.click()  # nothing filled in
    assert "Vul in hoeveel codes" in panel.individual_error.value and store.codes(open_workshop.id) == []
    panel.individual.value = 501
    panel.make.click()
    assert "Hoogstens 500" in panel.individual_error.value and store.codes(open_workshop.id) == []
    panel.individual.value = -3
    panel.make.click()
    assert "0 of meer" in panel.individual_error.value
    panel.individual.value, panel.groups.value = 7, 2
    panel.make.click()
    assert panel.individual_error.value == "" and panel.groups_error.value == ""
    codes = store.codes(open_workshop.id)
    assert sum(c.kind == "individual" for c in codes) == 7 and sum(c.kind == "group" for c in codes) == 2
    assert panel.individual.value == 0  # a second click does not silently add 7 more
    panel.make.click()
    assert len(store.codes(open_workshop.id)) == 9
    assert set(_statuses(panel).values()) == {"ongebruikt"} and len(_statuses(panel)) == 9


def test_codes_are_listed_with_their_status(panel, store, open_workshop):
    a, b, c, d = (x.code for x in store.create_codes(open_workshop.id, 4))
    store.save_draft(b, {"screen": "buurt"})
    store.submit(BallotSubmission(code=c, choices={open_workshop.acties[0]: 1}))
    store.void_code(d)
    panel.show()
    assert _statuses(panel) == {a: "ongebruikt", b: "bezig", c: "gestemd", d: "ongeldig"}
    for status in ("ongebruikt", "bezig", "gestemd", "ongeldig"):
        assert f"data-testid='codes-{status}'>1<" in panel.summary.value


def test_print_only_codes_not_printed_before(panel, store, open_workshop):
    first = {c.code for c in store.create_codes(open_workshop.id, 3)}
    panel.show()
    assert panel.sheet.description == "Print nieuwe codes (3)"
    panel.sheet.click()
    assert "3 nieuwe codes" in panel.link.value
    assert panel.sheet.disabled and panel.sheet.description == "Alle codes zijn geprint"
    assert all(c.printed for c in store.code_states(open_workshop.id))
    second = {c.code for c in store.create_codes(open_workshop.id, 2)}
    panel.show()
    panel.sheet.click()
    import base64

    href = re.search(r"href='data:text/html;base64,([^']+)'", panel.link.value).group(1)
    sheet = base64.b64decode(href).decode("utf-8")
    on_sheet = set(re.findall(r'data-code="([^"]+)"', sheet))
    assert on_sheet == second and not on_sheet & first
    assert "stemmen.local:8866" in sheet


def test_voiding_a_lost_code_takes_two_clicks_and_its_ballot_counts_until_confirmed(panel, store, open_workshop,
                                                                                   catalogue):
    ws = open_workshop
    keep, lost = (c.code for c in store.create_codes(ws.id, 2))
    store.submit(BallotSubmission(code=keep, choices={ws.acties[0]: 1}))
    store.submit(BallotSubmission(code=lost, choices={ws.acties[1]: 5}))
    panel.void_code.value = "QQQ-QQQ"
    panel.void_button.click()
    assert "hoort niet bij deze bijeenkomst" in panel.void_message.value
    panel.void_code.value = lost.lower().replace("-", " ")  # typed as on the slip, any case
    panel.void_button.click()
    assert "Weet u het zeker" in panel.void_message.value and store.code_state(lost).status == "gestemd"
    panel.void_button.click()
    assert store.code_state(lost).status == "ongeldig"
    assert "Die stem telt nog mee" in panel.void_message.value and panel.exclude_button.layout.display is None
    assert len(store.ballots(ws.id)) == 2  # still counted: the facilitator decides
    panel.exclude_button.click()
    assert "Dit kan niet terug" in panel.void_message.value and len(store.ballots(ws.id)) == 2
    panel.exclude_button.click()
    assert "telt niet meer mee" in panel.void_message.value
    assert [b.code for b in store.ballots(ws.id)] == [keep]
    assert tally(store.ballots(ws.id), [ws], catalogue).ballots == 1
    assert len(store.ballots(ws.id, include_excluded=True)) == 2  # kept for the audit
    assert "stem telt niet mee" in panel.table.value


def test_voiding_a_code_without_a_ballot_offers_no_exclusion(panel, store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    panel.void_code.value = code
    panel.void_button.click()
    panel.void_button.click()
    assert store.code_state(code).status == "ongeldig"
    assert panel.exclude_button.layout.display == "none"
    panel.void_code.value = ""
    panel.void_button.click()
    assert "Vul de code" in panel.void_message.value
