"""Results of one or more workshops: support per actie, turnout, breakdowns.

Pure Python (no pandas) so the facilitator's dashboard refreshes fast and the same
numbers feed the exports and the scenarios. A ballot counts with a weight: 1 per person
by default, so a group ballot (a tafel of 6) counts 6 times; analysts may pass other
weights (e.g. re-weighting by buurt population, see :mod:`werkboek.scenarios`).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from werkboek.model.methods import make_method
from werkboek.model.records import StoredBallot

Weight = Callable[[StoredBallot], float]

# Integraal: the top acties of each leefgebied say which other leefgebieden they also touch
# (the catalogue's secondary leefgebieden), on the projector and in the report.
TOP_INTEGRAAL = 3


def also_touches(actie, catalogue, place: int, top: int = TOP_INTEGRAAL) -> list[str]:
    """Names of the other leefgebieden an actie at ``place`` touches (none below the ``top``)."""
    if place > top:
        return []
    return [catalogue.leefgebieden[lg].naam for lg in actie.leefgebieden_secundair if lg in catalogue.leefgebieden]


def per_person(ballot: StoredBallot) -> float:
    """The default weight: a ballot counts for the people who cast it (a group for its size)."""
    return float(ballot.group_size)


def per_ballot(_ballot: StoredBallot) -> float:
    return 1.0


@dataclass(frozen=True)
class ActieResult:
    actie_id: str
    leefgebied: str
    score: float  # weighted: points, approvals or Borda score, by method
    voters: float  # weighted number of people who chose it at all
    share: float  # voters / people who voted in the workshops that had this actie on their ballot


@dataclass
class Results:
    ballots: int = 0
    people: float = 0.0
    by_actie: dict[str, ActieResult] = field(default_factory=dict)
    by_buurt: Counter = field(default_factory=Counter)  # people per buurt ("" = not said)
    by_age: Counter = field(default_factory=Counter)  # people per age group ("" = not said)
    remarks: list[tuple[dt.datetime, str]] = field(default_factory=list)
    pins: list = field(default_factory=list)  # werkboek.model.ballot.Pin
    turnout: list[tuple[dt.datetime, int]] = field(default_factory=list)  # cumulative ballots over time

    def ranked(self, leefgebied: str) -> list[ActieResult]:
        rows = [r for r in self.by_actie.values() if r.leefgebied == leefgebied]
        return sorted(rows, key=lambda r: (-r.score, -r.voters, r.actie_id))


def tally(ballots: Iterable[StoredBallot], workshops, catalogue, weight: Weight = per_person) -> Results:
    """Aggregate current ballots of the given workshops (all with their own method)."""
    methods = {w.id: make_method(w.method, w.method_params) for w in workshops}
    on_ballot = {a for w in workshops for a in w.acties}
    score: dict[str, float] = defaultdict(float)
    voters: dict[str, float] = defaultdict(float)
    people_per_workshop: dict[int, float] = defaultdict(float)
    res = Results()
    for b in ballots:
        method = methods[b.workshop_id]
        w = weight(b)
        res.ballots += 1
        res.people += w
        people_per_workshop[b.workshop_id] += w
        res.by_buurt[b.buurt or ""] += w
        res.by_age[b.age_group or ""] += w
        if b.remark:
            res.remarks.append((b.submitted_at, b.remark))
        res.pins.extend(b.pins)
        res.turnout.append((b.submitted_at, res.ballots))
        for actie_id, value in b.choices.items():
            score[actie_id] += w * method.score(value)
            voters[actie_id] += w
    for actie_id in sorted(on_ballot):
        actie = catalogue.acties.get(actie_id)
        if actie is None:
            continue
        # combined workshops may have had different ballots: the share counts only the
        # people who could choose this actie
        could = sum(people_per_workshop[w.id] for w in workshops if actie_id in w.acties)
        res.by_actie[actie_id] = ActieResult(
            actie_id, actie.leefgebied, score[actie_id], voters[actie_id],
            voters[actie_id] / could if could else 0.0,
        )
    res.turnout.sort()
    res.turnout = [(t, n) for n, (t, _) in enumerate(res.turnout, start=1)]
    return res
