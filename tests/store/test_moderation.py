"""Moderation of remarks and pin texts: the store's queue, the facilitator's panel, and what the projector shows."""

from __future__ import annotations

import pytest

from werkboek.errors import ModerationError, WerkboekError
from werkboek.model.ballot import BallotSubmission


@pytest.fixture
def place(catalogue):
    buurt = sorted(catalogue.heerlen_noord)[0]
    return catalogue.buurten[buurt].shape.centroid()


@pytest.fixture
def remarks(store, open_workshop, catalogue, place):
    """Four residents: a remark, a remark with a pin text, only a pin text, nothing to moderate."""
    lg, acties = next(iter(open_workshop.acties_per_leefgebied(catalogue).items()))
    lat, lon = place
    codes = [c.code for c in store.create_codes(open_workshop.id, 4)]
    store.submit(BallotSubmission(codes[0], {acties[0].id: 1}, remark="Meer bankjes"))
    store.submit(BallotSubmission(codes[1], {acties[0].id: 1}, remark="Donker pad",
                                  pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": "hier is het donker"}]))
    store.submit(BallotSubmission(codes[2], {acties[0].id: 1},
                                  pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": "speelplek"}]))
    store.submit(BallotSubmission(codes[3], {acties[0].id: 1},
                                  pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": ""}]))
    return codes, lg, acties


def test_new_remarks_wait_and_the_facilitator_decides(store, open_workshop, remarks):
    waiting = store.remarks([open_workshop.id])
    assert [(r.text, r.pin_texts, r.status) for r in waiting] == [
        ("Meer bankjes", (), "pending"), ("Donker pad", ("hier is het donker",), "pending"),
        ("", ("speelplek",), "pending")]
    first, second, third = waiting
    store.set_remark_status(first.ballot_id, "approved")
    store.set_remark_status(second.ballot_id, "hidden")
    assert [r.ballot_id for r in store.remarks([open_workshop.id], status="approved")] == [first.ballot_id]
    assert [r.ballot_id for r in store.remarks([open_workshop.id], status="hidden")] == [second.ballot_id]
    assert [r.ballot_id for r in store.remarks([open_workshop.id], status="pending")] == [third.ballot_id]
    assert store.remark_statuses([open_workshop.id]) == {first.ballot_id: "approved", second.ballot_id: "hidden"}
    store.set_remark_status(second.ballot_id, "approved")  # a facilitator may change their mind
    assert store.remark_statuses([open_workshop.id])[second.ballot_id] == "approved"
    assert {b.id: b.remark_status for b in store.ballots(open_workshop.id)}[second.ballot_id] == "approved"


def test_unknown_ballot_or_status_gives_a_dutch_message(store, open_workshop, remarks):
    [first, *_] = store.remarks([open_workshop.id])
    with pytest.raises(ModerationError, match="bestaat niet") as exc:
        store.set_remark_status(987654, "approved")
    assert isinstance(exc.value, WerkboekError) and not isinstance(exc.value, KeyError)
    with pytest.raises(ModerationError, match="geen keuze"):
        store.set_remark_status(first.ballot_id, "deleted")
    with pytest.raises(ModerationError, match="geen keuze"):
        store.remarks([open_workshop.id], status="weg")
    with pytest.raises(ModerationError, match="bestaat niet"):
        store.set_remark_status("1; DROP TABLE ballots", "approved")
    assert store.remarks([open_workshop.id])[0].status == "pending"


def test_a_replaced_ballot_waits_again_unless_its_texts_stayed_the_same(store, open_workshop, remarks):
    codes, _lg, acties = remarks
    first = store.remarks([open_workshop.id])[0]
    store.set_remark_status(first.ballot_id, "approved")
    store.submit(BallotSubmission(codes[0], {acties[1].id: 1}, remark="Meer bankjes"))  # other choice, same text
    again = next(r for r in store.remarks([open_workshop.id]) if r.text == "Meer bankjes")
    assert again.ballot_id != first.ballot_id and again.status == "approved"
    with pytest.raises(ModerationError, match="opnieuw gestemd"):
        store.set_remark_status(first.ballot_id, "hidden")  # the old one is history now
    store.submit(BallotSubmission(codes[0], {acties[1].id: 1}, remark="Meer bankjes en een prullenbak"))
    changed = next(r for r in store.remarks([open_workshop.id]) if r.text.startswith("Meer bankjes"))
    assert changed.status == "pending"


def test_the_remarks_panel_approves_hides_and_changes_its_mind(store, open_workshop, remarks):
    from werkboek_widgets.facilitator.remarks_panel import RemarksPanel

    panel = RemarksPanel(store)
    panel.workshop_id = open_workshop.id
    waiting = store.remarks([open_workshop.id])
    assert len(panel.pending.children) == 3 and "3 opmerkingen wachten" in panel.summary.value
    assert "hier is het donker" in panel.pending.children[1].children[0].value
    first, second, _third = waiting
    assert panel.buttons[(first.ballot_id, "approved")].description == "Tonen"
    assert panel.buttons[(first.ballot_id, "hidden")].description == "Niet tonen"
    panel.buttons[(first.ballot_id, "approved")].click()
    panel.buttons[(second.ballot_id, "hidden")].click()
    assert store.remark_statuses([open_workshop.id]) == {first.ballot_id: "approved", second.ballot_id: "hidden"}
    assert len(panel.pending.children) == 1 and len(panel.decided.children) == 2
    panel.buttons[(first.ballot_id, "hidden")].click()  # "Toch niet tonen"
    panel.buttons[(second.ballot_id, "approved")].click()  # "Toch tonen"
    assert store.remark_statuses([open_workshop.id]) == {first.ballot_id: "hidden", second.ballot_id: "approved"}

    panel.direct.value = True  # "Alles direct tonen"
    assert store.workshop(open_workshop.id).remarks_direct is True
    assert "direct tonen staat aan" in panel.summary.value
    panel.direct.value = False
    assert store.workshop(open_workshop.id).remarks_direct is False


def test_the_panel_escapes_and_says_when_invisible_characters_were_removed(store, open_workshop, catalogue):
    from werkboek_widgets.facilitator.remarks_panel import RemarksPanel

    _lg, acties = next(iter(open_workshop.acties_per_leefgebied(catalogue).items()))
    code, plain = (c.code for c in store.create_codes(open_workshop.id, 2))
    store.submit(BallotSubmission(code, {acties[0].id: 1},
                                  remark="Stem op \u202eTNEMUCOD\u202c <img src=x onerror=alert(1)>"))
    store.submit(BallotSubmission(plain, {acties[0].id: 1}, remark="Gewoon  "))
    panel = RemarksPanel(store)
    panel.workshop_id = open_workshop.id
    shown, ordinary = (item.children[0].value for item in panel.pending.children)
    assert "Stem op TNEMUCOD &lt;img src=x onerror=alert(1)&gt;" in shown and "<img" not in shown
    assert "onzichtbare tekens" in shown and "onzichtbare tekens" not in ordinary


def test_a_decision_on_a_replaced_ballot_shows_the_dutch_message_in_the_panel(store, open_workshop, remarks):
    from werkboek_widgets.facilitator.remarks_panel import RemarksPanel

    codes, _lg, acties = remarks
    panel = RemarksPanel(store)
    panel.workshop_id = open_workshop.id
    first = store.remarks([open_workshop.id])[0]
    button = panel.buttons[(first.ballot_id, "approved")]
    store.submit(BallotSubmission(codes[0], {acties[1].id: 1}, remark="iets nieuws"))  # meanwhile, on a phone
    button.click()
    assert "opnieuw gestemd" in panel.message.value and "role='alert'" in panel.message.value
    assert "iets nieuws" in " ".join(i.children[0].value for i in panel.pending.children)
