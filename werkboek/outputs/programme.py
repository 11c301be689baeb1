"""Exports of the programme's decisions (every version) and progress: CSV files and one Excel workbook.

Same conventions as :mod:`werkboek.outputs.exports` (``;`` with a decimal comma and a
byte-order mark for Dutch Excel, every text cell through ``safe_cell``). Nothing here is
about residents: decisions and progress hold no personal data beyond the name of whoever
entered them, which the programme office needs for its own history.

The progress sheet's first columns are exactly what :meth:`werkboek.store.programme.Programme.import_progress`
reads (``actie, datum, status, percentage, uitgegeven, tekst, foto``), so an office can
start a new sheet from an export.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from werkboek.dutch import local_time
from werkboek.formats import atomic
from werkboek.model.programme import DECISION_LABELS, Decision, ProgressUpdate
from werkboek.outputs.exports import _table, _to_csv

DECISION_FIELDS = ["actie", "titel", "leefgebied", "versie", "huidig", "besluit", "reden", "budget", "jaar",
                   "partners", "workshops", "scenario", "door", "op"]
PROGRESS_FIELDS = ["actie", "datum", "status", "percentage", "uitgegeven", "tekst", "foto", "titel", "door", "op",
                   "bron"]


def _when(moment) -> str:
    return local_time(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def decision_rows(history: Iterable[Decision], catalogue) -> list[dict]:
    """One row per version, oldest first per actie; ``huidig`` is ``ja`` on each actie's latest version."""
    history = sorted(history, key=lambda d: (d.actie_id, d.version))
    latest = {d.actie_id: d.version for d in history}
    rows = []
    for d in history:
        actie = catalogue.acties.get(d.actie_id)
        rows.append({
            "actie": d.actie_id, "titel": actie.titel if actie else "", "leefgebied": actie.leefgebied if actie else "",
            "versie": d.version, "huidig": "ja" if latest[d.actie_id] == d.version else "nee",
            "besluit": DECISION_LABELS.get(d.besluit, d.besluit), "reden": d.reden,
            "budget": "" if d.budget is None else d.budget, "jaar": "" if d.jaar is None else d.jaar,
            "partners": "; ".join(catalogue.partners[p].naam if p in catalogue.partners else p for p in d.partners),
            "workshops": "; ".join(str(w) for w in d.workshops), "scenario": d.scenario,
            "door": d.changed_by, "op": _when(d.changed_at),
        })
    return rows


def progress_rows(timeline: Iterable[ProgressUpdate], catalogue) -> list[dict]:
    rows = []
    for u in sorted(timeline, key=lambda u: (u.actie_id, u.datum, u.id or 0)):
        actie = catalogue.acties.get(u.actie_id)
        rows.append({"actie": u.actie_id, "datum": u.datum.isoformat(), "status": u.status,
                     "percentage": u.percentage, "uitgegeven": u.uitgegeven, "tekst": u.tekst, "foto": u.foto,
                     "titel": actie.titel if actie else "", "door": u.entered_by, "op": _when(u.entered_at),
                     "bron": u.source})
    return rows


def decisions_csv(history: Iterable[Decision], catalogue, *, delimiter: str = ";") -> str:
    return "\ufeff" + _to_csv(DECISION_FIELDS, decision_rows(history, catalogue), delimiter)


def progress_csv(timeline: Iterable[ProgressUpdate], catalogue, *, delimiter: str = ";") -> str:
    return "\ufeff" + _to_csv(PROGRESS_FIELDS, progress_rows(timeline, catalogue), delimiter)


def programme_workbook(history: Iterable[Decision], timeline: Iterable[ProgressUpdate], catalogue,
                       path: str | Path) -> Path:
    """An Excel workbook with the sheets "Besluiten" (every version) and "Voortgang"."""
    from openpyxl import Workbook  # imported here: the resident kernel never needs it

    wb = Workbook()
    ws = wb.active
    ws.title = "Besluiten"
    rows = decision_rows(history, catalogue)
    _table(ws, DECISION_FIELDS, [[r[k] for k in DECISION_FIELDS] for r in rows],
           formats={8: "#,##0"}, wrap={7})
    ws = wb.create_sheet("Voortgang")
    rows = progress_rows(timeline, catalogue)
    _table(ws, PROGRESS_FIELDS, [[r[k] for k in PROGRESS_FIELDS] for r in rows],
           formats={5: "#,##0"}, wrap={6})
    return atomic.write_with_atomic(path, wb.save)
