"""Import of the CBS table "Kerncijfers wijken en buurten" (kwb-YYYY or a StatLine export) into an
:class:`werkboek.model.indicators.IndicatorTable` (the layouts: see that module)."""

from __future__ import annotations

import csv
import io
import math
import os
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from werkboek import settings as config
from werkboek.errors import DataError, Problem, _display
from werkboek.model.catalogue import Buurt, load_buurten
from werkboek.model.indicators import (
    _PREFIXES,
    AANTAL,
    DEFAULT_SOURCE,
    GEMEENTE,
    INDICATORS,
    PERCENTAGE,
    Indicator,
    IndicatorTable,
    _matches,
    is_nederland,
)

STATCODE_KWB = ("gwb_code_10", "gwb_code", "statcode")
STATCODE_STATLINE = ("Codering", "WijkenEnBuurten")

# StatLine table ids of "Kerncijfers wijken en buurten <year>" (cbs.nl/nl-nl/cijfers/detail/<id>).
STATLINE_TABLES = {
    "83487NED": 2016, "83765NED": 2017, "84286NED": 2018, "84583NED": 2019, "84799NED": 2020,
    "85318NED": 2022, "85618NED": 2023, "85984NED": 2024, "86165NED": 2025,
}

_MISSING = frozenset({"", ".", "x", "X"})
_NIHIL = frozenset({"-", "\u2013"})
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$")
_NUMBER_NL_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_TABLE_IN_NAME = re.compile(r"(?<![0-9A-Za-z])(\d{5}NED)(?![0-9A-Za-z])", re.IGNORECASE)


def import_kerncijfers(
    path: Path | str,
    year: int | str | None = None,
    source: str | None = None,
    *,
    buurten: Mapping[str, Buurt] | Iterable[str] | None = None,
) -> IndicatorTable:
    """Read a KWB table (kwb-YYYY CSV/XLSX or a StatLine CSV export) and keep Heerlen's rows,
    plus the national row (``NL00``/``NL01``) as the table's reference ``nederland``.

    ``year``: the table's year; else taken from the file name (``kwb-2024.csv``,
    ``85984NED_TypedDataSet.csv``). ``source``: the text for the map label (default
    "CBS Kerncijfers wijken en buurten"). ``buurten``: the known buurten (a catalogue, the
    dict of :func:`werkboek.model.catalogue.load_buurten` or buurt codes); default the
    ``buurten.geojson`` of the data directory.

    Raises :class:`DataError` listing every problem, each with file, line (header = 1; the
    row number in a spreadsheet) and column. Writes nothing.
    """
    path = Path(path)
    shown = _display(path)
    if not path.is_file():
        raise DataError.at(path, None, None, "bestand niet gevonden")
    year, table_id = _resolve_year(path, year)
    known = _known_codes(buurten)
    sheet = _read(path)

    problems: list[Problem] = []
    found = _find_statcode(sheet.header)
    if found is None:
        raise DataError(Problem(
            shown, sheet.header_row, _expected_code_column(sheet.header),
            "geen kolom met de CBS-gebiedscode; verwacht een van: "
            + ", ".join((*STATCODE_KWB, "Codering_<n>", "WijkenEnBuurten")),
        ))
    code_index, code_column = found

    used: dict[str, tuple[int, str]] = {}
    for ind in INDICATORS.values():
        hits = [(i, name) for i, name in enumerate(sheet.header) if name and ind.matches(name)]
        if len(hits) > 1:
            names = " en ".join(f"'{name}'" for _, name in hits)
            problems.append(Problem(shown, sheet.header_row, hits[1][1],
                                    f"{names} zijn allebei '{ind.label}'; laat er één staan"))
        elif hits:
            used[ind.id] = hits[0]
    if not used and not problems:
        expected = ", ".join(name for ind in INDICATORS.values() for name in ind.columns)
        problems.append(Problem(shown, sheet.header_row, None,
                                f"geen enkele indicatorkolom gevonden; verwacht onder meer: {expected}"))
    if problems:
        raise DataError(problems)

    width = len(sheet.header)
    seen: dict[str, int] = {}
    heerlen_rows = 0
    codes: list[str] = []
    records: list[list[float]] = []
    nederland: list[float] | None = None
    nederland_line: int | None = None
    for line, cells in sheet.rows:
        if len(cells) > width and any(_text(c) for c in cells[width:]):
            problems.append(Problem(shown, line, None, f"{len(cells)} velden, maar de kopregel heeft er {width}"))
            continue
        short = len(cells) < width
        cells = list(cells) + [None] * (width - len(cells))
        code = _text(cells[code_index])
        national = is_nederland(code)
        if not national and not code.upper().startswith(_PREFIXES):
            continue  # another municipality
        if not national:
            heerlen_rows += 1
        if short:
            problems.append(Problem(shown, line, None, f"te weinig velden: de kopregel heeft er {width}"))
            continue
        ok = True
        if national:
            if nederland_line is not None:
                problems.append(Problem(shown, line, code_column,
                                        f"de landelijke rij ('{code}') staat ook al in rij {nederland_line}"))
                ok = False
            nederland_line = nederland_line or line
        elif code not in known:
            problems.append(Problem(shown, line, code_column, _unknown_code_message(code)))
            ok = False
        elif code in seen:
            problems.append(Problem(shown, line, code_column, f"'{code}' staat ook al in rij {seen[code]}"))
            ok = False
        else:
            seen[code] = line
        values: list[float] = []
        for ind in INDICATORS.values():
            if ind.id not in used:
                values.append(math.nan)
                continue
            index, column = used[ind.id]
            value, message = _parse_value(cells[index], ind)
            if message:
                problems.append(Problem(shown, line, column, message))
                ok = False
            values.append(value)
        if ok and national:
            nederland = values
        elif ok:
            codes.append(code)
            records.append(values)
    if heerlen_rows == 0 and not problems:
        problems.append(Problem(shown, sheet.header_row, code_column,
                                f"geen enkele rij van Heerlen (codes die beginnen met {', '.join(_PREFIXES)})"))
    if problems:
        raise DataError(problems)

    frame = pd.DataFrame(records, index=pd.Index(codes, name="statcode"), columns=list(INDICATORS), dtype=float)
    if source is None:
        source = f"{DEFAULT_SOURCE} (StatLine {table_id})" if table_id else DEFAULT_SOURCE
    national = None if nederland is None else pd.Series(nederland, index=list(INDICATORS), dtype=float)
    return IndicatorTable(year=year, source=source, data=frame, example=False, origin=path.name,
                          nederland=national)


