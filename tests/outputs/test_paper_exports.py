"""Exports mark paper ballots: a column kanaal in the CSV files and the Excel workbook, a count in its Overzicht."""

from __future__ import annotations

import csv
import io

from werkboek.model.ballot import BallotSubmission
from werkboek.model.privacy import OTHER
from werkboek.model.records import PAPER
from werkboek.outputs.exports import ballots_csv, excel_workbook


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))


def _vote(store, ws, phones: int, papers: int) -> dict[int, str]:
    codes = store.create_codes(ws.id, phones + papers)
    channel_of = {}
    for i, code in enumerate(codes):
        channel = PAPER if i < papers else "telefoon"
        receipt = store.submit(BallotSubmission(code=code.code, choices={ws.acties[i % 2]: 1}), channel=channel)
        channel_of[receipt.ballot_id] = channel
    return channel_of


def test_csv_has_the_channel_of_every_ballot(store, open_workshop, catalogue):
    channel_of = _vote(store, open_workshop, phones=6, papers=5)
    for layout in ("long", "wide"):
        rows = _rows(ballots_csv(store, [open_workshop], catalogue, layout=layout, exact=True))
        assert {int(r["stembiljet"]): r["kanaal"] for r in rows} == channel_of
    rounded = _rows(ballots_csv(store, [open_workshop], catalogue, layout="wide"))
    assert sorted(r["kanaal"] for r in rounded) == sorted(channel_of.values())  # both groups have k = 5 people


def test_a_channel_of_fewer_than_k_people_shows_as_overig_unless_exact(store, open_workshop, catalogue):
    channel_of = _vote(store, open_workshop, phones=6, papers=2)
    rounded = _rows(ballots_csv(store, [open_workshop], catalogue, layout="wide"))
    # with two channels, naming the larger one would give the smaller away: both are "overig"
    assert [r["kanaal"] for r in rounded] == [OTHER] * 8
    exact = _rows(ballots_csv(store, [open_workshop], catalogue, layout="wide", exact=True))
    assert {int(r["stembiljet"]): r["kanaal"] for r in exact} == channel_of


def test_excel_has_a_channel_column_and_counts_paper_in_the_overview(store, open_workshop, catalogue, tmp_path):
    from openpyxl import load_workbook

    channel_of = _vote(store, open_workshop, phones=3, papers=4)
    book = load_workbook(excel_workbook(store, [open_workshop], catalogue, tmp_path / "x.xlsx", exact=True))
    sheet = book["Stembiljetten"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r))) for r in sheet.iter_rows(min_row=2)]
    assert {r["Stembiljet"]: r["Kanaal"] for r in rows} == channel_of
    assert all(r["Ingediend"].year >= 2026 for r in rows)  # the date column kept its format
    overview = [[c.value for c in r] for r in book["Overzicht"].iter_rows()]
    head = next(r for r in overview if r[0] == "Bijeenkomst")
    total = next(r for r in overview if r[0] == "Totaal")
    assert total[head.index("Op papier")] == 4 and total[head.index("Stembiljetten")] == 7


def test_the_report_says_how_many_ballots_came_on_paper(store, open_workshop, catalogue):
    from werkboek.outputs.report import results_report_html

    assert "op papier" not in results_report_html([open_workshop], store, catalogue)
    _vote(store, open_workshop, phones=2, papers=3)
    html = results_report_html([open_workshop], store, catalogue)
    assert '<p data-paper="3">3 stembiljetten kwamen op papier.' in html
