"""Scenario parameters: YAML loading and validation with file and parameter in every message."""

from __future__ import annotations

from pathlib import Path

import pytest

from werkboek.errors import ScenarioError
from werkboek.scenarios import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path, text: str, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_example_scenarios_are_valid(catalogue):
    files = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(files) >= 4
    names = {load_scenario(f, catalogue).name for f in files}
    assert {"Gelijk verdeeld", "Method of Equal Shares", "Versnelling eerst", "Buurt-gewogen"} <= names


def test_budget_per_year_and_total(tmp_path):
    s = load_scenario(write(tmp_path, "name: A\nbudget_per_year: 1000000\nstart_year: 2030\nend_year: 2034\n"))
    assert s.years == [2030, 2031, 2032, 2033, 2034]
    assert s.budget == 5_000_000 and s.yearly_budget == 1_000_000
    s = scenario_from_dict({"name": "B", "budget_total": 3_000_000, "start_year": 2025, "end_year": 2027})
    assert s.budget == 3_000_000 and s.yearly_budget == 1_000_000
    s = scenario_from_dict({"name": "C", "budget_total": 3_000_000, "budget_per_year": 500_000,
                            "start_year": 2025, "end_year": 2027})
    assert s.budget == 1_500_000  # the smaller of the two limits


def test_every_problem_names_file_and_parameter(tmp_path, catalogue):
    path = write(tmp_path, "name: Kapot\nbudget_per_year: -5\nrule: loting\nstart_year: 2050\n"
                           "weighting: lengte\nmin_share_per_leefgebied: {sport: 0.2}\nforced_in: [bestaat-niet]\n"
                           "kleur: rood\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, catalogue)
    message = str(info.value)
    assert message.startswith("7 fouten")
    for key in ("budget_per_year", "rule", "start_year", "weighting", "min_share_per_leefgebied", "forced_in", "kleur"):
        assert f"s.yaml, parameter '{key}'" in message
    assert "'loting' is onbekend" in message and "bestaat-niet" in message


@pytest.mark.parametrize("values, key, fragment", [
    ({"name": "x"}, "budget_total", "geef budget_total"),
    ({"name": "x", "budget_total": 1, "start_year": 2030, "end_year": 2029}, "end_year", "ligt voor"),
    ({"name": "x", "budget_total": 1, "min_share_per_leefgebied": 0.3}, "min_share_per_leefgebied", "150%"),
    ({"name": "x", "budget_total": 1, "forced_in": ["leren-01"], "forced_out": ["leren-01"]}, "forced_out", "leren-01"),
    ({"name": "x", "budget_total": 1, "workshops": "alle"}, "workshops", "workshopnummers"),
    ({"name": "x", "budget_total": 1, "versnelling_first": "ja"}, "versnelling_first", "true of false"),
])
def test_single_problems(values, key, fragment, catalogue):
    with pytest.raises(ScenarioError) as info:
        scenario_from_dict(values, catalogue=catalogue)
    assert f"parameter '{key}'" in str(info.value) and fragment in str(info.value)


def test_broken_yaml_names_the_line(tmp_path):
    with pytest.raises(ScenarioError, match=r"s.yaml, regel \d+: geen geldige YAML"):
        load_scenario(write(tmp_path, "name: A\nbudget: [1, 2\n"))
