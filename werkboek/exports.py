"""Exports for the programme office: CSV files and an Excel workbook of one or more workshops.

The numbers come from :func:`werkboek.results.tally`, so the facilitator's dashboard, the
report and these files always agree.

Safety: residents write remarks and pin texts, and spreadsheets execute text that looks
like a formula. Every text cell passes :func:`safe_cell`, which puts a single quote in front
of anything starting with ``=``, ``+``, ``-``, ``@``, a tab or a line break (the OWASP
advice for CSV injection); in Excel the cell is stored as a string, never as a formula.

Privacy: the exports never contain the stemcode. A code is not personal data, but it is
printed on the slip a facilitator handed to somebody; with the code in the export, whoever
holds the slip (or the code sheet) could find that person's ballot. Each row carries the
store's ballot number (``stembiljet``) instead: it tells ballots apart and joins the files,
but nothing on paper leads to it. (A hash of the code would not do: with only ~148 million
possible codes, or simply the workshop's code list, it is reversed in seconds.)
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .ballot import AGE_GROUPS
from .dutch import CODE_KINDS, date_nl, local_time
from .methods import METHODS
from .results import Results, tally

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
# Characters openpyxl refuses in a cell (XML 1.0 forbids them); clean_text already
# removes most, catalogue texts are not checked for them.
_ILLEGAL = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]}


def safe_cell(value):
    """A value safe to put in a spreadsheet cell: text that could run as a formula gets a leading quote."""
    if not isinstance(value, str):
        return value
    value = value.translate(_ILLEGAL)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


# -- gathering ----------------------------------------------------------------------------

def current_ballots(source, workshops) -> list:
    """The current ballots of ``workshops``, from a Store or an iterable of StoredBallot."""
    ids = {w.id for w in workshops}
    if hasattr(source, "ballots") and callable(source.ballots):
        return source.ballots(sorted(ids))
    return [b for b in source if b.workshop_id in ids]


def _buurt_naam(catalogue, statcode: str | None) -> str:
    if not statcode:
        return ""
    buurt = catalogue.buurten.get(statcode)
    return buurt.naam if buurt else statcode


def _method_label(workshop) -> str:
    cls = METHODS.get(workshop.method)
    return cls.label if cls else workshop.method


def _ballot_fields(ballot, workshops_by_id, catalogue) -> dict:
    ws = workshops_by_id[ballot.workshop_id]
    return {
        "stembiljet": ballot.id,
        "bijeenkomst_id": ws.id,
        "bijeenkomst": ws.title,
        "methode": ws.method,
        "soort": CODE_KINDS.get(ballot.code_kind, ballot.code_kind),
        "aantal_personen": ballot.group_size,
        "buurt": ballot.buurt or "",
        "buurtnaam": _buurt_naam(catalogue, ballot.buurt),
        "leeftijd": ballot.age_group or "",
        "ingediend": local_time(ballot.submitted_at).isoformat(timespec="seconds"),
    }


def _ballot_actie_ids(workshops, catalogue) -> list[str]:
    """Every actie on any of the ballots, in catalogue order (leefgebied, then id)."""
    on = {a for w in workshops for a in w.acties}
    return [a for a in catalogue.acties if a in on]


def _to_csv(header: list[str], rows: Iterable[dict], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) for k, v in row.items()})
    return out.getvalue()


# -- CSV ----------------------------------------------------------------------------------

BALLOT_FIELDS = ["stembiljet", "bijeenkomst_id", "bijeenkomst", "methode", "soort", "aantal_personen", "buurt",
                 "buurtnaam", "leeftijd", "ingediend"]
LONG_FIELDS = BALLOT_FIELDS + ["leefgebied", "actie", "actie_titel", "waarde", "score", "opmerking"]


def ballots_csv(source, workshops, catalogue, *, layout: str = "long", delimiter: str = ",") -> str:
    """The current ballots as CSV text.

    ``layout="long"``: one row per ballot and chosen actie (tidy data for pandas/R); a
    ballot without choices (only a remark or pins) still has one row, with empty actie.
    ``layout="wide"``: one row per ballot, one column per actie on the ballot (the value
    given, empty when not chosen), then the remark and the number of pins.
    """
    workshops = list(workshops)
    by_id = {w.id: w for w in workshops}
    ballots = current_ballots(source, workshops)
    if layout == "wide":
        actie_ids = _ballot_actie_ids(workshops, catalogue)
        header = BALLOT_FIELDS + actie_ids + ["opmerking", "plekken"]
        rows = []
        for b in ballots:
            row = _ballot_fields(b, by_id, catalogue)
            row.update({a: b.choices.get(a, "") for a in actie_ids})
            row.update(opmerking=b.remark, plekken=len(b.pins))
            rows.append(row)
        return _to_csv(header, rows, delimiter)
    if layout != "long":
        raise ValueError(f"unknown layout {layout!r} (long or wide)")
    methods = {w.id: w.voting_method() for w in workshops}
    rows = []
    for b in ballots:
        base = _ballot_fields(b, by_id, catalogue)
        chosen = [a for a in catalogue.acties if a in b.choices] + sorted(set(b.choices) - set(catalogue.acties))
        for actie_id in chosen or [None]:
            row = dict(base, leefgebied="", actie="", actie_titel="", waarde="", score="", opmerking=b.remark)
            if actie_id is not None:
                actie = catalogue.acties.get(actie_id)
                value = b.choices[actie_id]
                row.update(leefgebied=actie.leefgebied if actie else "", actie=actie_id,
                           actie_titel=actie.titel if actie else "", waarde=value,
                           score=methods[b.workshop_id].score(value))
            rows.append(row)
    return _to_csv(LONG_FIELDS, rows, delimiter)


PIN_FIELDS = ["stembiljet", "bijeenkomst_id", "leefgebied", "buurt", "buurtnaam", "lat", "lon", "tekst"]


def pins_csv(source, workshops, catalogue, *, delimiter: str = ",") -> str:
    """Every pin (plek op de kaart) of the current ballots, one row each, with the buurt it lies in."""
    workshops = list(workshops)
    rows = []
    for b in current_ballots(source, workshops):
        for p in b.pins:
            buurt = catalogue.buurt_at(p.lat, p.lon)
            rows.append({"stembiljet": b.id, "bijeenkomst_id": b.workshop_id, "leefgebied": p.leefgebied,
                         "buurt": buurt.statcode if buurt else "", "buurtnaam": buurt.naam if buurt else "",
                         "lat": p.lat, "lon": p.lon, "tekst": p.text})
    return _to_csv(PIN_FIELDS, rows, delimiter)


RESULT_FIELDS = ["bijeenkomst", "leefgebied", "plaats", "actie", "actie_titel", "score", "personen", "aandeel",
                 "kosten", "kosten_per_jaar", "looptijd", "horizon"]


def results_csv(source, workshops, catalogue, *, delimiter: str = ",") -> str:
    """Results per actie, ranked per leefgebied: first all workshops together, then each workshop alone.

    ``bijeenkomst`` is ``alle`` for the combined rows, else the workshop's title;
    ``personen`` counts a group ballot for its group size; ``aandeel`` is a fraction (0-1).
    """
    workshops = list(workshops)
    ballots = current_ballots(source, workshops)
    scopes = [("alle", workshops)] + ([(w.title, [w]) for w in workshops] if len(workshops) > 1 else [])
    rows = []
    for name, scope in scopes:
        ids = {w.id for w in scope}
        res = tally([b for b in ballots if b.workshop_id in ids], scope, catalogue)
        rows.extend(dict(row, bijeenkomst=name) for row in _result_rows(res, catalogue))
    return _to_csv(RESULT_FIELDS, rows, delimiter)


def _result_rows(res: Results, catalogue) -> list[dict]:
    rows = []
    for lg in catalogue.leefgebieden:
        for rank, r in enumerate(res.ranked(lg), start=1):
            a = catalogue.acties[r.actie_id]
            rows.append({"leefgebied": lg, "plaats": rank, "actie": a.id, "actie_titel": a.titel,
                         "score": r.score, "personen": r.voters, "aandeel": round(r.share, 4), "kosten": a.kosten,
                         "kosten_per_jaar": round(a.kosten_per_jaar), "looptijd": a.looptijd, "horizon": a.horizon})
    return rows


def write_text_atomic(path: str | Path, text: str, encoding: str = "utf-8-sig") -> Path:
    """Write a file in one step (temp file, then rename): a crash never leaves half a file.

    The default ``utf-8-sig`` adds a byte-order mark so that Excel opens é and ë correctly.
    """
    path = Path(path)
    return _atomic(path, lambda tmp: Path(tmp).write_text(text, encoding=encoding, newline=""))


def _atomic(path: Path, write) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- Excel --------------------------------------------------------------------------------

def excel_workbook(source, workshops, catalogue, path: str | Path) -> Path:
    """Write an .xlsx workbook: Overzicht, one sheet per leefgebied, Stembiljetten, Opmerkingen, Plekken."""
    from openpyxl import Workbook  # imported here: the resident kernel never needs it

    workshops = list(workshops)
    by_id = {w.id: w for w in workshops}
    ballots = current_ballots(source, workshops)
    res = tally(ballots, workshops, catalogue)
    wb = Workbook()
    _summary_sheet(wb.active, workshops, ballots, res, catalogue)

    for lg_id, lg in catalogue.leefgebieden.items():
        ranked = res.ranked(lg_id)
        if not ranked:
            continue
        rows = []
        for rank, r in enumerate(ranked, start=1):
            a = catalogue.acties[r.actie_id]
            rows.append([rank, a.id, a.titel, r.score, r.voters, r.share, a.kosten, round(a.kosten_per_jaar),
                         a.looptijd, a.horizon])
        _table(wb.create_sheet(_sheet_title(lg.naam)),
               ["Plaats", "Actie", "Titel", "Score", "Personen", "Aandeel", "Kosten (€)", "Kosten per jaar (€)",
                "Looptijd (jaar)", "Horizon"], rows,
               formats={6: "0%", 7: "#,##0", 8: "#,##0"})

    actie_ids = _ballot_actie_ids(workshops, catalogue)
    rows = []
    for b in ballots:
        f = _ballot_fields(b, by_id, catalogue)
        rows.append([b.id, f["bijeenkomst"], f["soort"], b.group_size, f["buurt"], f["buurtnaam"],
                     AGE_GROUPS.get(b.age_group or "", ""), local_time(b.submitted_at)]
                    + [b.choices.get(a) for a in actie_ids] + [b.remark, len(b.pins)])
    _table(wb.create_sheet("Stembiljetten"),
           ["Stembiljet", "Bijeenkomst", "Soort", "Personen", "Buurt", "Buurtnaam", "Leeftijd", "Ingediend"]
           + actie_ids + ["Opmerking", "Plekken"], rows, formats={8: "yyyy-mm-dd hh:mm"})

    rows = [[b.id, by_id[b.workshop_id].title, _buurt_naam(catalogue, b.buurt), local_time(b.submitted_at), b.remark]
            for b in ballots if b.remark]
    _table(wb.create_sheet("Opmerkingen"), ["Stembiljet", "Bijeenkomst", "Buurt", "Ingediend", "Opmerking"], rows,
           formats={4: "yyyy-mm-dd hh:mm"}, wrap={5})

    rows = []
    for b in ballots:
        for p in b.pins:
            buurt = catalogue.buurt_at(p.lat, p.lon)
            rows.append([b.id, by_id[b.workshop_id].title, catalogue.leefgebieden[p.leefgebied].naam,
                         buurt.naam if buurt else "", p.lat, p.lon, p.text])
    _table(wb.create_sheet("Plekken"), ["Stembiljet", "Bijeenkomst", "Leefgebied", "Buurt", "Breedtegraad",
                                        "Lengtegraad", "Tekst"], rows, wrap={7})
    return _atomic(Path(path), wb.save)


def _sheet_title(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def _summary_sheet(ws, workshops, ballots, res: Results, catalogue) -> None:
    from openpyxl.styles import Font

    ws.title = "Overzicht"
    ws.append([safe_cell("Resultaten Werkboek Heerlen-Noord")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    header = ["Bijeenkomst", "Datum", "Plaats", "Soort", "Stemmethode", "Stembiljetten", "Personen"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for w in workshops:
        mine = [b for b in ballots if b.workshop_id == w.id]
        ws.append([safe_cell(x) for x in (w.title, date_nl(w.date, weekday=False), w.location,
                                           "bewonersconferentie" if w.kind == "conference" else "workshop",
                                           _method_label(w))]
                  + [len(mine), sum(b.group_size for b in mine)])
    ws.append(["Totaal", "", "", "", "", res.ballots, res.people])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    ws.append(["Een tafel telt voor het aantal mensen aan die tafel."])
    ws.append(["De acties, kosten en partners zijn voorbeeldgegevens."])
    ws.append([safe_cell(catalogue.attribution)])
    for col, width in zip("ABCDEFG", (40, 18, 24, 20, 20, 14, 10)):
        ws.column_dimensions[col].width = width


def _table(ws, header: list[str], rows: list[list], *, formats: dict[int, str] | None = None,
           wrap: set[int] = frozenset()) -> None:
    """Fill a sheet with a styled header row, safe cells, sensible widths and a frozen header."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    ws.append([safe_cell(h) for h in header])
    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append([safe_cell(v) for v in row])
    ws.freeze_panes = "A2"
    if rows:
        ws.auto_filter.ref = ws.dimensions
    for col in range(1, len(header) + 1):
        letter = get_column_letter(col)
        fmt = (formats or {}).get(col)
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if fmt:
                cell.number_format = fmt
            if col in wrap:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, str):
                cell.data_type = "s"  # belt and braces: a string cell is never evaluated
        longest = max([len(str(header[col - 1]))] + [len(str(r[col - 1])) for r in rows if r[col - 1] is not None])
        ws.column_dimensions[letter].width = min(60 if col in wrap else 40, max(8, longest + 2))
