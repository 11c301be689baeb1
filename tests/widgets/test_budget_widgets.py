"""Begroten in the widgets, driven from Python with a real store: the resident's ballot, the
facilitator's editor, paper entry, the live results (what the budget pays for)."""

from __future__ import annotations

from html import unescape

import pytest
import yaml

from support.resident_flow import go_to
from werkboek.model.ballot import BallotSubmission
from werkboek.model.records import PAPER
from werkboek_widgets.ballot.app import BallotApp
from werkboek_widgets.ballot.draft import BallotDraft
from werkboek_widgets.ballot.draft_payload import restore, to_payload

# leren-03 € 240.000, leren-02 € 450.000, leren-04 € 900.000, wonen-03 € 400.000, wonen-04 € 2,5 miljoen
ACTIES = ["leren-02", "leren-03", "leren-04", "wonen-03", "wonen-04"]


def open_budget(store, params, acties=ACTIES):
    ws = store.create_workshop("Begroten in Vrieheide", method="begroten", method_params=params, acties=acties)
    return store.open_voting(ws.id)


def test_resident_spends_the_budget_over_two_leefgebieden(store, catalogue):
    ws = open_budget(store, {"budget": 2_000_000})
    code = store.create_codes(ws.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    go_to(app, "stemmen")
    assert app.flow.current.leefgebied == "leren"
    bar = app.step.left
    assert "wb-budget-bar" in bar._dom_classes and 'aria-live="polite"' in bar.value
    assert "U heeft nog € 2 miljoen" in unescape(bar.value) and "alle leefgebieden samen" in bar.value
    controls = app.step.controls
    controls["leren-04"].button.click()  # € 900.000
    controls["leren-02"].button.click()  # € 450.000
    assert "U heeft nog € 650.000" in unescape(bar.value)
    assert controls["leren-04"].button.description.startswith("Gekozen")
    assert "wb-chosen" in controls["leren-04"].button._dom_classes
    app.next_button.click()  # on to wonen: the same budget, what is left of it
    assert app.flow.current.leefgebied == "wonen"
    bar, controls = app.step.left, app.step.controls
    assert "U heeft nog € 650.000" in unescape(bar.value)
    dear = controls["wonen-04"]  # € 2,5 miljoen: does not fit
    assert dear.button.disabled and dear.button.description == "Past niet meer"
    assert "kost meer dan u nog heeft (€ 650.000)" in unescape(dear.note.value)
    dear.button.click()  # a click that arrives anyway (a forged message) changes nothing
    assert "wonen-04" not in app.draft.choices
    assert not app.draft.act("wonen-04", "toggle")
    controls["wonen-03"].button.click()  # € 400.000 fits
    assert "U heeft nog € 250.000" in unescape(bar.value)
    go_to(app, "controle")
    summary = unescape(app.step.widget.children[-1].value)
    assert "ongeveer € 900.000" in summary and "ongeveer € 400.000" in summary
    assert "U geeft € 1,75 miljoen uit. U houdt € 250.000 over." in summary
    app.next_button.click()
    assert app.flow.current.step == "bedankt"
    [b] = store.ballots(ws.id)
    assert b.choices == {"leren-04": 1, "leren-02": 1, "wonen-03": 1}


def test_a_budget_per_leefgebied_and_a_minimum(store, catalogue):
    ws = open_budget(store, {"budget": 1_000_000, "per_leefgebied": 1, "minimum_percent": 60})
    code = store.create_codes(ws.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    go_to(app, "stemmen")
    app.step.controls["leren-03"].button.click()  # € 240.000: less than the minimum of € 600.000
    bar = unescape(app.step.left.value)
    assert "U heeft nog € 760.000" in bar and "voor dit leefgebied" in bar
    assert "Geef nog minstens € 360.000 uit." in bar
    app.next_button.click()
    assert "U heeft nog € 1 miljoen" in unescape(app.step.left.value)  # wonen has its own budget
    assert app.step.controls["wonen-04"].button.disabled  # € 2,5 miljoen is more than this budget
    go_to(app, "controle")
    assert "U houdt € 760.000 over" in unescape(app.step.widget.children[-1].value)
    app.next_button.click()  # the store refuses: too little spent in Leren
    assert app.flow.current.step == "controle"
    assert "Bij Leren kosten uw keuzes € 240.000. Geef daar minstens € 600.000 uit." in app.message.value
    assert store.ballots(ws.id) == []


def test_a_forged_over_budget_ballot_is_refused_by_the_store(store, catalogue):
    ws = open_budget(store, {"budget": 1_000_000})
    code = store.create_codes(ws.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    go_to(app, "controle")
    app.draft.choices = {"leren-04": 1, "wonen-03": 1}  # € 1,3 miljoen: a forged widget state
    app.next_button.click()
    assert app.flow.current.step == "controle"
    assert "Uw keuzes kosten € 1,3 miljoen. Dat is meer dan uw budget van € 1 miljoen." in app.message.value
    assert store.ballots(ws.id) == []


def test_a_saved_draft_keeps_only_what_fits_the_whole_budget(store, catalogue):
    ws = store.workshop(open_budget(store, {"budget": 1_000_000}).id)
    draft = BallotDraft(ws, catalogue, "AAA-AAA")
    assert draft.act("leren-04", "toggle")
    payload = to_payload(draft, None, "nl")
    payload["choices"].update({"wonen-03": 1, "leren-03": 1})  # forged: € 1,54 miljoen in all
    restored, _ = restore(payload, ws, catalogue, "AAA-AAA")
    assert sum(catalogue.acties[a].kosten for a in restored.choices) <= 1_000_000
    assert "leren-04" in restored.choices


def test_editor_sets_a_budget_per_leefgebied_and_a_minimum(store, catalogue, tmp_path, monkeypatch):
    from werkboek_widgets.facilitator import ConsoleApp

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    ed = ConsoleApp(store, catalogue).editor
    ed.title.value = "Begrotingsavond"
    ed.picker.selected = ACTIES
    ed.method.value = "begroten"
    assert ed.param.description == "Budget in euro" and ed.param.max == 1_000_000_000
    assert "€ 10 miljoen" in ed.param_words.value
    ed.param.value = 2_500_000
    assert "€ 2,5 miljoen" in ed.param_words.value
    scope, minimum = ed.extra_params["per_leefgebied"], ed.extra_params["minimum_percent"]
    assert dict(scope.options) == {"het hele stembiljet": 0, "elk leefgebied apart": 1}
    scope.value = 1
    minimum.value = 40
    ed.save_button.click()
    ws = store.workshop(ed.workshop_id)
    assert ws.method == "begroten"
    assert ws.method_params == {"budget": 2_500_000, "per_leefgebied": 1, "minimum_percent": 40}
    ed.workshop_id = None
    ed.workshop_id = ws.id  # loaded again: the same settings in the form
    assert (ed.param.value, ed.extra_params["per_leefgebied"].value,
            ed.extra_params["minimum_percent"].value) == (2_500_000, 1, 40)
    ed.extra_params["minimum_percent"].value = 0  # 0: no minimum
    ed.method.value = "goedkeuren"  # the other methods' settings are as before
    assert ed.method_params() == {"max_approvals": 3}


def test_paper_ballot_and_paper_entry(store, catalogue, tmp_path, monkeypatch):
    from werkboek.outputs.paperballot import paper_ballots_html
    from werkboek_widgets.facilitator import ConsoleApp
    from werkboek_widgets.facilitator.console import PAPER_TAB

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    ws = open_budget(store, {"budget": 1_000_000, "minimum_percent": 10})
    codes = store.create_codes(ws.id, 3)
    page = paper_ballots_html(ws, codes, catalogue)
    assert "U heeft € 1 miljoen voor alle leefgebieden samen." in page and "€ 100.000" in page
    assert page.count('class="box tick"') == 3 * len(ACTIES)
    console = ConsoleApp(store, catalogue)
    console.chooser.options = [(ws.title, ws.id)]
    console.chooser.value = ws.id
    console.tabs.selected_index = PAPER_TAB
    panel = console.paper
    panel.code.value = codes[0].code
    panel.fields["leren-04"].value = "x"
    panel.fields["wonen-03"].value = "x"  # € 1,3 miljoen: over the budget
    assert not panel.save()
    assert "meer dan uw budget" in panel.message.value and store.ballots(ws.id) == []
    panel.fields["wonen-03"].value = ""
    assert panel.save(), panel.message.value
    [b] = store.ballots(ws.id)
    assert b.choices == {"leren-04": 1} and b.channel == PAPER


def test_live_results_show_what_the_budget_pays_for(store, catalogue, tmp_path, monkeypatch):
    from werkboek.scenarios.params import scenario_from_dict
    from werkboek_widgets.facilitator.dashboard import Dashboard
    from werkboek_widgets.facilitator.funded import scenario_yaml

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    ws = open_budget(store, {"budget": 1_000_000})
    store.update_workshop(ws.id, privacy_k=1)
    singles = [{"leren-04": 1}, {"leren-04": 1}, {"wonen-03": 1}]
    for code, choices in zip(store.create_codes(ws.id, 3), singles):
        store.submit(BallotSubmission(code.code, choices=choices))
    [table_code] = store.create_codes(ws.id, 1, "group")
    store.submit(BallotSubmission(table_code.code, choices={"leren-02": 1, "leren-03": 1}, group_size=4))
    dash = Dashboard(store, catalogue, [ws.id])
    table = unescape(dash.funded.table.value)
    # support in people: leren-02 and leren-03 4 (one tafel of 4), leren-04 2, wonen-03 1.
    # greedy: leren-03 (4, € 240.000) and leren-02 (4, € 450.000), then leren-04 (€ 900.000) no longer fits,
    # wonen-03 (€ 400.000) does not either (€ 310.000 left)
    funded = [row.split("'")[0] for row in table.split("data-actie='")[1:] if "✓ past" in row.split("</tr>")[0]]
    assert funded == ["leren-03", "leren-02"]
    assert "€ 690.000 van € 1 miljoen" in table
    row = table.split("data-actie='leren-02'")[1].split("</tr>")[0]
    assert "<td>1</td><td>4</td>" in row  # one ballot, four people
    assert dash.funded.scenario_button.layout.display is None
    dash.funded.scenario_button.click()
    assert "werkboek scenarios run" in dash.funded.scenario_link.value
    text = yaml.safe_load(scenario_yaml(store.workshop(ws.id), catalogue))
    assert text["rule"] == "equal_shares" and text["budget_total"] == 1_000_000 and text["workshops"] == [ws.id]
    scenario_from_dict(text)  # a scenario file the scenario rules accept


@pytest.mark.parametrize("method,params", [("punten", {"points": 5}), ("goedkeuren", {"max_approvals": 2})])
def test_no_budget_table_for_methods_without_a_budget(store, catalogue, method, params):
    from werkboek_widgets.facilitator.dashboard import Dashboard

    ws = store.open_voting(store.create_workshop("Avond", method=method, method_params=params, acties=ACTIES).id)
    dash = Dashboard(store, catalogue, [ws.id])
    assert dash.funded.table.value == "" and dash.funded.scenario_button.layout.display == "none"


def test_the_demo_workshop_can_use_begroten(store, catalogue):
    import argparse

    from werkboek.cli import workshop as cli_workshop
    from werkboek.demo.workshop import seed_demo

    wid = seed_demo(store, ballots=6, method="begroten")
    ws = store.workshop(wid)
    assert ws.method == "begroten" and "begroten" in ws.title
    stored = store.ballots([wid])
    assert len(stored) == 8  # 6 and 2 tafels, every one accepted by the store's check
    method = ws.voting_method(catalogue)
    assert all(method.spent(b.choices) <= method.budget for b in stored)
    assert seed_demo(store, ballots=6) != wid  # the stippen demo is a workshop of its own
    parser = argparse.ArgumentParser()
    cli_workshop.add_parser(parser.add_subparsers())
    args = parser.parse_args(["workshop", "--demo", "--demo-methode", "begroten"])
    assert cli_workshop.options_from(args).demo_method == "begroten"


def test_begroten_is_one_method_class_and_one_control_class():
    """Issue 11's promise: every method has its control, and no other module names begroten's key."""
    import re
    from pathlib import Path

    from werkboek.model.methods import METHODS
    from werkboek_widgets.ballot.controls import CONTROLS

    assert set(CONTROLS) == set(METHODS)
    root = Path(__file__).resolve().parents[2]
    own = {root / "werkboek/model/methods/budget.py", root / "widgets/ballot/controls/budget.py"}
    naming = [str(p.relative_to(root)) for folder in ("werkboek", "widgets") for p in (root / folder).rglob("*.py")
              if p not in own and re.search(r"[\"']begroten[\"']", p.read_text(encoding="utf-8"))]
    assert naming == []
