"""Paper ballots in the console: print only new codes, type papers in from the keyboard (driven from Python)."""

from __future__ import annotations

import random
import re
from html import escape

import pytest

from werkboek.model.ballot import BallotSubmission
from werkboek.model.records import PAPER, PHONE


@pytest.fixture
def console(store, catalogue, tmp_path, monkeypatch):
    from werkboek_widgets.facilitator import ConsoleApp

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    return ConsoleApp(store, catalogue)


def _open(store, catalogue, method="punten", params=None, n_codes=0):
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:2]]
    ws = store.create_workshop("Buurtavond", method=method, method_params=params or {}, acties=acties)
    store.open_voting(ws.id)
    codes = store.create_codes(ws.id, n_codes) if n_codes else []
    return store.workshop(ws.id), codes


def _panel(console, ws):
    from werkboek_widgets.facilitator.console import PAPER_TAB

    console.chooser.options = [*console.chooser.options, (ws.title, ws.id)] if ws.id not in dict(
        (v, k) for k, v in console.chooser.options) else console.chooser.options
    console.chooser.value = ws.id
    console.tabs.selected_index = PAPER_TAB
    assert console.tabs.get_title(PAPER_TAB) == "Papieren stembiljetten"
    return console.paper


def _enter(panel, code, boxes, group_size=""):
    """What a volunteer does: type the code, then each box, then Enter (a submit message) in the last field."""
    panel.code.value = code
    if group_size:
        panel.group_size.value = group_size
    last = panel.code
    for actie_id, typed in boxes.items():
        panel.fields[actie_id].value = typed
        last = panel.fields[actie_id]
    last._handle_custom_msg({"event": "submit"}, None)


def test_twenty_papers_typed_in_are_stored_exactly_as_paper(console, store, catalogue):
    ws, codes = _open(store, catalogue, n_codes=20)
    panel = _panel(console, ws)
    assert list(panel.fields) == [a for lg in catalogue.leefgebieden for a in ws.acties
                                  if catalogue.acties[a].leefgebied == lg]
    rng = random.Random(14)
    expected = {}
    for i, code in enumerate(codes):
        choices = {}
        for lg in catalogue.leefgebieden:  # up to 5 stippen per leefgebied, spread at random
            mine = [a for a in ws.acties if catalogue.acties[a].leefgebied == lg]
            for _ in range(rng.randint(0, 5)):
                a = rng.choice(mine)
                choices[a] = choices.get(a, 0) + 1
        if not choices:
            choices = {ws.acties[0]: 1}
        typed = code.code.replace("-", "").lower() if i % 2 else code.code  # as it comes: with or without dash
        _enter(panel, typed, {a: str(v) for a, v in choices.items()})
        assert "Opgeslagen" in panel.message.value, panel.message.value
        for a, v in choices.items():  # what was stored, for the volunteer to check against the paper
            assert f"{escape(catalogue.acties[a].titel)}: {v} {'stip' if v == 1 else 'stippen'}" in panel.message.value
        expected[code.code] = choices
        # the form is empty again for the next paper
        assert panel.code.value == "" and all(f.value == "" for f in panel.fields.values())
        assert f"{i + 1} papieren stembiljet" in panel.counter.value
    assert "20 papieren stembiljetten ingevoerd" in panel.counter.value
    stored = store.ballots(ws.id, include_superseded=True)
    assert {b.code: b.choices for b in stored} == expected
    assert {b.channel for b in stored} == {PAPER}
    assert store.count_by_channel(ws.id) == {PHONE: 0, PAPER: 20}


def test_used_voided_and_unknown_codes_are_refused_in_dutch_and_nothing_is_stored(console, store, catalogue):
    ws, (phone, void, paper) = _open(store, catalogue, n_codes=3)
    other, (elsewhere,) = _open(store, catalogue, n_codes=1)
    a = ws.acties[0]
    store.submit(BallotSubmission(code=phone.code, choices={a: 1}))
    store.void_code(void.code)
    panel = _panel(console, ws)
    _enter(panel, paper.code, {a: "2"})
    before = store.ballots([ws.id, other.id], include_superseded=True)
    cases = [(phone.code, "al gestemd"), (void.code, "ongeldig"), ("ZZZ-ZZZ", "kennen we niet"),
             ("K7", "kennen we niet"), (elsewhere.code, "andere bijeenkomst"), (paper.code, "al gestemd")]
    for code, words in cases:
        _enter(panel, code, {a: "3"})
        assert words in panel.message.value and "niets opgeslagen" in panel.message.value, (code, panel.message.value)
        assert "role='alert'" in panel.message.value
    assert store.ballots([ws.id, other.id], include_superseded=True) == before
    assert "1 papieren stembiljet ingevoerd" in panel.counter.value
    # and a phone cannot take over the paper's code
    from werkboek.errors import BallotRejected

    with pytest.raises(BallotRejected, match="op papier"):
        store.submit(BallotSubmission(code=paper.code, choices={a: 5}))


