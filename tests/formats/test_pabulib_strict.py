"""Strict reading of .pb files: every problem with its file, line and field, in Dutch, all together."""

from __future__ import annotations

import pytest

from werkboek.errors import DataError, ScenarioError, _display
from werkboek.formats.pabulib import read_election
from werkboek.scenarios import run_scenario, scenario_from_dict
from werkboek.scenarios.inputs import input_from_pb

META = ["META", "key;value", "description;invented", "num_projects;3", "num_votes;3", "budget;100",
        "vote_type;approval"]
PROJECTS = ["PROJECTS", "project_id;cost;name", "a;50;A", "b;40;B", "c;30;C"]
VOTES = ["VOTES", "voter_id;vote", "1;a", "2;a,b", "3;c"]


def pb(tmp_path, meta=META, projects=PROJECTS, votes=VOTES, name="x.pb"):
    path = tmp_path / name
    path.write_text("\n".join([*meta, *projects, *votes]) + "\n", encoding="utf-8")
    return path


def problems(path) -> list[str]:
    with pytest.raises(DataError) as info:
        read_election(path)
    return [str(p) for p in info.value.problems]


def replace(lines, old, new):
    return [new if line == old else line for line in lines if not (new is None and line == old)]


def test_a_good_file_reads(tmp_path):
    instance, profile = read_election(pb(tmp_path))
    assert instance.budget_limit == 100 and len(profile) == 3


@pytest.mark.parametrize("case, parts, expected", [
    ("no vote_type", {"meta": replace(META, "vote_type;approval", None)},
     "rij 2, veld 'vote_type': ontbreekt in META"),
    ("no budget", {"meta": replace(META, "budget;100", None)}, "rij 2, veld 'budget': ontbreekt in META"),
    ("budget 0", {"meta": replace(META, "budget;100", "budget;0")},
     "rij 6, veld 'budget': het budget moet groter dan 0 zijn, niet 0"),
    ("budget negative", {"meta": replace(META, "budget;100", "budget;-5")},
     "rij 6, veld 'budget': het budget moet groter dan 0 zijn, niet -5"),
    ("budget text", {"meta": replace(META, "budget;100", "budget;honderd")},
     "rij 6, veld 'budget': 'honderd' is geen bedrag"),
    ("unknown vote_type", {"meta": replace(META, "vote_type;approval", "vote_type;stippen")},
     "rij 7, veld 'vote_type': 'stippen' is onbekend (kies uit approval, choose-1, cumulative, scoring, ordinal)"),
    ("negative cost", {"projects": replace(PROJECTS, "b;40;B", "b;-40;B")},
     "rij 11, veld 'cost': de kosten van project 'b' zijn negatief (-40)"),
    ("missing cost", {"projects": replace(PROJECTS, "b;40;B", "b;;B")},
     "rij 11, veld 'cost': project 'b' heeft geen kosten"),
    ("text cost", {"projects": replace(PROJECTS, "b;40;B", "b;veertig;B")},
     "rij 11, veld 'cost': 'veertig' is geen bedrag"),
    ("duplicate project", {"projects": replace(PROJECTS, "c;30;C", "a;30;C")},
     "rij 12, veld 'project_id': project 'a' staat twee keer in PROJECTS"),
    ("no cost column", {"projects": ["PROJECTS", "project_id;name", "a;A", "b;B", "c;C"]},
     "rij 9, veld 'cost': kolom ontbreekt in de kopregel van PROJECTS"),
    ("unknown project", {"votes": replace(VOTES, "3;c", "3;c,z")}, "rij 17, veld 'vote': onbekend project 'z'"),
    ("duplicate voter", {"votes": replace(VOTES, "3;c", "2;c")},
     "rij 17, veld 'voter_id': kiezer '2' staat al op regel 16"),
    ("empty VOTES", {"votes": ["VOTES", "voter_id;vote"]}, "rij 14: VOTES heeft geen stemmen"),
    ("no VOTES", {"votes": []}, "de sectie VOTES ontbreekt"),
    ("wrong width", {"votes": replace(VOTES, "3;c", "3;c;extra")},
     "rij 17: 3 velden, maar de kopregel heeft er 2"),
    ("max_length", {"meta": [*META, "max_length;1"]}, "rij 17, veld 'vote': 2 projecten, maar max_length in "
                                                       "META is 1 (hoogstens)"),
    ("max_sum_cost", {"meta": [*META, "max_sum_cost;80"]},
     "rij 17, veld 'vote': 90 euro aan projecten, maar max_sum_cost in META is 80 (hoogstens)"),
])
def test_each_malformed_file_has_its_exact_message(tmp_path, case, parts, expected):
    path = pb(tmp_path, **parts)
    found = problems(path)
    assert f"{_display(path)}, {expected}" in found or f"{_display(path)}: {expected}" in found, found


CUMULATIVE = ["META", "key;value", "budget;100", "vote_type;cumulative", "max_sum_points;5", "max_points;3",
              "min_points;1"]