def _resolve_year(path: Path, year) -> tuple[int, str | None]:
    """The table's year (argument, else file name) and the StatLine table id in the name, if any."""
    stem = path.stem
    table_id = None
    from_name: set[int] = {int(y) for y in _YEAR_IN_NAME.findall(stem)}
    for tid in _TABLE_IN_NAME.findall(stem):
        tid = tid.upper()
        table_id = tid
        if tid in STATLINE_TABLES:
            from_name.add(STATLINE_TABLES[tid])
    if year is not None:
        if isinstance(year, bool) or not (isinstance(year, int) or (isinstance(year, str) and year.strip().isdigit())):
            raise DataError.at(path, None, None, f"jaar '{year}' is geen jaartal")
        year = int(year)
        if not 1990 <= year <= 2100:
            raise DataError.at(path, None, None, f"jaar {year} is geen jaartal van de kerncijfers")
        if from_name and from_name != {year}:
            named = ", ".join(str(y) for y in sorted(from_name))
            raise DataError.at(path, None, None,
                               f"opgegeven jaar {year}, maar de bestandsnaam zegt {named}; welk jaar klopt?")
        return year, table_id
    if len(from_name) == 1:
        return from_name.pop(), table_id
    if from_name:
        named = ", ".join(str(y) for y in sorted(from_name))
        raise DataError.at(path, None, None, f"de bestandsnaam noemt meer dan één jaar ({named}); geef het jaar op")
    raise DataError.at(path, None, None,
                       "jaar onbekend: geef het jaar op, of noem het bestand naar het jaar (bijvoorbeeld kwb-2024.csv)")


def _known_codes(buurten) -> set[str]:
    if buurten is None:
        buurten, _ = load_buurten(config.data_dir() / "buurten.geojson")
    elif hasattr(buurten, "buurten") and not isinstance(buurten, Mapping):
        buurten = buurten.buurten  # a Catalogue
    codes = {str(code).strip() for code in buurten}
    return codes | {"WK" + code[2:8] for code in codes} | {GEMEENTE}


