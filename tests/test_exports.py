"""Exports: CSV and Excel hold exactly the current ballots, agree with the results, and are formula-safe."""

from __future__ import annotations

import csv
import io
from collections import defaultdict

import pytest
from openpyxl import load_workbook

from werkboek.exports import (ballots_csv, excel_workbook, pins_csv, results_csv, safe_cell,
                              write_text_atomic)
from werkboek.results import tally
from workshop_data import AT_SUM, HYPERLINK, MINUS, PIN_TEXT, PLUS, SCRIPT, seed


@pytest.fixture
def seeded(store, catalogue, open_workshop):
    return seed(store, catalogue, open_workshop)


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _all_codes(store, *workshops) -> list[str]:
    return [c.code for w in workshops for c in store.codes(w.id)]


@pytest.mark.parametrize("text", [HYPERLINK, AT_SUM, PLUS, MINUS, "\tx", "\r=1+1", "=1+1", "-", "@"])
def test_safe_cell_quotes_whatever_a_spreadsheet_could_run(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Taalles voor peuters", "'al met quote", "1+1", "", " =spatie eerst", 3, 2.5, None])
def test_safe_cell_leaves_harmless_values_alone(value):
    assert safe_cell(value) == value


def test_long_csv_has_exactly_the_current_ballots(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    text = ballots_csv(store, workshops, catalogue)
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
    rows = _rows(ballots_csv(store, workshops, catalogue, layout="wide"))
    expected = store.ballots([w.id for w in workshops])
    assert [int(r["stembiljet"]) for r in rows] == [b.id for b in expected]
    on_ballot = {a for w in workshops for a in w.acties}
    for r, b in zip(rows, expected):
        assert {a: int(r[a]) for a in on_ballot if r[a]} == b.choices
        assert r["opmerking"] == safe_cell(b.remark)
        assert int(r["plekken"]) == len(b.pins)


def test_semicolon_csv_for_dutch_excel(store, catalogue, seeded):
    text = ballots_csv(store, [seeded.avond], catalogue, layout="wide", delimiter=";")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == len(store.ballots(seeded.avond.id))


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
            assert float(r["score"]) == expected.score
            assert float(r["personen"]) == expected.voters
            assert int(r["kosten"]) == catalogue.acties[r["actie"]].kosten


def test_pins_csv_names_the_buurt_and_keeps_the_text_safe(store, catalogue, seeded):
    rows = _rows(pins_csv(store, [seeded.avond, seeded.conferentie], catalogue))
    assert len(rows) == 1
    assert rows[0]["buurt"] == seeded.buurt.statcode and rows[0]["buurtnaam"] == seeded.buurt.naam
    assert rows[0]["tekst"] == "'" + PIN_TEXT


def test_excel_workbook_holds_exactly_the_ballots_as_safe_strings(store, catalogue, seeded, tmp_path):
    workshops = [seeded.avond, seeded.conferentie]
    path = excel_workbook(store, workshops, catalogue, tmp_path / "uit" / "resultaten.xlsx")
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


def test_atomic_text_write_replaces_the_whole_file(tmp_path):
    target = tmp_path / "stemmen.csv"
    target.write_text("oud", encoding="utf-8")
    write_text_atomic(target, "stembiljet\r\n1\r\n")
    assert target.read_bytes() == b"\xef\xbb\xbfstembiljet\r\n1\r\n"  # BOM: Excel reads UTF-8
    assert [p.name for p in tmp_path.iterdir()] == ["stemmen.csv"]
