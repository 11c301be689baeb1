"""The stemcode throttle (werkboek.model.throttle): free tries, growing waits, then one try a minute."""

from __future__ import annotations

import pytest

from werkboek.errors import BallotRejected
from werkboek.model import throttle
from werkboek.model.throttle import CodeThrottle


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_free_tries_then_growing_waits_then_a_block():
    clock = Clock()
    t = CodeThrottle(clock)
    keys = ["address:a"]
    waits = []
    for _ in range(throttle.BLOCK_AFTER):
        assert t.blocked_for(keys) == 0
        t.failed(keys)
        waits.append(t.delay(keys))
    assert waits[:throttle.FREE_TRIES] == [0.0] * throttle.FREE_TRIES
    assert waits[throttle.FREE_TRIES:] == sorted(waits[throttle.FREE_TRIES:]) and waits[-1] == throttle.MAX_DELAY_SECONDS
    assert t.blocked_for(keys) == pytest.approx(throttle.BLOCK_SECONDS)
    clock.now += throttle.BLOCK_SECONDS / 2
    assert t.blocked_for(keys) == pytest.approx(throttle.BLOCK_SECONDS / 2)
    clock.now += throttle.BLOCK_SECONDS / 2 + 0.1
    assert t.blocked_for(keys) == 0  # one more try a minute …
    t.failed(keys)
    assert t.blocked_for(keys) > 0  # … and blocked again after it
    clock.now += throttle.WINDOW_SECONDS + 1
    assert t.blocked_for(keys) == 0 and t.delay(keys) == 0  # failures age out


def test_keys_are_counted_apart_and_together():
    t = CodeThrottle(Clock())
    for _ in range(throttle.BLOCK_AFTER):
        t.failed(["page:1", "address:a"])
    assert t.blocked_for(["page:2", "address:a"]) > 0  # a new page on the same address
    assert t.blocked_for(["page:1", "address:b"]) > 0  # the same page (its address changed)
    assert t.blocked_for(["page:3", "address:c"]) == 0
    assert t.blocked_for([]) == 0  # no keys: no throttle (the console, tests)


def test_a_flood_of_made_up_keys_keeps_memory_bounded(monkeypatch):
    monkeypatch.setattr(throttle, "MAX_KEYS", 100)
    t = CodeThrottle(Clock())
    for i in range(1000):
        t.failed([f"page:{i}"])
    assert len(t._failures) <= 101


def test_the_store_gives_one_answer_for_unknown_closed_and_unopened_codes(store, catalogue):
    acties = [a.id for a in catalogue.acties_in("leren")[:2]]
    concept = store.create_workshop("Nog niet open", acties=acties)
    closed = store.open_voting(store.create_workshop("Al dicht", acties=acties).id)
    store.close_voting(closed.id)
    answers = set()
    for typed in ("QQQ-QQQ", store.create_codes(concept.id, 1)[0].code, store.create_codes(closed.id, 1)[0].code):
        with pytest.raises(BallotRejected) as exc:
            store.check_code(typed)
        answers.add((exc.value.reason, str(exc.value)))
    assert len(answers) == 1 and answers.pop()[0] == "code_not_usable"


def test_the_store_blocks_a_client_after_too_many_wrong_codes(store, monkeypatch):
    monkeypatch.setattr("werkboek.store.store.time.sleep", lambda _s: None)  # the waits themselves: above
    reasons = []
    for _ in range(throttle.BLOCK_AFTER + 1):
        with pytest.raises(BallotRejected) as exc:
            store.check_code("QQQ-QQQ", clients=["address:x"])
        reasons.append(exc.value.reason)
    assert reasons == ["code_not_usable"] * throttle.BLOCK_AFTER + ["too_many_tries"]
    assert "over een minuut" in str(exc.value)
