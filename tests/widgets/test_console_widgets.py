"""The facilitator's console and dashboard, driven from Python (no browser)."""

from __future__ import annotations

import pytest

from werkboek.demo.workshop import seed_demo
from werkboek.model.ballot import BallotSubmission
from werkboek.model.privacy import projector_batch
from werkboek.model.results import tally


@pytest.fixture
def console(store, catalogue):
    from werkboek_widgets.facilitator import ConsoleApp

    return ConsoleApp(store, catalogue)


def test_facilitator_prepares_a_workshop_with_filters(console, store, catalogue):
    ed = console.editor
    ed.title.value = "Buurtavond Hoensbroek"
    ed.location.value = "Kasteel"
    ed.picker.leefgebied.value = "gezondheid"
    ed.picker.horizon.value = "versnelling"
    ed.picker.select_visible.click()
    expected = [a.id for a in catalogue.acties.values() if a.leefgebied == "gezondheid" and a.horizon == "versnelling"]
    assert ed.picker.selected == expected
    ed.method.value = "goedkeuren"
    ed.param.value = 2
    ed.save_button.click()
    ws = store.workshop(console.workshop_id)
    assert ws.title == "Buurtavond Hoensbroek" and ws.location == "Kasteel"
    assert list(ws.acties) == expected
    assert ws.method == "goedkeuren" and ws.method_params == {"max_approvals": 2}
    assert console.chooser.value == ws.id


def test_buurt_filter_shows_only_acties_for_that_buurt(console, catalogue):
    picker = console.editor.picker
    buurt = "BU09172004"
    picker.buurt.value = buurt
    visible = {a for a, box in picker.boxes.items() if box.layout.display != "none"}
    assert visible == {a.id for a in catalogue.acties.values() if a.applies_to(buurt)}
    assert visible != set(catalogue.acties)


def test_invalid_workshop_shows_a_message_and_stores_nothing(console, store):
    console.editor.title.value = ""
    console.editor.save_button.click()
    assert "titel" in console.editor.message.value
    assert store.workshops() == []


def test_codes_voting_and_dashboard_agree_with_the_store(console, store, catalogue):
    ed = console.editor
    ed.title.value = "Avond"
    ed.picker.leefgebied.value = "wonen"
    ed.picker.select_visible.click()
    ed.privacy_k.value = 3  # three residents tonight: results on the screen from three ballots on
    ed.save_button.click()
    assert store.workshop(console.workshop_id).privacy_k == 3
    console.codes.individual.value = 4
    console.codes.groups.value = 1
    console.codes.make.click()
    codes = store.codes(console.workshop_id)
    assert sum(c.kind == "individual" for c in codes) == 4 and sum(c.kind == "group" for c in codes) == 1
    console.voting.open_button.click()
    assert store.workshop(console.workshop_id).status == "open"

    ws = store.workshop(console.workshop_id)
    a, b = ws.acties[:2]
    store.submit(BallotSubmission(code=codes[0].code, choices={a: 3, b: 2}))
    store.submit(BallotSubmission(code=codes[1].code, choices={b: 5}, remark="<script>alert(1)</script>"))
    group = next(c for c in codes if c.kind == "group")
    store.submit(BallotSubmission(code=group.code, choices={a: 1}, group_size=4))

    console.tabs.selected_index = 3
    dash = console.dashboard
    assert dash.ballots_shown == 3
    assert "data-testid='people'>6<" in dash.header.value  # 1 + 1 + 4 people
    table = dash.charts["wonen"].table.value
    # a: 3 + 4*1 = 7 stippen from 5 people; b: 2 + 5 = 7 from 2 people
    assert "<td class='num'>7</td><td class='num'>5</td>" in table
    assert "<td class='num'>7</td><td class='num'>2</td>" in table
    dash.tabs.selected_index = 3
    assert "alert(1)" not in dash.remarks.value  # waits for the facilitator
    console.tabs.selected_index = 4
    panel = console.remarks
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in panel.pending.children[0].children[0].value
    assert "<script>" not in panel.pending.children[0].children[0].value
    [remark] = store.remarks([console.workshop_id])
    panel.buttons[(remark.ballot_id, "approved")].click()
    assert store.remarks([console.workshop_id])[0].status == "approved"
    console.tabs.selected_index = 3
    dash.refresh()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dash.remarks.value
    assert "<script>" not in dash.remarks.value

    console.voting.close_button.click()
    assert store.workshop(console.workshop_id).status == "open"  # first click only asks
    console.voting.close_button.click()
    assert store.workshop(console.workshop_id).status == "gesloten"


def test_dashboard_refresh_only_redraws_when_a_batch_is_complete(store, catalogue):
    from werkboek_widgets.facilitator import Dashboard

    wid = seed_demo(store, ballots=3)  # 3 + 2 group ballots: one batch of 5
    dash = Dashboard(store, catalogue, workshop_ids=[wid])
    assert dash.refresh() is False  # nothing new since construction
    ws = store.workshop(wid)
    free = [c for c in store.codes(wid) if not store.ballots(wid, code=c.code) and c.kind == "individual"]
    for n, code in enumerate(free[:ws.privacy_k], start=1):
        store.submit(BallotSubmission(code=code.code, choices={ws.acties[0]: 1}))
        assert dash.refresh() is (n == ws.privacy_k)  # only the k-th new ballot changes the results
    expected = tally(store.ballots(wid), [ws], catalogue)
    assert dash.ballots_shown == expected.ballots == 10
    lg = catalogue.acties[ws.acties[0]].leefgebied
    top = expected.ranked(lg)[0]
    assert list(dash.charts[lg].bars.y)[0] == round(top.score, 2)


def test_pin_map_shows_every_pin_of_the_batch_and_only_approved_texts(store, catalogue):
    from werkboek_widgets.facilitator import Dashboard

    wid = seed_demo(store, ballots=12)
    dash = Dashboard(store, catalogue, workshop_ids=[wid])
    dash.tabs.selected_index = 2
    ws = store.workshop(wid)
    shown = projector_batch(store.ballots(wid, include_superseded=True), ws.privacy_k).ballots
    pins = [p for b in shown for p in b.pins]
    assert pins, "the demo should have pins"
    assert len(dash._map.pins.layers) == len(pins)
    # at ~10 m (4 decimals), not to the exact spot a resident tapped (werkboek.model.privacy.round_coordinate)
    assert {tuple(m.location) for m in dash._map.pins.layers} == {(round(p.lat, 4), round(p.lon, 4)) for p in pins}
    assert any((round(p.lat, 4), round(p.lon, 4)) != (p.lat, p.lon) for p in pins)
    assert all("(geen tekst" in m.popup.value for m in dash._map.pins.layers)  # nothing approved yet
    with_pin = next(b for b in shown if b.pins)
    store.set_remark_status(with_pin.id, "approved")
    dash.refresh()
    texts = [m.popup.value for m in dash._map.pins.layers]
    assert sum(with_pin.pins[0].text in t for t in texts) >= 1
    assert sum("(geen tekst" not in t for t in texts) == len(with_pin.pins)
