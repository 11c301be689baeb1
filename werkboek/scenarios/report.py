"""The sections of a scenario report, as HTML for the notebook, and notebook → HTML export.

Tables are pandas ``to_html`` (which escapes text); charts come from :mod:`.charts`. The
notebook ``notebooks/scenario.ipynb`` shows these sections one per cell.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import pandas as pd

from werkboek.scenarios.charts import bar_chart, buurt_map, euro, stacked_columns
from werkboek.scenarios.outcome import Outcome, describe


def _table(frame: pd.DataFrame, **kwargs) -> str:
    return frame.to_html(escape=True, border=0, classes="werkboek", **kwargs)


def _percent(value) -> str:
    return "—" if value is None else f"{value:.0%}"


def header(outcome: Outcome) -> str:
    rows = pd.DataFrame(describe(outcome.scenario), columns=["Keuze", "Waarde"])
    parts = [f"<h1>Scenario: {escape(outcome.name)}</h1>",
             f"<p>{escape(outcome.source_label)}. Budget {euro(outcome.budget)} voor "
             f"{outcome.years[0]}–{outcome.years[-1]}; uitgegeven {euro(outcome.spent)} "
             f"aan {len(outcome.chosen)} acties.</p>"]
    if outcome.example_data:
        parts.append('<p style="color:#9a3412;font-weight:bold">Let op: dit scenario gebruikt voorbeeldgegevens. '
                     "Het zijn geen echte plannen, bedragen of cijfers.</p>")
    parts += [f'<p style="color:#9a3412">{escape(w)}</p>' for w in outcome.warnings]
    parts += [f"<p>{escape(n)}</p>" for n in outcome.notes]
    parts.append(_table(rows, index=False))
    return "\n".join(parts)


def leefgebieden(outcome: Outcome, catalogue) -> str:
    colours = {lg: l.kleur for lg, l in catalogue.leefgebieden.items()}
    names = {lg: l.naam for lg, l in catalogue.leefgebieden.items()}
    rows = [(names.get(lg, lg or "onbekend"), v, colours.get(lg, "#64748b")) for lg, v in outcome.per_leefgebied.items()]
    per_year = pd.DataFrame(outcome.per_year).T.rename(columns=names)
    per_year["totaal"] = per_year.sum(axis=1)
    shown = per_year.map(lambda v: euro(v))
    columns = [(year, parts) for year, parts in outcome.per_year.items()]
    chart = stacked_columns(columns, colours, names, title="Uitgaven per jaar (stippellijn: jaarbudget)",
                            limit=outcome.yearly_budget)
    return ("<h2>Geld per leefgebied</h2>" + bar_chart(rows, title="Uitgaven per leefgebied in de hele periode")
            + "<h2>Geld per jaar</h2>" + f"<p>Jaarbudget: {euro(outcome.yearly_budget)}.</p>" + chart + _table(shown))


def buurten(outcome: Outcome, catalogue) -> str:
    values = {code: e["euros"] for code, e in outcome.per_buurt.items()}
    source = " · ".join(outcome.data_labels)
    parts = ["<h2>Geld per buurt</h2>",
             buurt_map(values, catalogue, title="Geld dat elke buurt bereikt (hele periode)", source=source)]
    frame = pd.DataFrame([
        {"buurt": e["naam"], "wijk": e["wijknaam"], "acties": e["acties"], "geld": euro(e["euros"]),
         "per inwoner": euro(e["euros_per_inwoner"]) if e.get("euros_per_inwoner") is not None else "—"}
        for e in outcome.per_buurt.values()
    ])
    parts.append("<p>Een actie voor heel Heerlen-Noord telt voor elke buurt even zwaar mee.</p>")
    return "\n".join(parts) + _table(frame, index=False)


def partners(outcome: Outcome) -> str:
    rows = [(e["naam"], e["saldo"], "#15803d" if e["saldo"] >= 0 else "#b91c1c") for e in outcome.partners.values()]
    frame = pd.DataFrame([
        {"partner": e["naam"], "betaalt": euro(e["betaalt"]), "incasseert": euro(e["incasseert"]),
         "saldo": euro(e["saldo"]), "acties (betaalt / incasseert)": f"{e['acties_betaalt']} / {e['acties_incasseert']}"}
        for e in outcome.partners.values()
    ])
    return ("<h2>Wie betaalt, wie incasseert</h2>"
            "<p>Betaalt: het deel van de kosten van de investeerder. Incasseert: de kosten van een actie verdeeld "
            "over de incasseerders. Dat is een grove maat voor wie er baat bij heeft, geen berekening van opbrengsten.</p>"
            + bar_chart(rows, title="Saldo per partner (incasseert min betaalt)") + (_table(frame, index=False) if len(frame) else ""))


def support(outcome: Outcome, catalogue) -> str:
    s = outcome.support
    if not s.get("ballots"):
        return "<h2>Steun</h2><p>Dit scenario gebruikt geen stemmen.</p>"
    names = {code: b.naam for code, b in catalogue.buurten.items()}
    frame = pd.DataFrame([
        {"buurt": names.get(code, code) or "niet ingevuld", "mensen (gewogen)": round(v["people"], 1),
         "top-keuze betaald": _percent(v["share"]), "eigen steun betaald": _percent(v.get("satisfaction"))}
        for code, v in s["served_by_buurt"].items()
    ])
    return ("<h2>Steun</h2>"
            f"<p>{s['ballots']} stembiljetten. Bij {_percent(s['served_share'])} (gewogen) is minstens één "
            f"van hun top-keuzes betaald. Gemiddeld gaat {_percent(s.get('satisfaction'))} van wat iemand koos "
            f"naar acties die betaald worden. Van alle steun samen is dat {_percent(s['funded_support_share'])}.</p>" + _table(frame, index=False))


def acties(outcome: Outcome) -> str:
    cols = {"id": "actie", "titel": "titel", "leefgebied": "leefgebied", "horizon": "horizon", "kosten": "kosten",
            "start": "start", "eind": "eind", "steun": "steun", "reden": "gekozen in"}
    chosen = pd.DataFrame(outcome.chosen, columns=list(cols)).rename(columns=cols)
    chosen["kosten"] = chosen["kosten"].map(euro)
    rest = pd.DataFrame(outcome.not_chosen, columns=["id", "titel", "leefgebied", "kosten", "steun"])
    rest["kosten"] = rest["kosten"].map(euro)
    return ("<h2>Gekozen acties</h2>" + _table(chosen, index=False)
            + "<h2>Niet gekozen</h2>" + _table(rest, index=False))


def notebook_to_html(notebook: str | Path, html: str | Path, title: str = "") -> Path:
    """Export an executed notebook to a self-contained HTML report without the code."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    nb = nbformat.read(str(notebook), as_version=4)
    if title:
        nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    html = Path(html)
    html.write_text(body, encoding="utf-8")
    return html
