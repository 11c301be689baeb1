"""The privacy rules on their own: small cells merged into "overig", batches of k codes, rounding."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter

import pytest

from werkboek.model.privacy import (
    OTHER,
    floor_quarter,
    privacy_k,
    projector_batch,
    remark_shown,
    round_coordinate,
    shown_groups,
    suppress_small,
)
from werkboek.model.records import StoredBallot


def test_groups_below_k_are_merged_into_overig():
    got = suppress_small(Counter({"A": 7, "B": 5, "C": 2, "D": 1, "": 3}), 5)
    assert got == {"A": 7, "B": 5, OTHER: 6}  # "niet gezegd" is a group like the others
    assert shown_groups({"A": 7, "B": 5, "C": 2, "D": 1, "": 3}, 5) == {"A", "B"}


def test_an_overig_below_k_takes_the_next_smallest_group_along():
    # C alone in "overig" would be a cell of 2 people: B joins it
    assert suppress_small({"A": 9, "B": 5, "C": 2}, 5) == {"A": 9, OTHER: 7}
    # fewer than k people in all: nothing by name
    assert suppress_small({"A": 3, "B": 1}, 5) == {OTHER: 4}
    assert suppress_small({"A": 5, "B": 6}, 5) == {"A": 5, "B": 6}
    assert suppress_small({"A": 0, "B": 6}, 5) == {"B": 6}
    assert suppress_small({}, 5) == {}


@pytest.mark.parametrize("seed", range(40))
def test_no_cell_ever_holds_fewer_than_k_people_and_the_total_stays(seed):
    rng = random.Random(seed)
    k = rng.randint(1, 8)
    counter = Counter({f"g{i}": rng.choice([0, 1, 1, 2, 3, 5, 8, 13]) for i in range(rng.randint(0, 9))})
    got = suppress_small(counter, k)
    assert sum(got.values()) == sum(counter.values())
    if sum(counter.values()) >= k:
        assert all(n >= k for n in got.values()), (k, counter, got)
    for key in set(got) - {OTHER}:
        assert got[key] == counter[key]  # a group shown by name keeps its own number


def _ballot(id_, code, *, when=None):
    when = when or dt.datetime(2026, 3, 3, 19, 0, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=id_)
    return StoredBallot(id=id_, workshop_id=1, code=code, code_kind="individual", group_size=1, buurt=None,
                        age_group=None, remark="", submitted_at=when, superseded_at=None, choices={}, pins=())


def _states(codes: list[str], k: int) -> list[tuple[int, ...]]:
    """The ballot ids shown after each submission, one resident per letter in ``codes``."""
    history, shown = [], []
    for i, code in enumerate(codes, start=1):
        history.append(_ballot(i, code))
        shown.append(tuple(b.id for b in projector_batch(history, k).ballots))
    return shown


def test_the_projector_moves_only_after_k_different_codes():
    states = _states(list("abcdefghijk"), 3)
    assert states[:2] == [(), ()]
    assert states[2] == (1, 2, 3) == states[3] == states[4]
    assert states[5] == (1, 2, 3, 4, 5, 6)
    batch = projector_batch([_ballot(i, c) for i, c in enumerate("abcdefg", start=1)], 3)
    assert (batch.received, batch.waiting, len(batch.ballots)) == (7, 1, 6)


def test_one_resident_sending_again_and_again_closes_no_batch():
    states = _states(list("abc") + ["a"] * 10, 3)
    assert set(states[2:]) == {(1, 2, 3)}  # "a" replaced its ballot ten times: still the old batch
    # replacements of different codes count as new: each resident sent something
    states = _states(list("abc") + list("abc"), 3)
    assert states[-1] == (4, 5, 6)


@pytest.mark.parametrize("seed", range(30))
def test_two_successive_screens_always_differ_by_k_codes_or_more(seed):
    rng = random.Random(seed)
    k = rng.randint(2, 6)
    codes = [rng.choice("abcdefghij") for _ in range(60)]
    states = _states(codes, k)
    by_id = dict(enumerate(codes, start=1))
    for before, after in itertools.pairwise(states):
        if before != after:
            changed = {by_id[i] for i in set(before) ^ set(after)}
            assert len(changed) >= k, (k, before, after)


def test_batches_do_not_depend_on_the_order_the_store_returned_them():
    history = [_ballot(i, c) for i, c in enumerate("abcabdde", start=1)]
    shuffled = history[:]
    random.Random(1).shuffle(shuffled)
    assert projector_batch(shuffled, 3) == projector_batch(history, 3)


def test_remarks_are_shown_once_approved_or_directly_but_never_when_hidden():
    assert [remark_shown(s, False) for s in ("pending", "approved", "hidden")] == [False, True, False]
    assert [remark_shown(s, True) for s in ("pending", "approved", "hidden")] == [True, True, False]


def test_the_strictest_k_of_several_workshops_counts():
    class W:
        def __init__(self, k):
            self.privacy_k = k

    assert privacy_k([W(3), W(10)]) == 10
    assert privacy_k([]) == 5


def test_rounding_for_exports():
    assert floor_quarter(dt.datetime(2026, 3, 3, 19, 44, 59, 999_999)) == dt.datetime(2026, 3, 3, 19, 30)
    assert floor_quarter(dt.datetime(2026, 3, 3, 19, 45)) == dt.datetime(2026, 3, 3, 19, 45)
    assert round_coordinate(50.9123456) == 50.9123


def test_the_projector_turnout_moves_in_steps_not_ballot_by_ballot():
    import datetime as dt

    from werkboek.model.privacy import turnout_in_steps

    t0 = dt.datetime(2026, 12, 1, 19, 0, 0)
    turnout = [(t0 + dt.timedelta(seconds=s), n) for n, s in enumerate((20, 70, 290, 301, 302, 900), start=1)]
    assert turnout_in_steps(turnout) == [(t0, 3), (t0 + dt.timedelta(minutes=5), 5),
                                         (t0 + dt.timedelta(minutes=15), 6)]