@pytest.mark.parametrize("vote, expected", [
    ("1;a,b;3,3", "rij 14, veld 'points': 6 punten in totaal, maar max_sum_points in META is 5 (hoogstens)"),
    ("1;a;4", "rij 14, veld 'points': 4 punten op één project, maar max_points in META is 3 (hoogstens)"),
    ("1;a,b;2,0", "rij 14, veld 'points': 0 punten op één project, maar min_points in META is 1 (minstens)"),
    ("1;a,b;2", "rij 14, veld 'points': 1 punten voor 2 projecten"),
    ("1;a,b;2,x", "rij 14, veld 'points': '2,x' zijn geen getallen"),
    ("1;a,b;2,-1", "rij 14, veld 'points': punten mogen niet negatief zijn"),
])
def test_points_beyond_the_files_own_limits(tmp_path, vote, expected):
    path = pb(tmp_path, meta=CUMULATIVE, projects=["PROJECTS", "project_id;cost", "a;10", "b;20"],
              votes=["VOTES", "voter_id;vote;points", vote])
    assert problems(path) == [f"{_display(path)}, {expected}"]


def test_all_problems_together(tmp_path):
    path = pb(tmp_path, meta=replace(META, "budget;100", "budget;0"), projects=replace(PROJECTS, "b;40;B", "b;-1;B"),
              votes=replace(replace(VOTES, "3;c", "3;q"), "1;a", "1;r"))
    with pytest.raises(DataError) as info:
        read_election(path)
    message = str(info.value)
    assert message.startswith("4 fouten in de gegevens:\n  ")
    assert [(p.row, p.field) for p in info.value.problems] == [(11, "cost"), (6, "budget"), (15, "vote"),
                                                                (17, "vote")]


def test_not_there_and_not_text(tmp_path):
    assert problems(tmp_path / "weg.pb") == [f"{_display(tmp_path / 'weg.pb')}: bestand niet gevonden"]
    path = tmp_path / "bin.pb"
    path.write_bytes(b"META\n\xff\xfe\n")
    assert "geen geldige UTF-8-tekst" in problems(path)[0]


def test_a_scenario_on_a_broken_file_names_every_problem(tmp_path, catalogue):
    path = pb(tmp_path, meta=replace(META, "budget;100", "budget;0"), projects=replace(PROJECTS, "b;40;B", "b;-1;B"))
    with pytest.raises(ScenarioError) as info:
        input_from_pb(path, catalogue)
    assert "rij 6, veld 'budget'" in str(info.value) and "rij 11, veld 'cost'" in str(info.value)


def test_decimal_costs_are_kept_exactly(tmp_path, catalogue):
    # 50.50 + 49.60 = 100.10 > 100: cut to whole euros (50 + 49) both would fit, over the budget.
    path = pb(tmp_path, projects=["PROJECTS", "project_id;cost;name", "a;50.50;A", "b;49,60;B", "c;30;C"],
              votes=["VOTES", "voter_id;vote", "1;a,b", "2;a,b", "3;a,b", "4;b"])
    data = input_from_pb(path, catalogue)
    assert str(data.candidates["a"].kosten) == "101/2" and str(data.candidates["b"].kosten) == "248/5"
    out = run_scenario(scenario_from_dict({"name": "d", "pb_file": str(path), "rule": "support"}), catalogue)
    assert [r["id"] for r in out.chosen] == ["b", "c"]  # b (4 votes), then a does not fit, c does
    assert out.spent <= 100 and out.chosen[0]["kosten"] == pytest.approx(49.6)
    assert out.to_json()  # exact costs still make JSON


def test_a_pb_scenario_without_years_is_a_one_off_budget(tmp_path, catalogue):
    path = pb(tmp_path)
    out = run_scenario(scenario_from_dict({"name": "eenmalig", "pb_file": str(path), "start_year": 2026}), catalogue)
    assert out.years == [2026] and out.budget == out.yearly_budget == 100
    assert not any("jaarbudget" in w for w in out.warnings)
    from werkboek.scenarios.outcome import describe

    assert ("Periode", "eenmalig budget (2026)") in describe(out.scenario)
    # A horizon set on purpose still spreads the budget over its years (and may warn).
    spread = run_scenario(scenario_from_dict({"name": "tien jaar", "pb_file": str(path), "end_year": 2034}),
                          catalogue)
    assert spread.years == list(range(2025, 2035)) and spread.yearly_budget == 10
    assert any("jaarbudget is overschreden" in w for w in spread.warnings)


def test_the_cli_says_what_is_wrong_without_a_traceback(tmp_path, monkeypatch, capsys):
    from werkboek.cli import main

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    path = pb(tmp_path, meta=replace(META, "vote_type;approval", None), votes=replace(VOTES, "3;c", "3;z"))
    scenario = tmp_path / "elders.yaml"
    scenario.write_text(f"name: Elders\npb_file: {path}\n", encoding="utf-8")
    code = main(["scenarios", "run", str(scenario), "--quiet", "--results", str(tmp_path / "res")])
    out = capsys.readouterr()
    text = out.out + out.err
    assert code == 1 and "Traceback" not in text
    assert "veld 'vote_type': ontbreekt in META" in text and "rij 16, veld 'vote': onbekend project 'z'" in text
