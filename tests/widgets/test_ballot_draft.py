"""The ballot logic without widgets: steps, method rules, what goes to the store."""

from __future__ import annotations

import pytest

from werkboek.dutch import euros_in_words as cost_in_words
from werkboek.dutch import round_roughly
from werkboek.errors import BallotRejected
from werkboek.model.ballot import MAX_GROUP_SIZE, MAX_PINS, validate_ballot
from werkboek.model.workshop import Workshop
from werkboek_widgets.ballot.draft import BallotDraft
from werkboek_widgets.ballot.flow import STEPS, Flow
from werkboek_widgets.ballot.texts import EN, NL, counted, rejected, t


def workshop(catalogue, method="punten", params=None, per_lg=3):
    acties = tuple(a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:per_lg])
    return Workshop(id=1, title="Test", date=None, location="", status="open", method=method,
                    method_params=params or {}, acties=acties)


def first_two(draft, lg="leren"):
    return [a.id for a in draft.per_leefgebied[lg][:2]]


# -- flow -------------------------------------------------------------------------------

def test_flow_numbers_six_steps_with_one_screen_per_leefgebied():
    flow = Flow(["leren", "wonen"])
    seen = []
    while flow.current.step != "bedankt":
        seen.append((flow.current.step, flow.current.leefgebied, flow.number()))
        flow.next()
    assert [s for s, _, _ in seen] == ["welkom", "code", "buurt", "stemmen", "stemmen", "opmerking", "controle"]
    assert [n for *_, n in seen] == [1, 2, 3, 4, 4, 5, 6]
    assert flow.total_steps == len(STEPS) == 6
    flow.go("stemmen", "wonen")
    assert flow.part() == (2, 2)
    flow.back()
    assert flow.current.leefgebied == "leren" and flow.part() == (1, 2)
    for _ in range(10):
        flow.back()
    assert flow.current.step == "welkom"


def test_flow_keeps_place_when_leefgebieden_become_known():
    flow = Flow()
    flow.go("code")
    flow.set_leefgebieden(["leren", "werken", "wonen"])
    assert flow.current.step == "code"
    flow.next(), flow.next()
    assert flow.current.leefgebied == "leren"


# -- methods ----------------------------------------------------------------------------

def test_points_cannot_exceed_budget_per_leefgebied(catalogue):
    draft = BallotDraft(workshop(catalogue, "punten", {"points": 5}), catalogue, "AAA-AAA")
    a, b = first_two(draft)
    assert all(draft.act(a, "add") for _ in range(3))
    assert draft.act(b, "add") and draft.act(b, "add")
    assert draft.left("leren") == 0
    assert not draft.act(a, "add") and draft.value(a) == 3
    assert draft.act(a, "remove") and draft.left("leren") == 1
    other = draft.per_leefgebied["wonen"][0].id
    assert draft.left("wonen") == 5 and draft.act(other, "add")
    assert draft.act(other, "remove") and not draft.act(other, "remove")
    assert other not in draft.choices  # zero points: no choice at all


def test_points_respect_max_per_actie(catalogue):
    draft = BallotDraft(workshop(catalogue, "punten", {"points": 5, "max_per_actie": 2}), catalogue, "AAA-AAA")
    a, _ = first_two(draft)
    assert draft.act(a, "add") and draft.act(a, "add")
    assert not draft.can(a, "add") and not draft.act(a, "add")


def test_approval_up_to_k(catalogue):
    draft = BallotDraft(workshop(catalogue, "goedkeuren", {"max_approvals": 2}), catalogue, "AAA-AAA")
    ids = [a.id for a in draft.per_leefgebied["leren"]]
    assert draft.act(ids[0], "toggle") and draft.act(ids[1], "toggle")
    assert not draft.act(ids[2], "toggle") and draft.left("leren") == 0
    assert draft.act(ids[0], "toggle") and draft.value(ids[0]) == 0
    assert draft.act(ids[2], "toggle")
    assert draft.chosen_in("leren") == {ids[1]: 1, ids[2]: 1}
    assert not draft.act(ids[0], "add")  # not this workshop's method


def test_ranking_renumbers_without_gaps(catalogue):
    draft = BallotDraft(workshop(catalogue, "top3", {"top": 3}, per_lg=4), catalogue, "AAA-AAA")
    ids = [a.id for a in draft.per_leefgebied["leren"]]
    for actie in ids[:3]:
        assert draft.act(actie, "toggle")
    assert not draft.act(ids[3], "toggle")
    assert draft.act(ids[0], "toggle")  # take the first out: the others move up
    assert draft.chosen_in("leren") == {ids[1]: 1, ids[2]: 2}
    assert draft.act(ids[3], "toggle") and draft.value(ids[3]) == 3


