"""The sections of a scenario report, as HTML for the notebook, and notebook → HTML export.

Each section is a template in ``werkboek/outputs/templates/scenario/``; this module
prepares its numbers. Tables are pandas ``to_html`` (which escapes text), charts come from
:mod:`.charts`, amounts and percentages read as :mod:`werkboek.dutch` writes them. The
notebook ``notebooks/scenario.ipynb`` shows these sections one per cell.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from werkboek.dutch import euros, percent
from werkboek.formats.atomic import write_text_atomic
from werkboek.outputs.maps import buurt_map
from werkboek.outputs.templating import render
from werkboek.scenarios.charts import NEUTRAL, bar_chart, stacked_columns
from werkboek.scenarios.outcome import Outcome, describe

GAIN, LOSS = "#15803d", "#b91c1c"  # a partner's balance


def _table(frame: pd.DataFrame, **kwargs) -> str:
    return frame.to_html(escape=True, border=0, classes="werkboek", **kwargs)


def header(outcome: Outcome) -> str:
    rows = pd.DataFrame(describe(outcome.scenario, outcome.rule_label), columns=["Keuze", "Waarde"])
    return render("scenario/header.html", outcome=outcome, choices_html=_table(rows, index=False))


def leefgebieden(outcome: Outcome, catalogue) -> str:
    colours = {lg: leefgebied.kleur for lg, leefgebied in catalogue.leefgebieden.items()}
    names = {lg: leefgebied.naam for lg, leefgebied in catalogue.leefgebieden.items()}
    rows = [(names.get(lg, lg or "onbekend"), v, colours.get(lg, NEUTRAL)) for lg, v in outcome.per_leefgebied.items()]
    per_year = pd.DataFrame(outcome.per_year).T.rename(columns=names)
    per_year["totaal"] = per_year.sum(axis=1)
    columns = list(outcome.per_year.items())
    return render(
        "scenario/leefgebieden.html", outcome=outcome,
        per_leefgebied_html=bar_chart(rows, title="Uitgaven per leefgebied in de hele periode"),
        per_year_html=stacked_columns(columns, colours, names, title="Uitgaven per jaar (stippellijn: jaarbudget)",
                                      limit=outcome.yearly_budget),
        table_html=_table(per_year.map(euros)),
    )


def buurten(outcome: Outcome, catalogue) -> str:
    values = {code: e["euros"] for code, e in outcome.per_buurt.items()}
    frame = pd.DataFrame([
        {"buurt": e["naam"], "wijk": e["wijknaam"], "acties": e["acties"], "geld": euros(e["euros"]),
         "per inwoner": euros(e.get("euros_per_inwoner"))}
        for e in outcome.per_buurt.values()
    ])
    return render("scenario/buurten.html",
                  map_html=buurt_map(values, catalogue, title="Geld dat elke buurt bereikt (hele periode)",
                                     source=" · ".join(outcome.data_labels)),
                  table_html=_table(frame, index=False))


def partners(outcome: Outcome) -> str:
    rows = [(e["naam"], e["saldo"], GAIN if e["saldo"] >= 0 else LOSS) for e in outcome.partners.values()]
    frame = pd.DataFrame([
        {"partner": e["naam"], "betaalt": euros(e["betaalt"]), "incasseert": euros(e["incasseert"]),
         "saldo": euros(e["saldo"]), "acties (betaalt / incasseert)": f"{e['acties_betaalt']} / {e['acties_incasseert']}"}
        for e in outcome.partners.values()
    ])
    return render("scenario/partners.html",
                  balance_html=bar_chart(rows, title="Saldo per partner (incasseert min betaalt)"),
                  table_html=_table(frame, index=False) if len(frame) else "")


def support(outcome: Outcome, catalogue) -> str:
    s = outcome.support
    if not s.get("ballots"):
        return render("scenario/support.html", support=s, table_html="")
    names = {code: b.naam for code, b in catalogue.buurten.items()}
    frame = pd.DataFrame([
        {"buurt": names.get(code, code) or "niet ingevuld", "mensen (gewogen)": round(v["people"], 1),
         "top-keuze betaald": percent(v["share"]), "eigen steun betaald": percent(v.get("satisfaction"))}
        for code, v in s["served_by_buurt"].items()
    ])
    return render("scenario/support.html", support=s, table_html=_table(frame, index=False))


def acties(outcome: Outcome) -> str:
    cols = {"id": "actie", "titel": "titel", "leefgebied": "leefgebied", "horizon": "horizon", "kosten": "kosten",
            "start": "start", "eind": "eind", "steun": "steun", "reden": "gekozen in"}
    chosen = pd.DataFrame(outcome.chosen, columns=list(cols)).rename(columns=cols)
    chosen["kosten"] = chosen["kosten"].map(euros)
    rest = pd.DataFrame(outcome.not_chosen, columns=["id", "titel", "leefgebied", "kosten", "steun"])
    rest["kosten"] = rest["kosten"].map(euros)
    return render("scenario/acties.html", chosen_html=_table(chosen, index=False), rest_html=_table(rest, index=False),
                  ties=[t["tekst"] for t in outcome.ties], robustness_html=robustness(outcome),
                  resamples=(outcome.robustness or {}).get("resamples", 0))


def robustness(outcome: Outcome, limit: int = 30) -> str:
    """"Hoe zeker?": per actie the share of bootstrap draws that fund it (funded acties dark, others light)."""
    share = (outcome.robustness or {}).get("share") or {}
    if not share:
        return ""
    funded = {r["id"] for r in outcome.chosen}
    titles = {r["id"]: r["titel"] for r in (*outcome.chosen, *outcome.not_chosen)}
    shown = sorted((a for a, s in share.items() if s > 0 or a in funded),
                   key=lambda a: (a not in funded, -share[a], a))[:limit]
    rows = [(titles.get(a, a), share[a], "#1d4ed8" if a in funded else "#93c5fd") for a in shown]
    return bar_chart(rows, title=f"Hoe zeker? Deel van {outcome.robustness['resamples']} trekkingen waarin de "
                                 "actie geld krijgt (donker: gekozen)", unit=percent)


@functools.cache
def _exporter():
    """One HTML exporter per process: nbconvert compiles its Jinja templates once per exporter,
    and a fresh exporter per report spent ~0.15 s of a warm scenario's ~0.9 s compiling them
    again (cProfile, 8 warm scenarios). The exporter keeps no state between notebooks that
    reaches the HTML (its per-notebook filters are registered again on every call)."""
    from nbconvert import HTMLExporter

    return HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


def notebook_to_html(notebook, html: str | Path, title: str = "") -> Path:
    """Export an executed notebook (a path, or the notebook papermill returned) to a self-contained
    HTML report without the code (written in one step)."""
    import copy

    import nbformat

    nb = copy.deepcopy(notebook) if isinstance(notebook, nbformat.NotebookNode) else \
        nbformat.read(str(notebook), as_version=4)
    if title:
        nb.metadata["title"] = title
    body, _ = _exporter().from_notebook_node(nb)
    return write_text_atomic(html, body)
