"""Report sections and static charts: labelled, escaped, drawn from the real geometry."""

from __future__ import annotations

import re

import pytest

from werkboek.outputs.maps import buurt_map
from werkboek.scenarios import report, run_scenario, scenario_from_dict
from werkboek.scenarios.charts import bar_chart


def test_buurt_map_has_every_buurt_and_its_source(catalogue):
    codes = sorted(catalogue.heerlen_noord)
    values = {code: float(i) for i, code in enumerate(codes)}
    svg = buurt_map(values, catalogue, title="Geld <per> buurt", source=catalogue.attribution)
    assert svg.count("<path ") == len(codes)
    assert "Geld &lt;per&gt; buurt" in svg and "<per>" not in svg
    assert catalogue.attribution in svg
    # The buurt with the most money gets the darkest colour, one with nothing the lightest.
    top, zero = catalogue.heerlen_noord[codes[-1]].naam, catalogue.heerlen_noord[codes[0]].naam
    assert re.search(r'fill="#08306b"[^>]*><title>' + re.escape(top), svg)
    assert re.search(r'fill="#f1f5f9"[^>]*><title>' + re.escape(zero), svg)


def test_bar_chart_draws_negative_values_left_of_zero():
    svg = bar_chart([("Betaalt <veel>", -50.0, "#b91c1c"), ("Incasseert", 100.0, "#15803d")], title="Saldo")
    zero = float(re.search(r'<line x1="([\d.]+)"', svg).group(1))
    rects = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="\d+" width="([\d.]+)"', svg)]
    assert rects[0][0] + rects[0][1] == pytest.approx(zero, abs=0.11) and rects[1][0] == pytest.approx(zero, abs=0.11)
    assert rects[1][1] == pytest.approx(2 * rects[0][1], abs=0.2)
    assert "Betaalt &lt;veel&gt;" in svg


def test_report_sections_are_labelled_as_example_data(catalogue):
    out = run_scenario(scenario_from_dict({"name": "Catalogus <b>", "budget_per_year": 3_000_000}), catalogue)
    html = report.header(out) + report.leefgebieden(out, catalogue) + report.buurten(out, catalogue) \
        + report.partners(out) + report.support(out, catalogue) + report.acties(out)
    assert "Catalogus &lt;b&gt;" in html and "Catalogus <b>" not in html
    assert "voorbeeldgegevens" in html and catalogue.attribution in html
    assert "geen stemmen" in html
    for actie in out.chosen:
        assert actie["titel"] in html
