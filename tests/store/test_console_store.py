"""The console's store: code status, printing once, voiding, closing with a grace period (migration 0004)."""

from __future__ import annotations

import datetime as dt

import pytest

from werkboek.errors import BallotRejected, DataError, WorkshopStateError
from werkboek.model.ballot import BallotSubmission
from werkboek.model.results import tally
from werkboek.outputs.exports import ballots_csv
from werkboek.store import Store, migrate
from werkboek.store.schema import SCHEMA_REVISION, workshops


def _choice(ws):
    return {ws.acties[0]: 1}


def test_code_status_follows_drafts_ballots_and_voiding(store, open_workshop):
    a, b, c, d = (x.code for x in store.create_codes(open_workshop.id, 4))
    store.save_draft(b, {"screen": "buurt"})
    store.submit(BallotSubmission(code=c, choices=_choice(open_workshop)))
    store.save_draft(c, {"screen": "stemmen"})  # changing a sent vote: still "gestemd"
    store.void_code(d)
    states = {s.code: s for s in store.code_states(open_workshop.id)}
    assert {k: v.status for k, v in states.items()} == {a: "ongebruikt", b: "bezig", c: "gestemd", d: "ongeldig"}
    assert states[c].has_ballot and not states[a].has_ballot
    assert store.count_busy(open_workshop.id) == 1
    store.submit(BallotSubmission(code=b, choices=_choice(open_workshop)))  # the draft is done
    assert store.count_busy(open_workshop.id) == 0
    assert store.code_state(b).status == "gestemd"


def test_only_unprinted_codes_are_printed_and_printing_is_recorded_once(store, open_workshop):
    first = store.create_codes(open_workshop.id, 3)
    assert sorted(c.code for c in store.unprinted_codes(open_workshop.id)) == sorted(c.code for c in first)
    assert store.mark_printed(first) == 3
    stamped = {c.code: c.printed_at for c in store.code_states(open_workshop.id)}
    assert all(stamped.values())
    more = store.create_codes(open_workshop.id, 2)
    store.void_code(more[1].code)  # a voided code never goes on a sheet
    assert [c.code for c in store.unprinted_codes(open_workshop.id)] == [more[0].code]
    assert store.mark_printed(first + more[:1]) == 1  # the old ones keep their first printing time
    assert {c.code: c.printed_at for c in store.code_states(open_workshop.id) if c.code in stamped} == stamped
    assert store.unprinted_codes(open_workshop.id) == []


