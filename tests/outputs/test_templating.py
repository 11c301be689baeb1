"""Templates: autoescape everywhere, resident text stays text, no unknown names, shipped with the package."""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import re
import tomllib
from pathlib import Path

import jinja2
import pytest
from conftest import ROOT
from markupsafe import escape  # how the templates escape text

from werkboek.model.ballot import BallotSubmission
from werkboek.model.workshop import Workshop
from werkboek.outputs import templating
from werkboek.outputs.codesheet import code_sheet_html
from werkboek.outputs.report import results_report_html
from werkboek.outputs.templating import environment, render
from werkboek.scenarios import report as scenario_report
from werkboek.scenarios import run_scenario, scenario_from_dict
from werkboek.model.records import Code

TEMPLATES = Path(templating.__file__).parent / templating.TEMPLATES
# Text that is HTML, and text that is Jinja: both must reach the reader as the letters typed.
SCRIPT = "<script>alert(1)</script>"
JINJA = "{{ 6 * 111111 }} {% if true %}uitgevoerd{% endif %} {# weg #}"


def _template_names() -> list[str]:
    return sorted(p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*") if p.is_file())


def _assert_literal(page: str, text: str) -> None:
    assert str(escape(text)) in page


def _assert_resident_text_is_text(page: str) -> None:
    assert "<script" not in page.lower()
    _assert_literal(page, SCRIPT)
    assert JINJA in page  # nothing in it is HTML, and nothing in it was run:
    assert "666666" not in page and "uitgevoerd" not in page.replace(JINJA, "")


def test_every_markup_template_is_autoescaped():
    env = environment()
    names = _template_names()
    assert {"page.html", "report.html", "codesheet.html", "charts/bar_chart.html", "scenario/header.html"} <= set(names)
    for name in names:
        if name.endswith((".html", ".svg", ".xml")):
            assert env.autoescape(name), name
        else:
            # no markup outside an autoescaped template: only style sheets and configuration (nginx.conf,
            # whose every value werkboek.serving.cluster checks before it goes in)
            assert name.endswith((".css", ".conf")), name
            assert not env.autoescape(name), name


def test_only_our_own_markup_is_marked_safe():
    """``|safe`` only on names ending in _html or _svg: charts, QR codes, pandas tables, rendered templates."""
    found = 0
    for name in _template_names():
        text = (TEMPLATES / name).read_text(encoding="utf-8")
        for expression in re.findall(r"\{\{(.*?)\}\}", text):
            if "safe" in expression:
                found += 1
                assert re.fullmatch(r"\s*[\w.]+_(html|svg)\|safe\s*", expression), (name, expression)
        assert "autoescape false" not in text, name
    assert found >= 5  # QR codes, charts, tables


def test_an_unknown_name_in_a_template_is_an_error():
    with pytest.raises(jinja2.UndefinedError):
        render("scenario/buurten.html", map_html="")  # table_html is missing
    with pytest.raises(jinja2.UndefinedError):
        environment().from_string("{{ nergens }}").render()


def test_the_dutch_filters_are_the_formatter():
    env = environment()
    page = env.from_string("{{ 1240000|euros }} {{ 0.125|percent }} {{ 12.5|count }} {{ none|percent }} "
                           "{{ 248500|euros_in_words }} {{ 1000|number }} {{ day|date_nl }}").render(day=dt.date(2026, 3, 3))
    assert page == "€ 1.240.000 12% 12,5 — ongeveer € 250.000 1.000 dinsdag 3 maart 2026"


def test_resident_text_stays_text_in_the_report(store, catalogue, open_workshop):
    lg, acties = next(iter(open_workshop.acties_per_leefgebied(catalogue).items()))
    code = store.create_codes(open_workshop.id, 1)[0].code
    buurt = next(iter(catalogue.heerlen_noord.values()))
    lat, lon = buurt.shape.centroid()
    store.submit(BallotSubmission(code, {acties[0].id: 2}, remark=f"{SCRIPT} {JINJA}",
                                  pins=[{"leefgebied": lg, "lat": lat, "lon": lon, "text": f"{SCRIPT} {JINJA}"}]))
    workshop = dataclasses.replace(open_workshop, title=f"Avond {SCRIPT} {JINJA}", privacy_k=1)
    page = results_report_html([workshop], store, catalogue, title=f"Verslag {JINJA}",
                               generated_at=dt.datetime(2026, 3, 3, 20, 15, tzinfo=dt.timezone.utc))
    _assert_resident_text_is_text(page)
    assert page.count(JINJA) == 6  # the title (twice), the workshop (in the table, by the remark), remark, pin
    assert f"<blockquote dir=\"auto\">{escape(SCRIPT)} {JINJA}</blockquote>" in page


def test_resident_text_stays_text_on_the_code_sheet():
    workshop = Workshop(id=7, title=f"Avond {SCRIPT}", date=dt.date(2026, 3, 3), location=f"Huis {JINJA}",
                        status="open", method="punten", method_params={"points": 5}, acties=("leren-01",))
    codes = [Code("K7P-4QX", 7, "individual", ""), Code("T4B-9RK", 7, "group", f"Tafel {SCRIPT} {JINJA}")]
    sheet = code_sheet_html(workshop, codes, "http://192.168.1.20:8866/")
    _assert_resident_text_is_text(sheet)
    assert sheet.count("<svg") == 2  # the QR codes are the markup let through


def test_text_stays_text_in_the_scenario_report(catalogue):
    out = run_scenario(scenario_from_dict({"name": f"Plan {JINJA}", "budget_per_year": 3_000_000}), catalogue)
    out.warnings.append(f"Let op {SCRIPT} {JINJA}")
    out.notes.append(f"Noot {SCRIPT}")
    page = "\n".join([scenario_report.header(out), scenario_report.leefgebieden(out, catalogue),
                      scenario_report.buurten(out, catalogue), scenario_report.partners(out),
                      scenario_report.support(out, catalogue), scenario_report.acties(out)])
    _assert_resident_text_is_text(page)
    assert f"<h1>Scenario: Plan {JINJA}</h1>" in page
    assert f"<p>Noot {escape(SCRIPT)}</p>" in page
    assert page.count("<svg") == 4  # money per leefgebied, per year, per buurt, the partners' balance


def test_every_template_is_shipped_with_the_package():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"]["werkboek.outputs"]
    for name in _template_names():
        path = f"{templating.TEMPLATES}/{name}"
        assert any(fnmatch.fnmatch(path, p) and path.count("/") == p.count("/") for p in patterns), path
