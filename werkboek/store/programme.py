"""Decisions and progress of the programme in the store (tables ``decisions``, ``progress_updates``).

Over the same engine as :class:`werkboek.store.store.Store` (SQLite WAL or PostgreSQL, one
code path). Append-only: :meth:`Programme.decide` adds a version, never updates one; a
progress update is a new row. Versions of one actie are numbered inside the write
transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: a transaction-scoped advisory lock
per actie), and the unique index on ``(actie_id, version)`` refuses a lost race whatever
happens. A batch (a scenario adopted, a spreadsheet imported) is one transaction: all
rows or none.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import func, insert, select, text

from werkboek.errors import DataError, Problem, _display
from werkboek.model.programme import (
    GEKOZEN,
    PROGRESS_COLUMNS,
    PROGRESS_OPTIONAL,
    ActieState,
    Decision,
    ProgressUpdate,
    check_decision,
    check_progress,
    decisions_from_outcome,
    progress_from_rows,
)
from werkboek.store.schema import decisions, progress_updates


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    # SQLite hands back naive datetimes (stored as UTC)
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment


def _decision(row) -> Decision:
    return Decision(actie_id=row.actie_id, besluit=row.besluit, reden=row.reden, budget=row.budget, jaar=row.jaar,
                    partners=tuple(row.partners or ()), workshops=tuple(int(w) for w in row.workshops or ()),
                    scenario=row.scenario, version=row.version, changed_by=row.changed_by,
                    changed_at=_utc(row.changed_at), id=row.id)


def _progress(row) -> ProgressUpdate:
    return ProgressUpdate(actie_id=row.actie_id, datum=row.datum, status=row.status, percentage=row.percentage,
                          uitgegeven=row.uitgegeven, tekst=row.tekst, foto=row.foto, entered_by=row.entered_by,
                          entered_at=_utc(row.entered_at), source=row.source, id=row.id)


def _not_chosen(file: str, row: int | None, actie_id: str) -> Problem:
    return Problem(file, row, "actie", f"de actie '{actie_id}' is niet gekozen: voortgang alleen voor gekozen acties")


class Programme:
    """The programme office's records, next to a :class:`~werkboek.store.store.Store` (its engine, catalogue)."""

    def __init__(self, store):
        self.store = store
        self.engine = store.engine
        self._writer = store.engine.execution_options(write=True)

    @property
    def catalogue(self):
        return self.store.catalogue

    # -- decisions ---------------------------------------------------------------------------

    def decide(self, decision: Decision) -> Decision:
        """Store a new version of the decision on ``decision.actie_id``; the stored version."""
        return self.decide_many([decision])[0]

    def decide_many(self, batch: Iterable[Decision], *, skip_unchanged: bool = False) -> list[Decision]:
        """Store several decisions in one transaction (all or none). Problems of all of them together.

        With ``skip_unchanged`` a decision identical to the current one adds no version (adopting
        the same scenario twice leaves the history as it was).
        """
        batch = list(batch)
        problems: list[Problem] = []
        for i, d in enumerate(batch):
            problems += check_decision(self.catalogue, d, row=i + 1 if len(batch) > 1 else None)
        if len({d.actie_id for d in batch}) != len(batch):
            problems.append(Problem("besluit", None, "actie", "een actie staat twee keer in dezelfde invoer"))
        if problems:
            raise DataError(problems)
        now = _now()
        stored_ids: list[int] = []
        with self._writer.begin() as conn:
            for d in batch:
                self._lock(conn, d.actie_id)
                current = conn.execute(select(decisions).where(decisions.c.actie_id == d.actie_id)
                                       .order_by(decisions.c.version.desc()).limit(1)).first()
                if skip_unchanged and current is not None and _decision(current).same_content(d):
                    stored_ids.append(current.id)
                    continue
                version = (current.version if current is not None else 0) + 1
                stored_ids.append(conn.execute(insert(decisions).values(
                    actie_id=d.actie_id, version=version, besluit=d.besluit, reden=d.reden, budget=d.budget,
                    jaar=d.jaar, partners=list(d.partners), workshops=list(d.workshops), scenario=d.scenario,
                    changed_by=d.changed_by, changed_at=now)).inserted_primary_key[0])
        with self.engine.connect() as conn:
            rows = {r.id: _decision(r) for r in conn.execute(select(decisions).where(decisions.c.id.in_(stored_ids)))}
        return [rows[i] for i in stored_ids]

    def adopt_scenario(self, outcome, *, by: str) -> list[Decision]:
        """"Neem dit scenario over": a decision per actie of the scenario (see ``decisions_from_outcome``)."""
        return self.decide_many(decisions_from_outcome(outcome, self.catalogue, by=by), skip_unchanged=True)

    def decisions(self) -> dict[str, Decision]:
        """The current decision of every actie that has one, by actie id."""
        latest = (select(decisions.c.actie_id, func.max(decisions.c.version).label("v"))
                  .group_by(decisions.c.actie_id).subquery())
        query = select(decisions).join(latest, (decisions.c.actie_id == latest.c.actie_id)
                                       & (decisions.c.version == latest.c.v)).order_by(decisions.c.actie_id)
        with self.engine.connect() as conn:
            return {r.actie_id: _decision(r) for r in conn.execute(query)}

    def decision(self, actie_id: str) -> Decision | None:
        history = self.history(actie_id)
        return history[-1] if history else None

    def history(self, actie_id: str | None = None) -> list[Decision]:
        """Every version (of one actie, or of all), oldest first."""
        query = select(decisions).order_by(decisions.c.actie_id, decisions.c.version)
        if actie_id is not None:
            query = query.where(decisions.c.actie_id == actie_id)
        with self.engine.connect() as conn:
            return [_decision(r) for r in conn.execute(query)]

    # -- progress ----------------------------------------------------------------------------

    def add_progress(self, update: ProgressUpdate) -> ProgressUpdate:
        return self.add_progress_many([update])[0]

    def add_progress_many(self, batch: Iterable[ProgressUpdate], *, file: str = "voortgang",
                          rows: list[int | None] | None = None, today: dt.date | None = None
                          ) -> list[ProgressUpdate]:
        """Store progress updates in one transaction; every problem of every update together, nothing written.

        An update is only for an actie whose current decision is ``gekozen``.
        """
        batch = list(batch)
        rows = rows or [None] * len(batch)
        problems: list[Problem] = []
        for update, row in zip(batch, rows):
            problems += check_progress(self.catalogue, update, file=file, row=row, today=today)
        now = _now()
        ids: list[int] = []
        with self._writer.begin() as conn:
            chosen = self._current_besluit(conn)
            for update, row in zip(batch, rows):
                if update.actie_id in self.catalogue.acties and chosen.get(update.actie_id) != GEKOZEN:
                    problems.append(_not_chosen(file, row, update.actie_id))
            if problems:
                raise DataError(problems)
            for update in batch:
                ids.append(conn.execute(insert(progress_updates).values(
                    actie_id=update.actie_id, datum=update.datum, status=update.status,
                    percentage=update.percentage, uitgegeven=update.uitgegeven, tekst=update.tekst,
                    foto=update.foto, entered_by=update.entered_by, entered_at=now,
                    source=update.source)).inserted_primary_key[0])
        with self.engine.connect() as conn:
            stored = {r.id: _progress(r) for r in conn.execute(select(progress_updates)
                                                                .where(progress_updates.c.id.in_(ids)))}
        return [stored[i] for i in ids]

    def timeline(self, actie_id: str | None = None) -> list[ProgressUpdate]:
        """The updates (of one actie, or all) by date, then in the order they were entered."""
        query = select(progress_updates).order_by(progress_updates.c.actie_id, progress_updates.c.datum,
                                                  progress_updates.c.id)
        if actie_id is not None:
            query = query.where(progress_updates.c.actie_id == actie_id)
        with self.engine.connect() as conn:
            return [_progress(r) for r in conn.execute(query)]

    def states(self) -> dict[str, ActieState]:
        """Per actie with a decision or progress: the current decision, the latest update, the timeline."""
        current = self.decisions()
        by_actie: dict[str, list[ProgressUpdate]] = {}
        for update in self.timeline():
            by_actie.setdefault(update.actie_id, []).append(update)
        out = {}
        for actie_id in sorted(current.keys() | by_actie.keys()):
            updates = tuple(by_actie.get(actie_id, ()))
            out[actie_id] = ActieState(actie_id, current.get(actie_id), updates[-1] if updates else None, updates)
        return out

    def import_progress(self, path: str | Path, *, by: str, today: dt.date | None = None) -> list[ProgressUpdate]:
        """Progress updates from a CSV (``;`` or ``,``) or XLSX file: all rows, or none with every problem.

        Columns: ``actie, datum, status, percentage, uitgegeven`` and optionally ``tekst``,
        ``foto`` (and ``titel``, ignored: a reader's help in the sheet). Messages name the
        file, the row (as the spreadsheet numbers it) and the field.
        """
        from werkboek.formats.tabular import read_table

        path = Path(path)
        rows = read_table(path, PROGRESS_COLUMNS, PROGRESS_OPTIONAL)
        shown = _display(path)
        good, problems = progress_from_rows(self.catalogue, rows, by=by, source=path.name, today=today)
        if not rows:
            raise DataError(Problem(shown, None, None, "het bestand heeft geen rijen met voortgang"))
        if problems:
            # the rows that passed are still checked against the decisions: all problems come together
            with self.engine.connect() as conn:
                chosen = self._current_besluit(conn)
            problems += [_not_chosen(shown, line, u.actie_id) for line, u in good if chosen.get(u.actie_id) != GEKOZEN]
            raise DataError(sorted(problems, key=lambda p: (p.row or 0, p.field or "")))
        return self.add_progress_many([u for _, u in good], file=shown, rows=[line for line, _ in good], today=today)

    # -- helpers -----------------------------------------------------------------------------

    def _current_besluit(self, conn) -> dict[str, str]:
        latest = (select(decisions.c.actie_id, func.max(decisions.c.version).label("v"))
                  .group_by(decisions.c.actie_id).subquery())
        query = select(decisions.c.actie_id, decisions.c.besluit).join(
            latest, (decisions.c.actie_id == latest.c.actie_id) & (decisions.c.version == latest.c.v))
        return {r.actie_id: r.besluit for r in conn.execute(query)}

    @staticmethod
    def _lock(conn, actie_id: str) -> None:
        if conn.dialect.name == "postgresql":  # SQLite: BEGIN IMMEDIATE already serialises writers
            conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"),
                         {"a": 16, "b": zlib.crc32(actie_id.encode()) & 0x7FFFFFFF})
