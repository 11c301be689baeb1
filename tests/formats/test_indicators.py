"""The CBS Kerncijfers wijken en buurten importer, its storage and the example table.

Every test writes its own input file; expected values are the numbers the test wrote.
"""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from werkboek.demo.indicators import example_table
from werkboek.errors import DataError
from werkboek.formats.kerncijfers import import_kerncijfers
from werkboek.model import indicators
from werkboek.model.catalogue import load_buurten
from werkboek.model.indicators import INDICATORS
from werkboek.store import indicator_files
from werkboek.store.indicator_files import available, latest, load, save

ROOT = Path(__file__).resolve().parents[2]

# the kwb-YYYY column of each indicator, in the order the test files use
KWB = {
    "inwoners": "a_inw",
    "gemiddeld_inkomen_per_inwoner": "g_ink_pi",
    "huishoudens_laag_inkomen_pct": "p_hh_li",
    "bijstand": "a_soz_wb",
    "uitkeringen_ao": "a_soz_ao",
    "uitkeringen_ww": "a_soz_ww",
    "woz_gemiddeld": "g_wozbag",
}
KWB_HEADER = ["gwb_code_10", "gwb_code_8", "regio ", "gm_naam", "recs", *KWB.values()]
KWB_HEADER[-1] += " "  # CBS's 2024 file has trailing spaces in some column names

STATLINE = {
    "inwoners": "AantalInwoners_5",
    "woz_gemiddeld": "GemiddeldeWOZWaardeVanWoningen_39",
    "gemiddeld_inkomen_per_inwoner": "GemiddeldInkomenPerInwoner_78",
    "huishoudens_laag_inkomen_pct": "k_40HuishoudensMetLaagsteInkomen_84",
    "bijstand": "PersonenPerSoortUitkeringBijstand_87",
    "uitkeringen_ao": "PersonenPerSoortUitkeringAO_88",
    "uitkeringen_ww": "PersonenPerSoortUitkeringWW_89",
}


@pytest.fixture(scope="module")
def buurten():
    return load_buurten(ROOT / "data" / "buurten.geojson")[0]


@pytest.fixture(scope="module")
def codes(buurten):
    noord = sorted(code for code, b in buurten.items() if b.heerlen_noord)
    return SimpleNamespace(b1=noord[0], b2=noord[1], b3=noord[-1], wijk=buurten[noord[0]].wijkcode)


def dutch(value) -> str:
    """A number as CBS writes it in a kwb CSV: decimal comma."""
    return str(value).replace(".", ",")


def kwb_row(code: str, regio: str, recs: str, cells: dict[str, str], gm_naam: str = "Heerlen") -> list[str]:
    return [f"{code:<10}", code[2:], regio, gm_naam, recs, *(cells.get(ind, ".") for ind in KWB)]


