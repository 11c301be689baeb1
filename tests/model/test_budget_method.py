"""Begroten (werkboek/model/methods/budget.py): the budget's rules, its words, greedy support."""

from __future__ import annotations

import random

import pytest

from werkboek.dutch import amount_in_words
from werkboek.errors import REFUSALS, BallotRejected, DataError
from werkboek.model.ballot import BallotSubmission, validate_ballot
from werkboek.model.methods import METHODS, for_vote_type, make_method
from werkboek.model.methods.budget import greedy_by_support
from werkboek.model.workshop import Workshop


def workshop(catalogue, params, per_lg=4):
    acties = tuple(a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:per_lg])
    return Workshop(id=1, title="Begroten", date=None, location="", status="open", method="begroten",
                    method_params=params, acties=acties)


def cheapest_first(catalogue, ws, lg=None):
    acties = [catalogue.acties[a] for a in ws.acties if lg is None or catalogue.acties[a].leefgebied == lg]
    return sorted(acties, key=lambda a: a.kosten)


def test_registered_with_its_parameters_and_limits():
    assert "begroten" in METHODS and METHODS["begroten"].pabulib_vote_type == "approval"
    spec = {p.name: p for p in METHODS["begroten"].params_spec}
    assert spec["budget"].high == 1_000_000_000 and spec["budget"].unit == "euro"
    assert dict(spec["per_leefgebied"].choices) == {0: "het hele stembiljet", 1: "elk leefgebied apart"}
    assert spec["minimum_percent"].optional
    make_method("begroten", {"budget": 1_000_000_000, "per_leefgebied": 1, "minimum_percent": None})
    for bad in ({"budget": 1_000_000_001}, {"budget": 0}, {"per_leefgebied": 2}, {"minimum_percent": 101}):
        with pytest.raises(DataError):
            make_method("begroten", bad)


def test_the_existing_methods_keep_their_defaults_for_the_new_hooks():
    for key in ("punten", "goedkeuren", "top3"):
        method = make_method(key)
        assert method.whole_ballot is False
        assert method.for_ballot({}) is method
        assert method.funded({"a": 1}, []) is None
        assert method.review_note({"a": 1}) == ""
        assert method.pabulib_budget(5) is None
    assert for_vote_type("approval").key == "goedkeuren"
    assert for_vote_type("approval", {"max_length": "3"}).key == "goedkeuren"
    assert for_vote_type("approval", {"max_sum_cost": "10000000"}).key == "begroten"
    assert for_vote_type("approval", {"max_sum_cost": "None"}).key == "goedkeuren"


def test_one_budget_for_the_whole_ballot_spans_the_leefgebieden(catalogue):
    ws = workshop(catalogue, {"budget": 2_000_000})
    method = ws.voting_method(catalogue)
    assert method.whole_ballot
    leren, wonen = cheapest_first(catalogue, ws, "leren"), cheapest_first(catalogue, ws, "wonen")
    choices = {}
    for actie in (leren[0], wonen[0]):
        choices = method.apply(choices, actie.id, "toggle")
    spent = leren[0].kosten + wonen[0].kosten
    assert method.left(choices) == 2_000_000 - spent
    too_dear = next(a for a in cheapest_first(catalogue, ws) if a.kosten > 2_000_000 - spent)
    assert method.apply(choices, too_dear.id, "toggle") is None  # does not fit: refused
    assert not method.fits(choices, too_dear.id)
    assert method.apply(choices, leren[0].id, "toggle") == {wonen[0].id: 1}  # taking one out
    # the store checks the whole ballot with the catalogue's costs
    over = {a.id: 1 for a in cheapest_first(catalogue, ws)}
    assert sum(a.kosten for a in cheapest_first(catalogue, ws)) > 2_000_000
    with pytest.raises(BallotRejected) as exc:
        validate_ballot(BallotSubmission("X", choices=over), ws, "individual", catalogue)
    assert exc.value.reason == "over_budget"
    assert amount_in_words(2_000_000) in str(exc.value) and "€ 2 million" in exc.value.text("en")
    ok = validate_ballot(BallotSubmission("X", choices=choices), ws, "individual", catalogue)
    assert ok.choices == choices


def test_a_budget_per_leefgebied_holds_in_each(catalogue):
    ws = workshop(catalogue, {"budget": 700_000, "per_leefgebied": 1})
    method = ws.voting_method(catalogue)
    assert not method.whole_ballot
    by_lg = {}
    for lg in ("leren", "wonen", "gezondheid"):
        fit, spent = {}, 0
        for actie in cheapest_first(catalogue, ws, lg):
            if spent + actie.kosten <= 700_000:
                fit[actie.id], spent = 1, spent + actie.kosten
        by_lg.update(fit)
    ballot = validate_ballot(BallotSubmission("X", choices=by_lg), ws, "individual", catalogue)
    assert ballot.choices == by_lg
    assert sum(catalogue.acties[a].kosten for a in by_lg) > 700_000  # together more than one budget
    dear = [a.id for a in cheapest_first(catalogue, ws, "wonen")]
    with pytest.raises(BallotRejected) as exc:
        validate_ballot(BallotSubmission("X", choices={a: 1 for a in dear}), ws, "individual", catalogue)
    assert exc.value.reason == "over_budget_in" and "Wonen" in str(exc.value)


