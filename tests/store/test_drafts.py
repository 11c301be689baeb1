"""Drafts: a ballot in progress survives a reload. Serialisation, a tampered draft, throttled
writes, and the ballot app driven from Python with a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json

import pytest

from support.resident_flow import go_to
from werkboek.model.ballot import MAX_PINS, MAX_REMARK
from werkboek.model.workshop import Workshop
from werkboek_widgets.ballot.app import BallotApp
from werkboek_widgets.ballot.draft import BallotDraft
from werkboek_widgets.ballot.draft_payload import restore, to_payload
from werkboek_widgets.ballot.draft_saver import DraftSaver
from werkboek_widgets.ballot.flow import Screen


def workshop(catalogue, method="punten", params=None, per_lg=3, id=1):
    acties = tuple(a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:per_lg])
    return Workshop(id=id, title="Test", date=None, location="", status="open", method=method,
                    method_params=params or {"points": 5}, acties=acties)


def a_point_inside(catalogue):
    return catalogue.heerlen_noord[sorted(catalogue.heerlen_noord)[0]].shape.centroid()


# -- serialisation ------------------------------------------------------------------------

@pytest.mark.parametrize("method,params", [("punten", {"points": 5}), ("goedkeuren", {"max_approvals": 2}),
                                           ("top3", {"top": 3})])
def test_a_draft_round_trips_through_json(catalogue, method, params):
    ws = workshop(catalogue, method, params)
    draft = BallotDraft(ws, catalogue, "K7P-4QX", "group")
    lg = draft.leefgebieden[1]
    a, b = [x.id for x in draft.per_leefgebied[lg][:2]]
    if method == "punten":
        draft.act(a, "add"), draft.act(a, "add"), draft.act(b, "add")
    elif method == "goedkeuren":
        draft.act(b, "toggle"), draft.act(a, "toggle")
    else:
        draft.act(b, "toggle"), draft.act(a, "toggle")
    draft.buurt = sorted(catalogue.heerlen_noord)[3]
    draft.age_group = "65-79"
    draft.remark = "Meer bankjes"
    lat, lon = a_point_inside(catalogue)
    draft.add_pin(lg, lat, lon, "hier")
    draft.set_group_size(7)
    payload = json.loads(json.dumps(to_payload(draft, Screen("stemmen", lg))))

    again, screen = restore(payload, ws, catalogue, "K7P-4QX", "group")
    assert screen == Screen("stemmen", lg)
    assert again.choices == draft.choices and again.choices
    assert (again.buurt, again.age_group, again.remark, again.group_size) == (draft.buurt, "65-79", "Meer bankjes", 7)
    assert again.pins == draft.pins and len(again.pins) == 1
    assert again.submission().choices == draft.submission().choices


def test_a_tampered_draft_keeps_only_what_fits(catalogue):
    ws = workshop(catalogue, "punten", {"points": 5})
    lg = list(ws.acties_per_leefgebied(catalogue))[0]
    a, b, c = [x.id for x in ws.acties_per_leefgebied(catalogue)[lg][:3]]
    not_on_ballot = next(x for x in catalogue.acties if x not in ws.acties)
    outside_hn = next((code for code, buurt in catalogue.buurten.items() if not buurt.heerlen_noord), "GM9999BU99")
    lat, lon = a_point_inside(catalogue)
    payload = {
        "v": 1, "workshop": ws.id,
        "choices": {a: 3, b: 10**9, c: 1, not_on_ballot: 2, "made-up": 1, 7: 1},
        "buurt": outside_hn, "age_group": "200+", "remark": "x" * (MAX_REMARK + 50),
        "pins": [{"leefgebied": lg, "lat": 0.0, "lon": 0.0, "text": "far away"},
                 {"leefgebied": "nergens", "lat": lat, "lon": lon},
                 {"leefgebied": lg, "lat": float("nan"), "lon": lon},
                 {"leefgebied": lg, "lat": "50.9", "lon": lon},
                 *[{"leefgebied": lg, "lat": lat, "lon": lon, "text": "t" * 500}] * (MAX_PINS + 5)],
        "group_size": 9,  # an individual code: ignored
        "screen": {"step": "stemmen", "leefgebied": "nergens"},
    }
    draft, screen = restore(payload, ws, catalogue, "K7P-4QX", "individual")
    assert draft.choices == {a: 3, b: 2}  # 5 stippen in this leefgebied; c and the rest dropped
    assert draft.buurt is None and draft.age_group is None and len(draft.remark) == MAX_REMARK
    assert len(draft.pins) == MAX_PINS and all(len(p["text"]) <= 140 for p in draft.pins)
    assert draft.group_size is None and screen is None
    from werkboek.model.ballot import validate_ballot
    validate_ballot(draft.submission(), ws, "individual", catalogue)


@pytest.mark.parametrize("payload", [None, [], "x", {"v": 2}, {"v": 1, "workshop": 99, "choices": {}},
                                     {"v": 1, "workshop": 1, "choices": "a", "pins": {}, "screen": "controle"}])
def test_garbage_gives_an_empty_draft(catalogue, payload):
    draft, screen = restore(payload, workshop(catalogue), catalogue, "K7P-4QX")
    assert draft.is_empty and screen is None


def test_top3_ranks_close_up_after_a_forged_gap(catalogue):
    ws = workshop(catalogue, "top3", {"top": 3})
    lg = list(ws.acties_per_leefgebied(catalogue))[0]
    a, b, c = [x.id for x in ws.acties_per_leefgebied(catalogue)[lg][:3]]
    draft, _ = restore({"v": 1, "workshop": 1, "choices": {a: 9, b: 2, c: 2}}, ws, catalogue, "K7P-4QX")
    assert sorted(draft.choices.values()) == [1, 2, 3] and draft.choices[a] == 3


# -- throttled writes ---------------------------------------------------------------------

class CountingStore:
    def __init__(self):
        self.saved = []

    def save_draft(self, code, payload):
        self.saved.append(payload)


def test_a_burst_of_clicks_is_at_most_one_write_a_second():
    now = [100.0]
    store, state = CountingStore(), {"n": 0}
    saver = DraftSaver(store, "K7P-4QX", lambda: dict(state), clock=lambda: now[0])
    for i in range(50):  # 50 clicks in 0.5 s
        state["n"] = i
        saver.changed()
        now[0] += 0.01
    assert len(store.saved) == 1 and saver.pending
    now[0] += 1.0
    saver.flush()  # moving to the next screen writes the latest state
    assert len(store.saved) == 2 and store.saved[-1]["n"] == 49 and not saver.pending
    saver.flush()
    assert len(store.saved) == 2
    saver.forget()
    now[0] += 5
    saver.changed()
    assert len(store.saved) == 2


def test_a_failing_write_does_not_stop_the_ballot():
    class Broken:
        def save_draft(self, code, payload):
            raise OSError("disk full")

    saver = DraftSaver(Broken(), "K7P-4QX", dict)
    saver.changed()
    assert saver.writes == 0 and not saver.pending


# -- the ballot app with a real store -----------------------------------------------------

def fresh_app(store, catalogue, query=""):
    app = BallotApp(store, catalogue)
    app.apply_query(query)
    return app


def test_a_reload_continues_where_the_resident_was(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    app = fresh_app(store, catalogue, f"code={code}")
    assert app.flow.current.step == "welkom" and store.load_draft(code) is None
    go_to(app, "buurt")
    buurt = sorted(catalogue.heerlen_noord)[1]
    app.step.buurt.value = buurt
    app.next_button.click()
    lg = app.flow.current.leefgebied
    first = list(app.step.controls)[0]
    app.step.controls[first].plus.click()
    app.step.controls[first].plus.click()
    app.saver.last_write = -float("inf")  # no event loop here: let the last click write now
    app.draft_changed()
    saved = store.load_draft(code)
    assert saved["choices"] == {first: 2} and saved["screen"] == {"step": "stemmen", "leefgebied": lg}

    again = fresh_app(store, catalogue, f"code={code}")  # the same link in a new kernel
    assert again.flow.current == Screen("stemmen", lg)
    assert "We gaan verder waar u was gebleven" in again.message.value
    assert again.draft.choices == {first: 2} and again.draft.buurt == buurt
    assert "2 stippen" in again.step.controls[first].value.value

    go_to(again, "controle")
    again.next_button.click()
    assert again.flow.current.step == "bedankt" and store.load_draft(code) is None
    assert store.ballots(open_workshop.id)[0].choices == {first: 2}


def test_a_typed_code_restores_the_draft_too(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    remark_screen = {"step": "opmerking", "leefgebied": None}
    store.save_draft(code, {"v": 1, "workshop": open_workshop.id, "choices": {}, "remark": "Meer groen",
                            "screen": remark_screen})
    app = fresh_app(store, catalogue)  # no code in the link
    app.next_button.click()
    app.step.input.value = code.lower()
    app.next_button.click()
    assert app.flow.current.step == "opmerking" and app.step.input.value == "Meer groen"
    assert "We gaan verder waar u was gebleven" in app.message.value


def test_a_draft_of_another_workshop_is_ignored(store, catalogue, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.save_draft(code, {"v": 1, "workshop": open_workshop.id + 1000, "remark": "x",
                            "screen": {"step": "controle"}})
    app = fresh_app(store, catalogue, f"code={code}")
    assert app.flow.current.step == "buurt" and app.draft.is_empty
    assert "verder waar u was" not in app.message.value
