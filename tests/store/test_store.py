"""The vote store: workshops, codes, ballots, replacement with history, closed workshops."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from werkboek.errors import BallotRejected, DataError, WorkshopStateError
from werkboek.model import codes as codegen
from werkboek.model.ballot import BallotSubmission, Pin
from werkboek.store import Store, migrate
from werkboek.store.schema import SCHEMA_REVISION, ballots


def _first_choice(ws, catalogue):
    grouped = ws.acties_per_leefgebied(catalogue)
    lg, acties = next(iter(grouped.items()))
    return lg, acties


def test_schema_revision_constant_matches_alembic_head():
    assert migrate.head_revision() == SCHEMA_REVISION


def test_sqlite_runs_in_wal_mode(sqlite_url, catalogue):
    s = Store(sqlite_url, catalogue=catalogue)
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_workshop_round_trip(store, catalogue):
    acties = [a.id for a in catalogue.acties_in("wonen")[:3]]
    ws = store.create_workshop("Bewonersconferentie 2026", method="goedkeuren", method_params={"max_approvals": 2},
                               acties=acties, date=dt.date(2026, 3, 14), location="Glaspaleis", kind="conference")
    again = store.workshop(ws.id)
    assert again.title == "Bewonersconferentie 2026"
    assert again.acties == tuple(acties)
    assert again.date == dt.date(2026, 3, 14)
    assert again.status == "concept"
    assert again.voting_method().max_approvals == 2
    assert [w.id for w in store.workshops()] == [ws.id]


def test_workshop_with_unknown_actie_is_refused(store):
    with pytest.raises(DataError, match="bestaat-niet"):
        store.create_workshop("Avond", acties=["bestaat-niet"])
    assert store.workshops() == []


def test_codes_are_unique_printable_and_belong_to_one_workshop(store, open_workshop):
    made = store.create_codes(open_workshop.id, 200)
    assert len({c.code for c in made}) == 200
    assert all(codegen.normalise(c.code) == c.code for c in made)
    groups = store.create_codes(open_workshop.id, 3, kind="group")
    assert [g.label for g in groups] == ["Tafel 1", "Tafel 2", "Tafel 3"]
    typed = made[0].code.lower().replace("-", " ")
    assert store.lookup_code(typed) == made[0]


def test_submit_stores_exactly_the_ballot(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    lg, acties = _first_choice(open_workshop, catalogue)
    buurt = next(iter(catalogue.heerlen_noord))
    lat, lon = catalogue.buurten[buurt].shape.centroid()
    receipt = store.submit(BallotSubmission(
        code=code, choices={acties[0].id: 3, acties[1].id: 2}, buurt=buurt, age_group="30-49",
        remark="Meer bankjes  ", pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": "hier"}],
    ))
    assert not receipt.replaced
    [stored] = store.ballots(open_workshop.id)
    assert stored.id == receipt.ballot_id
    assert stored.choices == {acties[0].id: 3, acties[1].id: 2}
    assert stored.buurt == buurt and stored.age_group == "30-49"
    assert stored.remark == "Meer bankjes"
    assert stored.pins == (Pin(lg, round(lat, 6), round(lon, 6), "hier"),)
    assert stored.group_size == 1


def test_resubmission_replaces_and_keeps_history(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    _, acties = _first_choice(open_workshop, catalogue)
    first = store.submit(BallotSubmission(code=code, choices={acties[0].id: 5}))
    second = store.submit(BallotSubmission(code=code, choices={acties[1].id: 1}))
    assert second.replaced and not first.replaced
    [current] = store.ballots(open_workshop.id)
    assert current.id == second.ballot_id and current.choices == {acties[1].id: 1}
    history = store.ballots(open_workshop.id, include_superseded=True)
    assert [b.id for b in history] == [first.ballot_id, second.ballot_id]
    assert history[0].superseded_at is not None and history[0].choices == {acties[0].id: 5}


def test_closed_or_unopened_workshop_refuses_and_writes_nothing(store, catalogue):
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    ws = store.create_workshop("Avond", acties=acties)
    code = store.create_codes(ws.id, 1)[0].code
    with pytest.raises(BallotRejected) as exc:
        store.submit(BallotSubmission(code=code, choices={acties[0]: 1}))
    assert exc.value.reason == "not_open_yet"
    store.open_voting(ws.id)
    store.close_voting(ws.id)
    with pytest.raises(BallotRejected, match="gesloten") as exc:
        store.submit(BallotSubmission(code=code, choices={acties[0]: 1}))
    assert exc.value.reason == "closed"
    assert store.ballots(ws.id, include_superseded=True) == []


def test_unknown_code_is_refused(store, open_workshop):
    with pytest.raises(BallotRejected) as exc:
        store.submit(BallotSubmission(code="AAA-AAA", choices={}))
    assert exc.value.reason == "code_unknown"
    with pytest.raises(BallotRejected):
        store.submit(BallotSubmission(code="<script>", choices={}))


def test_group_ballot_is_stored_with_its_size(store, open_workshop, catalogue):
    group = store.create_codes(open_workshop.id, 1, kind="group")[0]
    _, acties = _first_choice(open_workshop, catalogue)
    with pytest.raises(BallotRejected) as exc:
        store.submit(BallotSubmission(code=group.code, choices={acties[0].id: 2}))
    assert exc.value.reason == "invalid_group_size"
    store.submit(BallotSubmission(code=group.code, choices={acties[0].id: 2}, group_size=6))
    [stored] = store.ballots(open_workshop.id)
    assert stored.group_size == 6 and stored.code_kind == "group"


def test_ballot_and_method_cannot_change_after_votes(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    _, acties = _first_choice(open_workshop, catalogue)
    store.submit(BallotSubmission(code=code, choices={acties[0].id: 1}))
    with pytest.raises(WorkshopStateError):
        store.update_workshop(open_workshop.id, method_params={"points": 10})
    renamed = store.update_workshop(open_workshop.id, title="Buurtavond Vrieheide (2)")
    assert renamed.title == "Buurtavond Vrieheide (2)"


def test_failed_submission_leaves_no_trace(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    _, acties = _first_choice(open_workshop, catalogue)
    store.submit(BallotSubmission(code=code, choices={acties[0].id: 1}))
    with pytest.raises(BallotRejected):
        store.submit(BallotSubmission(code=code, choices={acties[0].id: 99}))
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(ballots)).scalar_one() == 1
    [current] = store.ballots(open_workshop.id)
    assert current.choices == {acties[0].id: 1}


def test_fingerprint_changes_when_a_ballot_arrives_or_is_replaced(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    _, acties = _first_choice(open_workshop, catalogue)
    empty = store.ballots_fingerprint([open_workshop.id])
    assert empty == (0, 0)
    store.submit(BallotSubmission(code=code, choices={acties[0].id: 1}))
    one = store.ballots_fingerprint([open_workshop.id])
    store.submit(BallotSubmission(code=code, choices={acties[1].id: 1}))
    replaced = store.ballots_fingerprint([open_workshop.id])
    assert one[0] == replaced[0] == 1
    assert len({empty, one, replaced}) == 3


def test_draft_is_kept_replaced_and_cleared_by_the_submission(store, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    assert store.load_draft(code) is None
    store.save_draft(code, {"step": 3, "choices": {"x": 1}})
    store.save_draft(code.lower(), {"step": 4, "choices": {"x": 2}})
    assert store.load_draft(code) == {"step": 4, "choices": {"x": 2}}
    with pytest.raises(BallotRejected):
        store.save_draft(code, {"junk": "x" * 20_000})
    with pytest.raises(BallotRejected):
        store.save_draft("AAA-AAA", {"step": 1})
    _, acties = _first_choice(open_workshop, catalogue)
    store.submit(BallotSubmission(code=code, choices={acties[0].id: 1}))
    assert store.load_draft(code) is None


def test_an_existing_database_is_migrated_without_losing_ballots(sqlite_url, catalogue):
    from sqlalchemy import insert

    from werkboek.store.engine import make_engine
    from werkboek.store.schema import ballot_choices, codes, workshop_acties, workshops

    engine = make_engine(sqlite_url)
    migrate.upgrade(engine, "0001")  # a database as the first release made it
    now = dt.datetime.now(dt.timezone.utc)
    actie = catalogue.acties_in("leren")[0].id
    with engine.begin() as conn:  # data written by that release, in its schema
        conn.execute(insert(workshops).values(id=1, title="Oud", status="open", kind="workshop", method="punten",
                                              method_params={"points": 5}, basemap=False, created_at=now,
                                              updated_at=now, location=""))
        conn.execute(insert(workshop_acties).values(workshop_id=1, actie_id=actie, position=0))
        conn.execute(insert(codes).values(code="ACD-EFH", workshop_id=1, kind="individual", label="", created_at=now))
        conn.execute(insert(ballots).values(id=1, workshop_id=1, code="ACD-EFH", group_size=1, remark="",
                                            submitted_at=now))
        conn.execute(insert(ballot_choices).values(ballot_id=1, actie_id=actie, value=2))
    assert migrate.current_revision(engine) == "0001"
    new = Store(sqlite_url, catalogue=catalogue)  # opening brings it up to date
    assert migrate.current_revision(engine) == SCHEMA_REVISION
    [ballot] = new.ballots(1)
    assert ballot.code == "ACD-EFH" and ballot.choices == {actie: 2}
    new.save_draft("ACD-EFH", {"step": 2})
    assert new.load_draft("ACD-EFH") == {"step": 2}


@pytest.mark.postgres
def test_postgres_without_a_pool_for_pgbouncer(postgres_url, catalogue, monkeypatch):
    from sqlalchemy.pool import NullPool

    monkeypatch.setenv("WERKBOEK_DB_POOL", "none")
    s = Store(postgres_url, catalogue=catalogue)
    assert isinstance(s.engine.pool, NullPool)
    acties = [a.id for a in catalogue.acties_in("werken")[:1]]
    ws = s.open_voting(s.create_workshop("Zonder pool", acties=acties).id)
    code = s.create_codes(ws.id, 1)[0].code
    s.submit(BallotSubmission(code=code, choices={acties[0]: 1}))
    assert [b.code for b in s.ballots(ws.id)] == [code]


# -- privacy (migration 0003) -------------------------------------------------------------

BIDI = "Stem op \u202eTNEMUCOD\u202c het plan"


def test_bidi_and_invisible_characters_are_stripped_and_the_original_kept(store, open_workshop, catalogue):
    """``Stem op \\u202eTNEMUCOD\\u202c het plan`` displayed as "…DOCUMENT…" on the projector."""
    lg, acties = _first_choice(open_workshop, catalogue)
    buurt = next(iter(catalogue.heerlen_noord))
    lat, lon = catalogue.buurten[buurt].shape.centroid()
    invisible = "\u200b\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202a\u202b\u202d\ufeff\u00ad\x07\x1b\x9b\U000e0041"
    code, other = (c.code for c in store.create_codes(open_workshop.id, 2))
    store.submit(BallotSubmission(code=code, choices={acties[0].id: 1}, remark=BIDI + invisible + "\r\nregel 2",
                                  pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": "hier\u202e\n!"}]))
    [stored] = store.ballots(open_workshop.id)
    assert stored.remark == "Stem op TNEMUCOD het plan\nregel 2"  # a line break may stay in a remark
    assert stored.remark_original == BIDI + invisible + "\r\nregel 2"
    assert stored.pins[0].text == "hier !"  # a pin text is one line
    emoji = "Gezin \U0001F469\u200d\U0001F467 \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWJ, ZWNJ stay
    store.submit(BallotSubmission(code=other, choices={acties[0].id: 1}, remark=emoji))
    again = {b.code: b for b in store.ballots(open_workshop.id)}[other]
    assert again.remark == emoji and again.remark_original == ""


def test_a_forged_pin_for_a_leefgebied_not_on_the_ballot_is_refused(store, catalogue):
    acties = [a.id for a in catalogue.acties_in("wonen")[:2]]
    ws = store.open_voting(store.create_workshop("Alleen wonen", acties=acties).id)
    code = store.create_codes(ws.id, 1)[0].code
    buurt = next(iter(catalogue.heerlen_noord))
    lat, lon = catalogue.buurten[buurt].shape.centroid()
    with pytest.raises(BallotRejected, match="niet op dit stembiljet") as exc:
        store.submit(BallotSubmission(code=code, choices={acties[0]: 1},
                                      pins=[{"leefgebied": "veiligheid", "lat": lat, "lon": lon, "text": "x"}]))
    assert exc.value.reason == "invalid_pin"
    assert store.ballots(ws.id, include_superseded=True) == []
    store.submit(BallotSubmission(code=code, choices={acties[0]: 1},
                                  pins=[{"leefgebied": "wonen", "lat": lat, "lon": lon, "text": "x"}]))
    assert len(store.ballots(ws.id)) == 1


def test_privacy_settings_are_stored_checked_and_fixed_once_votes_exist(store, catalogue):
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    ws = store.create_workshop("Avond", acties=acties)
    assert (ws.privacy_k, ws.remarks_direct) == (5, False)
    for wrong in (0, 51, "5", True):
        with pytest.raises(DataError, match="kleinste groep"):
            store.update_workshop(ws.id, privacy_k=wrong)
    with pytest.raises(DataError, match="kleinste groep"):
        store.create_workshop("Te klein", acties=acties, privacy_k=0)
    ws = store.update_workshop(ws.id, privacy_k=3, remarks_direct=True)
    assert (store.workshop(ws.id).privacy_k, store.workshop(ws.id).remarks_direct) == (3, True)
    store.open_voting(ws.id)
    store.submit(BallotSubmission(code=store.create_codes(ws.id, 1)[0].code, choices={acties[0]: 1}))
    with pytest.raises(WorkshopStateError, match="kleinste groep"):
        store.update_workshop(ws.id, privacy_k=2)
    assert store.update_workshop(ws.id, privacy_k=3, remarks_direct=False).remarks_direct is False


def test_a_0002_database_with_ballots_is_upgraded_without_losing_any(db_url, catalogue):
    """Every ballot (replaced ones too), its choices, pins and drafts survive; new columns get their defaults."""
    import sqlalchemy as sa
    from sqlalchemy.exc import IntegrityError

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    migrate.upgrade(engine, "0002")
    now = dt.datetime.now(dt.timezone.utc)
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    buurt = next(iter(catalogue.heerlen_noord))
    lat, lon = catalogue.buurten[buurt].shape.centroid()
    # tables as release 0002 had them (the current schema module has more columns)
    meta = sa.MetaData()
    t = {name: sa.Table(name, meta, autoload_with=engine)
         for name in ("workshops", "workshop_acties", "codes", "ballots", "ballot_choices", "pins", "drafts")}
    assert "privacy_k" not in t["workshops"].c and "remark_status" not in t["ballots"].c
    with engine.begin() as conn:
        conn.execute(sa.insert(t["workshops"]).values(id=1, title="Oud", status="open", kind="workshop",
                                                      method="punten", method_params={"points": 5}, basemap=False,
                                                      created_at=now, updated_at=now, location=""))
        conn.execute(sa.insert(t["workshop_acties"]), [{"workshop_id": 1, "actie_id": a, "position": i}
                                                       for i, a in enumerate(acties)])
        conn.execute(sa.insert(t["codes"]), [{"code": c, "workshop_id": 1, "kind": "individual", "label": "",
                                              "created_at": now} for c in ("ACD-EFH", "ACD-EFJ", "ACD-EFK")])
        conn.execute(sa.insert(t["ballots"]), [
            {"id": i, "workshop_id": 1, "code": code, "group_size": 1, "remark": remark, "submitted_at": now,
             "superseded_at": superseded, "buurt": where, "age_group": age}
            for i, code, remark, superseded, where, age in [(1, "ACD-EFH", "eerst", now, None, None),
                                                            (2, "ACD-EFH", "daarna", None, buurt, "30-49"),
                                                            (3, "ACD-EFJ", "", None, None, None)]
        ])
        conn.execute(sa.insert(t["ballot_choices"]), [{"ballot_id": 1, "actie_id": acties[0], "value": 5},
                                                      {"ballot_id": 2, "actie_id": acties[1], "value": 2},
                                                      {"ballot_id": 3, "actie_id": acties[0], "value": 1}])
        conn.execute(sa.insert(t["pins"]).values(id=1, ballot_id=2, leefgebied="leren", lat=lat, lon=lon,
                                                 text="hier"))
        conn.execute(sa.insert(t["drafts"]).values(code="ACD-EFK", payload={"step": 2}, updated_at=now))
        if conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for table in ("workshops", "ballots", "pins"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))"))
    assert migrate.current_revision(engine) == "0002"

    new = Store(db_url, catalogue=catalogue)  # opening brings it up to date
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION
        history = new.ballots(1, include_superseded=True)
        assert [(b.id, b.remark, b.choices) for b in history] == [
            (1, "eerst", {acties[0]: 5}), (2, "daarna", {acties[1]: 2}), (3, "", {acties[0]: 1})]
        assert history[1].pins == (Pin("leren", lat, lon, "hier"),) and history[1].buurt == buurt
        assert all(b.remark_status == "pending" and b.remark_original == "" for b in history)
        assert len({b.pseudonym for b in history}) == 3 and all(b.pseudonym for b in history)
        ws = new.workshop(1)
        assert (ws.privacy_k, ws.remarks_direct, ws.acties) == (5, False, tuple(acties))
        assert new.load_draft("ACD-EFK") == {"step": 2}
        # one current ballot per code still holds (the partial unique index was not lost)
        with pytest.raises(IntegrityError), new.engine.begin() as conn:
            conn.execute(sa.insert(ballots).values(workshop_id=1, code="ACD-EFJ", group_size=1, submitted_at=now))
        receipt = new.submit(BallotSubmission(code="ACD-EFH", choices={acties[0]: 3}, remark="nieuw"))
        assert receipt.replaced and len(new.ballots(1)) == 2
    finally:
        new.close()
        engine.dispose()


def test_store_service_protocol_carries_the_privacy_settings_and_tolerates_their_absence(store, catalogue):
    from werkboek.store_service.protocol import workshop_from_json, workshop_to_json

    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    ws = store.create_workshop("Avond", acties=acties, privacy_k=8, remarks_direct=True)
    assert workshop_from_json(workshop_to_json(ws)) == ws
    older = {k: v for k, v in workshop_to_json(ws).items() if k not in ("privacy_k", "remarks_direct")}
    assert (workshop_from_json(older).privacy_k, workshop_from_json(older).remarks_direct) == (5, False)


def test_a_workshop_without_a_pseudonym_key_gets_one_and_keeps_it(store, open_workshop, catalogue):
    from sqlalchemy import update

    from werkboek.store.schema import workshops

    _, acties = _first_choice(open_workshop, catalogue)
    store.submit(BallotSubmission(code=store.create_codes(open_workshop.id, 1)[0].code, choices={acties[0].id: 1}))
    with store.engine.begin() as conn:  # e.g. a row written by hand or by an older tool
        conn.execute(update(workshops).values(pseudonym_key=""))
    [ballot] = store.ballots(open_workshop.id)
    assert ballot.pseudonym.startswith("S") and len(ballot.pseudonym) == 13
    assert store.ballots(open_workshop.id)[0].pseudonym == ballot.pseudonym
