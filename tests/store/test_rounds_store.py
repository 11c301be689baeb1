"""A second round of the same ballot (migration 0007): the same codes vote again, rounds stored apart."""

from __future__ import annotations

import pytest

from support.old_schema import database_at
from werkboek.errors import BallotRejected, WorkshopStateError
from werkboek.model.ballot import BallotSubmission
from werkboek.model.records import PAPER
from werkboek.model.results import tally
from werkboek.model.rounds import compare_rounds, moved_arrow, moved_words
from werkboek.store import Store, migrate
from werkboek.store.schema import SCHEMA_REVISION


def _vote(store, code, choices, **kw):
    return store.submit(BallotSubmission(code=code, choices=choices), **kw)


def test_rounds_are_stored_apart_and_the_same_code_votes_again(store, open_workshop):
    ws = open_workshop
    a, b = ws.acties[:2]
    x, y = (c.code for c in store.create_codes(ws.id, 2))
    _vote(store, x, {a: 5})
    _vote(store, y, {a: 2, b: 3})
    with pytest.raises(WorkshopStateError):  # not while the first round is open
        store.open_next_round(ws.id)
    store.close_voting(ws.id)
    ws2 = store.open_next_round(ws.id)
    assert (ws2.voting_round, ws2.status) == (2, "open")
    assert store.count_ballots(ws.id) == 0 and store.ballots(ws.id) == []  # the new round starts empty
    assert not store.has_ballot(x)
    receipt = _vote(store, x, {b: 5})
    assert not receipt.replaced  # a ballot of round 1 is not replaced by round 2
    _vote(store, x, {a: 1, b: 4})  # but within round 2 a phone may change its ballot
    assert store.has_ballot(x) and store.count_ballots(ws.id) == 1
    first = {bal.code: bal.choices for bal in store.ballots(ws.id, voting_round=1)}
    second = {bal.code: bal.choices for bal in store.ballots(ws.id)}
    assert first == {x: {a: 5}, y: {a: 2, b: 3}}
    assert second == {x: {a: 1, b: 4}}
    every = store.ballots(ws.id, voting_round="all", include_superseded=True)
    assert sorted((bal.voting_round, bal.superseded_at is None) for bal in every) == [
        (1, True), (1, True), (2, False), (2, True)]
    assert [s.status for s in store.code_states(ws.id)] and \
        {s.code: s.has_ballot for s in store.code_states(ws.id)} == {x: True, y: False}


def test_paper_counts_once_per_round(store, open_workshop):
    ws = open_workshop
    a = ws.acties[0]
    code = store.create_codes(ws.id, 1)[0].code
    _vote(store, code, {a: 2}, channel=PAPER)
    store.close_voting(ws.id)
    store.open_next_round(ws.id)
    store.check_code(code)  # a paper of round 1 does not block a phone in round 2
    _vote(store, code, {a: 4})
    with pytest.raises(BallotRejected) as refused:
        _vote(store, code, {a: 1}, channel=PAPER)
    assert refused.value.reason == "code_used"
    assert [(bal.voting_round, bal.channel) for bal in store.ballots(ws.id, voting_round="all")] == [
        (1, "papier"), (2, "telefoon")]


def test_a_next_round_needs_a_closed_round_with_votes_and_has_a_limit(store, open_workshop):
    ws = open_workshop
    store.close_voting(ws.id)
    with pytest.raises(WorkshopStateError, match="nog niet gestemd"):
        store.open_next_round(ws.id)
    code = store.create_codes(ws.id, 1)[0].code
    store.open_voting(ws.id)
    for _ in range(2):
        _vote(store, code, {ws.acties[0]: 1})
        store.close_voting(ws.id)
        store.open_next_round(ws.id)
    _vote(store, code, {ws.acties[0]: 1})
    store.close_voting(ws.id)
    with pytest.raises(WorkshopStateError, match="3 rondes"):
        store.open_next_round(ws.id)
    assert store.workshop(ws.id).voting_round == 3
    with pytest.raises(ValueError):
        store.ballots(ws.id, voting_round="tweede")