def write_kwb(path: Path, rows: list[list[str]], header=KWB_HEADER, encoding="cp1252") -> Path:
    text = "\r\n".join(";".join(cells) for cells in [header, *rows]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def sample(codes) -> tuple[list[list[str]], dict[str, dict[str, float]]]:
    """A kwb file's rows (Heerlen among other municipalities) and the values Heerlen's rows hold."""
    numbers = {
        "GM0917": dict(inwoners=87_000, gemiddeld_inkomen_per_inwoner=26.4, huishoudens_laag_inkomen_pct=51.2,
                       bijstand=4_310, uitkeringen_ao=8_120, uitkeringen_ww=1_050, woz_gemiddeld=215),
        codes.wijk: dict(inwoners=3_405, gemiddeld_inkomen_per_inwoner=24.1, huishoudens_laag_inkomen_pct=58.9,
                         bijstand=250, uitkeringen_ao=390, uitkeringen_ww=40, woz_gemiddeld=187),
        codes.b1: dict(inwoners=2_105, gemiddeld_inkomen_per_inwoner=23.7, huishoudens_laag_inkomen_pct=60.3,
                       bijstand=170, uitkeringen_ao=240, uitkeringen_ww=30, woz_gemiddeld=179),
    }
    cells = {code: {ind: dutch(v) for ind, v in values.items()} for code, values in numbers.items()}
    # b2: CBS's missing markers, "nihil" and padding inside cells
    cells[codes.b2] = {"inwoners": "   85", "gemiddeld_inkomen_per_inwoner": ".", "huishoudens_laag_inkomen_pct": "x",
                       "bijstand": "", "uitkeringen_ao": "       .", "uitkeringen_ww": "-", "woz_gemiddeld": " 301 "}
    numbers[codes.b2] = dict(inwoners=85, gemiddeld_inkomen_per_inwoner=math.nan,
                             huishoudens_laag_inkomen_pct=math.nan, bijstand=math.nan, uitkeringen_ao=math.nan,
                             uitkeringen_ww=0, woz_gemiddeld=301)
    rows = [
        kwb_row("NL00", "Nederland", "Land", {"inwoners": "17942942"}, gm_naam="Nederland"),
        kwb_row("GM0917", "Heerlen", "Gemeente", cells["GM0917"]),
        kwb_row(codes.wijk, "Wijk", "Wijk", cells[codes.wijk]),
        kwb_row(codes.b1, "Buurt één", "Buurt", cells[codes.b1]),
        kwb_row(codes.b2, "Buurt twee", "Buurt", cells[codes.b2]),
        # another municipality: dropped without looking at its values
        kwb_row("GM0928", "Kerkrade", "Gemeente", {"inwoners": "geheim", "bijstand": "-12"}, gm_naam="Kerkrade"),
        kwb_row("BU09280000", "Kerkrade \u2013 Centrum, café", "Buurt", {"inwoners": "1,5"}, gm_naam="Kerkrade"),
    ]
    return rows, numbers


def assert_values(table, numbers):
    assert list(table.data.columns) == list(INDICATORS)
    assert set(table.data.index) == set(numbers)
    for code, values in numbers.items():
        for ind, expected in values.items():
            got = table.data.at[code, ind]
            if isinstance(expected, float) and math.isnan(expected):
                assert math.isnan(got), (code, ind, got)
            else:
                assert got == pytest.approx(expected), (code, ind)


# -- reading ------------------------------------------------------------------------------

def test_kwb_csv_cp1252_semicolon_decimal_comma(tmp_path, buurten, codes):
    rows, numbers = sample(codes)
    path = write_kwb(tmp_path / "kwb-2024.csv", rows)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # the file really is cp1252

    table = import_kerncijfers(path, buurten=buurten)

    assert_values(table, numbers)
    assert list(table.data.index) == ["GM0917", codes.wijk, codes.b1, codes.b2]  # file order, codes stripped
    assert table.data.index.name == "statcode"
    assert table.year == 2024 and table.example is False and table.origin == path.name
    assert table.label() == f"{table.source}, 2024"
    assert "Voorbeeld" not in table.label()
    assert table.population(codes.b1) == numbers[codes.b1]["inwoners"]
    assert table.population(f" {codes.b2} ") == numbers[codes.b2]["inwoners"]
    assert list(table.level("buurt").index) == [codes.b1, codes.b2]
    with pytest.raises(KeyError):
        table.population("BU09280000")


def test_national_row_is_kept_as_the_reference_not_as_an_area(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    set_cell(rows, 0, "woz_gemiddeld", "360")
    set_cell(rows, 0, "huishoudens_laag_inkomen_pct", "40,0")
    table = import_kerncijfers(write_kwb(tmp_path / "kwb-2024.csv", rows), buurten=buurten)

    assert "NL00" not in table.data.index
    assert table.nederland is not None
    assert table.nederland["inwoners"] == 17942942
    assert table.nederland["woz_gemiddeld"] == 360
    assert table.nederland["huishoudens_laag_inkomen_pct"] == pytest.approx(40.0)
    assert math.isnan(table.nederland["bijstand"])  # "." stays missing
    # the national row is checked like any other
    set_cell(rows, 0, "bijstand", "-5")
    with pytest.raises(DataError) as caught:
        import_kerncijfers(write_kwb(tmp_path / "kwb-2024.csv", rows), buurten=buurten)
    assert "rij 2, veld 'a_soz_wb'" in str(caught.value)
    # two national rows: which one is meant?
    rows, _ = sample(codes)
    rows.append(list(rows[0]))
    with pytest.raises(DataError) as caught:
        import_kerncijfers(write_kwb(tmp_path / "kwb-2024.csv", rows), buurten=buurten)
    assert "landelijke rij" in str(caught.value)


def test_a_file_without_national_row_has_no_reference(tmp_path, buurten, codes):
    path = write_kwb(tmp_path / "kwb-2023.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "10"})])
    assert import_kerncijfers(path, buurten=buurten).nederland is None
    with pytest.raises(ValueError):
        indicators.IndicatorTable(2023, "x", pd.DataFrame([[1.0] * len(INDICATORS)], columns=list(INDICATORS),
                                                          index=pd.Index(["NL00"], name="statcode")))


def test_cp1252_text_is_decoded_as_cp1252(tmp_path, buurten, codes):
    """A cell quoted in a message keeps its cp1252 characters (here an en dash, byte 0x96)."""
    rows, _ = sample(codes)
    set_cell(rows, 3, "inwoners", "2100\u20132110")
    path = write_kwb(tmp_path / "kwb-2024.csv", rows)
    assert b"\x96" in path.read_bytes()
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert "'2100\u20132110'" in str(caught.value)


def test_missing_population_is_none(tmp_path, buurten, codes):
    path = write_kwb(tmp_path / "kwb-2023.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "."})])
    assert import_kerncijfers(path, buurten=buurten).population(codes.b1) is None


def test_absent_indicator_columns_are_missing_values(tmp_path, buurten, codes):
    path = tmp_path / "kwb-2024.csv"
    path.write_text(f"gwb_code_10;a_inw\n{codes.b1};1230\n", encoding="utf-8")
    table = import_kerncijfers(path, buurten=buurten)
    assert table.population(codes.b1) == 1230
    assert table.data.drop(columns="inwoners").isna().all(axis=None)


def test_older_kwb_names_gwb_code_and_g_woz(tmp_path, buurten, codes):
    path = tmp_path / "kwb-2018.csv"
    path.write_text(f"gwb_code;regio;g_woz;A_INW\n{codes.b1};B;164;1005\n", encoding="utf-8")
    table = import_kerncijfers(path, buurten=buurten)
    assert table.data.at[codes.b1, "woz_gemiddeld"] == 164
    assert table.population(codes.b1) == 1005


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("names_in_wijkenenbuurten", [False, True])
def test_statline_export(tmp_path, buurten, codes, delimiter, names_in_wijkenenbuurten):
    values = {
        codes.b1: dict(inwoners=2105, woz_gemiddeld=179, gemiddeld_inkomen_per_inwoner=23.7,
                       huishoudens_laag_inkomen_pct=60.3, bijstand=170, uitkeringen_ao=240, uitkeringen_ww=30),
        codes.b3: dict(inwoners=640, woz_gemiddeld=201, gemiddeld_inkomen_per_inwoner=math.nan,
                       huishoudens_laag_inkomen_pct=math.nan, bijstand=20, uitkeringen_ao=50, uitkeringen_ww=10),
    }
    aow = {codes.b1: 515, codes.b3: 175}  # must not be taken for AO
    header = ["ID", "WijkenEnBuurten", "Gemeentenaam_1", "SoortRegio_2", "Codering_3",
              "IndelingswijzigingWijkenEnBuurten_4", *STATLINE.values(), "PersonenPerSoortUitkeringAOW_90"]
    path = tmp_path / "85984NED_TypedDataSet_16102024.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerow([0, "NL01" if not names_in_wijkenenbuurten else "Nederland", "Nederland", "Land",
                         "NL01      ", ".", "17942942", *["."] * 6, "."])
        for n, (code, vals) in enumerate(values.items(), start=1):
            name = f"Buurt {n}" if names_in_wijkenenbuurten else f"{code}  "
            cells = ["." if isinstance(v, float) and math.isnan(v) else str(v)
                     for v in (vals[ind] for ind in STATLINE)]
            writer.writerow([n, name, "Heerlen  ", "Buurt     ", f"{code}  ", "1", *cells, aow[code]])

    table = import_kerncijfers(path, buurten=buurten)

    assert table.year == 2024  # 85984NED is "Kerncijfers wijken en buurten 2024"
    assert "85984NED" in table.source
    assert_values(table, values)
    assert table.nederland["inwoners"] == 17942942  # StatLine's NL01


def write_xlsx(path: Path, rows: list[list], writer: str) -> Path:
    """An .xlsx with the kwb header and ``rows`` (an empty list leaves an empty row)."""
    all_rows = [[h.strip() for h in KWB_HEADER], *rows]
    if writer == "shared-strings":
        return write_xlsx_shared_strings(path, all_rows)
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook(write_only=writer == "openpyxl-write-only")
    if writer == "openpyxl-write-only":  # a first sheet without the table, as some downloads have
        book.create_sheet("Toelichting").append(["Kerncijfers wijken en buurten"])
        sheet = book.create_sheet("kwb")
    else:
        sheet = book.active
    for cells in all_rows:
        sheet.append(cells)
    book.save(path)
    return path


def write_xlsx_shared_strings(path: Path, rows: list[list]) -> Path:
    """A minimal workbook as Excel writes it: strings in xl/sharedStrings.xml (openpyxl inlines them)."""
    import zipfile
    from xml.sax.saxutils import escape

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    strings: list[str] = []
    xml_rows = []
    for number, cells in enumerate(rows, start=1):
        if not cells:
            continue  # Excel writes no element for an empty row
        xml_cells = []
        for col, value in enumerate(cells):
            ref = f"{chr(65 + col // 26 - 1) if col >= 26 else ''}{chr(65 + col % 26)}{number}"
            if value is None:
                continue
            if isinstance(value, str):
                strings.append(value)
                xml_cells.append(f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>')
            else:
                xml_cells.append(f'<c r="{ref}"><v>{value}</v></c>')
        xml_rows.append(f'<row r="{number}">{"".join(xml_cells)}</row>')
    # the first string as rich text, split over two runs
    first, *rest = strings
    si = [f'<si><r><t>{escape(first[:3])}</t></r><r><rPr><b/></rPr><t>{escape(first[3:])}</t></r></si>']
    si += [f'<si><t xml:space="preserve">{escape(v)}</t></si>' for v in rest]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
                                      f'<sheet name="kwb" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
                   '</Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{"".join(xml_rows)}'
                                               '</sheetData></worksheet>')
        z.writestr("xl/sharedStrings.xml", f'<sst xmlns="{main}" count="{len(strings)}">{"".join(si)}</sst>')
    return path


@pytest.mark.parametrize("writer", ["openpyxl", "openpyxl-write-only", "shared-strings"])
def test_xlsx(tmp_path, buurten, codes, writer):
    rows = [
        ["NL00      ", "", "Nederland", "Nederland", "Land", 17942942, 33.1, 40.0, 405560, 785330, 158400, 360],
        [codes.b1, "", "B", "Heerlen", "Buurt", 2105, 23.7, "       .", 170, 240, 30, 179],
        [],
        [f"{codes.b2}  ", "", "B", "Heerlen", "Buurt", "   85", "x", 61.5, None, "0", "-", " 301"],
    ]
    path = write_xlsx(tmp_path / "kwb-2024.xlsx", rows, writer)

    table = import_kerncijfers(path, buurten=buurten)

    assert_values(table, {
        codes.b1: dict(inwoners=2105, gemiddeld_inkomen_per_inwoner=23.7, huishoudens_laag_inkomen_pct=math.nan,
                       bijstand=170, uitkeringen_ao=240, uitkeringen_ww=30, woz_gemiddeld=179),
        codes.b2: dict(inwoners=85, gemiddeld_inkomen_per_inwoner=math.nan, huishoudens_laag_inkomen_pct=61.5,
                       bijstand=math.nan, uitkeringen_ao=0, uitkeringen_ww=0, woz_gemiddeld=301),
    })

    # errors name the spreadsheet's own row number (header = row 1, the empty row counts)
    rows += [[], [codes.b3, "", "B", "Heerlen", "Buurt", -20, 1, 1, 1, 1, 1, 1]]
    write_xlsx(path, rows, writer)
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert f"rij {len(rows) + 1}, veld 'a_inw'" in str(caught.value)


def test_xlsx_under_a_csv_name(tmp_path, buurten, codes):
    path = write_xlsx(tmp_path / "kwb-2024.csv", [[codes.b1, "", "B", "Heerlen", "Buurt", 2105]], "openpyxl")
    assert import_kerncijfers(path, buurten=buurten).population(codes.b1) == 2105


def test_default_buurten_come_from_the_data_directory(tmp_path, codes):
    path = write_kwb(tmp_path / "kwb-2024.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "100"})])
    assert import_kerncijfers(path).population(codes.b1) == 100


# -- the year -----------------------------------------------------------------------------

def test_year_from_argument(tmp_path, buurten, codes):
    path = write_kwb(tmp_path / "kerncijfers.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "10"})])
    table = import_kerncijfers(path, year=2022, source="CBS kwb", buurten=buurten)
    assert table.year == 2022 and table.label() == "CBS kwb, 2022"


def test_year_unknown(tmp_path, buurten, codes):
    path = write_kwb(tmp_path / "kerncijfers.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "10"})])
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert path.name in str(caught.value) and "jaar" in str(caught.value)


def test_year_argument_contradicting_file_name(tmp_path, buurten, codes):
    path = write_kwb(tmp_path / "kwb-2023.csv", [kwb_row(codes.b1, "B", "Buurt", {"inwoners": "10"})])
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, year=2024, buurten=buurten)
    assert "2023" in str(caught.value) and "2024" in str(caught.value)


# -- bad input ----------------------------------------------------------------------------

def set_cell(rows, row_index, indicator, value):
    rows[row_index][len(KWB_HEADER) - len(KWB) + list(KWB).index(indicator)] = value


def _bad_value(ind, value):
    def mutate(rows, codes):
        set_cell(rows, 3, ind, value)  # the row of buurt b1, line 5
        return 3, KWB[ind]
    return mutate


def _unknown_code(rows, codes):
    rows[3][0] = "BU09179999"
    return 3, "gwb_code_10"


def _duplicate(rows, codes):
    rows[4][0] = f"  {codes.b1}"  # padded differently, same code as row 3
    return 4, "gwb_code_10"


BAD = {
    "not a number": _bad_value("gemiddeld_inkomen_per_inwoner", "24,3a"),
    "negative count": _bad_value("bijstand", "-10"),
    "fractional count": _bad_value("inwoners", "2105,5"),
    "negative average": _bad_value("woz_gemiddeld", "-179"),
    "percentage over 100": _bad_value("huishoudens_laag_inkomen_pct", "160,3"),
    "unknown code": _unknown_code,
    "duplicate code": _duplicate,
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_value_names_file_line_and_column(tmp_path, buurten, codes, kind):
    rows, _ = sample(codes)
    row_index, column = BAD[kind](rows, codes)
    path = write_kwb(tmp_path / "kwb-2024.csv", rows)

    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)

    line = row_index + 2  # the header is line 1
    assert len(caught.value.problems) == 1
    problem = caught.value.problems[0]
    assert (Path(problem.file).name, problem.row, problem.field) == (path.name, line, column)
    assert path.name in str(caught.value) and f"rij {line}" in str(caught.value) and f"'{column}'" in str(caught.value)


def test_all_problems_reported_together(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    set_cell(rows, 2, "bijstand", "-10")
    set_cell(rows, 3, "huishoudens_laag_inkomen_pct", "veel")
    set_cell(rows, 3, "uitkeringen_ww", "12,5")
    path = write_kwb(tmp_path / "kwb-2024.csv", rows)
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    where = {(p.row, p.field) for p in caught.value.problems}
    assert where == {(4, "a_soz_wb"), (5, "p_hh_li"), (5, "a_soz_ww")}


def test_truncated_heerlen_row(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    rows[3] = rows[3][:7]  # the line of b1 stops after two indicators
    path = write_kwb(tmp_path / "kwb-2024.csv", rows)
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert [(p.row, p.field) for p in caught.value.problems] == [(5, None)]


def test_missing_statcode_column(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    header = ["code", *KWB_HEADER[1:]]
    path = write_kwb(tmp_path / "kwb-2024.csv", rows, header=header)
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    message = str(caught.value)
    assert path.name in message and "rij 1" in message and "'gwb_code_10'" in message


def test_no_heerlen_rows(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    others = [r for r in rows if not r[0].strip().startswith(("GM0917", "WK0917", "BU0917"))]
    assert others and len(others) < len(rows)
    path = write_kwb(tmp_path / "kwb-2024.csv", others)
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    message = str(caught.value)
    assert path.name in message and "rij 1" in message and "'gwb_code_10'" in message and "Heerlen" in message


def test_no_indicator_columns(tmp_path, buurten, codes):
    path = tmp_path / "kwb-2024.csv"
    path.write_text(f"gwb_code_10;regio\n{codes.b1};B\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert path.name in str(caught.value) and "rij 1" in str(caught.value)


def test_two_columns_for_one_indicator(tmp_path, buurten, codes):
    path = tmp_path / "kwb-2024.csv"
    path.write_text(f"gwb_code_10;g_woz;g_wozbag\n{codes.b1};180;181\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        import_kerncijfers(path, buurten=buurten)
    assert "rij 1, veld 'g_wozbag'" in str(caught.value)


def test_missing_file(tmp_path, buurten):
    with pytest.raises(DataError) as caught:
        import_kerncijfers(tmp_path / "kwb-2024.csv", buurten=buurten)
    assert "kwb-2024.csv" in str(caught.value)


# -- storage ------------------------------------------------------------------------------

def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())} if directory.exists() else {}


@pytest.fixture
def imported(tmp_path, buurten, codes):
    rows, _ = sample(codes)
    return import_kerncijfers(write_kwb(tmp_path / "kwb-2024.csv", rows), buurten=buurten)


def test_save_and_load_round_trip(tmp_path, imported):
    store = tmp_path / "indicators"
    written = save(imported, store)
    assert written == store / "kerncijfers-2024.csv" and (store / "kerncijfers-2024.json").is_file()

    back = load(store)

    pd.testing.assert_frame_equal(back.data, imported.data, check_exact=True)
    pd.testing.assert_series_equal(back.nederland, imported.nederland, check_exact=True)
    assert (back.year, back.source, back.example, back.origin) == (
        imported.year, imported.source, imported.example, imported.origin)
    assert back.label() == imported.label()
    assert latest(store) == imported.year


def test_latest_and_available(tmp_path, imported):
    store = tmp_path / "indicators"
    assert latest(store) is None and available(store) == []
    older = indicators.IndicatorTable(imported.year - 1, imported.source, imported.data * 2)
    save(older, store)
    save(imported, store)
    assert available(store) == [imported.year - 1, imported.year]
    assert latest(store) == imported.year
    assert load(store).year == imported.year
    pd.testing.assert_frame_equal(load(store, imported.year - 1).data, imported.data * 2)


def test_load_without_anything_saved(tmp_path):
    with pytest.raises(DataError):
        load(tmp_path / "indicators")


def test_default_directory_is_under_werkboek_home(tmp_path, monkeypatch, imported):
    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path / "home"))
    save(imported)
    assert (tmp_path / "home" / "indicators" / f"kerncijfers-{imported.year}.csv").is_file()
    assert latest() == imported.year


def test_failed_import_leaves_the_store_unchanged(tmp_path, buurten, codes, imported):
    store = tmp_path / "indicators"
    save(imported, store)
    before = snapshot(store)
    rows, _ = sample(codes)
    set_cell(rows, 3, "bijstand", "-10")
    (tmp_path / "bad").mkdir()
    bad = write_kwb(tmp_path / "bad" / "kwb-2024.csv", rows)

    with pytest.raises(DataError):
        save(import_kerncijfers(bad, buurten=buurten), store)  # what the CLI does

    assert snapshot(store) == before


@pytest.mark.parametrize("failing", ["write", "sidecar"])
def test_failed_save_leaves_the_store_unchanged(tmp_path, monkeypatch, imported, failing):
    store = tmp_path / "indicators"
    save(indicators.IndicatorTable(imported.year, "eerder", imported.data * 3), store)
    before = snapshot(store)

    if failing == "write":
        def broken_fsync(fd):
            raise OSError("disk full")
        monkeypatch.setattr(indicator_files.os, "fsync", broken_fsync)
    else:
        real_replace = os.replace

        def broken_replace(src, dst):
            if str(dst).endswith(".json"):
                raise OSError("disk full")
            return real_replace(src, dst)
        monkeypatch.setattr(indicator_files.os, "replace", broken_replace)

    with pytest.raises(OSError):
        save(imported, store)
    monkeypatch.undo()

    assert snapshot(store) == before
    assert load(store).source == "eerder"


def test_failed_first_save_leaves_no_files(tmp_path, monkeypatch, imported):
    store = tmp_path / "indicators"
    store.mkdir()
    real_replace = os.replace

    def broken_replace(src, dst):
        if str(dst).endswith(".json"):
            raise OSError("disk full")
        return real_replace(src, dst)
    monkeypatch.setattr(indicator_files.os, "replace", broken_replace)
    with pytest.raises(OSError):
        save(imported, store)
    assert snapshot(store) == {}


def test_load_refuses_a_csv_that_does_not_match_its_sidecar(tmp_path, imported):
    store = tmp_path / "indicators"
    path = save(imported, store)
    path.write_text(path.read_text(encoding="utf-8").replace(",170,", ",171,"), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load(store)
    assert path.name in str(caught.value)


# -- example table ------------------------------------------------------------------------

def test_example_table(buurten):
    table = example_table(buurten)
    noord = sorted(code for code, b in buurten.items() if b.heerlen_noord)

    assert table.example is True
    assert table.label() == "Voorbeeldgegevens — geen echte cijfers"
    assert list(table.data.index) == noord
    assert list(table.data.columns) == list(INDICATORS)
    data = table.data
    counts = data[["inwoners", "bijstand", "uitkeringen_ao", "uitkeringen_ww"]]
    assert (counts >= 0).all(axis=None) and (counts % 1 == 0).all(axis=None)
    assert (data["bijstand"] + data["uitkeringen_ao"] + data["uitkeringen_ww"] <= data["inwoners"]).all()
    assert data["huishoudens_laag_inkomen_pct"].dropna().between(0, 100).all()
    assert (data["inwoners"] > 0).all()

    pd.testing.assert_frame_equal(example_table(buurten).data, data)  # deterministic
    assert not example_table(buurten, seed=1).data.equals(data)


def test_example_table_from_a_catalogue_like_object(buurten):
    catalogue = SimpleNamespace(buurten=buurten)
    pd.testing.assert_frame_equal(example_table(catalogue).data, example_table(buurten).data)


def test_example_table_saves_with_its_label_but_never_over_real_figures(tmp_path, buurten, imported):
    demo = example_table(buurten, year=imported.year)
    store = tmp_path / "demo"
    save(demo, store)
    back = load(store)
    assert back.example is True and back.label() == demo.label()

    real = tmp_path / "real"
    save(imported, real)
    before = snapshot(real)
    with pytest.raises(DataError):
        save(demo, real)
    assert snapshot(real) == before
