"""Decisions and progress in the store (migration 0006): versions kept, batches all-or-nothing, imports strict."""

from __future__ import annotations

import datetime as dt

import pytest

from support.old_schema import database_at
from werkboek.errors import DataError
from werkboek.model.programme import AFGEWEZEN, GEKOZEN, NIET_NU, new_decision, new_progress
from werkboek.store import Store, migrate
from werkboek.store.programme import Programme
from werkboek.store.schema import SCHEMA_REVISION

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def programme(store):
    return Programme(store)


def _acties(catalogue, n=3):
    return [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:1]][:n]


def _partner(catalogue, actie_id):
    return catalogue.acties[actie_id].investeerders[0][0]


def test_a_decision_round_trips_and_every_change_is_a_new_version(programme, catalogue):
    a = _acties(catalogue, 1)[0]
    first = programme.decide(new_decision(a, GEKOZEN, "Veel steun in Vrieheide.", budget=250_000, jaar=2027,
                                          partners=[_partner(catalogue, a)], workshops=[2, 1],
                                          scenario="Basis 2026", by="Anna"))
    assert (first.version, first.besluit, first.budget, first.jaar, first.workshops, first.changed_by) == (
        1, GEKOZEN, 250_000, 2027, (1, 2), "Anna")
    assert first.changed_at is not None and first.changed_at.tzinfo is not None
    second = programme.decide(new_decision(a, NIET_NU, "Eerst de school verbouwen.", by="Bram"))
    assert second.version == 2
    assert programme.decision(a) == second
    assert programme.decisions() == {a: second}
    history = programme.history(a)
    assert [(d.version, d.besluit, d.reden, d.changed_by) for d in history] == [
        (1, GEKOZEN, "Veel steun in Vrieheide.", "Anna"), (2, NIET_NU, "Eerst de school verbouwen.", "Bram")]
    assert history[0] == first  # the first version is still there, unchanged


def test_a_bad_decision_names_every_field_and_writes_nothing(programme, catalogue):
    good = new_decision(_acties(catalogue, 1)[0], GEKOZEN, "Goed plan.", budget=1000, by="Anna")
    bad = new_decision("bestaat-niet", "misschien", "", budget=-5, jaar=2050, partners=["onbekend"], by="")
    with pytest.raises(DataError) as caught:
        programme.decide_many([good, bad])
    fields = {(p.row, p.field) for p in caught.value.problems}
    assert {(2, "actie"), (2, "besluit"), (2, "reden"), (2, "budget"), (2, "jaar"), (2, "partners"),
            (2, "door")} <= fields
    assert "staat niet in de catalogus" in str(caught.value)
    assert programme.history() == []  # the good one was not written either


def test_adopting_a_scenario_decides_every_actie_once_and_twice_changes_nothing(programme, catalogue):
    from werkboek.scenarios.outcome import run_scenario
    from werkboek.scenarios.params import scenario_from_dict

    out = run_scenario(scenario_from_dict({"name": "Catalogus 2026", "budget_per_year": 3_000_000}), catalogue)
    adopted = programme.adopt_scenario(out, by="Programmabureau")
    chosen = {r["id"] for r in out.chosen}
    assert chosen and len(adopted) == len(out.chosen) + len(out.not_chosen)
    current = programme.decisions()
    assert {a for a, d in current.items() if d.besluit == GEKOZEN} == chosen
    assert {a for a, d in current.items() if d.besluit == NIET_NU} == {r["id"] for r in out.not_chosen}
    row = out.chosen[0]
    d = current[row["id"]]
    assert (d.budget, d.jaar, d.scenario) == (round(row["kosten"]), row["start"], "Catalogus 2026")
    assert set(d.partners) == {p for p, _ in catalogue.acties[row["id"]].investeerders}
    assert programme.adopt_scenario(out, by="Programmabureau") == adopted
    assert len(programme.history()) == len(adopted)  # no second version of anything
    # then edited by hand: one new version, the scenario's stays in the history
    edited = programme.decide(new_decision(row["id"], AFGEWEZEN, "De partner doet niet mee.", by="Anna"))
    assert edited.version == 2 and programme.history(row["id"])[0].scenario == "Catalogus 2026"


