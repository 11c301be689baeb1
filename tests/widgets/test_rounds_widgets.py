"""A second round in the console, on the projector, on the resident's phone and in the exports and report."""

from __future__ import annotations

import csv
import io
import re

import pytest

from support.resident_flow import go_to
from werkboek.model.ballot import BallotSubmission
from werkboek.outputs import exports
from werkboek.outputs.report import results_report_html
from werkboek_widgets.ballot.app import BallotApp
from werkboek_widgets.facilitator.projector import ProjectorScreen
from werkboek_widgets.facilitator.rounds_panel import RoundsPanel
from werkboek_widgets.facilitator.voting import VotingControl

BASE = "http://stemmen.local:8866/"


@pytest.fixture
def two_rounds(store, catalogue):
    """k=2; round 1: a ahead of b (3 people), closed; round 2 open, nobody voted yet."""
    lg = "wonen"
    a, b = (x.id for x in catalogue.acties_in(lg)[:2])
    ws = store.create_workshop("Tafelgesprek", method="punten", method_params={"points": 5}, acties=[a, b],
                               privacy_k=2)
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, 3)]
    for code in codes:
        store.submit(BallotSubmission(code=code, choices={a: 4, b: 1}))
    store.close_voting(ws.id)
    return store.workshop(ws.id), codes, a, b


def _second_round_votes(store, codes, a, b, n=3):
    for code in codes[:n]:
        store.submit(BallotSubmission(code=code, choices={a: 1, b: 4}))


def test_the_console_opens_a_second_round_after_a_second_click(store, two_rounds, tmp_path, monkeypatch):
    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    ws, *_ = two_rounds
    control = VotingControl(store)
    control.workshop_id = ws.id
    assert not control.round_button.disabled and control.round_button.description == "Tweede ronde openen"
    control.round_button.click()
    assert "Klik nog eens" in control.round_button.description and "dezelfde code" in control.message.value
    assert store.workshop(ws.id).voting_round == 1
    control.round_button.click()
    assert store.workshop(ws.id).voting_round == 2 and store.workshop(ws.id).status == "open"
    assert "Ronde 2 is open" in control.message.value
    assert "data-testid='round'>Ronde 2<" in control.status.value and "0 stemmen ontvangen" in control.status.value
    assert control.round_button.disabled  # not while the round is open


def test_the_round_button_waits_for_a_closed_round_with_votes(store, open_workshop):
    control = VotingControl(store)
    control.workshop_id = open_workshop.id
    assert control.round_button.disabled  # open
    store.close_voting(open_workshop.id)
    control.show()
    assert control.round_button.disabled  # closed, but nobody voted


def _items(screen):
    return re.findall(r"<span class='wb-proj-title'>([^<]+)</span><span class='wb-proj-score'>([^<]+)</span>",
                      screen.screen.value)


def test_the_projector_shows_what_moved_since_the_first_round(store, catalogue, two_rounds):
    ws, codes, a, b = two_rounds
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    assert all("▲" not in s and "▼" not in s for _, s in _items(screen))  # one round: no marks
    store.open_next_round(ws.id)
    _second_round_votes(store, codes, a, b, n=2)  # one batch of k=2
    screen.refresh()
    shown = dict(_items(screen))
    title = {x: catalogue.acties[x].titel for x in (a, b)}
    assert shown[title[b]] == "8 ▲1" and shown[title[a]] == "2 ▼1"
    assert "Ronde 2." in screen.screen.value and "verschil met de vorige ronde" in screen.screen.value


def test_no_marks_when_the_first_round_had_fewer_than_k_people(store, catalogue):
    a, b = (x.id for x in catalogue.acties_in("wonen")[:2])
    ws = store.create_workshop("Klein", method="punten", method_params={"points": 5}, acties=[a, b], privacy_k=3)
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, 3)]
    store.submit(BallotSubmission(code=codes[0], choices={a: 5}))
    store.close_voting(ws.id)
    store.open_next_round(ws.id)
    _second_round_votes(store, codes, a, b, n=3)
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    assert _items(screen) and all("▲" not in s and "▼" not in s and "=" not in s for _, s in _items(screen))


def test_the_rounds_tab_puts_the_rounds_side_by_side_through_the_batches(store, catalogue, two_rounds):
    ws, codes, a, b = two_rounds
    panel = RoundsPanel(store, catalogue)
    panel.workshop_id = ws.id
    assert "nog maar één ronde" in panel.body.value
    store.open_next_round(ws.id)
    _second_round_votes(store, codes, a, b, n=1)  # one ballot: below k, and not a complete batch
    panel.show()
    assert "Nog niet te zien" in panel.body.value and "data-up" not in panel.body.value
    _second_round_votes(store, codes, a, b, n=3)
    store.close_voting(ws.id)
    panel.show()
    ups = dict(re.findall(r"data-actie=\"([^\"]+)\" data-up=\"(-?\d+)\"", panel.body.value))
    assert ups == {a: "-1", b: "1"}
    assert "1 plaats omhoog" in panel.body.value and "1 plaats omlaag" in panel.body.value
    assert "3 mensen stemden in ronde 1, 3 in ronde 2" in panel.body.value


