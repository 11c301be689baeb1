"""Begroten in the store: a forged ballot over the budget is refused, by the store and by the
store service a resident kernel talks to, and nothing is stored; method and budget live in the
workshop's JSON (no migration)."""

from __future__ import annotations

import json

import pytest

from werkboek.errors import BallotRejected, WorkshopStateError
from werkboek.model.ballot import BallotSubmission
from werkboek.store_service.process import running_store_service

ACTIES = ["leren-02", "leren-03", "leren-04", "wonen-03", "wonen-04"]  # € 450k, 240k, 900k, 400k, 2,5 mln


@pytest.fixture
def budget_workshop(store):
    ws = store.create_workshop("Begroten", method="begroten", acties=ACTIES,
                               method_params={"budget": 1_500_000, "minimum_percent": 10})
    return store.open_voting(ws.id)


@pytest.mark.parametrize("forged, reason", [
    ({"leren-04": 1, "wonen-03": 1, "leren-02": 1}, "over_budget"),  # € 1,75 miljoen
    ({"wonen-04": 1}, "over_budget"),  # one actie dearer than the whole budget
    ({"leren-03": 2}, "invalid_budget_choice"),
    ({"leren-03": True}, "invalid_value"),
    ({"leren-01": 1}, "unknown_actie"),  # not on this ballot
])
def test_a_forged_ballot_is_refused_by_the_store(store, budget_workshop, forged, reason):
    code = store.create_codes(budget_workshop.id, 1)[0].code
    with pytest.raises(BallotRejected) as exc:
        store.submit(BallotSubmission(code, choices=forged))
    assert exc.value.reason == reason
    assert store.ballots(budget_workshop.id, include_superseded=True) == []
    receipt = store.submit(BallotSubmission(code, choices={"leren-04": 1, "wonen-03": 1}))  # € 1,3 miljoen fits
    assert receipt.code == code
    assert [b.choices for b in store.ballots(budget_workshop.id)] == [{"leren-04": 1, "wonen-03": 1}]


def test_the_store_service_refuses_it_with_the_reason_and_the_dutch_text(store, budget_workshop, tmp_path):
    from werkboek.store_service.client import StoreServiceClient

    code = store.create_codes(budget_workshop.id, 1)[0].code
    with running_store_service(store.url, log_path=tmp_path / "store-service.log") as service:
        client = StoreServiceClient(service.socket_path)
        with pytest.raises(BallotRejected) as exc:
            client.submit(BallotSubmission(code, choices={"leren-04": 1, "leren-02": 1, "wonen-03": 1}))
        assert exc.value.reason == "over_budget"
        assert str(exc.value) == ("Uw keuzes kosten € 1,75 miljoen. Dat is meer dan uw budget van € 1,5 miljoen. "
                                  "Haal een actie weg.")
        assert store.ballots(budget_workshop.id, include_superseded=True) == []
        _checked, workshop = client.check_code(code)
        assert workshop.method == "begroten" and workshop.method_params["budget"] == 1_500_000


def test_the_budget_is_kept_in_the_workshops_json_and_fixed_once_votes_exist(store, budget_workshop):
    ws = store.workshop(budget_workshop.id)
    assert ws.method_params == {"budget": 1_500_000, "minimum_percent": 10}
    json.dumps(ws.method_params)  # plain JSON
    code = store.create_codes(ws.id, 1)[0].code
    store.submit(BallotSubmission(code, choices={"leren-04": 1}))
    with pytest.raises(WorkshopStateError):
        store.update_workshop(ws.id, method_params={"budget": 500_000})
