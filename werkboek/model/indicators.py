"""Indicators per buurt from the CBS table "Kerncijfers wijken en buurten" (KWB).

No real indicator figures ship with the workbook (see ``SOURCES.md``, section 3): an
analyst downloads the table and imports it here; :func:`example_table` gives clearly
labelled invented figures for demonstrations.

Two layouts of the same CBS table are read, keyed on the CBS statcode (``BU0917....``
buurt, ``WK0917..`` wijk, ``GM0917`` gemeente Heerlen):

``kwb-YYYY`` download (CSV or XLSX)
    short column names: ``gwb_code_10`` (or ``gwb_code``) with the statcode, ``regio``,
    ``gm_naam``, ``recs``, ``a_inw``, ``g_ink_pi``, ``p_hh_li``, ``a_soz_wb``, ``a_soz_ao``,
    ``a_soz_ww``, ``g_wozbag`` (``g_woz`` in older years). The CSV is usually ``;``-separated,
    cp1252-encoded, with decimal commas.
StatLine export (e.g. 85984NED for 2024, the "onbewerkte dataset")
    keys such as ``Codering_3`` / ``WijkenEnBuurten`` (statcode), ``AantalInwoners_5``,
    ``GemiddeldInkomenPerInwoner_78``. The number after the last ``_`` differs between
    yearly tables, so any number is accepted (``AantalInwoners_<n>``).

CBS conventions: ``.`` = gegevens ontbreken, ``x`` = geheim, an empty cell = kan niet
voorkomen (all three become NaN); ``-`` = nihil (0). Codes are padded with spaces.

The year of a table is the edition of the KWB table ("kerncijfers 2024"); CBS fills some
themes (income, uitkeringen) later or with figures of an earlier reference year, see the
table's own explanation.

Only analysts' kernels import this module, so it uses pandas; the resident kernel does not.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import random
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from werkboek import settings as config
from werkboek.errors import DataError, Problem, _display
from werkboek.model.catalogue import Buurt, load_buurten

GEMEENTE = "GM0917"
_PREFIXES = ("BU0917", "WK0917", GEMEENTE)
EXAMPLE_LABEL = "Voorbeeldgegevens — geen echte cijfers"
DEFAULT_SOURCE = "CBS Kerncijfers wijken en buurten"

# Kinds of indicator, which decide the checks on a value.
AANTAL = "aantal"  # a count of people: whole, not negative
GEMIDDELDE = "gemiddelde"  # an average amount: not negative
PERCENTAGE = "percentage"  # 0 to 100


@dataclass(frozen=True)
class Indicator:
    """One indicator and the columns of the CBS table it is read from."""

    id: str
    label: str  # Dutch, as on a map legend (CBS wording)
    unit: str
    kind: str  # AANTAL, GEMIDDELDE or PERCENTAGE
    kwb: tuple[str, ...]  # column names in the kwb-YYYY download (case-insensitive)
    statline: tuple[str, ...]  # StatLine keys without their "_<n>" suffix

    @property
    def columns(self) -> tuple[str, ...]:
        """The accepted source column names, for messages and documentation."""
        return self.kwb + tuple(f"{key}_<n>" for key in self.statline)

    def matches(self, column: str) -> bool:
        return _matches(column, self.kwb, self.statline)


INDICATORS: dict[str, Indicator] = {
    ind.id: ind
    for ind in (
        Indicator("inwoners", "Aantal inwoners", "aantal", AANTAL, ("a_inw",), ("AantalInwoners",)),
        Indicator(
            "gemiddeld_inkomen_per_inwoner", "Gemiddeld inkomen per inwoner", "x 1.000 euro", GEMIDDELDE,
            ("g_ink_pi",), ("GemiddeldInkomenPerInwoner",),
        ),
        # CBS: "40% huishoudens met laagste inkomen": the share of households whose income is
        # in the lowest 40% of the Netherlands (not "huishoudens met een laag inkomen", p_hh_lkk,
        # which CBS dropped after the 2023 table).
        Indicator(
            "huishoudens_laag_inkomen_pct", "Huishoudens met laagste inkomen (landelijke 40%)", "%", PERCENTAGE,
            ("p_hh_li",), ("k_40HuishoudensMetLaagsteInkomen",),
        ),
        Indicator(
            "bijstand", "Personen met een bijstandsuitkering", "aantal", AANTAL,
            ("a_soz_wb",), ("PersonenPerSoortUitkeringBijstand",),
        ),
        Indicator(
            "uitkeringen_ao", "Personen met een arbeidsongeschiktheidsuitkering (AO)", "aantal", AANTAL,
            ("a_soz_ao",), ("PersonenPerSoortUitkeringAO",),
        ),
        Indicator(
            "uitkeringen_ww", "Personen met een WW-uitkering", "aantal", AANTAL,
            ("a_soz_ww",), ("PersonenPerSoortUitkeringWW",),
        ),
        Indicator(
            "woz_gemiddeld", "Gemiddelde WOZ-waarde van woningen", "x 1.000 euro", GEMIDDELDE,
            ("g_wozbag", "g_woz"), ("GemiddeldeWOZWaardeVanWoningen", "GemiddeldeWoningwaarde"),
        ),
    )
}

# Columns holding the statcode, in order of preference. StatLine's "Codering_<n>" always
# holds the code; "WijkenEnBuurten" holds it in the onbewerkte dataset but a name in an
# export with labels, so Codering comes first.
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
_STORED = re.compile(r"^kerncijfers-(\d{4})\.json$")


def _matches(column: str, kwb: Iterable[str], statline: Iterable[str]) -> bool:
    name = column.strip()
    lowered = name.lower()
    if any(lowered == k.lower() for k in kwb):
        return True
    return any(re.fullmatch(rf"{re.escape(key)}(?:_\d+)?", name, re.IGNORECASE) for key in statline)


# -- the table ----------------------------------------------------------------------------

@dataclass(eq=False)
class IndicatorTable:
    """Indicators per statcode (buurt, wijk, gemeente) for one edition of the KWB table.

    ``data`` is indexed by statcode (named ``statcode``) with one float column per entry of
    :data:`INDICATORS`, in that order; NaN where CBS gives no figure.
    """

    year: int
    source: str
    data: pd.DataFrame
    example: bool = False
    origin: str = ""  # name of the file the figures were imported from

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year moet een geheel getal zijn, niet {self.year!r}")
        if list(self.data.columns) != list(INDICATORS):
            raise ValueError(f"kolommen moeten {list(INDICATORS)} zijn, niet {list(self.data.columns)}")
        if not self.data.index.is_unique:
            raise ValueError("een statcode staat meer dan eens in de tabel")

    def label(self) -> str:
        """The text a map or chart must show with these figures: "<source>, <year>" (just the
        source when it already names the year), or the example warning."""
        if self.example:
            return EXAMPLE_LABEL
        if str(self.year) in self.source:
            return self.source
        return f"{self.source}, {self.year}"

    def population(self, statcode: str) -> int | None:
        """Number of inhabitants, or None when CBS gives no figure; KeyError for an unknown code."""
        code = statcode.strip()
        if code not in self.data.index:
            raise KeyError(f"{code} staat niet in de tabel {self.label()}")
        value = self.data.at[code, "inwoners"]
        return None if pd.isna(value) else int(value)

    def level(self, level: str) -> pd.DataFrame:
        """The rows of one level: ``"buurt"``, ``"wijk"`` or ``"gemeente"``."""
        prefix = {"buurt": "BU", "wijk": "WK", "gemeente": "GM"}[level]
        return self.data[self.data.index.str.startswith(prefix)]


# -- import -------------------------------------------------------------------------------

@dataclass
class _Sheet:
    header_row: int
    header: list[str]
    rows: list[tuple[int, list]]  # (line or row number in the file, cells)


def import_kerncijfers(
    path: Path | str,
    year: int | str | None = None,
    source: str | None = None,
    *,
    buurten: Mapping[str, Buurt] | Iterable[str] | None = None,
) -> IndicatorTable:
    """Read a KWB table (kwb-YYYY CSV/XLSX or a StatLine CSV export) and keep Heerlen's rows.

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
    for line, cells in sheet.rows:
        if len(cells) > width and any(_text(c) for c in cells[width:]):
            problems.append(Problem(shown, line, None, f"{len(cells)} velden, maar de kopregel heeft er {width}"))
            continue
        short = len(cells) < width
        cells = list(cells) + [None] * (width - len(cells))
        code = _text(cells[code_index])
        if not code.upper().startswith(_PREFIXES):
            continue  # another municipality, or Nederland
        heerlen_rows += 1
        if short:
            problems.append(Problem(shown, line, None, f"te weinig velden: de kopregel heeft er {width}"))
            continue
        ok = True
        if code not in known:
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
        if ok:
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
    return IndicatorTable(year=year, source=source, data=frame, example=False, origin=path.name)


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


