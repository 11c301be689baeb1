"""What residents and facilitators are told when something is slow or wrong (issue 12), driven from Python."""

from __future__ import annotations

import json
import time

from support.resident_flow import go_to
from werkboek.store_service.client import StoreServiceUnavailable
from werkboek_widgets.ballot.app import BallotApp
from werkboek_widgets.facilitator.health import health_rows
from werkboek_widgets.facilitator.voting import VotingControl, safety_line


def ballot_at_review(store, catalogue, workshop):
    code = store.create_codes(workshop.id, 1)[0].code
    app = BallotApp(store, catalogue)
    app.apply_query(f"code={code}")
    go_to(app, "stemmen")
    app.step.controls[next(iter(app.step.controls))].plus.click()
    go_to(app, "controle")
    return app, code


def test_a_waiting_submit_says_bezig_met_versturen_and_a_failed_one_keeps_the_draft(store, catalogue, open_workshop,
                                                                                  monkeypatch):
    app, code = ballot_at_review(store, catalogue, open_workshop)
    seen = {}
    real_submit = store.submit

    def slow_submit(submission):  # a lock or a busy disk: the resident must see that it is on its way
        seen["message"], seen["button"] = app.message.value, app.next_button.description
        raise StoreServiceUnavailable("disk full")

    monkeypatch.setattr(store, "submit", slow_submit)
    app.next_button.click()
    assert "Bezig met versturen" in seen["message"] and "Bezig met versturen" in seen["button"]
    assert "kon nu niet verstuurd worden" in app.message.value and 'role="alert"' in app.message.value
    assert app.flow.current.step == "controle" and app.draft.choices  # still there, nothing lost
    assert app.next_button.description == "Stem versturen" and not app.next_button.disabled
    monkeypatch.setattr(store, "submit", real_submit)
    app.next_button.click()  # the store is back: the same draft goes in
    assert app.flow.current.step == "bedankt" and len(store.ballots(open_workshop.id, code=code)) == 1


def test_an_unexpected_error_in_a_step_is_said_in_plain_dutch(store, catalogue, open_workshop, monkeypatch):
    app, _code = ballot_at_review(store, catalogue, open_workshop)
    monkeypatch.setattr(store, "submit", lambda _s: 1 / 0)
    app.next_button.click()
    assert "Er ging iets mis" in app.message.value and app.flow.current.step == "controle"


def test_reopening_a_closed_workshop_asks_for_a_second_click(store, open_workshop):
    control = VotingControl(store)
    control.workshop_id = open_workshop.id
    control.close_button.click()
    control.close_button.click()
    assert store.workshop(open_workshop.id).status == "gesloten"
    assert control.open_button.description == "Weer openen"
    control.open_button.click()
    assert store.workshop(open_workshop.id).status == "gesloten"  # not yet
    assert "Klik nog eens" in control.open_button.description and "Weet u het zeker" in control.message.value
    control.open_button.click()
    assert store.workshop(open_workshop.id).status == "open"


def test_closing_makes_a_copy_and_the_panel_says_the_votes_are_safe(store, catalogue, open_workshop, tmp_path,
                                                                    monkeypatch):
    from werkboek.model.ballot import BallotSubmission

    monkeypatch.setenv("WERKBOEK_HOME", str(tmp_path))
    first = next(iter(open_workshop.acties_per_leefgebied(catalogue).values()))[0].id
    for code in store.create_codes(open_workshop.id, 3):
        store.submit(BallotSubmission(code.code, {first: 1}))
    control = VotingControl(store)
    control.workshop_id = open_workshop.id
    assert "nog geen kopie" in safety_line(store)
    control.close_button.click()
    control.close_button.click()
    assert "kopie gemaakt van alle 3 stemmen" in control.message.value
    assert "Alle 3 stemmen zijn veilig" in control.safety.value
    assert list((tmp_path / "backups").glob("werkboek-*-sluiting.sqlite")) or store.url.startswith("postgresql")


def test_the_health_rows_say_what_is_wrong_and_when_the_supervisor_is_silent():
    now = time.time()
    health = {"at": now, "residents": {"up": False, "kernels": 0, "kernels_mb": 0, "restarts": 2},
              "console": {"up": True, "restarts": 0},
              "store_service": {"up": True, "restarts": 0, "failures": 3, "last_failure": "database or disk is full"},
              "disk": {"free_mb": 40, "total_mb": 1000, "path": "/x"}, "memory": {"available_mb": 8000},
              "backup": {"made_at": "2026-12-01T20:14:00+00:00", "ballots": 143, "checked": True, "path": "/x/b"}}
    rows = "".join(health_rows(json.loads(json.dumps(health)), now))
    assert rows.count("Let op") == 3  # the residents' server, the store, the disk
    assert "opnieuw gestart: 2×" in rows and "disk is full" in rows and "om 21:14, 143 stemmen" in rows
    stale = "".join(health_rows(health, now + 120))
    assert "geeft al even geen teken" in stale
    assert "Geen gegevens" in "".join(health_rows(None))
