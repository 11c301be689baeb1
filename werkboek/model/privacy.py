"""Privacy of residents in everything others see: the projector, the report and the exports.

Done the way statistics offices do it (CBS never publishes a cell of fewer than a few
people), with one number per workshop, ``privacy_k`` (default 5):

* **Small cells** (:func:`suppress_small`): a buurt or age group with fewer than k people
  is not shown by name; it is counted in "overig". When "overig" itself would hold fewer
  than k people (but more than none), the next-smallest groups join it until it holds k,
  so that no cell anywhere tells about fewer than k people. "Niet gezegd" is a group like
  the others.
* **Batches** (:func:`projector_batch`): the projector's numbers change only when at least
  k residents (k different codes) sent a ballot since the last change, so no change can be
  traced to one submission. The edges of the batches follow from the ballots alone (in
  the order they arrived), not from when a screen was opened: two screens, or a screen
  reloaded at the right moment, show the same batches. When voting closes with fewer
  than k ballots after the last batch, those stay off the screen too (showing them would
  be exactly the change this rule prevents); they count in the report and the exports.
* **Rounding** for exports: times down to the quarter hour (:func:`floor_quarter`), places
  to 4 decimals, about 10 m (:func:`round_coordinate`). The projector rounds places the same
  way and draws the turnout in steps of :data:`TURNOUT_STEP_MINUTES` (:func:`turnout_in_steps`),
  not ballot by ballot.
* **Remarks** (:func:`remark_shown`): on the projector only when the facilitator approved
  them, or when the workshop shows remarks directly (a remark the facilitator hid stays
  hidden), never with a time, in an order unrelated to their arrival.

This module knows nothing of widgets or the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from werkboek.model.workshop import DEFAULT_PRIVACY_K

OTHER = "overig"  # the key (and, in exports, the value) of the merged small groups
OTHER_BUURT = "Overige buurten"
OTHER_AGE = "Overige leeftijden"
COORDINATE_DECIMALS = 4  # 0.0001° is 11 m north-south and 7 m east-west in Heerlen


def privacy_k(workshops) -> int:
    """The k for a view of several workshops together: the strictest (largest) of theirs.

    A workshop that asked for groups of at least 10 keeps that protection when it is
    shown or exported together with one that asked for 3.
    """
    return max((w.privacy_k for w in workshops), default=DEFAULT_PRIVACY_K)


def suppress_small(counter: Mapping[str, float], k: int) -> Counter:
    """Groups of fewer than ``k`` people merged into :data:`OTHER` (see the module docstring).

    ``counter`` maps a group (buurt code, age group, ``""`` for not said) to its number of
    people; groups with 0 are dropped. The result has the groups shown by name, and
    :data:`OTHER` when anything was merged. The total stays the same.
    """
    groups = {key: n for key, n in counter.items() if n > 0}
    other = sum(n for n in groups.values() if n < k)
    shown = {key: n for key, n in groups.items() if n >= k}
    # an "overig" of 1 to k-1 people would itself be a small cell: merge the smallest groups into it
    while 0 < other < k and shown:
        smallest = min(shown, key=lambda key: (shown[key], key))
        other += shown.pop(smallest)
    result = Counter(shown)
    if other:
        result[OTHER] = other
    return result


def shown_groups(counter: Mapping[str, float], k: int) -> set[str]:
    """The groups that :func:`suppress_small` shows by name."""
    return set(suppress_small(counter, k)) - {OTHER}


@dataclass(frozen=True)
class Batch:
    """What the projector may show of the ballots so far."""

    ballots: tuple  # StoredBallot: the current ballot of each code as of the last batch
    received: int  # codes with a ballot now (the live count; that someone voted is not what they voted)
    waiting: int  # codes whose latest ballot is not in ``ballots`` yet
    k: int

    @property
    def empty(self) -> bool:
        return not self.ballots


def projector_batch(history: Iterable, k: int) -> Batch:
    """The ballots the projector shows: the state after the last complete batch of ``k`` codes.

    ``history`` holds every ballot of the workshops, replaced ones too (``Store.ballots(...,
    include_superseded=True)``). Going through them in the order they arrived, a batch
    closes as soon as ``k`` different codes sent a ballot since the previous one (a
    replaced ballot counts as new: its code sent something). Someone sending five times
    in a row is one code, so one person can never close a batch alone.
    """
    if k < 1:
        raise ValueError("k must be at least 1")
    shown: dict[str, object] = {}
    since: dict[str, object] = {}
    for ballot in sorted(history, key=lambda b: b.id):
        since[ballot.code] = ballot
        if len(since) >= k:
            shown.update(since)
            since = {}
    received = len(shown.keys() | since.keys())
    ballots = tuple(sorted(shown.values(), key=lambda b: b.id))
    return Batch(ballots, received, len(since), k)


def remark_shown(status: str, remarks_direct: bool) -> bool:
    """May a ballot's remark and pin texts go on the projector?"""
    return status == "approved" or (remarks_direct and status == "pending")


def floor_quarter(moment: dt.datetime) -> dt.datetime:
    """``moment`` rounded down to the quarter hour (19:52:31.123 → 19:45:00)."""
    return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)


def round_coordinate(value: float) -> float:
    return round(float(value), COORDINATE_DECIMALS)


TURNOUT_STEP_MINUTES = 5


def turnout_in_steps(turnout: Iterable[tuple[dt.datetime, int]], minutes: int = TURNOUT_STEP_MINUTES
                     ) -> list[tuple[dt.datetime, int]]:
    """Cumulative turnout ``(time, ballots so far)`` only at the start of each ``minutes`` step."""
    steps: dict[dt.datetime, int] = {}
    for moment, count in turnout:
        start = moment.replace(minute=moment.minute - moment.minute % minutes, second=0, microsecond=0)
        steps[start] = max(count, steps.get(start, 0))
    return sorted(steps.items())
