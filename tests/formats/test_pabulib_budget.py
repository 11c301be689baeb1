"""Begroten in pabulib: ``vote_type approval`` with the budget and ``max_sum_cost`` (as Decidim's
exporter writes it), read back as begroten, checked per category, and the scenario rules on it."""

from __future__ import annotations

from collections import Counter

import pytest
from pabutools.election import ApprovalProfile, parse_pabulib

from werkboek.demo.scenarios import seed_demo_workshop
from werkboek.errors import DataError
from werkboek.formats.pabulib import export_workshop, read_election
from werkboek.model.ballot import BallotSubmission
from werkboek.model.results import tally
from werkboek.scenarios import run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import input_from_pb
from werkboek.store import Store


def meta_of(text: str) -> dict:
    lines = text.split("PROJECTS")[0].splitlines()[2:]
    return dict(line.split(";", 1) for line in lines if line)


def test_export_writes_the_budget_as_decidim_does_and_reads_back_as_begroten(sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=30, method="begroten", groups=2, seed=4)
        path = export_workshop(store, wid, tmp_path / "b.pb", catalogue, exact=True)
        stored = store.ballots([wid])
    finally:
        store.close()
    meta = meta_of(path.read_text(encoding="utf-8"))
    assert meta["vote_type"] == "approval" and meta["budget"] == "10000000" and meta["max_sum_cost"] == "10000000"
    assert "max_sum_cost_per_category" not in meta and "max_length" not in meta  # one budget for all
    instance, profile = parse_pabulib(str(path))  # pabutools reads it
    assert isinstance(profile, ApprovalProfile) and instance.budget_limit == 10_000_000
    assert all(sum(p.cost for p in ballot) <= 10_000_000 for ballot in profile)
    data = input_from_pb(path, catalogue)
    assert data.methods == ("begroten",)
    # every stored ballot once per person of its tafel
    assert Counter(frozenset(b.values) for b in data.ballots) == Counter(
        frozenset(b.choices) for b in stored for _ in range(b.group_size))
    assert any(b.group_size > 1 for b in stored)


def test_a_budget_per_leefgebied_is_written_and_checked_per_category(store, catalogue, tmp_path):
    acties = ["leren-02", "leren-03", "leren-04", "wonen-03", "wonen-04"]
    ws = store.open_voting(store.create_workshop(
        "Per leefgebied", method="begroten", acties=acties,
        method_params={"budget": 1_000_000, "per_leefgebied": 1, "minimum_percent": 20}).id)
    for code, choices in zip(store.create_codes(ws.id, 2), [{"leren-04": 1, "wonen-03": 1}, {"leren-02": 1}]):
        store.submit(BallotSubmission(code.code, choices=choices))
    path = export_workshop(store, ws.id, tmp_path / "p.pb", catalogue, exact=True)
    text = path.read_text(encoding="utf-8")
    meta = meta_of(text)
    assert meta["max_sum_cost"] == "2000000" and meta["max_sum_cost_per_category"] == "1000000"
    assert meta["min_sum_cost"] == "200000" and meta["budget"] == "2000000"
    read_election(path)  # reads well
    # a vote of € 1,14 miljoen in leren: within the whole ballot's € 2 miljoen, over leren's € 1 miljoen
    forged = text.rstrip("\n") + "\nforged;leren-02,leren-03,leren-04;None\n"
    (tmp_path / "f.pb").write_text(forged.replace("num_votes;2", "num_votes;3"), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        read_election(tmp_path / "f.pb")
    assert "max_sum_cost_per_category" in str(exc.value) and "leren" in str(exc.value)


def test_greedy_support_on_the_results_is_the_scenario_rule_support(sqlite_url, catalogue, tmp_path):
    """The dashboard's "past in het budget" and the scenario rule ``support`` (pabutools' greedy)
    on the exported file fund the same acties; equal shares (MES) runs on the same ballots."""
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=60, method="begroten", groups=0, seed=8)
        ws = store.workshop(wid)
        res = tally(store.ballots([wid]), [ws], catalogue)
        path = export_workshop(store, wid, tmp_path / "g.pb", catalogue, exact=True)
    finally:
        store.close()
    method = ws.voting_method(catalogue)
    [(_, funded)] = method.funded({a: r.voters for a, r in res.by_actie.items()},
                                  [catalogue.acties[a] for a in ws.acties])
    assert funded and sum(catalogue.acties[a].kosten for a in funded) <= method.budget
    greedy = run_scenario(scenario_from_dict({"name": "g", "pb_file": str(path), "rule": "support",
                                              "start_year": 2025, "end_year": 2025}), catalogue)
    supported = {a for a, r in res.by_actie.items() if r.voters > 0}
    assert [r["id"] for r in greedy.chosen if r["id"] in supported] == funded
    mes = run_scenario(scenario_from_dict({"name": "m", "pb_file": str(path), "rule": "equal_shares",
                                           "start_year": 2025, "end_year": 2025}), catalogue)
    assert mes.chosen and sum(r["kosten"] for r in mes.chosen) <= method.budget