def test_a_voided_code_cannot_vote_or_keep_a_draft(store, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.save_draft(code, {"screen": "buurt"})
    store.void_code(code)
    assert store.load_draft(code) is None
    with pytest.raises(BallotRejected) as refused:
        store.submit(BallotSubmission(code=code, choices=_choice(open_workshop)))
    assert refused.value.reason == "code_void" and "ongeldig" in str(refused.value)
    with pytest.raises(BallotRejected) as refused:
        store.check_code(code)
    assert refused.value.reason == "code_not_usable"  # the same answer as any code that cannot vote now
    with pytest.raises(BallotRejected):
        store.save_draft(code, {"screen": "buurt"})
    assert store.ballots(open_workshop.id, include_superseded=True, include_excluded=True) == []


def test_a_voided_codes_ballot_counts_until_the_facilitator_says_it_does_not(store, open_workshop, catalogue):
    ws = open_workshop
    keep, lost = (c.code for c in store.create_codes(ws.id, 2))
    store.submit(BallotSubmission(code=keep, choices={ws.acties[0]: 2}))
    store.submit(BallotSubmission(code=lost, choices={ws.acties[1]: 5}))
    with pytest.raises(WorkshopStateError):
        store.stop_counting(lost)  # only a voided code's ballot can leave the count
    store.void_code(lost)
    assert {b.code for b in store.ballots(ws.id)} == {keep, lost}  # voided, still counted
    assert store.count_ballots(ws.id) == 2
    before = store.ballots_fingerprint([ws.id])
    state = store.stop_counting(lost)
    assert state.excluded and state.status == "ongeldig"
    assert [b.code for b in store.ballots(ws.id)] == [keep]
    assert store.count_ballots(ws.id) == 1
    assert store.ballots_fingerprint([ws.id]) != before  # the projector redraws
    res = tally(store.ballots(ws.id), [ws], catalogue)
    assert res.ballots == 1
    csv_text = ballots_csv(store, [ws], catalogue, layout="wide")
    assert len(csv_text.strip().splitlines()) == 2  # header and one ballot
    # kept for audit
    audit = store.ballots(ws.id, include_excluded=True)
    assert {b.code for b in audit} == {keep, lost}


def test_wifi_name_and_hidden_results_are_stored_and_checked(store, open_workshop):
    ws = store.update_workshop(open_workshop.id, wifi_name="  Buurthuis-Gast ", hide_results=True)
    assert ws.wifi_name == "Buurthuis-Gast" and ws.hide_results and not ws.results_visible
    with pytest.raises(DataError) as bad:
        store.update_workshop(ws.id, wifi_name="x" * 65)
    assert "wifi" in str(bad.value)
    assert store.reveal_results(ws.id).results_visible
    store.update_workshop(ws.id, hide_results=True)
    assert store.close_voting(ws.id).results_visible  # hidden until closing


def test_grace_period_accepts_ballots_before_and_refuses_after_closes_at(store, open_workshop, monkeypatch):
    from werkboek.store import store as store_module

    ws = open_workshop
    early, late = (c.code for c in store.create_codes(ws.id, 2))
    with pytest.raises(DataError):
        store.close_voting(ws.id, in_minutes=0)
    scheduled = store.close_voting(ws.id, in_minutes=2)
    assert scheduled.status == "open" and 119 <= scheduled.seconds_to_close() <= 120
    store.submit(BallotSubmission(code=early, choices=_choice(ws)))  # within the grace period

    real_now = store_module._now
    monkeypatch.setattr(store_module, "_now", lambda: real_now() + dt.timedelta(minutes=2, seconds=1))
    assert store.workshop(ws.id).status == "gesloten"  # closed by itself, before anyone settled it
    with pytest.raises(BallotRejected) as refused:
        store.submit(BallotSubmission(code=late, choices=_choice(ws)))
    assert refused.value.reason == "closed_late" and "te laat" in str(refused.value)
    with pytest.raises(BallotRejected):
        store.check_code(late)
    assert store.settle_closing(ws.id) is True and store.settle_closing(ws.id) is False
    with store.engine.connect() as conn:
        assert conn.execute(workshops.select().where(workshops.c.id == ws.id)).mappings().one()["status"] == "gesloten"
    assert [b.code for b in store.ballots(ws.id)] == [early]
    reopened = store.open_voting(ws.id)
    assert reopened.status == "open" and reopened.closes_at is None


def test_a_0003_database_is_upgraded_to_0004_keeping_codes_and_ballots(db_url, catalogue):
    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0003")
    meta = sa.MetaData()
    t = {name: sa.Table(name, meta, autoload_with=engine) for name in ("workshops", "codes", "ballots")}
    assert "printed_at" not in t["codes"].c and "closes_at" not in t["workshops"].c
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(sa.insert(t["workshops"]).values(id=1, title="Oud", status="open", kind="workshop",
                                                      method="punten", method_params={"points": 5}, basemap=False,
                                                      created_at=now, updated_at=now, location=""))
        conn.execute(sa.insert(t["codes"]), [{"code": c, "workshop_id": 1, "kind": "individual", "label": "",
                                              "created_at": now} for c in ("ACD-EFH", "ACD-EFJ")])
        conn.execute(sa.insert(t["ballots"]).values(id=1, workshop_id=1, code="ACD-EFH", group_size=1,
                                                    submitted_at=now))
    new = Store(db_url, catalogue=catalogue)
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION
        ws = new.workshop(1)
        assert (ws.closes_at, ws.wifi_name, ws.hide_results) == (None, "", False)
        assert [(c.code, c.status, c.printed) for c in new.code_states(1)] == [
            ("ACD-EFH", "gestemd", False), ("ACD-EFJ", "ongebruikt", False)]
        assert [b.code for b in new.ballots(1)] == ["ACD-EFH"]
    finally:
        new.close()
        engine.dispose()
