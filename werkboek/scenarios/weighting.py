"""How much each ballot counts in a scenario.

* ``ballot``: every ballot counts 1.
* ``person``: a ballot counts for the people who cast it (a tafel of 6 counts 6).
* ``buurt``: per person, re-weighted so every buurt counts in proportion to its inhabitants
  (CBS figures from the indicator import) rather than to who showed up. A buurt with 5% of
  the inhabitants but 20% of the voters gets a weight of 0.25 per person. Ballots without a
  buurt, or from a buurt without a figure, keep weight 1 per person (and are counted in a
  note), so nobody's vote disappears.

The buurt weighting needs imported indicators; with ``example_indicators: true`` it falls
back to the labelled example table, and the outcome carries that label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from werkboek.errors import ScenarioError
from werkboek.scenarios.inputs import VoterBallot


def population_table(scenario, catalogue):
    """The indicator table for buurt weighting, and its label (example data says so)."""
    from werkboek.demo.indicators import example_table
    from werkboek.store import indicator_files

    if indicator_files.latest() is not None:
        table = indicator_files.load()
        return table, table.label()
    if scenario.example_indicators:
        table = example_table(catalogue)
        return table, table.label()
    raise ScenarioError(
        f"{scenario.source or 'parameters'}, parameter 'weighting': weging naar buurt heeft kerncijfers nodig. "
        "Importeer die eerst (werkboek indicators import), of zet 'example_indicators: true' om "
        "voorbeeldcijfers te gebruiken."
    )


def apply_weighting(ballots: list[VoterBallot], weighting: str, population: dict[str, float] | None = None
                    ) -> tuple[list[VoterBallot], list[str]]:
    """Return the ballots with their weight set, and notes for the report."""
    notes: list[str] = []
    if weighting == "ballot":
        return [replace(b, weight=1.0) for b in ballots], notes
    persons = [replace(b, weight=float(b.group_size)) for b in ballots]
    if weighting == "person":
        return persons, notes
    if weighting != "buurt":
        raise ValueError(weighting)
    population = {k: v for k, v in (population or {}).items() if v and v > 0}
    voters: dict[str, float] = defaultdict(float)
    for b in persons:
        if b.buurt in population:
            voters[b.buurt] += b.weight
    covered_voters = sum(voters.values())
    covered_pop = sum(population[k] for k in voters)
    factor = {
        k: (population[k] / covered_pop) / (voters[k] / covered_voters) for k in voters
    } if covered_voters else {}
    unweighted = sum(1 for b in persons if b.buurt not in factor)
    if unweighted:
        notes.append(f"{unweighted} stembiljetten zonder (bekende) buurt tellen zonder herweging mee.")
    return [replace(b, weight=b.weight * factor.get(b.buurt, 1.0)) for b in persons], notes
