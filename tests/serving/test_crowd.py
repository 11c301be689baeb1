"""The crowd generator of issue 6, small: five residents at the protocol level against a real
resident server (preheated kernels, fresh SQLite), and its cross-check with the store."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import delete, select, update

from benchmarks.crowd.crosscheck import cross_check
from benchmarks.crowd.run import parse_args, play, prepare
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store
from werkboek.store.schema import ballot_choices, ballots

pytestmark = [pytest.mark.voila, pytest.mark.slow]

RESIDENTS = 5


@pytest.fixture(scope="module")
def crowd(tmp_path_factory, catalogue):
    home = tmp_path_factory.mktemp("crowd")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    with running_resident_server(pool_size=2, database_url=url, home=home) as server:
        args = parse_args(["--residents", str(RESIDENTS), "--ramp", "3", "--think", "0.05,0.2", "--mix", "normal=1",
                           "--acties", "leren:2,wonen:2", "--url", server.url, "--database-url", url,
                           "--timeout", "90", "--quiet"])
        ws, codes, titles = prepare(store, catalogue, args, "test")
        loop = asyncio.new_event_loop()  # not asyncio.run: later tests expect the main thread to keep a loop
        outcomes, samples, _done, _starts, _stopped = loop.run_until_complete(
            play(args, server.url, server.process.pid, codes, titles, catalogue))
        loop.close()
    yield {"store": store, "workshop": ws, "codes": codes, "outcomes": outcomes, "samples": samples}
    store.close()


def test_every_acknowledged_ballot_is_in_the_store_exactly_once(crowd):
    outcomes, store = crowd["outcomes"], crowd["store"]
    assert [o.errors for o in outcomes] == [[]] * RESIDENTS
    assert all(o.acknowledged and o.finished == "submitted" for o in outcomes)
    assert all(o.ready and o.submit is not None and o.choices for o in outcomes)
    stored = store.ballots(crowd["workshop"].id, include_superseded=True)
    assert sorted(b.code for b in stored) == sorted(crowd["codes"])  # each code once, nothing superseded
    for outcome in outcomes:
        [ballot] = [b for b in stored if b.code == outcome.code]
        assert ballot.choices == outcome.choices and ballot.buurt == outcome.buurt
    check = cross_check(store, crowd["workshop"].id, outcomes)
    assert check.ok and check.acknowledged == RESIDENTS and check.stored == RESIDENTS
    # the monitor saw the server's kernels (psutil on the process tree)
    assert max(s.kernels for s in crowd["samples"]) >= 2 and max(s.tree_rss_mb for s in crowd["samples"]) > 100


def test_the_cross_check_notices_a_lost_and_a_changed_ballot(crowd):
    store, outcomes, ws = crowd["store"], crowd["outcomes"], crowd["workshop"]
    lost, changed = outcomes[0].code, outcomes[1].code
    with store.engine.begin() as conn:  # behind the generator's back, straight in the database
        lost_id = conn.execute(select(ballots.c.id).where(ballots.c.code == lost)).scalar_one()
        conn.execute(delete(ballot_choices).where(ballot_choices.c.ballot_id == lost_id))
        conn.execute(delete(ballots).where(ballots.c.id == lost_id))
        changed_id = conn.execute(select(ballots.c.id).where(ballots.c.code == changed)).scalar_one()
        conn.execute(update(ballot_choices).where(ballot_choices.c.ballot_id == changed_id)
                     .values(value=ballot_choices.c.value + 1))
    check = cross_check(store, ws.id, outcomes)
    assert not check.ok
    assert check.missing == [lost]
    assert [d["code"] for d in check.different] == [changed]
    assert check.acknowledged == RESIDENTS and check.stored == RESIDENTS - 1