@pytest.mark.parametrize("method,params", [("punten", {"points": 4}), ("goedkeuren", {"max_approvals": 2}),
                                           ("top3", {"top": 2})])
def test_whatever_the_draft_allows_the_domain_accepts(catalogue, method, params):
    ws = workshop(catalogue, method, params)
    draft = BallotDraft(ws, catalogue, "AAA-AAA")
    rounds = 3 if method == "punten" else 1  # toggling twice would undo a choice
    for actie_id in [a.id for acties in draft.per_leefgebied.values() for a in acties] * rounds:
        draft.act(actie_id, draft.method.actions[0])  # "add" for stippen, "toggle" for the others
    assert draft.choices
    ballot = validate_ballot(draft.submission(), ws, "individual", catalogue)
    assert ballot.choices == draft.choices
    assert all(draft.left(lg) == 0 for lg in draft.leefgebieden)  # every leefgebied has 3 acties here


def test_submission_carries_everything(catalogue):
    ws = workshop(catalogue)
    draft = BallotDraft(ws, catalogue, "AAA-AAA", "group")
    assert draft.is_group and draft.group_size == 2
    assert draft.set_group_size(500) == MAX_GROUP_SIZE and draft.set_group_size(0) == 2
    draft.set_group_size(6)
    buurt = sorted(catalogue.heerlen_noord)[0]
    lat, lon = catalogue.buurten[buurt].shape.centroid()
    draft.buurt, draft.age_group, draft.remark = buurt, "30-49", "Meer bankjes"
    assert draft.add_pin("wonen", lat, lon, "hier")
    sub = draft.submission()
    assert (sub.code, sub.buurt, sub.age_group, sub.remark, sub.group_size) == ("AAA-AAA", buurt, "30-49", "Meer bankjes", 6)
    assert sub.pins == [{"leefgebied": "wonen", "lat": lat, "lon": lon, "text": "hier"}]
    ballot = validate_ballot(sub, ws, "group", catalogue)
    assert ballot.group_size == 6 and len(ballot.pins) == 1
    individual = BallotDraft(ws, catalogue, "AAA-AAA")
    individual.remark = "x"
    assert individual.submission().group_size is None


def test_pins_are_limited(catalogue):
    draft = BallotDraft(workshop(catalogue), catalogue, "AAA-AAA")
    for _ in range(MAX_PINS):
        assert draft.add_pin("leren", 50.9, 5.97)
    assert not draft.add_pin("leren", 50.9, 5.97)
    assert len(draft.pins_in("leren")) == MAX_PINS and draft.pins_in("wonen") == []


def test_empty_draft(catalogue):
    draft = BallotDraft(workshop(catalogue), catalogue, "AAA-AAA")
    assert draft.is_empty
    with pytest.raises(BallotRejected) as exc:
        validate_ballot(draft.submission(), draft.workshop, "individual", catalogue)
    assert exc.value.reason == "empty"
    draft.remark = "  "
    assert draft.is_empty
    draft.act(first_two(draft)[0], "add")
    assert not draft.is_empty


def test_draft_refuses_acties_not_on_the_ballot(catalogue):
    draft = BallotDraft(workshop(catalogue, per_lg=1), catalogue, "AAA-AAA")
    off_ballot = catalogue.acties_in("leren")[1].id
    with pytest.raises(KeyError):
        draft.act(off_ballot, "add")


# -- words ------------------------------------------------------------------------------

@pytest.mark.parametrize("euros,nl,en", [
    (248_500, "ongeveer € 250.000", "about € 250,000"),
    (1_240_000, "ongeveer € 1,2 miljoen", "about € 1.2 million"),
    (3_000_000, "ongeveer € 3 miljoen", "about € 3 million"),
    (45_499, "ongeveer € 45.000", "about € 45,000"),
    (86, "ongeveer € 86", "about € 86"),
    (996_000, "ongeveer € 1 miljoen", "about € 1 million"),
])
def test_cost_in_words(euros, nl, en):
    assert cost_in_words(euros) == nl
    assert cost_in_words(euros, "en") == en


def test_round_roughly_keeps_two_digits():
    assert round_roughly(123_456) == 120_000
    assert round_roughly(9_949) == 9_900


def test_every_text_has_an_english_version_and_counts_read_well():
    assert set(NL) == set(EN)
    assert counted("points_left", 3) == "Nog 3 stippen over"
    assert counted("points_left", 1) == "Nog 1 stip over"
    assert counted("points_left", 0) == "Alle stippen zijn verdeeld"
    assert counted("stippen", 0) == "0 stippen"
    assert t("step_of", "en", n=2, total=6) == "Step 2 of 6"
    exc = BallotRejected("closed", "Het stemmen is gesloten.")
    assert rejected(exc, "nl") == "Het stemmen is gesloten." and "closed" in rejected(exc, "en")