def _unknown_code_message(code: str) -> str:
    return (f"'{code}' is geen buurt of wijk van Heerlen in buurten.geojson (gebiedsindeling 2024); "
            "gebruik kerncijfers met dezelfde indeling")


def _find_statcode(header: list[str]) -> tuple[int, str] | None:
    for candidate in STATCODE_KWB:
        for i, name in enumerate(header):
            if name.lower() == candidate.lower():
                return i, name
    for candidate in STATCODE_STATLINE:
        for i, name in enumerate(header):
            if _matches(name, (), (candidate,)):
                return i, name
    return None


def _expected_code_column(header: list[str]) -> str:
    statline = any(_matches(name, (), ind.statline) for name in header for ind in INDICATORS.values())
    return "Codering_3" if statline else "gwb_code_10"



def _parse_value(cell, ind: Indicator) -> tuple[float, str | None]:
    """A cell as a float (NaN when CBS marks it missing), or an error message."""
    if cell is None:
        return math.nan, None
    if isinstance(cell, bool):
        return math.nan, f"'{cell}' is geen getal"
    if isinstance(cell, (int, float)):
        value = float(cell)
        if math.isnan(value):
            return math.nan, None
        raw = str(cell)
    else:
        raw = str(cell).strip()
        if raw in _MISSING:
            return math.nan, None
        if raw in _NIHIL:
            return 0.0, None
        if _NUMBER.match(raw):
            value = float(raw.replace(",", "."))
        elif _NUMBER_NL_THOUSANDS.match(raw):
            value = float(raw.replace(".", "").replace(",", "."))
        else:
            return math.nan, (f"'{raw}' is geen getal (CBS schrijft '.' als een cijfer ontbreekt "
                              "en 'x' als het geheim is)")
    if not math.isfinite(value):
        return math.nan, f"'{raw}' is geen getal"
    if value < 0:
        what = "een aantal" if ind.kind == AANTAL else ind.label
        return math.nan, f"{raw} is negatief; {what} kan niet negatief zijn"
    if ind.kind == AANTAL and not value.is_integer():
        return math.nan, f"'{raw}' is geen geheel aantal (staat er een punt als scheiding van duizendtallen?)"
    if ind.kind == PERCENTAGE and value > 100:
        return math.nan, f"{raw} is meer dan 100%"
    return value, None


# -- the file's rows ------------------------------------------------------------------------
# XLSX is read with the standard library (zipfile + ElementTree): openpyxl would load every
# style and formula of a CBS workbook to get at its values.

@dataclass
class _Sheet:
    header_row: int
    header: list[str]
    rows: list[tuple[int, list]]  # (line or row number in the file, cells)



def _text(cell) -> str:
    if cell is None:
        return ""
    return str(cell).strip()



# -- reading CSV and XLSX -----------------------------------------------------------------

def _read(path: Path) -> _Sheet:
    try:
        with path.open("rb") as fh:
            head = fh.read(4)
    except FileNotFoundError:
        raise DataError.at(path, None, None, "bestand niet gevonden") from None
    except IsADirectoryError:
        raise DataError.at(path, None, None, "is een map, geen bestand") from None
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError.at(path, None, None, "oud Excel-formaat (.xls); sla het op als .xlsx of .csv")
    return _read_csv(path)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _read_csv(path: Path) -> _Sheet:
    shown = _display(path)
    text = _decode(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise DataError.at(path, None, None, "het bestand is leeg")
    delimiter = max((";", ",", "\t"), key=first.count)  # ties go to ';', CBS's separator
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list]] = []
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            if header is None:
                header, header_row = [c.strip() for c in cells], reader.line_num
                continue
            rows.append((reader.line_num, cells))
    except csv.Error as exc:
        raise DataError(Problem(shown, reader.line_num, None, f"CSV kan niet gelezen worden: {exc}")) from None
    assert header is not None
    return _Sheet(header_row, header, rows)


