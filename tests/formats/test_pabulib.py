"""Pabulib .pb export read back by pabutools, and scenarios on a .pb file from elsewhere."""

from __future__ import annotations

from collections import Counter

import pytest
from pabutools.election import (
    ApprovalProfile,
    CumulativeProfile,
    OrdinalProfile,
    parse_pabulib,
)

from werkboek.demo.scenarios import seed_demo_workshop
from werkboek.errors import ScenarioError
from werkboek.formats.pabulib import export_workshop
from werkboek.model.methods import METHODS
from werkboek.scenarios import run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import input_from_pb as read_pb
from werkboek.store import Store

PROFILES = {"punten": CumulativeProfile, "goedkeuren": ApprovalProfile, "top3": OrdinalProfile,
            "begroten": ApprovalProfile}


@pytest.mark.parametrize("method", ["punten", "goedkeuren", "top3", "begroten"])
def test_export_reads_back_as_the_same_instance_and_profile(method, sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=25, method=method, groups=2, seed=5)
        path = export_workshop(store, wid, tmp_path / "w.pb", catalogue, budget=10_000_000)
        stored = store.ballots([wid])
        workshop = store.workshop(wid)
    finally:
        store.close()
    instance, profile = parse_pabulib(str(path))
    assert isinstance(profile, PROFILES[method])
    assert instance.budget_limit == 10_000_000
    assert {(p.name, int(p.cost)) for p in instance} == {(a, catalogue.acties[a].kosten) for a in workshop.acties}
    assert {p.name: p.categories for p in instance} == {a: {catalogue.acties[a].leefgebied} for a in workshop.acties}
    # Every stored ballot, once per person of its group.
    expected = Counter()
    for b in stored:
        if method == "punten":
            key = frozenset(b.choices.items())
        elif method in ("goedkeuren", "begroten"):
            key = frozenset(b.choices)
        else:
            key = tuple(sorted(b.choices, key=lambda a: (b.choices[a], workshop.acties.index(a))))
        expected[key] += b.group_size
    got = Counter()
    for ballot in profile:
        if method == "punten":
            got[frozenset((p.name, int(ballot[p])) for p in ballot)] += 1
        elif method in ("goedkeuren", "begroten"):
            got[frozenset(p.name for p in ballot)] += 1
        else:
            got[tuple(p.name for p in ballot)] += 1
    assert got == expected
    assert profile.num_ballots() == sum(b.group_size for b in stored) > len(stored)


PB_FROM_ELSEWHERE = """META
key;value
description;Test election (invented)
country;Poland
unit;Testowo
instance;2024
num_projects;3
num_votes;5
budget;100
vote_type;approval
rule;greedy
PROJECTS
project_id;cost;name;category
a;100;Park <script>;environment
b;60;School;leren
c;40;Library;leren
VOTES
voter_id;vote
1;a
2;a
3;a
4;b,c
5;b,c
"""


def test_scenario_on_a_pb_file(tmp_path, catalogue):
    path = tmp_path / "elders.pb"
    path.write_text(PB_FROM_ELSEWHERE, encoding="utf-8")
    data = read_pb(path, catalogue)
    assert set(data.candidates) == {"a", "b", "c"} and data.budget_hint == 100
    assert data.candidates["b"].leefgebied == "leren" and data.candidates["a"].leefgebied == ""
    # No budget given: the file's own budget (100). Greedy takes a, equal shares c and b.
    greedy = run_scenario(scenario_from_dict({"name": "pb", "pb_file": str(path), "rule": "support",
                                              "start_year": 2025, "end_year": 2025}), catalogue)
    mes = run_scenario(scenario_from_dict({"name": "pb", "pb_file": str(path), "rule": "equal_shares",
                                           "completion": "greedy", "start_year": 2025, "end_year": 2025}), catalogue)
    assert [r["id"] for r in greedy.chosen] == ["a"]
    assert [r["id"] for r in mes.chosen] == ["c", "b"]
    assert mes.per_leefgebied["leren"] == 100 and greedy.per_leefgebied[""] == 100
    assert mes.support["served_share"] == pytest.approx(0.4)