def test_a_minimum_to_spend_and_forged_values(catalogue):
    ws = workshop(catalogue, {"budget": 4_000_000, "minimum_percent": 50})
    method = ws.voting_method(catalogue)
    assert method.minimum == 2_000_000
    cheap = cheapest_first(catalogue, ws)[0]
    with pytest.raises(BallotRejected) as exc:
        validate_ballot(BallotSubmission("X", choices={cheap.id: 1}), ws, "individual", catalogue)
    assert exc.value.reason == "under_minimum" and "€ 2 miljoen" in str(exc.value)
    # a ballot with only a remark is still possible
    assert validate_ballot(BallotSubmission("X", remark="Meer groen"), ws, "individual", catalogue).choices == {}
    with pytest.raises(BallotRejected) as exc:
        validate_ballot(BallotSubmission("X", choices={cheap.id: 2}), ws, "individual", catalogue)
    assert exc.value.reason == "invalid_budget_choice"


def test_clean_keeps_only_what_fits_in_the_order_saved(catalogue):
    ws = workshop(catalogue, {"budget": 1_000_000})
    method = ws.voting_method(catalogue)
    acties = cheapest_first(catalogue, ws)
    saved = {a.id: 1 for a in reversed(acties)}  # the dearest first: they do not fit
    cleaned = method.clean(saved)
    assert sum(catalogue.acties[a].kosten for a in cleaned) <= 1_000_000 and cleaned
    assert method.clean({acties[0].id: 10**9}) == {acties[0].id: 1}


def test_refusal_texts_in_dutch_and_english():
    for key in ("invalid_budget_choice", "over_budget", "over_budget_in", "under_minimum", "under_minimum_in"):
        nl, en = REFUSALS[key]
        assert nl and en and nl != en


def test_words_on_screen_and_paper(catalogue):
    method = make_method("begroten", {"budget": 10_000_000, "minimum_percent": 25})
    assert "€ 10 miljoen" in method.describe() and "€ 2,5 miljoen" in method.describe()
    assert "€ 10 million" in method.describe("en")
    lines = " ".join(method.paper_instructions())
    assert "€ 10 miljoen" in lines and "kruisje" in lines and "€ 2,5 miljoen" in lines
    assert method.paper_box == "tick" and method.read_paper("x") == 1 and method.read_paper("") is None
    with pytest.raises(ValueError):
        method.read_paper("3")
    per = make_method("begroten", {"budget": 2_000_000, "per_leefgebied": 1})
    assert "elk leefgebied" in per.describe() and "€ 2 miljoen" in per.paper_hint()
    bound = per.for_ballot(catalogue.acties)
    actie = catalogue.acties["leren-02"]
    assert bound.choice_label(actie, 1) == "ongeveer € 450.000"
    assert bound.review_note({"leren-02": 1}) == "U geeft € 450.000 uit. U houdt € 1,55 miljoen over."


def test_amounts_in_words_are_exact():
    assert amount_in_words(3_200_000) == "€ 3,2 miljoen"
    assert amount_in_words(6_350_000) == "€ 6,35 miljoen"
    assert amount_in_words(1_000_000_000) == "€ 1 miljard"
    assert amount_in_words(1_250_000_000, "en") == "€ 1.25 billion"
    assert amount_in_words(1_000_500_000) == "€ 1.000,5 miljoen"
    assert amount_in_words(250_000) == "€ 250.000"
    assert amount_in_words(3_248_517) == "€ 3.248.517"
    assert amount_in_words(0) == "€ 0"
    assert amount_in_words(1_500_000, "en") == "€ 1.5 million"


def test_greedy_by_support_skips_what_no_longer_fits():
    costs = {"a": 6, "b": 5, "c": 3, "d": 1, "e": 1}
    support = {"a": 10, "b": 8, "c": 8, "d": 2, "e": 0}
    # a (6) first; b (5) no longer fits in 4; c (3) does; d (1) does; e nobody chose
    assert greedy_by_support(support, costs, 10) == ["a", "c", "d"]
    # a tie in support goes to the cheaper actie
    assert greedy_by_support({"x": 5, "y": 5}, {"x": 4, "y": 3}, 4) == ["y"]


def test_funded_per_budget(catalogue):
    ws = workshop(catalogue, {"budget": 1_000_000, "per_leefgebied": 1}, per_lg=3)
    method = ws.voting_method(catalogue)
    acties = [catalogue.acties[a] for a in ws.acties]
    support = {a.id: 1.0 for a in acties}
    funded = method.funded(support, acties)
    assert [lg for lg, _ in funded] == list(dict.fromkeys(a.leefgebied for a in acties))
    for lg, chosen in funded:
        assert sum(catalogue.acties[a].kosten for a in chosen) <= 1_000_000
        assert all(catalogue.acties[a].leefgebied == lg for a in chosen)
    whole = workshop(catalogue, {"budget": 1_000_000}).voting_method(catalogue).funded(support, acties)
    assert len(whole) == 1 and whole[0][0] is None


@pytest.mark.parametrize("per_leefgebied", [0, 1])
def test_demo_choices_are_valid_ballots(catalogue, per_leefgebied):
    ws = workshop(catalogue, {"budget": 5_000_000, "per_leefgebied": per_leefgebied})
    method = ws.voting_method(catalogue)
    rng = random.Random(3)
    for _ in range(30):
        choices = {}
        for lg in catalogue.leefgebieden:
            preferred = [a.id for a in catalogue.acties_in(lg) if a.id in ws.acties]
            rng.shuffle(preferred)
            choices.update(method.demo_choices(rng, preferred))
        validate_ballot(BallotSubmission("X", choices=choices, remark="x"), ws, "individual", catalogue)
