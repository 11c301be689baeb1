"""Results of workshops: scores by method, people per group, shares across combined workshops."""

from __future__ import annotations

from werkboek.model.ballot import BallotSubmission
from werkboek.model.results import per_ballot, tally


def test_scores_people_and_shares_across_two_workshops(store, catalogue):
    wonen = [a.id for a in catalogue.acties_in("wonen")[:3]]
    leren = [a.id for a in catalogue.acties_in("leren")[:2]]
    avond = store.open_voting(store.create_workshop("Avond", method="punten", method_params={"points": 5},
                                                    acties=wonen).id)
    conf = store.open_voting(store.create_workshop("Conferentie", method="top3", method_params={"top": 3},
                                                   acties=wonen[:1] + leren, kind="conference").id)
    a1, a2 = (c.code for c in store.create_codes(avond.id, 2))
    g = store.create_codes(avond.id, 1, kind="group")[0].code
    c1 = store.create_codes(conf.id, 1)[0].code
    store.submit(BallotSubmission(code=a1, choices={wonen[0]: 4, wonen[1]: 1}))
    store.submit(BallotSubmission(code=a2, choices={wonen[1]: 5}, remark="hoi"))
    store.submit(BallotSubmission(code=g, choices={wonen[0]: 2}, group_size=5))
    store.submit(BallotSubmission(code=c1, choices={leren[0]: 1, wonen[0]: 1}))

    res = tally(store.ballots([avond.id, conf.id]), [avond, conf], catalogue)
    assert res.ballots == 4 and res.people == 1 + 1 + 5 + 1
    # wonen[0]: 4 + 5*2 stippen at the avond, first of a top 3 (Borda 3) at the conferentie
    assert res.by_actie[wonen[0]].score == 4 + 10 + 3
    assert res.by_actie[wonen[0]].voters == 1 + 5 + 1
    assert res.by_actie[wonen[0]].share == 7 / 8  # on both ballots: everybody could choose it
    assert res.by_actie[wonen[1]].share == 2 / 7  # only on the avond's ballot (7 people)
    assert res.by_actie[leren[0]].share == 1 / 1  # only at the conferentie (1 person)
    assert [r.actie_id for r in res.ranked("wonen")][:2] == [wonen[0], wonen[1]]
    assert [text for _, text in res.remarks] == ["hoi"]
    assert [n for _, n in res.turnout] == [1, 2, 3, 4]

    per = tally(store.ballots([avond.id]), [avond], catalogue, weight=per_ballot)
    assert per.people == 3 and per.by_actie[wonen[0]].score == 4 + 2