def test_progress_only_for_chosen_acties_and_the_timeline_keeps_every_update(programme, catalogue):
    a, b = _acties(catalogue, 2)
    programme.decide(new_decision(a, GEKOZEN, "Gekozen.", budget=100_000, jaar=2026, by="Anna"))
    programme.decide(new_decision(b, NIET_NU, "Later.", by="Anna"))
    programme.add_progress(new_progress(a, "3-3-2026", "gepland", 0, 0, tekst="Start in april", by="Anna"))
    programme.add_progress(new_progress(a, "2026-09-01", "bezig", "40%", "€ 35.000", foto="fotos/a.jpg", by="Bram"))
    with pytest.raises(DataError, match="niet gekozen"):
        programme.add_progress(new_progress(b, "2026-09-01", "bezig", 10, 0, by="Anna"))
    line = programme.timeline(a)
    assert [(u.datum, u.status, u.percentage, u.uitgegeven, u.foto) for u in line] == [
        (dt.date(2026, 3, 3), "gepland", 0, 0, ""), (dt.date(2026, 9, 1), "bezig", 40, 35_000, "fotos/a.jpg")]
    state = programme.states()[a]
    assert state.decision.besluit == GEKOZEN and state.progress == line[-1] and state.timeline == tuple(line)
    assert programme.timeline(b) == []


def _write_csv(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def test_import_progress_from_dutch_csv_and_xlsx(programme, catalogue, tmp_path):
    from openpyxl import Workbook

    a, b = _acties(catalogue, 2)
    for x in (a, b):
        programme.decide(new_decision(x, GEKOZEN, "Gekozen.", budget=100_000, jaar=2026, by="Anna"))
    csv_file = _write_csv(tmp_path / "voortgang.csv",
                          "actie;datum;status;percentage;uitgegeven;tekst\n"
                          f"{a};1-6-2026;bezig;25;12.500;De eerste lessen zijn gegeven\n"
                          f"{b};2026-06-02;klaar;100;99.000,00;\n")
    stored = programme.import_progress(csv_file, by="Anna", today=TODAY)
    assert [(u.actie_id, u.percentage, u.uitgegeven, u.source) for u in stored] == [
        (a, 25, 12_500, "voortgang.csv"), (b, 100, 99_000, "voortgang.csv")]
    wb = Workbook()
    ws = wb.active
    ws.append(["actie", "titel", "datum", "status", "percentage", "uitgegeven", "foto"])
    ws.append([a, "help", dt.datetime(2026, 7, 1), "bezig", 0.5, 40000, "a2.jpg"])
    wb.save(tmp_path / "voortgang.xlsx")
    stored = programme.import_progress(tmp_path / "voortgang.xlsx", by="Bram", today=TODAY)
    assert [(u.datum, u.percentage, u.uitgegeven, u.foto) for u in stored] == [
        (dt.date(2026, 7, 1), 50, 40_000, "a2.jpg")]
    assert len(programme.timeline(a)) == 2


def test_a_bad_progress_sheet_lists_every_problem_by_row_and_field_and_writes_nothing(programme, catalogue, tmp_path):
    a, b = _acties(catalogue, 2)
    programme.decide(new_decision(a, GEKOZEN, "Gekozen.", budget=100_000, jaar=2026, by="Anna"))
    programme.decide(new_decision(b, AFGEWEZEN, "Nee.", by="Anna"))
    sheet = _write_csv(tmp_path / "fout.csv",
                       "actie;datum;status;percentage;uitgegeven\n"
                       f"{a};1-6-2026;bezig;25;12.500\n"            # line 2: good
                       f"{a};31-2-2026;half;120;-3\n"                # line 3: four problems
                       "onbekend;1-6-2026;bezig;10;0\n"               # line 4: not in the catalogue
                       f"{b};1-6-2026;bezig;10;0\n"                   # line 5: not chosen
                       f"{a};1-6-2026;klaar;90;\n")                   # line 6: klaar at 90, empty amount
    with pytest.raises(DataError) as caught:
        programme.import_progress(sheet, by="Anna", today=TODAY)
    got = {(p.row, p.field) for p in caught.value.problems}
    assert {(3, "datum"), (3, "percentage"), (3, "uitgegeven"), (4, "actie"), (5, "actie"),
            (6, "uitgegeven")} <= got
    assert (2, None) not in got and not any(p.row == 2 for p in caught.value.problems)
    assert all(p.file.endswith("fout.csv") for p in caught.value.problems)
    assert "rij 3, veld 'datum'" in str(caught.value)
    assert programme.timeline() == []  # line 2 was fine, but nothing is half-written
    with pytest.raises(DataError, match="kolom ontbreekt"):
        programme.import_progress(_write_csv(tmp_path / "kop.csv", "actie;datum\nx;1-1-2026\n"), by="Anna")


def test_exports_hold_every_version_and_every_update(programme, catalogue, tmp_path):
    from openpyxl import load_workbook

    from werkboek.outputs.programme import decisions_csv, programme_workbook, progress_csv

    a = _acties(catalogue, 1)[0]
    programme.decide(new_decision(a, NIET_NU, "=Later", by="Anna"))
    programme.decide(new_decision(a, GEKOZEN, "Toch gekozen.", budget=5000, jaar=2027, by="Bram"))
    programme.add_progress(new_progress(a, "2026-10-01", "bezig", 10, 500, tekst="Begonnen", by="Bram"))
    text = decisions_csv(programme.history(), catalogue)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].split(";")[:6] == ["actie", "titel", "leefgebied", "versie", "huidig", "besluit"]
    assert len(lines) == 3 and ";'=Later;" in lines[1] and ";nee;niet nu;" in lines[1] and ";ja;gekozen;" in lines[2]
    assert "Begonnen" in progress_csv(programme.timeline(), catalogue)
    wb = load_workbook(programme_workbook(programme.history(), programme.timeline(), catalogue,
                                          tmp_path / "programma.xlsx"))
    assert wb.sheetnames == ["Besluiten", "Voortgang"]
    assert wb["Besluiten"].max_row == 3 and wb["Voortgang"]["F2"].value == "Begonnen"


