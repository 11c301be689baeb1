"""The 25-year monitor on three imported kwb years (test files in the real format, invented numbers).

Expected values are read from the test files with the csv module (not through the importer),
so a wrong series, a wrong aggregate or an invented year makes a test fail.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pytest

from werkboek.formats.kerncijfers import import_kerncijfers
from werkboek.model.catalogue import load_catalogue
from werkboek.model.monitor import (
    HEERLEN_NOORD,
    MEASURES,
    NEDERLAND,
    Target,
    build_monitor,
    check_target,
    compare_nederland,
    compare_target,
    compare_years,
    money_per_year,
    where_we_stand,
)

ROOT = Path(__file__).resolve().parents[2]
KWB = ROOT / "tests" / "support" / "kwb"
YEARS = (2022, 2024, 2025)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "data")


@pytest.fixture(scope="module")
def tables(catalogue):
    return [import_kerncijfers(KWB / f"kwb-{y}.csv", buurten=catalogue.buurten) for y in YEARS]


@pytest.fixture(scope="module")
def raw():
    """year -> statcode -> column -> float or None, straight from the files."""
    out = {}
    for y in YEARS:
        with (KWB / f"kwb-{y}.csv").open(encoding="cp1252", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter=";"))
        out[y] = {r["gwb_code_10"].strip(): {k: (None if v.strip() == "." else float(v.replace(",", ".")))
                                             for k, v in r.items() if k not in ("gwb_code_10", "regio", "gm_naam",
                                                                                 "recs", "gwb_code")}
                  for r in rows}
    return out


def test_the_series_per_area_are_the_files_figures(tables, catalogue, raw):
    monitor = build_monitor(tables, catalogue)
    assert monitor.imported == list(YEARS)
    assert monitor.years == [2022, 2023, 2024, 2025]
    noord = sorted(catalogue.heerlen_noord)
    b = noord[0]
    for y in YEARS:
        woz = "g_woz" if y == 2022 else "g_wozbag"
        assert monitor.get("woz_gemiddeld", b).at(y).value == raw[y][b][woz]
        assert monitor.get("woz_gemiddeld", NEDERLAND).at(y).value == raw[y]["NL00"][woz]
        # a count per 1.000 inwoners
        assert monitor.get("bijstand", b).at(y).value == pytest.approx(raw[y][b]["a_soz_wb"] / raw[y][b]["a_inw"] * 1000)
        assert monitor.get("bijstand", NEDERLAND).at(y).value == pytest.approx(
            raw[y]["NL00"]["a_soz_wb"] / raw[y]["NL00"]["a_inw"] * 1000)
        # Heerlen-Noord: the sum of its buurten (never the gemeente's or Kerkrade's row)
        counts = sum(raw[y][c]["a_soz_wb"] for c in noord)
        people = sum(raw[y][c]["a_inw"] for c in noord)
        assert monitor.get("bijstand").at(y).value == pytest.approx(counts / people * 1000)
        # an average weighted by inwoners, over the buurten that have a figure — and it says so
        have = [c for c in noord if raw[y][c]["g_ink_pi"] is not None]
        assert len(have) == len(noord) - 1
        expected = sum(raw[y][c]["g_ink_pi"] * raw[y][c]["a_inw"] for c in have) / sum(raw[y][c]["a_inw"] for c in have)
        point = monitor.get("gemiddeld_inkomen_per_inwoner").at(y)
        assert point.value == pytest.approx(expected)
        assert point.note == f"berekend over {len(have)} van de {len(noord)} buurten"
    assert not monitor.example and "Voorbeeld" not in monitor.label


def test_a_missing_year_and_a_missing_indicator_are_labelled_not_invented(tables, catalogue, raw):
    monitor = build_monitor(tables, catalogue)
    b = sorted(catalogue.heerlen_noord)[0]
    for area in (HEERLEN_NOORD, NEDERLAND, b):
        for m in MEASURES:
            p = monitor.get(m, area).at(2023)
            assert p.value is None and p.note == "geen cijfer voor 2023 (niet ingelezen)"
    # 2025 has no p_hh_li column: no figure, labelled, not carried over from 2024
    for area in (HEERLEN_NOORD, NEDERLAND, b):
        p = monitor.get("huishoudens_laag_inkomen_pct", area).at(2025)
        assert p.value is None and p.note == "geen cijfer voor 2025"
        assert monitor.get("huishoudens_laag_inkomen_pct", area).latest.year == 2024
    # the small buurt without income figures
    small = sorted(catalogue.heerlen_noord)[-1]
    assert all(p.value is None for p in monitor.get("gemiddeld_inkomen_per_inwoner", small).points)
    assert monitor.get("gemiddeld_inkomen_per_inwoner", small).latest is None


def test_baseline_is_2022_or_labelled_missing(tables, catalogue, raw):
    monitor = build_monitor(tables, catalogue)
    assert monitor.get("woz_gemiddeld", NEDERLAND).baseline.value == raw[2022]["NL00"]["g_woz"]
    later = build_monitor(tables[1:], catalogue)  # 2024 and 2025 only
    assert later.years == [2022, 2023, 2024, 2025]
    base = later.get("woz_gemiddeld").baseline
    assert base.value is None and "2022" in base.note
    assert compare_years(MEASURES["woz_gemiddeld"], base, later.get("woz_gemiddeld").latest).startswith(
        "nog niet te zeggen")


def test_an_example_table_makes_the_monitor_say_so(catalogue, tables):
    from werkboek.demo.indicators import example_table

    monitor = build_monitor([example_table(catalogue, year=2023), tables[0]], catalogue)
    assert monitor.example and "Voorbeeld" in monitor.label


def test_where_we_stand_in_b1(tables, catalogue):
    woz = MEASURES["woz_gemiddeld"]  # higher is better
    bij = MEASURES["bijstand"]  # lower is better
    P = SimpleNamespace
    assert compare_years(woz, P(year=2022, value=200.0, note=""), P(year=2025, value=230.0)) == "beter dan in 2022"
    assert compare_years(bij, P(year=2022, value=50.0, note=""), P(year=2025, value=60.0)) == "slechter dan in 2022"
    assert compare_years(bij, P(year=2022, value=50.0, note=""), P(year=2025, value=50.2)) == "ongeveer gelijk aan 2022"
    t = Target("bijstand", 20.0)
    # 3 of 25 years gone: 12% of the way is on schedule
    assert compare_target(bij, P(year=2022, value=50.0), P(year=2025, value=45.0), t) == "op schema naar het doel"
    assert compare_target(bij, P(year=2022, value=50.0), P(year=2025, value=49.0), t) == \
        "op weg, maar nog ver van het doel"
    assert compare_target(bij, P(year=2022, value=50.0), P(year=2025, value=55.0), t) == "nog ver van het doel"
    assert compare_target(bij, P(year=2022, value=50.0), P(year=2025, value=19.0), t) == "het doel is gehaald"
    assert compare_target(bij, P(year=2022, value=50.0), P(year=2025, value=45.0), None) == "nog geen doel gezet"

    monitor = build_monitor(tables, catalogue, [Target("woz_gemiddeld", 400.0, changed_by="A")])
    stand = where_we_stand(monitor, catalogue.leefgebieden)
    assert [lg["id"] for lg in stand] == list(catalogue.leefgebieden)
    by_id = {lg["id"]: lg for lg in stand}
    assert by_id["leren"]["rows"] == [] and "nog geen cijfer" in by_id["leren"]["note"]
    wonen = by_id["wonen"]["rows"][0]
    assert wonen.measure.id == "woz_gemiddeld" and wonen.target.doel == 400.0
    hn = monitor.get("woz_gemiddeld")
    assert wonen.baseline == hn.baseline and wonen.latest == hn.latest
    assert wonen.vs_2022 == ("beter dan in 2022" if hn.latest.value > hn.baseline.value else "slechter dan in 2022")
    nl = monitor.get("woz_gemiddeld", NEDERLAND).at(hn.latest.year).value
    assert wonen.vs_nederland == compare_nederland(woz, hn.latest, monitor.get("woz_gemiddeld", NEDERLAND))
    assert wonen.vs_nederland == ("beter dan in Nederland" if hn.latest.value > nl else "slechter dan in Nederland")
    werken = {s.measure.id: s for s in by_id["werken"]["rows"]}
    assert werken["huishoudens_laag_inkomen_pct"].latest.year == 2024  # 2025 has none


def test_targets_are_checked(catalogue):
    problems = check_target(catalogue, Target("bestaat_niet", -1.0, area="BU00000000", jaar=2050, changed_by=""))
    assert {p.field for p in problems} == {"indicator", "gebied", "doel", "jaar", "wie"}
    assert check_target(catalogue, Target("huishoudens_laag_inkomen_pct", 120.0, changed_by="A"))[0].field == "doel"
    assert check_target(catalogue, Target("bijstand", 25.0, changed_by="A")) == []


def test_money_per_year_from_decisions_and_progress(catalogue):
    from werkboek.model.programme import GEKOZEN, NIET_NU, new_decision, new_progress

    acties = [a for a in catalogue.acties.values()][:3]
    a, b, c = acties
    decisions = {a.id: new_decision(a.id, GEKOZEN, "x", budget=300_000, jaar=2025, by="A"),
                 b.id: new_decision(b.id, NIET_NU, "x", by="A"),
                 c.id: new_decision(c.id, GEKOZEN, "x", budget=50_000, jaar=None, by="A")}
    timeline = [new_progress(a.id, "2025-03-01", "bezig", 10, 20_000, by="A"),
                new_progress(a.id, "2025-11-01", "bezig", 30, 70_000, by="A"),
                new_progress(a.id, "2026-06-01", "bezig", 50, 100_000, by="A")]
    money = money_per_year(decisions, timeline, catalogue, planned={2025: 90_000.0, 2026: 90_000.0},
                           scenario="Basis", today=dt.date(2026, 7, 1))
    by_year = {y.year: y for y in money.years}
    per_year = 300_000 / a.looptijd
    assert by_year[2025].besloten == pytest.approx(per_year)
    assert by_year[2025 + a.looptijd - 1].besloten == pytest.approx(per_year)
    assert by_year[2025 + a.looptijd].besloten == 0
    assert by_year[2025].uitgegeven == 70_000 and by_year[2026].uitgegeven == 30_000  # running totals
    assert by_year[2024].uitgegeven == 0 and by_year[2027].uitgegeven is None  # the future is not zero
    assert by_year[2025].gepland == 90_000 and by_year[2030].gepland == 0
    assert money.zonder_jaar == 50_000
    assert money.totals["besloten"] == pytest.approx(350_000)
    assert money.totals["uitgegeven"] == 100_000
