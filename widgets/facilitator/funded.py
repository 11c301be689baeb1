"""What a budget pays for, on the live results: for a method with a budget (``Method.funded``).

Per actie the ballots and the people (a tafel counts its people) that chose it, and which acties
the budget pays for by greedy support — the rule OpenStad, Decidim and the Stanford platform
announce winners by. Other rules (the Method of Equal Shares, Phragmén, ...) are one click away:
"Scenario-bestand maken" writes a scenario file for this workshop's ballots with the same budget
(run with ``werkboek scenarios run <bestand>``, or open it in ``notebooks/scenario.ipynb``).
"""

from __future__ import annotations

from html import escape

import ipywidgets as w
import yaml

from werkboek.dutch import amount_in_words, count, euros_in_words

FUNDED_ROW = " class='wb-funded'"


def funded_html(workshop, results, catalogue) -> str:
    """The table of a budget's outcome; "" when the workshop's method has no budget."""
    method = workshop.voting_method(catalogue)
    acties = [catalogue.acties[a] for a in workshop.acties if a in catalogue.acties]
    support = {a: r.voters for a, r in results.by_actie.items()}
    budgets = method.funded(support, acties)
    if budgets is None:
        return ""
    parts = ["<h2>Wat past in het budget?</h2>",
             "<p class='wb-note'>De acties met de meeste stemmen eerst, zolang ze in het budget passen. Zo "
             "maken ook andere begrotingsplatforms de uitslag bekend.</p>"]
    for leefgebied, chosen in budgets:
        in_budget = [a for a in acties if leefgebied is None or a.leefgebied == leefgebied]
        spent = sum(catalogue.acties[a].kosten for a in chosen)
        name = "Het hele stembiljet" if leefgebied is None else catalogue.leefgebieden[leefgebied].naam
        rows = sorted(in_budget, key=lambda a: (-support.get(a.id, 0), a.kosten, a.id))
        body = "".join(
            f"<tr data-actie='{escape(a.id)}'{FUNDED_ROW if a.id in chosen else ''}>"
            f"<td>{escape(a.titel)}</td><td>{escape(euros_in_words(a.kosten))}</td>"
            f"<td>{count(results.by_actie[a.id].ballots) if a.id in results.by_actie else '0'}</td>"
            f"<td>{count(support.get(a.id, 0))}</td><td>{'✓ past' if a.id in chosen else ''}</td></tr>"
            for a in rows)
        parts.append(
            f"<h3>{escape(name)}: {escape(amount_in_words(spent))} van {escape(amount_in_words(method.budget))}</h3>"
            "<table class='wb-table' data-testid='funded'><thead><tr><th>Actie</th><th>Kost</th>"
            "<th>Stembiljetten</th><th>Mensen</th><th>In het budget</th></tr></thead>"
            f"<tbody>{body}</tbody></table>")
    return "".join(parts)


def scenario_yaml(workshop, catalogue, rule: str = "equal_shares") -> str:
    """A scenario file for the scenario rules on this workshop's ballots, with the workshop's budget."""
    method = workshop.voting_method(catalogue)
    n = len(workshop.acties_per_leefgebied(catalogue))
    budget = method.pabulib_budget(n) or sum(catalogue.acties[a].kosten for a in workshop.acties)
    scenario = {"name": f"{workshop.title}: {rule}", "budget_total": int(budget), "workshops": [workshop.id],
                "weighting": "person", "rule": rule}
    if not method.whole_ballot and n:
        # a budget per leefgebied: each leefgebied gets at least its share
        scenario["min_share_per_leefgebied"] = round(1 / n, 4)
    return yaml.safe_dump(scenario, allow_unicode=True, sort_keys=False)


class FundedPanel(w.VBox):
    """The budget's outcome above the ranked acties, with a button for a scenario file (MES)."""

    def __init__(self, catalogue, **kwargs):
        self.catalogue = catalogue
        self.workshop = None
        self.table = w.HTML()
        self.scenario_button = w.Button(description="Scenario-bestand maken (gelijke delen, MES)", icon="calculator",
                                        layout=w.Layout(width="auto", height="44px", display="none"))
        self.scenario_link = w.HTML()
        self.scenario_button.on_click(self._scenario)
        super().__init__([self.table, self.scenario_button, self.scenario_link], **kwargs)

    def show(self, workshops, results) -> None:
        html = funded_html(workshops[0], results, self.catalogue) if len(workshops) == 1 else ""
        self.workshop = workshops[0] if html else None
        self.table.value = html
        self.scenario_button.layout.display = None if html else "none"
        if not html:
            self.scenario_link.value = ""

    def _scenario(self, _button=None) -> None:
        if self.workshop is None:
            return
        from werkboek_widgets.facilitator.downloads import download_link

        text = scenario_yaml(self.workshop, self.catalogue)
        name = f"scenario-bijeenkomst-{self.workshop.id}-mes.yaml"
        self.scenario_link.value = (
            download_link(text.encode("utf-8"), name, "application/x-yaml", f"Scenario-bestand openen: {name}")
            + f"<p class='wb-note'>Reken het door met <code>werkboek scenarios run {escape(name)}</code>, of "
              "open het in het scenario-notebook. Daar kunt u ook een andere regel kiezen.</p>")
