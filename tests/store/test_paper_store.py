"""Paper ballots in the store: the channel (migration 0005), a paper counts once, counts per channel."""

from __future__ import annotations

import pytest

from support.old_schema import database_at
from werkboek.errors import BallotRejected
from werkboek.model.ballot import BallotSubmission
from werkboek.model.records import PAPER, PHONE
from werkboek.model.results import tally
from werkboek.store import Store, migrate
from werkboek.store.schema import SCHEMA_REVISION


def _choice(ws, n=2):
    return {ws.acties[0]: n}


def test_paper_ballots_are_stored_as_paper_and_count_the_same(store, open_workshop, catalogue):
    phone, paper = (c.code for c in store.create_codes(open_workshop.id, 2))
    store.submit(BallotSubmission(code=phone, choices=_choice(open_workshop, 3)))
    receipt = store.submit(BallotSubmission(code=paper, choices=_choice(open_workshop, 2)), channel=PAPER)
    assert not receipt.replaced
    by_code = {b.code: b for b in store.ballots(open_workshop.id)}
    assert by_code[phone].channel == PHONE and by_code[paper].channel == PAPER
    assert store.count_by_channel(open_workshop.id) == {PHONE: 1, PAPER: 1}
    result = tally(store.ballots(open_workshop.id), [open_workshop], catalogue)
    assert result.ballots == 2
    assert result.by_actie[open_workshop.acties[0]].score == 5  # 3 by phone + 2 on paper


def test_a_used_code_is_refused_on_paper_and_nothing_is_stored(store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 1)))
    with pytest.raises(BallotRejected) as refused:
        store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 4)), channel=PAPER)
    assert refused.value.reason == "code_used" and "al gestemd" in str(refused.value)
    [ballot] = store.ballots(open_workshop.id, include_superseded=True)
    assert ballot.channel == PHONE and ballot.choices == _choice(open_workshop, 1)


def test_a_paper_ballot_cannot_be_replaced_on_a_phone_or_on_paper(store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 2)), channel=PAPER)
    for channel, reason in ((PHONE, "code_used_on_paper"), (PAPER, "code_used")):
        with pytest.raises(BallotRejected) as refused:
            store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 5)), channel=channel)
        assert refused.value.reason == reason
    [ballot] = store.ballots(open_workshop.id, include_superseded=True)
    assert ballot.channel == PAPER and ballot.choices == _choice(open_workshop, 2)


def test_a_code_used_on_paper_does_not_open_a_phone_ballot(store, open_workshop):
    paper, phone = (c.code for c in store.create_codes(open_workshop.id, 2))
    store.submit(BallotSubmission(code=paper, choices=_choice(open_workshop)), channel=PAPER)
    store.submit(BallotSubmission(code=phone, choices=_choice(open_workshop)))
    with pytest.raises(BallotRejected) as refused:
        store.check_code(paper, clients=["test-client"])
    assert refused.value.reason == "code_not_usable"  # the one answer for every code that cannot vote now
    code, ws = store.check_code(phone)  # a phone ballot may still be changed on the phone
    assert code.code == phone and ws.id == open_workshop.id


def test_paper_gets_the_same_validation_as_a_phone(store, open_workshop):
    good, void = (c.code for c in store.create_codes(open_workshop.id, 2))
    store.void_code(void)
    a, b = open_workshop.acties[:2]  # the same leefgebied, 5 stippen
    cases = [(BallotSubmission(code=good, choices={a: 4, b: 3}), "too_many_points"),
             (BallotSubmission(code="ZZZ-ZZZ", choices={a: 1}), "code_unknown"),
             (BallotSubmission(code=void, choices={a: 1}), "code_void"),
             (BallotSubmission(code=good, choices={"X99": 1}), "unknown_actie")]
    for submission, reason in cases:
        with pytest.raises(BallotRejected) as refused:
            store.submit(submission, channel=PAPER)
        assert refused.value.reason == reason
    assert store.ballots(open_workshop.id, include_superseded=True) == []
    with pytest.raises(ValueError):
        store.submit(BallotSubmission(code=good, choices={a: 1}), channel="fax")


def test_a_phone_may_still_replace_its_own_ballot(store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 1)))
    assert store.submit(BallotSubmission(code=code, choices=_choice(open_workshop, 2))).replaced
    assert store.count_by_channel(open_workshop.id) == {PHONE: 1, PAPER: 0}


def test_excluded_paper_ballots_leave_the_channel_count(store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code=code, choices=_choice(open_workshop)), channel=PAPER)
    store.void_code(code)
    store.stop_counting(code)
    assert store.count_by_channel(open_workshop.id) == {PHONE: 0, PAPER: 0}


def test_a_0004_database_is_upgraded_its_ballots_came_by_phone(db_url, catalogue):
    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    written = database_at(engine, "0004", status="open")
    assert "channel" not in written["tables"]["ballots"].c
    new = Store(db_url, catalogue=catalogue)
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION
        assert [(b.code, b.channel) for b in new.ballots(1)] == [("ACD-EFH", PHONE)]
        assert new.count_by_channel(1) == {PHONE: 1, PAPER: 0}
    finally:
        new.close()
        engine.dispose()


def test_migration_0005_goes_down_again(db_url):
    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0004")
        assert migrate.current_revision(engine) == "0004"
        assert "channel" not in sa.Table("ballots", sa.MetaData(), autoload_with=engine).c
    finally:
        engine.dispose()
