"""Scenarios for analysts: with a budget, which acties go first, and how do the answers change?

Public API::

    from werkboek.scenarios import load_scenario, scenario_from_dict, run_scenario, Outcome

The computation lives here; ``notebooks/scenario.ipynb`` presents and saves one scenario,
:mod:`.batch` runs many with papermill, :mod:`.compare` puts them side by side.
"""

from werkboek.scenarios.outcome import Outcome, run_scenario
from werkboek.scenarios.params import RULES, WEIGHTINGS, Scenario, load_scenario, scenario_from_dict


def scenario_for_notebook(scenario_file=None, catalogue=None, /, **params) -> Scenario:
    """The notebook's parameters cell as a Scenario: a YAML file, or the parameters themselves.

    ``params``: the notebook's namespace will do (``**globals()``): only the names in
    :data:`werkboek.scenarios.params.PARAMETERS` are taken.
    """
    if scenario_file:
        return load_scenario(scenario_file, catalogue)
    from werkboek.scenarios.params import PARAMETERS

    return scenario_from_dict({k: v for k, v in params.items() if k in PARAMETERS and v is not None},
                              catalogue=catalogue)


__all__ = ["Outcome", "RULES", "WEIGHTINGS", "Scenario", "load_scenario", "run_scenario", "scenario_for_notebook",
           "scenario_from_dict"]