def test_a_resident_is_told_it_is_the_second_round_and_votes_again(store, catalogue, two_rounds):
    ws, codes, a, b = two_rounds
    store.open_next_round(ws.id)
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={codes[0]}")
    assert "Dit is ronde 2" in app.message.value and "al gestemd" not in app.message.value
    go_to(app, "stemmen")
    app.step.controls[b].plus.click()
    go_to(app, "controle")
    app.next_button.click()
    assert app.flow.current.step == "bedankt"
    assert [x.choices for x in store.ballots(ws.id, code=codes[0])] == [{b: 1}]
    assert [x.choices for x in store.ballots(ws.id, code=codes[0], voting_round=1)] == [{a: 4, b: 1}]


def _rows(text):
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def test_exports_and_the_report_carry_the_round(store, catalogue, two_rounds, tmp_path):
    ws, codes, a, b = two_rounds
    store.open_next_round(ws.id)
    _second_round_votes(store, codes, a, b, n=2)
    ws = store.workshop(ws.id)
    long = _rows(exports.ballots_csv(store, [ws], catalogue))
    assert sorted(r["ronde"] for r in long) == ["1"] * 6 + ["2"] * 4  # two acties a ballot
    results = _rows(exports.results_csv(store, [ws], catalogue))
    score = {(r["ronde"], r["actie"]): r["score"] for r in results}
    assert score == {("1", a): "12,0", ("1", b): "3,0", ("2", a): "2,0", ("2", b): "8,0"}
    from openpyxl import load_workbook

    book = load_workbook(exports.excel_workbook(store, [ws], catalogue, tmp_path / "uitslag.xlsx"))
    rows = list(book["Rondes"].iter_rows(min_row=2, values_only=True))
    assert {(r[2], r[4], r[6], r[8]) for r in rows} == {(a, 1, 2, "1 plaats omlaag"), (b, 2, 1, "1 plaats omhoog")}
    assert list(book["Stembiljetten"].iter_rows(min_row=1, max_row=1, values_only=True))[0][-1] == "Ronde"
    html = results_report_html([ws], store, catalogue)
    assert "De rondes naast elkaar" in html and "(ronde 2)" in html
    assert f'data-actie="{b}" data-up="1"' in html and f'data-actie="{a}" data-up="-1"' in html


def test_a_group_seen_in_two_rounds_is_not_counted_twice_for_privacy(store, catalogue):
    a = catalogue.acties_in("wonen")[0].id
    buurt = sorted(catalogue.heerlen_noord)[0]
    ws = store.create_workshop("Privacy", method="punten", method_params={"points": 5}, acties=[a], privacy_k=3)
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, 4)]
    store.submit(BallotSubmission(code=codes[0], choices={a: 1}, buurt=buurt))
    for code in codes[1:]:
        store.submit(BallotSubmission(code=code, choices={a: 1}))
    store.close_voting(ws.id)
    store.open_next_round(ws.id)
    store.submit(BallotSubmission(code=codes[0], choices={a: 2}, buurt=buurt))
    store.submit(BallotSubmission(code=codes[1], choices={a: 2}, buurt=buurt))
    # two rounds together hold 3 ballots from this buurt, but no round has 3 people from it
    rows = _rows(exports.ballots_csv(store, [store.workshop(ws.id)], catalogue))
    assert buurt not in {r["buurt"] for r in rows}


def test_integraal_the_top_acties_name_the_other_leefgebieden_they_touch(store, catalogue):
    from werkboek.model.results import TOP_INTEGRAAL

    lg = "wonen"
    acties = catalogue.acties_in(lg)
    touching = [a for a in acties if a.leefgebieden_secundair]
    assert touching, "the example catalogue has wonen acties that touch other leefgebieden"
    top, rest = touching[0], [a for a in acties if a.id != touching[0].id]
    ws = store.create_workshop("Integraal", method="punten", method_params={"points": 5},
                               acties=[a.id for a in acties], privacy_k=1)
    store.open_voting(ws.id)
    code = store.create_codes(ws.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices={top.id: 5}))
    names = [catalogue.leefgebieden[x].naam for x in top.leefgebieden_secundair]
    screen = ProjectorScreen(store, catalogue, workshop_ids=[ws.id], base_url=BASE)
    also = re.findall(r"data-testid='proj-also'>([^<]+)<", screen.screen.value)
    assert also == [f"ook: {', '.join(names)}"]  # only the actie with a score; the zeros below say nothing
    html = results_report_html([store.workshop(ws.id)], store, catalogue)
    assert f'data-ook="{"|".join(names)}"' in html and html.count("Raakt ook:") == 1
    assert TOP_INTEGRAAL == 3 and rest  # nothing else was chosen, so nothing else is named
