"""Scenarios side by side: tables (pandas) and charts (SVG) from a results folder.

``notebooks/vergelijking.ipynb`` shows these; :func:`run_compare` executes it with papermill
and exports the HTML report (``vergelijking.html`` in the results folder).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from werkboek import settings as config
from werkboek.dutch import euros, percent
from werkboek.errors import ScenarioError
from werkboek.outputs.maps import buurt_map
from werkboek.outputs.templating import render
from werkboek.scenarios.charts import bar_chart
from werkboek.scenarios.outcome import Outcome

NOTEBOOK = config.PROJECT_ROOT / "notebooks" / "vergelijking.ipynb"


def load_outcomes(results: str | Path) -> dict[str, Outcome]:
    """Every finished scenario in a results folder: folder name -> outcome, in name order."""
    results = Path(results)
    if not results.is_dir():
        raise ScenarioError(f"{results}: map niet gevonden")
    found = {d.name: Outcome.load(d / "outcome.json") for d in sorted(results.iterdir())
             if (d / "outcome.json").is_file()}
    if not found:
        raise ScenarioError(f"{results}: geen uitgerekende scenario's gevonden (draai eerst 'werkboek scenarios run')")
    names = [o.name for o in found.values()]
    for key, o in found.items():
        if names.count(o.name) > 1:  # columns are named after scenarios: keep them apart
            o.scenario["name"] = f"{o.name} ({key})"
    return found


def summary(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """One column per scenario: its choices and headline figures, formatted for reading."""
    from werkboek.scenarios.params import RULES, WEIGHTINGS

    rows = {}
    for o in outcomes.values():
        rows[o.name] = {
            "regel": o.rule_label or RULES.get(o.scenario.get("rule"), o.scenario.get("rule")),
            "gelijke stand beslist": len(o.ties),
            "weging": WEIGHTINGS.get(o.scenario.get("weighting"), o.scenario.get("weighting")),
            "periode": f"{o.years[0]}–{o.years[-1]}",
            "budget": euros(o.budget), "uitgegeven": euros(o.spent), "acties": len(o.chosen),
            "top-keuze betaald": percent(o.support.get("served_share")),
            "eigen steun betaald (gemiddeld)": percent(o.support.get("satisfaction")),
            "steun naar betaalde acties": percent(o.support.get("funded_support_share")),
            "waarschuwingen": len(o.warnings),
            "voorbeeldgegevens": "ja" if o.example_data else "nee",
        }
    return pd.DataFrame(rows)


def per_leefgebied(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    return pd.DataFrame({o.name: o.per_leefgebied for o in outcomes.values()}).fillna(0.0)


def per_buurt(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    frame = pd.DataFrame({o.name: {e["naam"]: e["euros"] for e in o.per_buurt.values()} for o in outcomes.values()})
    return frame.fillna(0.0)


def support_per_buurt(outcomes: dict[str, Outcome], catalogue) -> pd.DataFrame:
    names = {code: b.naam for code, b in catalogue.buurten.items()}
    return pd.DataFrame({
        o.name: {names.get(code, code) or "niet ingevuld": v["share"] for code, v in o.support["served_by_buurt"].items()}
        for o in outcomes.values()
    })


def partner_balance(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    return pd.DataFrame({o.name: {e["naam"]: e["saldo"] for e in o.partners.values()} for o in outcomes.values()}
                        ).fillna(0.0)


def chosen_matrix(outcomes: dict[str, Outcome]) -> pd.DataFrame:
    """Which acties each scenario funds (start year, and "hoe zeker?" when bootstrapped), one row per actie."""
    titles = {}
    cells: dict[str, dict[str, str]] = {}
    for o in outcomes.values():
        for row in o.chosen:
            titles[row["id"]] = row["titel"]
            sure = row.get("zeker")
            cells.setdefault(o.name, {})[row["id"]] = str(row["start"]) + (f" ({percent(sure)})" if sure is not None
                                                                           else "")
    frame = pd.DataFrame(cells).reindex(sorted(titles)).fillna("")
    frame.insert(0, "titel", [titles[a] for a in frame.index])
    return frame


def money_table(frame: pd.DataFrame) -> str:
    return frame.map(euros).to_html(escape=True, border=0)


def share_table(frame: pd.DataFrame) -> str:
    return frame.map(percent).to_html(escape=True, border=0)


def leefgebied_charts(outcomes: dict[str, Outcome], catalogue) -> str:
    """One bar chart per leefgebied: how much each scenario spends on it."""
    parts = []
    for lg, leefgebied in catalogue.leefgebieden.items():
        rows = [(o.name, o.per_leefgebied.get(lg, 0.0), leefgebied.kleur) for o in outcomes.values()]
        parts.append(bar_chart(rows, title=f"{leefgebied.naam}: uitgaven per scenario"))
    return "".join(parts)


def buurt_maps(outcomes: dict[str, Outcome], catalogue) -> str:
    """Small maps side by side: the money reaching each buurt, one map per scenario (same scale)."""
    top = max((e["euros"] for o in outcomes.values() for e in o.per_buurt.values()), default=0.0)
    maps = [buurt_map({code: e["euros"] for code, e in o.per_buurt.items()}, catalogue, title=o.name, source="",
                      width=260, top=top)
            for o in outcomes.values()]
    source = " · ".join(dict.fromkeys(label for o in outcomes.values() for label in o.data_labels))
    return render("compare/buurt_maps.html", maps_html=maps, source=source)


def support_chart(outcomes: dict[str, Outcome]) -> str:
    voted = [o for o in outcomes.values() if o.support.get("ballots")]  # catalogue-only scenarios have no votes
    served = [(o.name, o.support.get("served_share") or 0.0, "#2563eb") for o in voted]
    own = [(o.name, o.support.get("satisfaction") or 0.0, "#0f766e") for o in voted]
    return (bar_chart(served, title="Deel van de stemmers met minstens één top-keuze betaald", unit=percent)
            + bar_chart(own, title="Gemiddeld deel van wat iemand koos dat betaald wordt", unit=percent))


def labels(outcomes: dict[str, Outcome]) -> str:
    seen = dict.fromkeys(label for o in outcomes.values() for label in o.data_labels)
    return render("compare/labels.html", example_data_used=any(o.example_data for o in outcomes.values()),
                  sources=[s.removeprefix("Bron: ") for s in seen])  # the CBS attribution starts with "Bron:" itself


def run_compare(results: str | Path | None = None, output: str | Path | None = None,
                notebook: str | Path = NOTEBOOK) -> Path:
    """Execute the comparison notebook on a results folder and export the HTML report."""
    import papermill

    from werkboek.scenarios.batch import results_dir
    from werkboek.scenarios.report import notebook_to_html

    results = Path(results) if results is not None else results_dir()
    load_outcomes(results)  # a clear message before starting a kernel
    executed = results / "vergelijking.ipynb"
    papermill.execute_notebook(str(notebook), str(executed), kernel_name="python3", progress_bar=False,
                               parameters={"results_dir": str(results.resolve())}, cwd=str(config.PROJECT_ROOT))
    return notebook_to_html(executed, Path(output) if output else results / "vergelijking.html",
                            title="Scenario's vergeleken")
