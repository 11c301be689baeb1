"""The notebook's parameter cell and the scenario parameters (params.PARAMETERS) name the same things."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from werkboek.scenarios import scenario_for_notebook
from werkboek.scenarios.params import PARAMETERS, Scenario

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "scenario.ipynb"
OWN = {"scenario_file", "output_dir"}  # the notebook's own: where the scenario comes from, where it goes


def parameter_cell() -> dict:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    [cell] = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    tree = ast.parse("".join(cell["source"]))
    return {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body if isinstance(node, ast.Assign)}


def test_every_parameter_is_in_the_notebook_and_nothing_else():
    names = set(parameter_cell())
    assert names - OWN == set(PARAMETERS)


def test_the_notebooks_defaults_make_a_valid_scenario_with_the_dataclass_defaults(catalogue):
    cell = parameter_cell()
    namespace = {**cell, "catalogue": catalogue, "unrelated": object()}  # like the notebook's globals()
    scenario = scenario_for_notebook(None, catalogue, **namespace)
    assert isinstance(scenario, Scenario) and scenario.name == cell["name"]
    assert scenario.rule == cell["rule"] and scenario.tie_break == cell["tie_break"]
    assert scenario.budget_per_year == cell["budget_per_year"] and scenario.workshops == tuple(cell["workshops"])
