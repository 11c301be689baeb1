"""Exports: CSV and Excel hold exactly the current ballots, agree with the results, are formula-safe
whatever separator reads them, and (unless exact) round times and places and hide small groups."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections import Counter, defaultdict

import pytest
from openpyxl import load_workbook

from support.workshop_data import AT_SUM, HYPERLINK, MINUS, PIN_TEXT, PLUS, SCRIPT, buurt_with_inner_point, seed
from werkboek.dutch import local_time
from werkboek.model.ballot import BallotSubmission
from werkboek.model.privacy import OTHER, floor_quarter
from werkboek.model.results import tally
from werkboek.outputs.exports import (
    ballots_csv,
    excel_workbook,
    file_stem,
    pins_csv,
    privacy_note,
    results_csv,
    safe_cell,
)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


@pytest.fixture
def seeded(store, catalogue, open_workshop):
    return seed(store, catalogue, open_workshop)


def _rows(text: str, delimiter: str = ";") -> list[dict]:
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


def _num(text: str) -> float:
    return float(text.replace(",", "."))  # a ; file has a decimal comma


def _all_codes(store, *workshops) -> list[str]:
    return [c.code for w in workshops for c in store.codes(w.id)]


@pytest.mark.parametrize("text", [HYPERLINK, AT_SUM, PLUS, MINUS, "\tx", "=1+1", "-", "@"])
def test_safe_cell_quotes_whatever_a_spreadsheet_could_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("text, expected", [
    ("Goed plan;=1+1", "Goed plan;'=1+1"),
    ("Goed plan,+1", "Goed plan,'+1"),
    ("a|@SUM(A1)", "a|'@SUM(A1)"),
    ("a\t-1", "a\t'-1"),
    ("a; =1", "a; '=1"),
    ('a;"=1"', 'a;"\'=1"'),
    (" =spatie eerst", " '=spatie eerst"),
    ("\r=1+1", "'\r'=1+1"),
    ("regel\n=1", "regel\n'=1"),
])
def test_safe_cell_quotes_every_part_after_a_separator(text, expected):
    assert safe_cell(text) == expected


@pytest.mark.parametrize("value", ["Taalles voor peuters", "'al met quote", "1+1", "", "a;'=al veilig",
                                   "prijs 3-4 euro", 3, 2.5, None])
def test_safe_cell_leaves_harmless_values_alone(value):
    assert safe_cell(value) == value


def test_long_csv_has_exactly_the_current_ballots(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    text = ballots_csv(store, workshops, catalogue, exact=True)
    expected = {b.id: b for b in store.ballots([w.id for w in workshops])}
    per_ballot: dict[int, list[dict]] = defaultdict(list)
    for row in _rows(text):
        per_ballot[int(row["stembiljet"])].append(row)

    assert set(per_ballot) == set(expected)  # no superseded ballot, nothing of "Andere avond"
    assert len(expected) == 7
    for bid, rows in per_ballot.items():
        b = expected[bid]
        choices = {r["actie"]: int(r["waarde"]) for r in rows if r["actie"]}
        assert choices == b.choices
        assert len(rows) == max(1, len(b.choices))
        for r in rows:
            assert int(r["bijeenkomst_id"]) == b.workshop_id
            assert int(r["aantal_personen"]) == b.group_size
            assert r["soort"] == {"individual": "persoon", "group": "tafel"}[b.code_kind]
            assert r["buurt"] == (b.buurt or "") and r["leeftijd"] == (b.age_group or "")
            assert r["opmerking"] == safe_cell(b.remark)
            if r["actie"]:
                assert catalogue.acties[r["actie"]].leefgebied == r["leefgebied"]
    remarks = {r["opmerking"] for r in _rows(text)}
    assert {SCRIPT, "'" + HYPERLINK, "'" + AT_SUM, "'" + PLUS, "'" + MINUS} <= remarks
    assert "eerste versie" not in text and "hoort niet in deze export" not in text
    for code in _all_codes(store, seeded.avond, seeded.conferentie):
        assert code not in text  # the stemcode links a paper slip to a ballot: never exported


def test_wide_csv_has_one_row_per_ballot_and_a_column_per_actie(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    rows = _rows(ballots_csv(store, workshops, catalogue, layout="wide", exact=True))
    expected = store.ballots([w.id for w in workshops])
    assert [int(r["stembiljet"]) for r in rows] == [b.id for b in expected]
    on_ballot = {a for w in workshops for a in w.acties}
    for r, b in zip(rows, expected):
        assert {a: int(r[a]) for a in on_ballot if r[a]} == b.choices
        assert r["opmerking"] == safe_cell(b.remark)
        assert int(r["plekken"]) == len(b.pins)


def test_csv_is_semicolon_separated_with_a_decimal_comma_for_dutch_excel(store, catalogue, seeded):
    text = ballots_csv(store, [seeded.avond], catalogue, layout="wide")
    assert text.splitlines()[0].startswith("stembiljet;bijeenkomst_id;")
    assert len(_rows(text)) == len(store.ballots(seeded.avond.id))
    scores = [r["score"] for r in _rows(ballots_csv(store, [seeded.avond], catalogue))]
    assert scores and all("." not in s for s in scores) and "3,0" in scores
    comma = ballots_csv(store, [seeded.avond], catalogue, delimiter=",")
    assert "3.0" in {r["score"] for r in _rows(comma, ",")}  # a comma file keeps the decimal point


def test_results_csv_agrees_with_tally(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    rows = _rows(results_csv(store, workshops, catalogue))
    for scope, ws in [("alle", workshops), (seeded.avond.title, [seeded.avond]),
                      (seeded.conferentie.title, [seeded.conferentie])]:
        res = tally(store.ballots([w.id for w in ws]), ws, catalogue)
        mine = [r for r in rows if r["bijeenkomst"] == scope]
        assert {r["actie"] for r in mine} == set(res.by_actie)
        for lg in catalogue.leefgebieden:
            ranked = [r["actie"] for r in sorted((r for r in mine if r["leefgebied"] == lg),
                                                 key=lambda r: int(r["plaats"]))]
            assert ranked == [a.actie_id for a in res.ranked(lg)]
        for r in mine:
            expected = res.by_actie[r["actie"]]
            assert _num(r["score"]) == expected.score
            assert _num(r["personen"]) == expected.voters
            assert int(r["kosten"]) == catalogue.acties[r["actie"]].kosten


def test_pins_csv_names_the_buurt_and_keeps_the_text_safe(store, catalogue, seeded):
    rows = _rows(pins_csv(store, [seeded.avond, seeded.conferentie], catalogue))
    assert len(rows) == 1
    assert rows[0]["buurt"] == seeded.buurt.statcode and rows[0]["buurtnaam"] == seeded.buurt.naam
    assert rows[0]["tekst"] == "'" + PIN_TEXT


def test_excel_workbook_holds_exactly_the_ballots_as_safe_strings(store, catalogue, seeded, tmp_path):
    workshops = [seeded.avond, seeded.conferentie]
    path = excel_workbook(store, workshops, catalogue, tmp_path / "uit" / "resultaten.xlsx", exact=True)
    assert sorted(p.name for p in path.parent.iterdir()) == ["resultaten.xlsx"]  # no temp file left behind
    wb = load_workbook(path)
    expected = store.ballots([w.id for w in workshops])
    res = tally(expected, workshops, catalogue)
    lg_sheets = [lg.naam for lg_id, lg in catalogue.leefgebieden.items() if res.ranked(lg_id)]
    assert wb.sheetnames == ["Overzicht", *lg_sheets, "Stembiljetten", "Opmerkingen", "Plekken"]

    # no cell anywhere is a formula; every dangerous text is a quoted string
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), (ws.title, cell.coordinate)

    sheet = wb["Stembiljetten"]
    header = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2"
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    assert [r["Stembiljet"] for r in rows] == [b.id for b in expected]
    on_ballot = {a for w in workshops for a in w.acties}
    for r, b in zip(rows, expected):
        assert {a: r[a] for a in on_ballot if r[a] is not None} == b.choices
        assert r["Personen"] == b.group_size
        assert (r["Opmerking"] or "") == safe_cell(b.remark)

    remarks = wb["Opmerkingen"]
    cells = {c.value: c for c in remarks["E"][1:]}
    assert set(cells) == {safe_cell(b.remark) for b in expected if b.remark}
    hyperlink = cells["'" + HYPERLINK]
    assert hyperlink.data_type == "s"
    assert cells[SCRIPT].data_type == "s"

    for lg_id, lg in catalogue.leefgebieden.items():
        if not res.ranked(lg_id):
            continue
        ws = wb[lg.naam]
        got = [(r[1].value, r[3].value, r[4].value) for r in ws.iter_rows(min_row=2)]
        assert got == [(a.actie_id, a.score, a.voters) for a in res.ranked(lg_id)]

    pins = list(wb["Plekken"].iter_rows(min_row=2, values_only=True))
    assert pins == [(expected[0].id, seeded.avond.title, catalogue.leefgebieden[expected[0].pins[0].leefgebied].naam,
                     seeded.buurt.naam, expected[0].pins[0].lat, expected[0].pins[0].lon, "'" + PIN_TEXT)]

    summary = [tuple(r) for r in wb["Overzicht"].iter_rows(values_only=True)]
    total = next(r for r in summary if r[0] == "Totaal")
    assert total[5:7] == (len(expected), sum(b.group_size for b in expected))

    codes = set(_all_codes(store, *workshops))
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            assert not codes & {str(v) for v in row}


def test_a_failing_excel_export_leaves_the_previous_workbook(store, catalogue, seeded, tmp_path, monkeypatch):
    from openpyxl import Workbook

    target = tmp_path / "exports" / "uitslag.xlsx"
    excel_workbook(store, [seeded.avond], catalogue, target)
    before = target.read_bytes()

    def half_then_fail(self, filename):
        with open(filename, "wb") as fh:
            fh.write(before[: len(before) // 2])
        raise OSError("schijf vol")

    monkeypatch.setattr(Workbook, "save", half_then_fail)
    with pytest.raises(OSError, match="schijf vol"):
        excel_workbook(store, [seeded.avond, seeded.conferentie], catalogue, target)
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["uitslag.xlsx"]  # no temporary file left


# -- formula injection, whatever separator reads the file ---------------------------------

INJECTIONS = [
    "Goed plan;=1+1", "Goed plan,=1+1", "Goed plan\t=1+1", "Goed plan|=1+1", "Goed plan; =1+1",
    'Goed plan;"=1+1"', 'Goed plan; " =1+1"', "Goed plan;+1+1", "Goed plan;-1+1", "Goed plan;@SUM(A1)",
    "Goed plan,\t=1+1", "eerste regel\n=1+1", ' "=HYPERLINK(""http://x"")"',
]


def _formula_cells(text: str) -> list[tuple[str, str]]:
    """Cells that a spreadsheet could run, reading ``text`` with ; , or tab as the separator."""
    found = []
    for delimiter in (";", ",", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            found += [(delimiter, cell) for cell in row if cell.lstrip(' "').startswith(FORMULA_START)]
    return found


@pytest.mark.parametrize("delimiter", [";", ","])
def test_csv_read_back_with_any_separator_has_no_formula_cell(store, catalogue, open_workshop, delimiter):
    """A remark ``Goed plan;=1+1`` in a file read with ``;`` gave the cell ``=1+1`` (Dutch Excel's separator)."""
    grouped = open_workshop.acties_per_leefgebied(catalogue)
    lg, acties = next(iter(grouped.items()))
    _buurt, (lat, lon) = buurt_with_inner_point(catalogue)
    codes = store.create_codes(open_workshop.id, len(INJECTIONS))
    for code, text in zip(codes, INJECTIONS):
        store.submit(BallotSubmission(code.code, {acties[0].id: 1}, remark=text,
                                      pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": text[:140]}]))
    stored = store.ballots(open_workshop.id)
    assert {b.remark for b in stored} >= {"Goed plan;=1+1", "Goed plan|=1+1"}  # the attack reaches the export
    for text in (ballots_csv(store, [open_workshop], catalogue, delimiter=delimiter),
                 ballots_csv(store, [open_workshop], catalogue, layout="wide", delimiter=delimiter),
                 pins_csv(store, [open_workshop], catalogue, delimiter=delimiter),
                 ballots_csv(store, [open_workshop], catalogue, delimiter=delimiter, exact=True)):
        assert _formula_cells(text) == []


def test_csv_export_layer_neutralises_raw_text_too(store, catalogue, seeded):
    """Text that never went through clean_text (tabs, CR): a workshop title, or ballots handed in directly."""
    [ballot, *_] = store.ballots(seeded.avond.id)
    raw = [dataclasses.replace(ballot, remark=text) for text in INJECTIONS + ["a\r=1", "\t=1", "x\t\t@y"]]
    raw = [dataclasses.replace(b, id=ballot.id + 1000 * i, pseudonym=f"S{i:012d}") for i, b in enumerate(raw)]
    title = dataclasses.replace(seeded.avond, title="Avond;=1+1\t@x")
    for delimiter in (";", ",", "\t"):
        text = ballots_csv(raw, [title], catalogue, delimiter=delimiter)
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter))
        assert {r["stembiljet"] for r in rows} == {b.pseudonym for b in raw}  # read back with its own separator
        assert {r["opmerking"].replace("'", "") for r in rows} == {b.remark.replace("'", "") for b in raw}
        assert _formula_cells(text) == []


# -- privacy of the rows per ballot -------------------------------------------------------

def test_non_exact_exports_round_times_to_the_quarter_and_pins_to_10_m(store, catalogue, seeded, tmp_path):
    workshops = [seeded.avond, seeded.conferentie]
    ballots = {b.pseudonym: b for b in store.ballots([w.id for w in workshops])}
    pinned = next(b for b in ballots.values() if b.pins)
    exact_lat = pinned.pins[0].lat
    assert round(exact_lat, 4) != exact_lat  # the seeded pin has more than 4 decimals

    rows = _rows(ballots_csv(store, workshops, catalogue, layout="wide"))
    assert {r["stembiljet"] for r in rows} == set(ballots)
    for r in rows:
        expected = floor_quarter(local_time(ballots[r["stembiljet"]].submitted_at))
        assert r["ingediend"] == expected.isoformat(timespec="minutes")
        assert expected.minute % 15 == 0
    [pin] = _rows(pins_csv(store, workshops, catalogue))
    assert (_num(pin["lat"]), _num(pin["lon"])) == (round(exact_lat, 4), round(pinned.pins[0].lon, 4))

    book = load_workbook(excel_workbook(store, workshops, catalogue, tmp_path / "afgerond.xlsx"))
    for sheet, column in (("Stembiljetten", "H"), ("Opmerkingen", "D")):
        times = [c.value for c in book[sheet][column][1:]]
        assert times and all(t.minute % 15 == 0 and t.second == 0 and t.microsecond == 0 for t in times)
    [place] = list(book["Plekken"].iter_rows(min_row=2, values_only=True))
    assert place[4:6] == (round(exact_lat, 4), round(pinned.pins[0].lon, 4))
    overview = " ".join(str(v) for row in book["Overzicht"].iter_rows(values_only=True) for v in row if v)
    assert privacy_note(workshops, exact=False) in overview and "afgerond op het kwartier" in overview

    exact = _rows(ballots_csv(store, workshops, catalogue, layout="wide", exact=True))
    by_id = {b.id: b for b in ballots.values()}
    for r in exact:
        assert r["ingediend"] == local_time(by_id[int(r["stembiljet"])].submitted_at).isoformat(timespec="seconds")
    [pin] = _rows(pins_csv(store, workshops, catalogue, exact=True))
    assert _num(pin["lat"]) == exact_lat
    book = load_workbook(excel_workbook(store, workshops, catalogue, tmp_path / "exact.xlsx", exact=True))
    overview = " ".join(str(v) for row in book["Overzicht"].iter_rows(values_only=True) for v in row if v)
    assert privacy_note(workshops, exact=True) in overview
    assert file_stem(workshops, exact=True).endswith("-exact") and not file_stem(workshops).endswith("-exact")


@pytest.fixture
def small_groups(store, catalogue):
    """k=3; buurt A has 3 people, B 1 and C 2; age 30-49 has 3, 65-79 1, 80-plus 1, not said 1."""
    acties = [a.id for a in catalogue.acties_in("wonen")[:2]]
    ws = store.open_voting(store.create_workshop("Kleine avond", acties=acties, privacy_k=3).id)
    a, b, c = sorted(catalogue.heerlen_noord)[:3]
    people = [(a, "30-49"), (a, "30-49"), (a, "30-49"), (b, "65-79"), (c, "80-plus"), (c, None)]
    for code, (buurt, age) in zip(store.create_codes(ws.id, len(people)), people):
        store.submit(BallotSubmission(code.code, {acties[0]: 1}, buurt=buurt, age_group=age, remark=f"uit {buurt}"))
    return ws, a


def _people_per_value(rows, key, size="aantal_personen") -> Counter:
    per_ballot = {r["stembiljet"]: r for r in rows}
    counts = Counter()
    for r in per_ballot.values():
        counts[r[key]] += int(r[size])
    return counts


def test_per_ballot_exports_show_small_groups_as_overig_unless_exact(store, catalogue, small_groups, tmp_path):
    ws, big_buurt = small_groups
    k = ws.privacy_k
    for layout in ("long", "wide"):
        rows = _rows(ballots_csv(store, [ws], catalogue, layout=layout))
        for key in ("buurt", "buurtnaam", "leeftijd"):
            counts = _people_per_value(rows, key)
            assert all(n >= k for n in counts.values()), (layout, key, counts)
        assert set(_people_per_value(rows, "buurt")) == {big_buurt, OTHER}
        assert set(_people_per_value(rows, "leeftijd")) == {"30-49", OTHER}

    book = load_workbook(excel_workbook(store, [ws], catalogue, tmp_path / "klein.xlsx"))
    sheet = book["Stembiljetten"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    for key in ("Buurt", "Buurtnaam", "Leeftijd"):
        counts = Counter(r[key] for r in rows)
        assert all(n >= k for n in counts.values()), (key, counts)
    assert Counter(r[2] for r in book["Opmerkingen"].iter_rows(min_row=2, values_only=True)) == {
        catalogue.buurten[big_buurt].naam: 3, OTHER: 3}

    exact = _rows(ballots_csv(store, [ws], catalogue, layout="wide", exact=True))
    truth = {b.id: b for b in store.ballots(ws.id)}
    assert {(r["buurt"], r["leeftijd"]) for r in exact} == {(b.buurt, b.age_group or "") for b in truth.values()}
    assert OTHER not in {r["buurt"] for r in exact} | {r["leeftijd"] for r in exact}


def test_non_exact_ballot_numbers_do_not_give_away_the_order_of_arrival(store, catalogue, seeded, tmp_path):
    workshops = [seeded.avond, seeded.conferentie]
    ballots = store.ballots([w.id for w in workshops])
    rows = _rows(ballots_csv(store, workshops, catalogue, layout="wide"))
    numbers = [r["stembiljet"] for r in rows]
    assert numbers == sorted(b.pseudonym for b in ballots)  # sorted by the keyed hash, not by arrival
    assert not {str(b.id) for b in ballots} & set(numbers)
    assert len(set(numbers)) == len(ballots)
    assert numbers == [r["stembiljet"] for r in _rows(ballots_csv(store, workshops, catalogue, layout="wide"))]
    [pin] = _rows(pins_csv(store, workshops, catalogue))
    assert pin["stembiljet"] in numbers  # the files still join
    book = load_workbook(excel_workbook(store, workshops, catalogue, tmp_path / "uit.xlsx"))
    assert [r[0] for r in book["Stembiljetten"].iter_rows(min_row=2, values_only=True)] == numbers


def test_the_exports_panel_offers_exact_values_only_when_asked_and_says_which(store, catalogue, seeded, tmp_path,
                                                                              monkeypatch):
    from werkboek_widgets.facilitator.exports_panel import ExportsPanel

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    panel = ExportsPanel(store, catalogue)
    panel.reload(selected=[seeded.avond.id])
    assert panel.exact.value is False and "alleen voor analyse" in panel.exact.description
    panel.csv.click()
    saved = tmp_path / "exports" / f"uitslag-{seeded.avond.id}.csv"
    assert "afgerond op het kwartier" in panel.links.value and saved.exists()
    rows = _rows(saved.read_text(encoding="utf-8-sig"))
    assert {r["stembiljet"] for r in rows} == {b.pseudonym for b in store.ballots(seeded.avond.id)}
    panel.exact.value = True
    panel.csv.click()
    exact = tmp_path / "exports" / f"uitslag-{seeded.avond.id}-exact.csv"
    assert "Exacte gegevens" in panel.links.value and "-exact.csv" in panel.links.value
    assert {int(r["stembiljet"]) for r in _rows(exact.read_text(encoding="utf-8-sig"))} == {
        b.id for b in store.ballots(seeded.avond.id)}
    panel.excel.click()
    assert (tmp_path / "exports" / f"uitslag-{seeded.avond.id}-exact.xlsx").exists()