def test_broken_pb_file_is_reported(tmp_path, catalogue):
    path = tmp_path / "kapot.pb"
    path.write_text("META\nkey;value\nbudget;100\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="kapot.pb"):
        read_pb(path, catalogue)


def test_report_escapes_names_from_a_pb_file(tmp_path, catalogue):
    from werkboek.scenarios import report

    path = tmp_path / "elders.pb"
    path.write_text(PB_FROM_ELSEWHERE, encoding="utf-8")
    out = run_scenario(scenario_from_dict({"name": "pb <i>", "pb_file": str(path), "start_year": 2025,
                                           "end_year": 2025}), catalogue)
    html = report.acties(out) + report.header(out)
    assert "Park &lt;script&gt;" in html and "<script>" not in html and "pb &lt;i&gt;" in html


def test_cli_exports_a_workshop(tmp_path, monkeypatch, catalogue, capsys):
    from werkboek.cli import main

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    monkeypatch.delenv("WERKBOEK_DATABASE_URL", raising=False)
    assert main(["scenarios", "demo", "--ballots", "12"]) == 0
    assert "workshops: [1]" in capsys.readouterr().out
    assert main(["scenarios", "export-pb", "1", str(tmp_path / "w.pb"), "--budget", "5000000"]) == 0
    instance, profile = parse_pabulib(str(tmp_path / "w.pb"))
    assert instance.budget_limit == 5_000_000 and len(instance) == len(catalogue.acties)
    assert profile.num_ballots() >= 12


def test_the_pb_export_hides_arrival_order_and_small_buurten_unless_exact(sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=30, method="goedkeuren", groups=0, seed=3)
        stored = store.ballots([wid])
        k = store.workshop(wid).privacy_k
        plain = export_workshop(store, wid, tmp_path / "w.pb", catalogue).read_text()
        exact = export_workshop(store, wid, tmp_path / "x.pb", catalogue, exact=True).read_text()
    finally:
        store.close()

    def voters(text):
        rows = text.split("VOTES\n", 1)[1].splitlines()[1:]
        return [row.split(";") for row in rows]

    assert sorted(v[0] for v in voters(exact)) == sorted(str(b.id) for b in stored)
    ids = [v[0] for v in voters(plain)]
    assert not set(ids) & {str(b.id) for b in stored} and ids == sorted(ids)  # pseudonyms, in their own order
    from werkboek.model.privacy import shown_groups

    per_buurt = Counter(b.buurt or "None" for b in stored)
    written = Counter(v[-1] for v in voters(plain))
    assert all(n >= k for n in written.values()), written  # no buurt (nor "overig") of fewer than k voters
    named = shown_groups(Counter(b.buurt or "" for b in stored), k)
    assert written == Counter((b.buurt or "None") if (b.buurt or "") in named else "overig" for b in stored)
    assert any(n < k for n in per_buurt.values()) and "overig" in written  # the case this test is about
    assert Counter(v[-1] for v in voters(exact)) == per_buurt


@pytest.mark.parametrize("method", list(METHODS))
def test_every_method_round_trips_through_pb(method, sqlite_url, catalogue, tmp_path):
    """Export a workshop, read it back as a scenario's input: the same choices and support per actie."""
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        wid = seed_demo_workshop(store, catalogue, ballots=40, method=method, groups=3, seed=11)
        path = export_workshop(store, wid, tmp_path / "w.pb", catalogue, budget=10_000_000, exact=True)
        stored = store.ballots([wid])
        voting = store.workshop(wid).voting_method()
    finally:
        store.close()
    data = read_pb(path, catalogue)
    expected_support = Counter()
    expected_values = Counter()
    for b in stored:
        for a, v in b.choices.items():
            expected_support[a] += voting.score(v) * b.group_size
        expected_values[frozenset(b.choices.items())] += b.group_size
    got_support = Counter()
    for b in data.ballots:
        for a, s in b.scores.items():
            got_support[a] += s
    assert dict(got_support) == pytest.approx(dict(expected_support))
    assert Counter(frozenset(b.values.items()) for b in data.ballots) == expected_values
    assert data.methods == (method,)


def test_per_leefgebied_limits_are_checked(tmp_path):
    from werkboek.errors import DataError
    from werkboek.formats.pabulib import read_election

    path = tmp_path / "top.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;ordinal\nmax_length;4\nmax_length_per_category;2\n"
                    "PROJECTS\nproject_id;cost;category\nl1;10;leren\nl2;10;leren\nl3;10;leren\nw1;10;wonen\n"
                    "VOTES\nvoter_id;vote\n1;l1,w1,l2\n2;l1,l2,l3\n", encoding="utf-8")
    with pytest.raises(DataError) as info:
        read_election(path)
    assert [str(p).split(", ", 1)[1] for p in info.value.problems] == [
        "rij 16, veld 'vote': 3 projecten in categorie 'leren', maar max_length_per_category in META is 2 "
        "(hoogstens)"]
