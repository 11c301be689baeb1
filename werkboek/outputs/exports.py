"""Exports for the programme office: CSV files and an Excel workbook of one or more workshops.

The numbers come from :func:`werkboek.model.results.tally`, so the facilitator's dashboard, the
report and these files always agree.

CSV files are separated by ``;`` with a decimal comma and start with a byte-order mark:
what Dutch Excel opens correctly with a double click. In pandas:
``pd.read_csv(path, sep=";", decimal=",", encoding="utf-8-sig")``. Pass ``delimiter=","``
for a comma file (then with a decimal point).

Safety: residents write remarks and pin texts, and spreadsheets execute text that looks
like a formula. Every text cell passes :func:`safe_cell`, which puts a single quote before
a formula character (``=``, ``+``, ``-``, ``@``, tab, line break) at the start of the text
*and* at the start of every part after a ``,`` ``;`` tab ``|`` or line break (spaces and
double quotes in between do not count). So the file is safe whichever separator a program
reads it with: ``Goed plan;=1+1`` becomes ``Goed plan;'=1+1``, and read with ``;`` the
second cell is ``'=1+1``, text. In Excel the cell is stored as a string, never as a formula.

Privacy: the exports never contain the stemcode. A code is not personal data, but it is
printed on the slip a facilitator handed to somebody; with the code in the export, whoever
holds the slip (or the code sheet) could find that person's ballot. (A hash of the code
would not do: with only ~148 million possible codes, or simply the workshop's code list,
it is reversed in seconds.)

Privacy of the rows per ballot (long and wide CSV, pins CSV, the sheets "Stembiljetten",
"Opmerkingen" and "Plekken"), unless the analyst asks for ``exact=True``:

* the time of submission is rounded down to the quarter hour, pins to 4 decimals (~10 m);
* a buurt, age group or channel (``kanaal``: telefoon or papier) with fewer than k people
  in the export shows as ``overig``
  (k: the largest ``privacy_k`` of the exported workshops, see :mod:`werkboek.model.privacy`);
* ``stembiljet`` is not the store's ballot number, which counts up in the order ballots
  arrived and would undo the rounding of the times, but a keyed hash of it
  (``StoredBallot.pseudonym``, e.g. ``S3F09A1C2E7D0``): it tells ballots apart and joins
  the files of one database, and rows are sorted by it.

Which of the two a file is: the Excel workbook says it in its "Overzicht" sheet; a CSV
file cannot say it inside (a comment line breaks pandas and Excel alike), so the exports
panel shows :func:`privacy_note` next to the download, and exact files are named
``…-exact.csv`` / ``…-exact.xlsx`` (:func:`file_stem`). Exact files have the store's ballot
numbers (``stembiljet`` as an integer), the exact times and places and every buurt and age.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from werkboek.dutch import CODE_KINDS, date_nl, local_time
from werkboek.errors import DataError
from werkboek.formats import atomic
from werkboek.model.ballot import AGE_GROUPS
from werkboek.model.methods import METHODS
from werkboek.model.privacy import OTHER, floor_quarter, privacy_k, round_coordinate, shown_groups
from werkboek.model.records import PAPER
from werkboek.model.results import Results, tally

_FORMULA_START = frozenset("=+-@\t\r\n")
_SEPARATORS = frozenset(",;\t|\r\n")
_SKIP = frozenset(' "')  # may stand between a separator and a formula character
_MAYBE_FORMULA = re.compile(r"[=+\-@\t\r\n]")
# Characters openpyxl refuses in a cell (XML 1.0 forbids them); clean_text already
# removes most, catalogue texts are not checked for them.
_ILLEGAL = {c: None for c in [*range(0, 9), 11, 12, *range(14, 32)]}


def safe_cell(value):
    """A value safe to put in a spreadsheet cell, read with any separator (see the module docstring)."""
    if not isinstance(value, str):
        return value
    value = value.translate(_ILLEGAL)
    if not _MAYBE_FORMULA.search(value):
        return value
    out = []
    at_start = True  # at the start of the text or of a part after a separator
    for ch in value:
        if at_start:
            if ch in _SKIP:
                out.append(ch)
                continue
            if ch in _FORMULA_START:
                out.append("'")
            at_start = False
        out.append(ch)
        if ch in _SEPARATORS:
            at_start = True
    return "".join(out)


@dataclass(frozen=True)
class _View:
    """How per-ballot rows show a ballot: exact, or rounded with small groups as "overig"."""

    exact: bool
    k: int
    buurten: frozenset  # buurt codes shown by name ("" = not said)
    ages: frozenset
    channels: frozenset = frozenset()  # telefoon / papier: a channel of fewer than k people is "overig" too

    @classmethod
    def of(cls, ballots, workshops, exact: bool) -> "_View":
        """Groups are counted per round (a resident who votes in two rounds is one person, not
        two): a group is shown by name only when no round has it with fewer than k people."""
        k = privacy_k(workshops)
        per_round: dict[int, tuple[Counter, Counter, Counter]] = {}
        for b in ballots:
            buurten, ages, channels = per_round.setdefault(b.voting_round, (Counter(), Counter(), Counter()))
            buurten[b.buurt or ""] += b.group_size
            ages[b.age_group or ""] += b.group_size
            channels[b.channel] += b.group_size

        def shown(i: int) -> frozenset:
            groups = {g for counters in per_round.values() for g in counters[i]}
            for counters in per_round.values():
                ok = shown_groups(counters[i], k)
                groups -= {g for g in counters[i] if g not in ok}
            return frozenset(groups)

        return cls(exact, k, shown(0), shown(1), shown(2))

    def ballot_id(self, ballot):
        return ballot.id if self.exact else ballot.pseudonym

    def order(self, ballots) -> list:
        """Exact: in the order they arrived; else by pseudonym, which says nothing about that order."""
        return list(ballots) if self.exact else sorted(ballots, key=lambda b: (b.pseudonym, b.id))

    def buurt(self, ballot) -> str:
        code = ballot.buurt or ""
        return code if self.exact or code in self.buurten else OTHER

    def buurt_naam(self, ballot, catalogue) -> str:
        code = self.buurt(ballot)
        return OTHER if code == OTHER else _buurt_naam(catalogue, code)

    def age(self, ballot) -> str:
        age = ballot.age_group or ""
        return age if self.exact or age in self.ages else OTHER

    def age_label(self, ballot) -> str:
        age = self.age(ballot)
        return OTHER if age == OTHER else AGE_GROUPS.get(age, "")

    def channel(self, ballot) -> str:
        return ballot.channel if self.exact or ballot.channel in self.channels else OTHER

    def submitted(self, ballot):
        moment = local_time(ballot.submitted_at)
        return moment if self.exact else floor_quarter(moment)

    def submitted_text(self, ballot) -> str:
        return self.submitted(ballot).isoformat(timespec="seconds" if self.exact else "minutes")

    def coordinate(self, value: float) -> float:
        return value if self.exact else round_coordinate(value)


def privacy_note(workshops, exact: bool) -> str:
    """What a facilitator or analyst must know about an export (Dutch, B1)."""
    if exact:
        return ("Exacte gegevens: de tijden tot op de seconde, de plekken precies, alle buurten en leeftijden, en "
                "de echte nummers van de stembiljetten. Alleen voor analyse. Deel dit bestand niet verder.")
    k = privacy_k(workshops)
    return (f"Tijden zijn afgerond op het kwartier en plekken op ongeveer 10 meter. Buurten en leeftijden met "
            f"minder dan {k} mensen staan als 'overig'. Het nummer van een stembiljet zegt niets over de "
            "volgorde van binnenkomst.")


def file_stem(workshops, exact: bool = False) -> str:
    """``uitslag-3-4`` (or ``uitslag-3-4-exact``): exact files are recognisable by their name."""
    return "uitslag-" + "-".join(str(w.id) for w in workshops) + ("-exact" if exact else "")


# -- gathering ----------------------------------------------------------------------------

def current_ballots(source, workshops) -> list:
    """The current ballots of ``workshops`` in each one's current round, from a Store or an
    iterable of StoredBallot."""
    ids = {w.id for w in workshops}
    if hasattr(source, "ballots") and callable(source.ballots):
        return source.ballots(sorted(ids))
    rounds = {w.id: w.voting_round for w in workshops}
    return [b for b in source if b.workshop_id in ids and b.voting_round == rounds[b.workshop_id]]


def ballots_of_every_round(source, workshops) -> list:
    """The current ballots of ``workshops`` in every round (the rows per ballot carry ``ronde``)."""
    ids = {w.id for w in workshops}
    if hasattr(source, "ballots") and callable(source.ballots):
        return source.ballots(sorted(ids), voting_round="all")
    return [b for b in source if b.workshop_id in ids]


def _buurt_naam(catalogue, statcode: str | None) -> str:
    if not statcode:
        return ""
    buurt = catalogue.buurten.get(statcode)
    return buurt.naam if buurt else statcode


def method_label(workshop) -> str:
    """The voting method as users read it (its key when the method is unknown)."""
    cls = METHODS.get(workshop.method)
    return cls.label if cls else workshop.method


def _ballot_fields(ballot, workshops_by_id, catalogue, view: _View) -> dict:
    ws = workshops_by_id[ballot.workshop_id]
    return {
        "stembiljet": view.ballot_id(ballot),
        "bijeenkomst_id": ws.id,
        "bijeenkomst": ws.title,
        "methode": ws.method,
        "soort": CODE_KINDS.get(ballot.code_kind, ballot.code_kind),
        "kanaal": view.channel(ballot),
        "aantal_personen": ballot.group_size,
        "buurt": view.buurt(ballot),
        "buurtnaam": view.buurt_naam(ballot, catalogue),
        "leeftijd": view.age(ballot),
        "ingediend": view.submitted_text(ballot),
        "ronde": ballot.voting_round,
    }


def _ballot_actie_ids(workshops, catalogue) -> list[str]:
    """Every actie on any of the ballots, in catalogue order (leefgebied, then id)."""
    on = {a for w in workshops for a in w.acties}
    return [a for a in catalogue.acties if a in on]


def _to_csv(header: list[str], rows: Iterable[dict], delimiter: str, decimal: str | None = None) -> str:
    """CSV text; ``decimal`` defaults to a comma in a ``;`` file (the Dutch convention), else a point."""
    if decimal is None:
        decimal = "," if delimiter == ";" else "."
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, delimiter=delimiter, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _number(v, decimal) if isinstance(v, float) else safe_cell(v) for k, v in row.items()})
    return out.getvalue()


def _number(value: float, decimal: str) -> str:
    text = repr(value)
    return text.replace(".", decimal) if decimal != "." else text


# -- CSV ----------------------------------------------------------------------------------

# kanaal (added last, so columns read by position stay where they were): telefoon | papier
# (a paper ballot typed in in the console; it counts the same); then ronde: 1, or 2 for a second
# round of the same ballot (the files carry every round; results count the latest)
BALLOT_FIELDS = ["stembiljet", "bijeenkomst_id", "bijeenkomst", "methode", "soort", "aantal_personen", "buurt",
                 "buurtnaam", "leeftijd", "ingediend", "kanaal", "ronde"]
LONG_FIELDS = BALLOT_FIELDS + ["leefgebied", "actie", "actie_titel", "waarde", "score", "opmerking"]


def ballots_csv(source, workshops, catalogue, *, layout: str = "long", delimiter: str = ";",
                decimal: str | None = None, exact: bool = False) -> str:
    """The current ballots of every round as CSV text (rounded and with small groups as "overig" unless ``exact``).

    ``layout="long"``: one row per ballot and chosen actie (tidy data for pandas/R); a
    ballot without choices (only a remark or pins) still has one row, with empty actie.
    ``layout="wide"``: one row per ballot, one column per actie on the ballot (the value
    given, empty when not chosen), then the remark and the number of pins.
    """
    workshops = list(workshops)
    by_id = {w.id: w for w in workshops}
    ballots = ballots_of_every_round(source, workshops)
    view = _View.of(ballots, workshops, exact)
    ballots = view.order(ballots)
    if layout == "wide":
        actie_ids = _ballot_actie_ids(workshops, catalogue)
        header = BALLOT_FIELDS + actie_ids + ["opmerking", "plekken"]
        rows = []
        for b in ballots:
            row = _ballot_fields(b, by_id, catalogue, view)
            row.update({a: b.choices.get(a, "") for a in actie_ids})
            row.update(opmerking=b.remark, plekken=len(b.pins))
            rows.append(row)
        return _to_csv(header, rows, delimiter, decimal)
    if layout != "long":
        raise DataError.at("export", None, "layout", f"'{layout}' is geen indeling (long of wide)")
    methods = {w.id: w.voting_method() for w in workshops}
    rows = []
    for b in ballots:
        base = _ballot_fields(b, by_id, catalogue, view)
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
    return _to_csv(LONG_FIELDS, rows, delimiter, decimal)


PIN_FIELDS = ["stembiljet", "bijeenkomst_id", "leefgebied", "buurt", "buurtnaam", "lat", "lon", "tekst", "ronde"]


def pins_csv(source, workshops, catalogue, *, delimiter: str = ";", decimal: str | None = None,
             exact: bool = False) -> str:
    """Every pin (plek op de kaart) of the current ballots, one row each, with the buurt it lies in.

    Unless ``exact``, the place is rounded to ~10 m (the buurt is that of the exact place).
    """
    workshops = list(workshops)
    ballots = ballots_of_every_round(source, workshops)
    view = _View.of(ballots, workshops, exact)
    rows = []
    for b in view.order(ballots):
        for p in b.pins:
            buurt = catalogue.buurt_at(p.lat, p.lon)
            rows.append({"stembiljet": view.ballot_id(b), "bijeenkomst_id": b.workshop_id, "leefgebied": p.leefgebied,
                         "buurt": buurt.statcode if buurt else "", "buurtnaam": buurt.naam if buurt else "",
                         "lat": view.coordinate(p.lat), "lon": view.coordinate(p.lon), "tekst": p.text,
                         "ronde": b.voting_round})
    return _to_csv(PIN_FIELDS, rows, delimiter, decimal)


RESULT_FIELDS = ["bijeenkomst", "leefgebied", "plaats", "actie", "actie_titel", "score", "personen", "aandeel",
                 "kosten", "kosten_per_jaar", "looptijd", "horizon", "ronde"]


def results_csv(source, workshops, catalogue, *, delimiter: str = ";", decimal: str | None = None) -> str:
    """Results per actie, ranked per leefgebied: first all workshops together, then each workshop alone.

    ``bijeenkomst`` is ``alle`` for the combined rows, else the workshop's title;
    ``personen`` counts a group ballot for its group size; ``aandeel`` is a fraction (0-1).
    ``ronde``: each round of a workshop with a second round has its own rows (``alle``
    combines the workshops' latest rounds, ``ronde`` empty, unless they all have one round).
    """
    workshops = list(workshops)
    current = current_ballots(source, workshops)
    every = ballots_of_every_round(source, workshops) if any(w.voting_round > 1 for w in workshops) else current
    scopes = [("alle", workshops)] + ([(w.title, [w]) for w in workshops] if len(workshops) > 1 else [])
    rows = []
    for name, scope in scopes:
        ids = {w.id for w in scope}
        last = max(w.voting_round for w in scope)
        if len(scope) == 1 or all(w.voting_round == 1 for w in scope):
            for r in range(1, last + 1):
                res = tally([b for b in every if b.workshop_id in ids and b.voting_round == r], scope, catalogue)
                rows.extend(dict(row, bijeenkomst=name, ronde=r) for row in _result_rows(res, catalogue))
        else:
            res = tally([b for b in current if b.workshop_id in ids], scope, catalogue)
            rows.extend(dict(row, bijeenkomst=name, ronde="") for row in _result_rows(res, catalogue))
    return _to_csv(RESULT_FIELDS, rows, delimiter, decimal)


def _result_rows(res: Results, catalogue) -> list[dict]:
    rows = []
    for lg in catalogue.leefgebieden:
        for rank, r in enumerate(res.ranked(lg), start=1):
            a = catalogue.acties[r.actie_id]
            rows.append({"leefgebied": lg, "plaats": rank, "actie": a.id, "actie_titel": a.titel,
                         "score": r.score, "personen": r.voters, "aandeel": round(r.share, 4), "kosten": a.kosten,
                         "kosten_per_jaar": round(a.kosten_per_jaar), "looptijd": a.looptijd, "horizon": a.horizon})
    return rows


# -- Excel --------------------------------------------------------------------------------

def excel_workbook(source, workshops, catalogue, path: str | Path, *, exact: bool = False) -> Path:
    """Write an .xlsx workbook: Overzicht, one sheet per leefgebied, Stembiljetten, Opmerkingen, Plekken.

    The sheets per ballot are rounded and show small groups as "overig" unless ``exact``;
    the Overzicht says which.
    """
    from openpyxl import Workbook  # imported here: the resident kernel never needs it

    workshops = list(workshops)
    by_id = {w.id: w for w in workshops}
    ballots = current_ballots(source, workshops)
    res = tally(ballots, workshops, catalogue)
    view = _View.of(ballots, workshops, exact)
    wb = Workbook()
    _summary_sheet(wb.active, workshops, ballots, res, catalogue, view)

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

    _rounds_sheet(wb, workshops, source, catalogue)

    actie_ids = _ballot_actie_ids(workshops, catalogue)
    ballots = ballots_of_every_round(source, workshops)  # the rows per ballot carry their round
    view = _View.of(ballots, workshops, exact)
    ballots = view.order(ballots)
    rows = []
    for b in ballots:
        f = _ballot_fields(b, by_id, catalogue, view)
        rows.append([f["stembiljet"], f["bijeenkomst"], f["soort"], b.group_size, f["buurt"], f["buurtnaam"],
                     view.age_label(b), view.submitted(b)]
                    + [b.choices.get(a) for a in actie_ids] + [b.remark, len(b.pins), f["kanaal"], f["ronde"]])
    _table(wb.create_sheet("Stembiljetten"),
           ["Stembiljet", "Bijeenkomst", "Soort", "Personen", "Buurt", "Buurtnaam", "Leeftijd", "Ingediend"]
           + actie_ids + ["Opmerking", "Plekken", "Kanaal", "Ronde"], rows, formats={8: "yyyy-mm-dd hh:mm"})

    rows = [[view.ballot_id(b), by_id[b.workshop_id].title, view.buurt_naam(b, catalogue), view.submitted(b), b.remark]
            for b in ballots if b.remark]
    _table(wb.create_sheet("Opmerkingen"), ["Stembiljet", "Bijeenkomst", "Buurt", "Ingediend", "Opmerking"], rows,
           formats={4: "yyyy-mm-dd hh:mm"}, wrap={5})

    rows = []
    for b in ballots:
        for p in b.pins:
            buurt = catalogue.buurt_at(p.lat, p.lon)
            rows.append([view.ballot_id(b), by_id[b.workshop_id].title, catalogue.leefgebieden[p.leefgebied].naam,
                         buurt.naam if buurt else "", view.coordinate(p.lat), view.coordinate(p.lon), p.text])
    _table(wb.create_sheet("Plekken"), ["Stembiljet", "Bijeenkomst", "Leefgebied", "Buurt", "Breedtegraad",
                                        "Lengtegraad", "Tekst"], rows, wrap={7})
    return atomic.write_with_atomic(path, wb.save)


def _rounds_sheet(wb, workshops, source, catalogue) -> None:
    """"Rondes": for each workshop with a second round, per actie both rounds and what moved
    (nothing when no workshop had one; rounds of fewer than k people are left out)."""
    from werkboek.outputs.rounds import rounds_for_report

    found = rounds_for_report(workshops, source, catalogue, privacy_k(workshops))
    if not found:
        return
    rows = []
    for one in found:
        if one["too_small"]:
            rows.append([one["title"], "", "", f"minder dan {one['k']} mensen in ronde "
                         + " en ".join(map(str, one["too_small"])), None, None, None, None, ""])
            continue
        for block in one["blocks"]:
            for r in block["rows"]:
                rows.append([one["title"], block["naam"], r["actie"], r["titel"], r["place_before"], r["share_before"],
                             r["place_after"], r["share_after"], r["words"]])
    first = found[0]
    _table(wb.create_sheet("Rondes"),
           ["Bijeenkomst", "Leefgebied", "Actie", "Titel", f"Plaats ronde {first['first']}",
            f"Aandeel ronde {first['first']}", f"Plaats ronde {first['second']}", f"Aandeel ronde {first['second']}",
            "Wat veranderde"], rows, formats={6: "0%", 8: "0%"})


def _sheet_title(name: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in name if ch not in "[]:*?/\\")[:31]


def _summary_sheet(ws, workshops, ballots, res: Results, catalogue, view: _View) -> None:
    from openpyxl.styles import Font

    ws.title = "Overzicht"
    ws.append([safe_cell("Resultaten Werkboek Heerlen-Noord")])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    header = ["Bijeenkomst", "Datum", "Plaats", "Soort", "Stemmethode", "Stembiljetten", "Personen", "Op papier"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for w in workshops:
        mine = [b for b in ballots if b.workshop_id == w.id]
        ws.append([safe_cell(x) for x in (w.title, date_nl(w.date, weekday=False), w.location,
                                           "bewonersconferentie" if w.kind == "conference" else "workshop",
                                           method_label(w))]
                  + [len(mine), sum(b.group_size for b in mine), sum(b.channel == PAPER for b in mine)])
    ws.append(["Totaal", "", "", "", "", res.ballots, res.people, sum(b.channel == PAPER for b in ballots)])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.append([])
    ws.append(["Een tafel telt voor het aantal mensen aan die tafel."])
    ws.append(["Op papier: stembiljetten die op papier zijn ingevuld en daarna ingevoerd. Ze tellen net zo mee."])
    ws.append([safe_cell(privacy_note(workshops, view.exact))])
    ws.append(["De acties, kosten en partners zijn voorbeeldgegevens."])
    ws.append([safe_cell(catalogue.attribution)])
    for col, width in zip("ABCDEFGH", (40, 18, 24, 20, 20, 14, 10, 12)):
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