def test_a_paper_that_breaks_the_rules_is_refused_like_a_phone_ballot(console, store, catalogue):
    ws, (code,) = _open(store, catalogue, n_codes=1)
    a, b = ws.acties[:2]  # the same leefgebied: 5 stippen together
    panel = _panel(console, ws)
    _enter(panel, code.code, {a: "4", b: "3"})
    assert "7 stippen gezet" in panel.message.value and "niets opgeslagen" in panel.message.value
    assert panel.code.value == code.code and panel.fields[a].value == "4"  # kept, to check against the paper
    _enter(panel, code.code, {a: "drie"})
    assert "Vul een getal in" in panel.message.value and store.ballots(ws.id) == []
    _enter(panel, code.code, {a: "", b: ""})
    assert "leeg" in panel.message.value and store.ballots(ws.id) == []
    _enter(panel, code.code, {a: "4", b: "1"})
    assert [x.choices for x in store.ballots(ws.id)] == [{a: 4, b: 1}]


def test_a_refused_paper_is_put_aside_with_leegmaken(console, store, catalogue):
    ws, (code,) = _open(store, catalogue, n_codes=1)
    a = ws.acties[0]
    store.submit(BallotSubmission(code=code.code, choices={a: 1}))
    panel = _panel(console, ws)
    _enter(panel, code.code, {a: "2"})
    assert panel.message.value.count("opgeslagen") == 1  # one "niets opgeslagen", not two
    panel.clear_button.click()
    assert panel.code.value == "" and panel.fields[a].value == "" and "niets opgeslagen" in panel.message.value
    assert [b.choices for b in store.ballots(ws.id, include_superseded=True)] == [{a: 1}]


@pytest.mark.parametrize("method,params,boxes,stored", [
    ("goedkeuren", {"max_approvals": 2}, ["x", "X"], [1, 1]),
    ("top3", {"top": 3}, ["2", "1"], [2, 1]),
])
def test_ticks_and_places_are_typed_as_the_method_says(console, store, catalogue, method, params, boxes, stored):
    ws, (code,) = _open(store, catalogue, method, params, n_codes=1)
    a, b = ws.acties[:2]
    panel = _panel(console, ws)
    _enter(panel, code.code, dict(zip((a, b), boxes)))
    assert "Opgeslagen" in panel.message.value, panel.message.value
    [ballot] = store.ballots(ws.id)
    assert ballot.choices == dict(zip((a, b), stored)) and ballot.channel == PAPER


def test_a_table_code_asks_for_the_number_of_people(console, store, catalogue):
    ws, _ = _open(store, catalogue)
    [group] = store.create_codes(ws.id, 1, kind="group")
    panel = _panel(console, ws)
    assert panel.group_size.layout.display == "none"
    panel.code.value = group.code
    assert panel.group_size.layout.display is None
    _enter(panel, group.code, {ws.acties[0]: "2"})
    assert "hoeveel mensen" in panel.message.value and store.ballots(ws.id) == []
    _enter(panel, group.code, {ws.acties[0]: "2"}, group_size="4")
    [ballot] = store.ballots(ws.id)
    assert ballot.group_size == 4 and ballot.channel == PAPER
    assert panel.group_size.layout.display == "none"


def test_printing_offers_only_codes_never_printed_and_records_them(console, store, catalogue, tmp_path):
    ws, codes = _open(store, catalogue, n_codes=5)
    store.mark_printed(codes[:2])  # on slips already
    panel = _panel(console, ws)
    assert "3 codes zijn nog niet geprint" in panel.print_note.value and panel.how_many.value == 3
    panel.how_many.value = 2
    offered = [c.code for c in store.unprinted_codes(ws.id)]
    assert sorted(offered) == sorted(c.code for c in codes[2:])
    panel.print_button.click()
    saved = sorted((tmp_path / "exports").glob("papieren-stembiljetten-*.html"))
    assert len(saved) == 1
    html = saved[0].read_text(encoding="utf-8")
    printed = re.findall(r'<section class="page" data-code="([^"]+)"', html)
    assert printed == offered[:2]
    assert "1 code is nog niet geprint" in panel.print_note.value
    assert [c.code for c in store.unprinted_codes(ws.id)] == offered[2:]
    panel.print_button.click()
    assert [c.code for c in store.unprinted_codes(ws.id)] == []
    assert panel.print_button.disabled


def test_keystrokes_count_the_code_the_tabs_the_boxes_and_enter(console, store, catalogue):
    ws, _ = _open(store, catalogue)
    panel = _panel(console, ws)
    order = list(panel.fields)
    # code (6) + Tab + 2 Tabs to the third box + "3" and "2" + Enter
    assert panel.keystrokes("K7P4QX", {order[0]: "3", order[2]: "2"}) == 6 + 1 + 2 + 2 + 1


def test_the_live_results_say_how_many_ballots_came_on_paper(console, store, catalogue):
    ws, codes = _open(store, catalogue, n_codes=7)
    a = ws.acties[0]
    for code in codes[:4]:
        store.submit(BallotSubmission(code=code.code, choices={a: 1}))
    panel = _panel(console, ws)
    for code in codes[4:]:
        _enter(panel, code.code, {a: "2"})
    console.tabs.selected_index = 3
    dash = console.dashboard
    assert dash.paper_received == 3
    assert "<span class='wb-big' data-testid='ballots'>7</span>" in dash.header.value
    assert "waarvan <span data-testid='paper'>3</span> op papier" in dash.header.value
    assert dash.ballots_shown == 5  # the projector's batch of k = 5, phone and paper alike
    dash.stop()
    from werkboek.model.results import tally

    result = tally(store.ballots(ws.id), [ws], catalogue)
    assert result.ballots == 7 and result.by_actie[a].score == 4 * 1 + 3 * 2  # paper counts the same