def test_a_0005_database_with_ballots_is_brought_up_to_date(db_url, catalogue):

    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    acties = _acties(catalogue, 2)
    codes = ["ACD-EFH", "ACD-EFJ"]
    database_at(engine, "0005", codes=codes, acties=acties, value=3)
    assert not sa.inspect(engine).has_table("decisions")
    new = Store(db_url, catalogue=catalogue)
    try:
        assert migrate.current_revision(engine) == SCHEMA_REVISION
        assert sorted(b.code for b in new.ballots(1)) == sorted(codes)
        programme = Programme(new)
        d = programme.decide(new_decision(acties[0], GEKOZEN, "Veel steun.", budget=1, workshops=[1], by="A"))
        assert d.version == 1 and programme.decisions()[acties[0]].workshops == (1,)
    finally:
        new.close()
        engine.dispose()


def test_migration_0006_goes_down_again(db_url):
    import sqlalchemy as sa

    from werkboek.store.engine import make_engine

    engine = make_engine(db_url)
    try:
        migrate.upgrade(engine)
        migrate.downgrade(engine, "0005")
        assert migrate.current_revision(engine) == "0005"
        assert not sa.inspect(engine).has_table("decisions")
        assert not sa.inspect(engine).has_table("progress_updates")
    finally:
        engine.dispose()


def test_two_offices_changing_one_actie_at_once_get_two_versions(db_url, catalogue):
    import threading

    a = _acties(catalogue, 1)[0]
    stores = [Store(db_url, catalogue=catalogue) for _ in range(4)]
    results, errors = [], []
    start = threading.Barrier(len(stores))

    def write(i, store):
        try:
            start.wait()
            for n in range(5):
                results.append(Programme(store).decide(new_decision(a, NIET_NU, f"Schrijver {i}, keer {n}.",
                                                                    by=f"P{i}")).version)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i, s)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    try:
        assert errors == []
        assert sorted(results) == list(range(1, 21))  # every write its own version, none lost or repeated
        assert [d.version for d in Programme(stores[0]).history(a)] == list(range(1, 21))
    finally:
        for s in stores:
            s.close()
