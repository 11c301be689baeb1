"""Closing: "n mensen zijn nog bezig" before the second click, a grace period shown on phones, late ballots refused."""

from __future__ import annotations

import datetime as dt

import pytest

from support.resident_flow import go_to
from werkboek.model.ballot import BallotSubmission
from werkboek_widgets.ballot.app import BallotApp
from werkboek_widgets.ballot.closing import closing_text
from werkboek_widgets.facilitator.voting import VotingControl


@pytest.fixture
def control(store, open_workshop, tmp_path, monkeypatch):
    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    c = VotingControl(store)
    c.workshop_id = open_workshop.id
    yield c
    c.stop()


@pytest.fixture
def later(monkeypatch):
    """``later(delta)``: the store's and the model's clocks run ``delta`` ahead of the real one."""
    from werkboek.model import workshop as workshop_module
    from werkboek.store import store as store_module

    real_store, real_model = store_module._now, workshop_module.utcnow

    def move(delta: dt.timedelta) -> None:
        monkeypatch.setattr(store_module, "_now", lambda: real_store() + delta)
        monkeypatch.setattr(workshop_module, "utcnow", lambda: real_model() + delta)

    return move


def _resident_at_review(store, catalogue, workshop):
    code = store.create_codes(workshop.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    go_to(app, "stemmen")
    app.step.controls[next(iter(app.step.controls))].plus.click()
    go_to(app, "controle")
    return app, code


def test_the_first_click_says_how_many_people_are_still_busy(control, store, open_workshop):
    codes = [c.code for c in store.create_codes(open_workshop.id, 4)]
    for code in codes[:3]:
        store.save_draft(code, {"screen": "buurt"})
    store.submit(BallotSubmission(code=codes[2], choices={open_workshop.acties[0]: 1}))  # sent: no longer busy
    control.close_button.click()
    assert "2 mensen zijn nog bezig met een stembiljet" in control.message.value
    assert "Over 2 minuten" in control.message.value  # the advice
    assert store.workshop(open_workshop.id).status == "open"
    control.close_button.click()
    assert store.workshop(open_workshop.id).status == "gesloten"


def test_nobody_busy_is_said_too(control, store, open_workshop):
    control.close_button.click()
    assert "Niemand is nog bezig" in control.message.value


def test_a_grace_period_is_shown_on_phones_accepts_ballots_before_and_refuses_after(control, store, catalogue,
                                                                                   open_workshop, later):
    early_app, early = _resident_at_review(store, catalogue, open_workshop)
    late_app, late = _resident_at_review(store, catalogue, open_workshop)
    assert early_app.closing.refresh() == ""  # no closing time yet: no notice
    control.grace.value = 2
    control.close_button.click()
    assert "sluit over 2 minuten" in control.message.value and "2 mensen zijn nog bezig" in control.message.value
    control.close_button.click()
    ws = store.workshop(open_workshop.id)
    assert ws.status == "open" and ws.closes_at is not None
    assert "Het stemmen sluit vanzelf om" in control.status.value
    assert control.close_button.description == "Nu meteen sluiten"
    # the residents' phones
    assert early_app.closing.refresh() == "Het stemmen sluit over 2 minuten. Verstuur uw stem op tijd."
    assert "Het stemmen sluit over 2 minuten" in early_app.widget.children[0].value
    early_app.next_button.click()
    assert early_app.flow.current.step == "bedankt"  # in time: counted

    later(dt.timedelta(seconds=90))
    assert late_app.closing.refresh() == "Het stemmen sluit over minder dan een minuut. Verstuur uw stem nu."
    later(dt.timedelta(minutes=2, seconds=1))
    late_app.next_button.click()
    assert late_app.flow.current.step == "controle"
    assert "Uw stem kwam te laat binnen en telt niet mee" in late_app.message.value
    assert store.ballots(open_workshop.id, code=late) == []
    assert [b.code for b in store.ballots(open_workshop.id)] == [early]
    control.refresh_once()  # the console notices the time is up, records it and makes the copy
    assert "De tijd is om: het stemmen is gesloten" in control.message.value
    assert "data-testid='status'>stemmen is gesloten<" in control.status.value
    assert late_app.closing.refresh() == ""


def test_closing_text_counts_minutes_up():
    assert closing_text(None) == ""
    assert closing_text(300) == "Het stemmen sluit over 5 minuten. Verstuur uw stem op tijd."
    assert closing_text(61) == "Het stemmen sluit over 2 minuten. Verstuur uw stem op tijd."
    assert closing_text(60) == "Het stemmen sluit over 1 minuut. Verstuur uw stem op tijd."
    assert closing_text(59, "en") == "Voting closes in less than a minute. Send your vote now."


def test_the_store_service_hands_residents_the_closing_time(store, open_workshop, tmp_path):
    from werkboek.store_service import protocol

    ws = store.close_voting(open_workshop.id, in_minutes=2)
    again = protocol.workshop_from_json(protocol.workshop_to_json(ws))
    assert again.closes_at == ws.closes_at and 110 < again.seconds_to_close() <= 120
    old = protocol.workshop_to_json(ws)
    for key in ("closes_at", "wifi_name", "hide_results"):  # a store service from before 0004
        old.pop(key)
    assert protocol.workshop_from_json(old).closes_at is None