def _read_xlsx(path: Path) -> _Sheet:
    """The first sheet with a statcode column, read straight from the OOXML.

    Hand-written on zipfile + ElementTree: openpyxl needs minutes for a whole kwb table
    (17,000 rows x 130 columns), this reader converts only the statcode and indicator
    cells. Row numbers are the spreadsheet's own.
    """
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise DataError.at(path, None, None, f"geen geldig Excel-bestand (.xlsx): {exc}") from None
    first: _Sheet | None = None
    try:
        with book:
            strings = _shared_strings(book)
            for member in _sheet_members(book):
                sheet = _read_xlsx_sheet(book, member, strings)
                if sheet is None:
                    continue
                if _find_statcode(sheet.header) is not None:
                    return sheet
                first = first or sheet
    except (KeyError, ValueError, ElementTree.ParseError, zipfile.BadZipFile) as exc:
        raise DataError.at(path, None, None, f"geen geldig Excel-bestand (.xlsx): {exc}") from None
    if first is None:
        raise DataError.at(path, None, None, "het Excel-bestand is leeg")
    return first


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


# SpreadsheetML's namespaces: transitional (what Excel and CBS write) and strict
_SML = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_ROW_TAGS = frozenset({"row", *(f"{{{ns}}}row" for ns in _SML)})
_CELL_TAGS = frozenset({"c", *(f"{{{ns}}}c" for ns in _SML)})


def _sheet_members(book: zipfile.ZipFile) -> list[str]:
    """The worksheets' paths in the zip, in workbook order."""
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    members = []
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        if not target:
            continue
        target = target.lstrip("/") if target.startswith("/") else "xl/" + target
        members.append(os.path.normpath(target).replace(os.sep, "/"))
    return members


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    try:
        handle = book.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    with handle:
        for _, element in ElementTree.iterparse(handle):
            if _local(element.tag) != "si":
                continue
            parts = []
            for child in element:
                name = _local(child.tag)
                if name == "t":
                    parts.append(child.text or "")
                elif name == "r":  # a rich-text run; phonetic runs (rPh) are left out
                    parts.extend(g.text or "" for g in child if _local(g.tag) == "t")
            strings.append("".join(parts))
            element.clear()
    return strings


def _column_index(ref: str, cache: dict[str, int]) -> int:
    letters = ref.rstrip("0123456789")
    index = cache.get(letters)
    if index is None:
        index = 0
        for ch in letters.upper():
            index = index * 26 + ord(ch) - 64
        index -= 1
        cache[letters] = index
    return index


def _cell_value(cell, strings: list[str]):
    kind = cell.get("t", "n")
    value = None
    for child in cell:
        name = _local(child.tag)
        if name == "v":
            value = child.text
        elif name == "is":
            value = "".join(t.text or "" for t in child.iter() if _local(t.tag) == "t")
    if value is None:
        return None
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return value.strip() == "1"
    if kind == "n":
        try:
            return int(value)
        except ValueError:
            return float(value)
    return value  # str, inlineStr, e (an error such as #N/A), d (a date as text)


def _read_xlsx_sheet(book: zipfile.ZipFile, member: str, strings: list[str]) -> _Sheet | None:
    header: list[str] | None = None
    header_row = 0
    needed: set[int] = set()
    rows: list[tuple[int, list]] = []
    cache: dict[str, int] = {}
    number = 0
    with book.open(member) as handle:
        for _, element in ElementTree.iterparse(handle):
            if element.tag not in _ROW_TAGS:
                continue
            number = int(element.get("r") or number + 1)
            cells: dict[int, object] = {}
            position = -1
            for cell in element:
                if cell.tag not in _CELL_TAGS:
                    continue
                ref = cell.get("r")
                position = _column_index(ref, cache) if ref else position + 1
                if header is None or position in needed:
                    cells[position] = _cell_value(cell, strings)
            element.clear()
            if all(_text(v) == "" for v in cells.values()):
                continue
            if header is None:
                width = max(cells) + 1
                header, header_row = [_text(cells.get(i)) for i in range(width)], number
                found = _find_statcode(header)
                if found is None:
                    break
                needed = {found[0]} | {i for i, name in enumerate(header)
                                       if name and any(ind.matches(name) for ind in INDICATORS.values())}
                continue
            row = [None] * len(header)
            for i, value in cells.items():
                row[i] = value
            rows.append((number, row))
    if header is None:
        return None
    return _Sheet(header_row, header, rows)