def test_the_shift_between_rounds_on_a_hand_checked_example(store, open_workshop, catalogue):
    ws = open_workshop
    lg = catalogue.acties[ws.acties[0]].leefgebied
    a, b = ws.acties[:2]  # both in one leefgebied, 5 stippen each ballot
    codes = [c.code for c in store.create_codes(ws.id, 4)]
    # round 1: a 5+4+3 = 12 (3 of 4 people), b 1+2+5 = 8 (3 of 4) -> a 1st, b 2nd
    for code, (va, vb) in zip(codes, [(5, 0), (4, 1), (3, 2), (0, 5)]):
        _vote(store, code, {k: v for k, v in ((a, va), (b, vb)) if v})
    store.close_voting(ws.id)
    store.open_next_round(ws.id)
    # round 2, three people: a 1+2 = 3 (2 of 3), b 4+5+3 = 12 (3 of 3) -> b 1st, a 2nd
    for code, (va, vb) in zip(codes, [(1, 4), (0, 5), (2, 3)]):
        _vote(store, code, {k: v for k, v in ((a, va), (b, vb)) if v})
    workshop = store.workshop(ws.id)
    before = tally(store.ballots(ws.id, voting_round=1), [workshop], catalogue)
    after = tally(store.ballots(ws.id, voting_round=2), [workshop], catalogue)
    shifts = {s.actie_id: s for s in compare_rounds(before, after, [lg])}
    sa, sb = shifts[a], shifts[b]
    assert (sa.place_before, sa.place_after, sa.score_before, sa.score_after) == (1, 2, 12, 3)
    assert (sb.place_before, sb.place_after, sb.score_before, sb.score_after) == (2, 1, 8, 12)
    assert sa.share_before == pytest.approx(3 / 4) and sa.share_after == pytest.approx(2 / 3)
    assert sb.share_change == pytest.approx(1 - 3 / 4)
    assert (sa.places_up, sb.places_up) == (-1, 1)
    assert moved_words(sa.places_up) == "1 plaats omlaag" and moved_words(sb.places_up) == "1 plaats omhoog"
    assert (moved_arrow(sa.places_up), moved_arrow(sb.places_up), moved_arrow(0)) == ("▼1", "▲1", "=")
    assert moved_words(-2, "en") == "2 places down" and moved_words(0) == "gelijk gebleven"
    assert [s.actie_id for s in compare_rounds(before, after, [lg])][:1] == [b]  # the later round's order


def test_a_0006_database_is_upgraded_its_ballots_are_round_1_and_goes_down_again(db_url, catalogue):
    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    now = database_at(engine, "0006")["now"]
    new = Store(db_url, catalogue=catalogue)
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION
        assert new.workshop(1).voting_round == 1
        assert [(b.code, b.voting_round) for b in new.ballots(1)] == [("ACD-EFH", 1)]
        with engine.begin() as conn:  # a second-round ballot, then back to 0006: round 1 stays
            conn.execute(sa.text("UPDATE workshops SET voting_round = 2, status = 'open' WHERE id = 1"))
            conn.execute(sa.text("INSERT INTO ballots (id, workshop_id, code, group_size, submitted_at, voting_round) "
                                 "VALUES (2, 1, 'ACD-EFH', 1, :now, 2)"), {"now": now})
        assert [b.id for b in new.ballots(1, voting_round="all")] == [1, 2]
        migrate.downgrade(engine, "0006")
        assert migrate.current_revision(engine) == "0006"
        cols = sa.Table("ballots", sa.MetaData(), autoload_with=engine).c
        assert "voting_round" not in cols
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT id FROM ballots")).scalars().all() == [1]
    finally:
        new.close()
        engine.dispose()
