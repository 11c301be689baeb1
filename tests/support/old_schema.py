"""A database at an older schema revision, with rows written as that revision's code wrote them.

The migration tests need it: today's Store only works on today's schema, so the rows of an
older database are inserted with that revision's columns (reflected, not today's tables).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from werkboek.store import migrate


def database_at(engine, revision: str, *, status: str = "gesloten", codes=("ACD-EFH",), acties=(),
                value: int | None = None) -> dict:
    """Bring ``engine`` to ``revision`` and write workshop 1 with ``acties``, ``codes`` and one ballot
    per code (choosing ``acties[0]`` with ``value`` when given). Returns the reflected tables
    and the time written, for a test's own extra rows."""
    migrate.upgrade(engine, revision)
    meta = sa.MetaData()
    names = [n for n in sa.inspect(engine).get_table_names() if n != "alembic_version"]
    t = {name: sa.Table(name, meta, autoload_with=engine) for name in names}
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(sa.insert(t["workshops"]).values(id=1, title="Oud", status=status, kind="workshop",
                                                      method="punten", method_params={"points": 5}, basemap=False,
                                                      created_at=now, updated_at=now, location=""))
        if acties:
            conn.execute(sa.insert(t["workshop_acties"]), [{"workshop_id": 1, "actie_id": a, "position": i}
                                                           for i, a in enumerate(acties)])
        for i, code in enumerate(codes, start=1):
            conn.execute(sa.insert(t["codes"]).values(code=code, workshop_id=1, kind="individual", label="",
                                                      created_at=now))
            conn.execute(sa.insert(t["ballots"]).values(id=i, workshop_id=1, code=code, group_size=1,
                                                        submitted_at=now))
            if value is not None:
                conn.execute(sa.insert(t["ballot_choices"]).values(ballot_id=i, actie_id=acties[0], value=value))
    return {"tables": t, "now": now}
