"""The monitor's targets in the store (table ``monitor_targets``, migration 0008), over a Store's engine.

Append-only like the decisions (:mod:`werkboek.store.programme`): setting a target adds a
row, removing one adds a row with ``doel`` NULL; the current target of an indicator and
area is its newest row (highest id), every earlier row is its history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import func, insert, select

from werkboek.errors import DataError
from werkboek.model.monitor import HEERLEN_NOORD, TARGET_YEAR, Target, check_target
from werkboek.store.schema import monitor_targets


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


def _target(row) -> Target:
    return Target(indicator=row.indicator, doel=row.doel, area=row.gebied, jaar=row.jaar, note=row.toelichting,
                  changed_by=row.changed_by, changed_at=_utc(row.changed_at), id=row.id)


class Monitoring:
    """The programme office's targets for 2047, next to a :class:`~werkboek.store.store.Store`."""

    def __init__(self, store):
        self.store = store
        self.engine = store.engine
        self._writer = store.engine.execution_options(write=True)

    def set_target(self, indicator: str, doel: float | None, *, by: str, area: str = HEERLEN_NOORD,
                   jaar: int = TARGET_YEAR, note: str = "") -> Target:
        """Set (or with ``doel=None`` remove) the target of one indicator for Heerlen-Noord or one buurt."""
        return self.set_targets([Target(indicator, doel, area, jaar, note, by)])[0]

    def set_targets(self, batch: Iterable[Target]) -> list[Target]:
        """Several targets in one transaction: all or none, with every problem together."""
        batch = list(batch)
        problems = []
        for i, t in enumerate(batch):
            problems += check_target(self.store.catalogue, t, row=i + 1 if len(batch) > 1 else None)
        if problems:
            raise DataError(problems)
        now = dt.datetime.now(dt.timezone.utc)
        ids = []
        with self._writer.begin() as conn:
            for t in batch:
                ids.append(conn.execute(insert(monitor_targets).values(
                    indicator=t.indicator, gebied=t.area, doel=None if t.doel is None else float(t.doel),
                    jaar=t.jaar, toelichting=t.note, changed_by=t.changed_by.strip(), changed_at=now,
                )).inserted_primary_key[0])
        with self.engine.connect() as conn:
            rows = {r.id: _target(r) for r in conn.execute(select(monitor_targets)
                                                            .where(monitor_targets.c.id.in_(ids)))}
        return [rows[i] for i in ids]

    def targets(self) -> list[Target]:
        """The current target of every indicator and area that has one (removed ones left out)."""
        newest = (select(func.max(monitor_targets.c.id).label("id"))
                  .group_by(monitor_targets.c.indicator, monitor_targets.c.gebied).subquery())
        query = (select(monitor_targets).join(newest, monitor_targets.c.id == newest.c.id)
                 .order_by(monitor_targets.c.indicator, monitor_targets.c.gebied))
        with self.engine.connect() as conn:
            return [t for t in (_target(r) for r in conn.execute(query)) if t.doel is not None]

    def history(self) -> list[Target]:
        """Every target ever set or removed, oldest first."""
        with self.engine.connect() as conn:
            return [_target(r) for r in conn.execute(select(monitor_targets).order_by(monitor_targets.c.id))]
