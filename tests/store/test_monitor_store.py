"""The monitor's targets in the store (migration 0008), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from support.old_schema import database_at
from werkboek.errors import DataError
from werkboek.model.monitor import HEERLEN_NOORD, TARGET_YEAR
from werkboek.model.programme import GEKOZEN
from werkboek.store import Store, migrate
from werkboek.store.monitor import Monitoring
from werkboek.store.programme import Programme
from werkboek.store.schema import SCHEMA_REVISION


def test_targets_round_trip_keep_their_history_and_can_be_removed(store, catalogue):
    monitoring = Monitoring(store)
    buurt = sorted(catalogue.heerlen_noord)[0]
    first = monitoring.set_target("bijstand", 30.0, by="Anna", note="Half zo veel als in 2022")
    monitoring.set_target("bijstand", 25.5, by="Bram")
    monitoring.set_target("woz_gemiddeld", 280, by="Anna", area=buurt, jaar=2040)
    current = {(t.indicator, t.area): t for t in monitoring.targets()}
    assert set(current) == {("bijstand", HEERLEN_NOORD), ("woz_gemiddeld", buurt)}
    assert (current[("bijstand", HEERLEN_NOORD)].doel, current[("bijstand", HEERLEN_NOORD)].changed_by) == (25.5, "Bram")
    assert current[("woz_gemiddeld", buurt)].jaar == 2040
    assert first.jaar == TARGET_YEAR and first.note == "Half zo veel als in 2022"
    assert first.changed_at is not None and first.changed_at.tzinfo is not None
    monitoring.set_target("woz_gemiddeld", None, by="Anna", area=buurt)  # removed
    assert [(t.indicator, t.area) for t in monitoring.targets()] == [("bijstand", HEERLEN_NOORD)]
    assert [t.doel for t in monitoring.history()] == [30.0, 25.5, 280.0, None]


def test_a_bad_target_names_every_field_and_writes_nothing(store):
    from werkboek.model.monitor import Target

    monitoring = Monitoring(store)
    with pytest.raises(DataError) as caught:
        monitoring.set_targets([Target("bijstand", 20.0, changed_by="A"),
                                Target("onbekend", -3.0, area="BU123", jaar=2100, changed_by="")])
    fields = {(p.row, p.field) for p in caught.value.problems}
    assert {(2, "indicator"), (2, "doel"), (2, "gebied"), (2, "jaar"), (2, "wie")} <= fields
    assert monitoring.history() == []


def test_a_0007_database_with_ballots_and_decisions_is_brought_up_to_date(db_url, catalogue):

    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:1]][:2]
    codes = ["ACD-EFH", "ACD-EFJ"]
    written = database_at(engine, "0007", codes=codes, acties=acties, value=3)
    with engine.begin() as conn:
        conn.execute(sa.insert(written["tables"]["decisions"]).values(
            actie_id=acties[0], version=1, besluit=GEKOZEN, reden="Veel steun.", budget=10, jaar=2026,
            partners=[], workshops=[1], scenario="", changed_by="A", changed_at=written["now"]))
    assert not sa.inspect(engine).has_table("monitor_targets")
    new = Store(db_url, catalogue=catalogue)
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION == "0008"
        assert sorted(b.code for b in new.ballots(1)) == sorted(codes)
        decided = Programme(new).decisions()[acties[0]]
        assert (decided.besluit, decided.budget, decided.workshops) == (GEKOZEN, 10, (1,))
        assert Monitoring(new).set_target("bijstand", 20.0, by="A").id is not None
    finally:
        new.close()
        engine.dispose()


def test_migration_0008_goes_down_again(db_url):
    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0007")
        assert migrate.current_revision(engine) == "0007"
        assert not sa.inspect(engine).has_table("monitor_targets")
        assert sa.inspect(engine).has_table("decisions")
        assert "voting_round" in {c["name"] for c in sa.inspect(engine).get_columns("ballots")}
    finally:
        engine.dispose()
