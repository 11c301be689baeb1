"""The monitor pages of the public site, from three imported kwb test files (real format, invented numbers).

The checks read the pages' ``data-`` attributes and the SVG's coordinates and compare them
with the figures in the test files (read with the csv module), not with the monitor's own
numbers: a wrong series, a line drawn through a missing year or an invented figure fails.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from werkboek.formats.kerncijfers import import_kerncijfers
from werkboek.model.monitor import MEASURES, Target, build_monitor, money_per_year
from werkboek.outputs.monitor import measure_page_name
from werkboek.outputs.public import SiteInput, build_site
from werkboek.store import indicator_files

ROOT = Path(__file__).resolve().parents[2]
KWB = ROOT / "tests" / "support" / "kwb"
YEARS = (2022, 2024, 2025)
TODAY = dt.date(2026, 12, 2)
SOURCE = "Testbestand in het kwb-formaat (verzonnen cijfers)"  # the files are not CBS's: the pages must say so


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.items: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.items.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(path: Path) -> _Elements:
    p = _Elements()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _raw(year: int) -> dict[str, dict[str, str]]:
    with (KWB / f"kwb-{year}.csv").open(encoding="cp1252", newline="") as fh:
        return {r["gwb_code_10"].strip(): r for r in csv.DictReader(fh, delimiter=";")}


def _num(cell: str) -> float:
    return float(cell.replace(",", "."))


@pytest.fixture(scope="module")
def site(tmp_path_factory, catalogue):
    # through the store of imported tables, as `werkboek indicators import` leaves them
    store = tmp_path_factory.mktemp("indicators")
    for y in YEARS:
        indicator_files.save(import_kerncijfers(KWB / f"kwb-{y}.csv", buurten=catalogue.buurten, source=SOURCE), store)
    tables = [indicator_files.load(store, y) for y in indicator_files.available(store)]
    monitor = build_monitor(tables, catalogue, [Target("bijstand", 20.0, changed_by="Programmabureau")])
    out = tmp_path_factory.mktemp("site")
    # a scenario's phasing too: the money table then has its widest form (four columns of millions)
    money = money_per_year({}, [], catalogue, planned={y: 12_500_000.0 for y in range(2025, 2035)},
                           scenario="Test", today=TODAY)
    pages = build_site(SiteInput(catalogue, (), {}, {}, monitor=monitor, money=money), out, generated=TODAY)
    return {"out": out, "pages": pages, "monitor": monitor}


def test_the_pages_are_written_and_linked(site):
    names = {p.name for p in site["pages"]}
    assert {"index.html", "monitor.html", *(measure_page_name(m) for m in MEASURES)} <= names
    assert 'href="monitor.html"' in (site["out"] / "index.html").read_text(encoding="utf-8")


def test_the_national_line_is_the_files_national_row(site):
    """Nederland's markers in the WOZ chart sit where the files' NL00 figures put them."""
    page = _parse(site["out"] / "monitor.html")
    svg_rows = [(tag, a) for tag, a in page.items if a.get("data-line") == "Nederland"]
    table = [a for tag, a in page.items if tag == "table" and a.get("data-measure") == "woz_gemiddeld"]
    assert table
    # the data table: one row per year 2022-2025, Nederland's column = NL00's g_woz / g_wozbag
    html = (site["out"] / "monitor.html").read_text(encoding="utf-8")
    block = html[html.index('<table data-measure="woz_gemiddeld">'):]
    block = block[:block.index("</table>")]
    rows = re.findall(r'<tr><th scope="row">(\d{4})</th>(.*?)</tr>', block)
    assert [int(y) for y, _ in rows] == [2022, 2023, 2024, 2025]
    for y, cells in rows:
        values = re.findall(r'<td class="num"(?: data-value="([^"]+)")?>', cells)
        if int(y) == 2023:
            assert values == ["", ""]
            assert cells.count("geen cijfer voor 2023 (niet ingelezen)") == 2
            continue
        column = "g_woz" if int(y) == 2022 else "g_wozbag"
        assert float(values[1]) == _num(_raw(int(y))["NL00"][column])
    assert svg_rows  # and markers are drawn for Nederland


def test_a_missing_year_breaks_the_line_and_is_labelled(site):
    html = (site["out"] / "monitor.html").read_text(encoding="utf-8")
    charts = [c[:c.index("</figure>")] for c in html.split('<figure class="grafiek"')[1:]]
    assert len(charts) == len(MEASURES)
    for chart in charts:
        measure = re.search(r'id="cijfer-([a-z_]+)"', chart).group(1)
        assert 'data-gap="2023"' in chart  # "geen cijfer 2023" on the axis
        markers = re.findall(r'data-line="Heerlen-Noord" data-year="(\d{4})"', chart)
        expected = ["2022", "2024"] if measure == "huishoudens_laag_inkomen_pct" else ["2022", "2024", "2025"]
        assert markers == expected, measure  # no 2023, and no 2025 where the column is missing
        # a line never spans the gap: every polyline joins consecutive imported years only
        for points in re.findall(r'<polyline points="([^"]+)"', chart):
            assert len(points.split()) <= 2
    laag = [c for c in charts if 'id="cijfer-huishoudens_laag_inkomen_pct"' in c][0]
    assert "geen cijfer voor 2025" in laag


def test_the_buurt_figures_and_the_target_line(site, catalogue):
    b = sorted(catalogue.heerlen_noord)[0]
    page = (site["out"] / measure_page_name("bijstand")).read_text(encoding="utf-8")
    row = re.search(rf'<tr data-buurt="{b}">(.*?)</tr>', page).group(1)
    values = re.findall(r'data-value="([^"]+)"', row)
    want = [_num(_raw(y)[b]["a_soz_wb"]) / _num(_raw(y)[b]["a_inw"]) * 1000 for y in YEARS]
    assert [float(v) for v in values] == pytest.approx(want)
    assert len(re.findall(r"<section data-year=", page)) == len(YEARS)  # a map per imported year
    monitor_html = (site["out"] / "monitor.html").read_text(encoding="utf-8")
    chart = monitor_html[monitor_html.index('id="cijfer-bijstand"'):]
    chart = chart[:chart.index("</figure>")]
    assert 'data-target="20"' in chart and 'stroke-dasharray="6 4"' in chart
    assert "data-baseline=" in chart
    assert chart.count("data-target=") == 1
    other = monitor_html[monitor_html.index('id="cijfer-woz_gemiddeld"'):]
    assert "data-target=" not in other[:other.index("</figure>")]  # no target set: none drawn


def test_where_we_stand_names_every_leefgebied(site, catalogue):
    text = " ".join(_parse(site["out"] / "monitor.html").text)
    for lg in catalogue.leefgebieden.values():
        assert lg.naam in text
    assert "nog geen doel gezet" in text and "Nederland" in text
    assert "Voorbeeld" not in text  # imported figures are not example data
    assert f"Bron: {SOURCE}, 2022; {SOURCE}, 2024; {SOURCE}, 2025." in text  # the import's own source


def test_no_indicators_imported_says_so(tmp_path, catalogue):
    pages = build_site(SiteInput(catalogue, (), {}, {}), tmp_path, generated=TODAY)
    assert [p.name for p in pages] == ["index.html", "monitor.html"]
    assert "nog geen kerncijfers van CBS ingelezen" in (tmp_path / "monitor.html").read_text(encoding="utf-8")


def test_example_figures_are_labelled_on_every_monitor_page(tmp_path, catalogue):
    from werkboek.demo.indicators import example_table

    monitor = build_monitor([example_table(catalogue, year=2022), example_table(catalogue, year=2024, seed=1)],
                            catalogue)
    pages = build_site(SiteInput(catalogue, (), {}, {}, monitor=monitor), tmp_path, generated=TODAY)
    for p in pages:
        if p.name.startswith("monitor"):
            assert "Deze cijfers zijn verzonnen" in p.read_text(encoding="utf-8"), p.name


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 640}, {"width": 1366, "height": 768}],
                         ids=["phone", "laptop"])
def test_the_monitor_pages_pass_axe_on_a_phone_and_a_laptop(site, viewport):
    from conftest import need

    from support.browser import axe_violations, chromium_available, chromium_browser, format_violations, screenshot

    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    with chromium_browser() as browser:
        context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 400,
                                      has_touch=viewport["width"] < 400, locale="nl-NL")
        page = context.new_page()
        for path in [p for p in site["pages"] if p.name.startswith("monitor")][:3]:
            page.goto(path.as_uri())
            assert page.locator("h1").count() == 1
            violations = axe_violations(page)
            assert violations == [], f"{path.name}: {format_violations(violations)}"
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            screenshot(page, f"public-{path.stem}-{viewport['width']}")
        context.close()


def test_publish_shows_money_against_the_adopted_scenarios_phasing(tmp_path, monkeypatch, sqlite_url, catalogue):
    from werkboek.cli.publish import _monitor
    from werkboek.model.programme import new_progress
    from werkboek.scenarios.outcome import run_scenario
    from werkboek.scenarios.params import scenario_from_dict
    from werkboek.store import Store
    from werkboek.store.programme import Programme

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path / "home"))
    outcome = run_scenario(scenario_from_dict({"name": "Basis 2026", "budget_per_year": 2_000_000}), catalogue)
    (tmp_path / "home" / "results" / "basis").mkdir(parents=True)
    outcome.save(tmp_path / "home" / "results" / "basis" / "outcome.json")
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        programme = Programme(store)
        programme.adopt_scenario(outcome, by="Programmabureau")
        first = outcome.chosen[0]
        programme.add_progress(new_progress(first["id"], "2026-05-01", "bezig", 20, 12_345, by="A"))
        monitor, money = _monitor(store, programme)
        assert monitor is None  # nothing imported in this WERKBOEK_HOME
        assert money.scenario == "Basis 2026"
        planned = {int(y): sum(v.values()) for y, v in outcome.per_year.items()}
        assert {y.year: y.gepland for y in money.years if y.year in planned} == pytest.approx(planned)
        assert sum(y.besloten for y in money.years) + money.na_2047 + money.zonder_jaar == pytest.approx(
            sum(r["kosten"] for r in outcome.chosen), abs=len(outcome.chosen))
        assert {y.year: y.uitgegeven for y in money.years}[2026] == 12_345
        pages = build_site(SiteInput(catalogue, (), {}, programme.states(), money=money), tmp_path / "site",
                           generated=TODAY)
        html = (tmp_path / "site" / "monitor.html").read_text(encoding="utf-8")
        assert 'Gepland in het scenario "Basis 2026"' in html
        assert 'data-year="2026"' in html and 'data-uitgegeven="12345' in html
        assert len(pages) == 2
        # the money chart: column heights in proportion to the amounts, the phasing as a dashed line
        found = re.findall(r'height="([\d.]+)" fill="#[0-9a-fA-F]+" data-year="(\d{4})" data-kind="(\w+)"', html)
        bars = {(y, kind): float(h) for h, y, kind in found}
        by_year = {y.year: y for y in money.years}
        ratio = by_year[2026].uitgegeven / by_year[2026].besloten
        assert bars[("2026", "uitgegeven")] == pytest.approx(bars[("2026", "besloten")] * ratio, abs=0.06)
        assert ("2027", "uitgegeven") not in bars  # the future has no spent column
        assert 'stroke-dasharray="6 4"' in html[html.index('id="geld"'):]
    finally:
        store.close()