def _text(cell) -> str:
    if cell is None:
        return ""
    return str(cell).strip()


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


# -- storage ------------------------------------------------------------------------------

def default_dir() -> Path:
    """Where imported tables are kept: ``<WERKBOEK_HOME>/indicators``."""
    return config.home_dir() / "indicators"


def _paths(directory: Path, year: int) -> tuple[Path, Path]:
    return directory / f"kerncijfers-{year}.csv", directory / f"kerncijfers-{year}.json"


def save(table: IndicatorTable, directory: Path | str | None = None) -> Path:
    """Store ``table`` as ``kerncijfers-<year>.csv`` plus a JSON sidecar; returns the CSV path.

    Both files are written to temporary files first and then moved into place, so a failure
    leaves the directory as it was; the sidecar holds the CSV's SHA-256, so :func:`load`
    notices a pair that does not belong together. An example table never replaces real figures.
    """
    directory = Path(directory) if directory is not None else default_dir()
    csv_path, meta_path = _paths(directory, table.year)
    if table.example and meta_path.exists():
        try:
            existing = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            existing = {}
        if existing.get("example") is not True:
            raise DataError.at(meta_path, None, "example",
                               "hier staan echte kerncijfers; voorbeeldgegevens overschrijven die niet")

    out = io.StringIO(newline="")
    out.write(f"# Kerncijfers {table.year}; bron, jaar en controlegetal staan in {meta_path.name}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["statcode", *INDICATORS])
    for code, row in zip(table.data.index, table.data.itertuples(index=False)):
        writer.writerow([code, *(_format(v) for v in row)])
    csv_bytes = out.getvalue().encode("utf-8")
    meta = {
        "year": table.year,
        "source": table.source,
        "example": table.example,
        "label": table.label(),
        "origin": table.origin,
        "csv": csv_path.name,
        "sha256": hashlib.sha256(csv_bytes).hexdigest(),
        "rows": len(table.data),
        "indicators": {ind.id: {"label": ind.label, "unit": ind.unit} for ind in INDICATORS.values()},
    }
    meta_bytes = (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    directory.mkdir(parents=True, exist_ok=True)
    temps: list[str] = []
    try:
        for data in (csv_bytes, meta_bytes, csv_path.read_bytes() if csv_path.exists() else None):
            if data is None:
                break
            fd, name = tempfile.mkstemp(dir=directory, prefix=".kerncijfers-", suffix=".tmp")
            temps.append(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(temps[0], csv_path)
        try:
            os.replace(temps[1], meta_path)  # last: a table counts as saved once its sidecar is there
        except BaseException:
            # put the previous CSV back (temps[2]), or remove the new one; should even this
            # fail, load() still refuses the pair because the checksum does not match
            if len(temps) > 2:
                os.replace(temps[2], csv_path)
            else:
                os.unlink(csv_path)
            raise
        _fsync_dir(directory)
    finally:
        for name in temps:
            if os.path.exists(name):
                os.unlink(name)
    return csv_path


def _format(value) -> str:
    value = float(value)
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def available(directory: Path | str | None = None) -> list[int]:
    """The years stored in ``directory``, oldest first."""
    directory = Path(directory) if directory is not None else default_dir()
    if not directory.is_dir():
        return []
    years = []
    for entry in directory.iterdir():
        match = _STORED.match(entry.name)
        if match and (directory / f"kerncijfers-{match.group(1)}.csv").is_file():
            years.append(int(match.group(1)))
    return sorted(years)


def latest(directory: Path | str | None = None) -> int | None:
    """The newest stored year, or None when nothing has been imported."""
    years = available(directory)
    return years[-1] if years else None


def load(directory: Path | str | None = None, year: int | None = None) -> IndicatorTable:
    """Load a stored table (the newest when ``year`` is None); DataError when absent or damaged."""
    directory = Path(directory) if directory is not None else default_dir()
    if year is None:
        year = latest(directory)
        if year is None:
            raise DataError.at(directory, None, None,
                               "nog geen kerncijfers ingelezen; importeer eerst een kwb-bestand van CBS")
    csv_path, meta_path = _paths(directory, year)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = csv_path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError.at(exc.filename or meta_path, None, None, f"kerncijfers {year} niet gevonden") from None
    except json.JSONDecodeError as exc:
        raise DataError.at(meta_path, exc.lineno, None, f"geen geldige JSON: {exc.msg}") from None
    problems: list[Problem] = []
    shown_meta, shown_csv = _display(meta_path), _display(csv_path)
    for key, kind in (("year", int), ("source", str), ("example", bool), ("sha256", str)):
        if not isinstance(meta.get(key), kind) or (kind is int and isinstance(meta.get(key), bool)):
            problems.append(Problem(shown_meta, None, key, f"ontbreekt of is geen {kind.__name__}"))
    if not problems and meta["year"] != year:
        problems.append(Problem(shown_meta, None, "year", f"zegt {meta['year']}, maar het bestand is van {year}"))
    if not problems and hashlib.sha256(data).hexdigest() != meta["sha256"]:
        problems.append(Problem(shown_csv, None, None,
                                f"past niet bij {meta_path.name} (gewijzigd of half opgeslagen); importeer opnieuw"))
    if problems:
        raise DataError(problems)

    from werkboek.formats.tabular import read_csv

    rows = read_csv(csv_path, ["statcode"], optional=tuple(INDICATORS))
    codes: list[str] = []
    records: list[list[float]] = []
    seen: set[str] = set()
    for row in rows:
        code = row.cells["statcode"]
        if code in seen:
            problems.append(row.problem("statcode", f"'{code}' staat er twee keer in"))
            continue
        seen.add(code)
        values = []
        for key in INDICATORS:
            raw = row.cells.get(key, "")
            try:
                values.append(float(raw) if raw else math.nan)
            except ValueError:
                problems.append(row.problem(key, f"'{raw}' is geen getal"))
                values.append(math.nan)
        codes.append(code)
        records.append(values)
    if problems:
        raise DataError(problems)
    frame = pd.DataFrame(records, index=pd.Index(codes, name="statcode"), columns=list(INDICATORS), dtype=float)
    return IndicatorTable(year=meta["year"], source=meta["source"], data=frame, example=meta["example"],
                          origin=str(meta.get("origin", "")))


# -- example ------------------------------------------------------------------------------

def example_table(catalogue, year: int = 2024, seed: int = 917) -> IndicatorTable:
    """Invented but plausible figures for the buurten of Heerlen-Noord, for demonstrations.

    ``catalogue``: a :class:`~werkboek.model.catalogue.Catalogue` or its ``buurten`` dict.
    Deterministic for a given ``seed``. Inhabitants add up to about 56,000 (the order of
    magnitude published for Heerlen-Noord); counts are rounded to tens like CBS does, and
    income figures are left out (NaN) for buurten under 200 inhabitants, as CBS does. The
    table's :meth:`~IndicatorTable.label` says these are not real figures.
    """
    buurten = catalogue.buurten if hasattr(catalogue, "buurten") else catalogue
    codes = sorted(code for code, b in buurten.items() if b.heerlen_noord)
    if not codes:
        raise ValueError("geen buurten van Heerlen-Noord in de catalogus")
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0.0, 0.6) for _ in codes]
    scale = 56_000 / sum(weights)
    records = []
    for code, weight in zip(codes, weights):
        inwoners = max(50, round(weight * scale / 5) * 5)
        need = rng.random()  # 0 = well off, 1 = much need: drives all figures of the buurt
        inkomen = round(28.0 - 7.0 * need + rng.uniform(-1.0, 1.0), 1)
        laag = round(min(95.0, 42.0 + 25.0 * need + rng.uniform(-3.0, 3.0)), 1)
        if inwoners < 200:
            inkomen = laag = math.nan
        bijstand = round(inwoners * (0.02 + 0.07 * need) / 10) * 10
        ao = round(inwoners * (0.06 + 0.06 * need) / 10) * 10
        ww = round(inwoners * (0.008 + 0.012 * rng.random()) / 10) * 10
        woz = float(round(265 - 105 * need + rng.uniform(-15, 15)))
        records.append([inwoners, inkomen, laag, bijstand, ao, ww, woz])
    frame = pd.DataFrame(records, index=pd.Index(codes, name="statcode"), columns=list(INDICATORS), dtype=float)
    return IndicatorTable(year=year, source="Voorbeeldgegevens (verzonnen)", data=frame, example=True)
