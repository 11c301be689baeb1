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
        outcomes, samples, _done, _starts, _stopped, _profiler_cpu, _monitor = loop.run_until_complete(
            play(args, server.url, server.process.pid, codes, titles, catalogue))
        loop.close()
    yield {"store": store, "workshop": ws, "codes": codes, "outcomes": outcomes, "samples": samples}
    store.close()


def test_every_acknowledged_ballot_is_in_the_store_exactly_once(crowd):
    outcomes, store = crowd["outcomes"], crowd["store"]
    assert [o.errors for o in outcomes] == [[]] * RESIDENTS
    assert all(o.acknowledged and o.finished == "submitted" for o in outcomes)
    assert all(o.ready and o.submit is not None and o.choices for o in outcomes)
    # a submit's parts (click → kernel → "Bedankt" → phone) are measured and add up to the whole
    for o in outcomes:
        assert o.submit_parts is not None and all(part > -0.005 for part in o.submit_parts), o.submit_parts
        assert abs(sum(o.submit_parts) - o.submit) < 0.01, (o.submit_parts, o.submit)
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


KERNEL_SHUTDOWN_RACE = """\
[ResidentVoila] Kernel shutdown: 458e08b5
ERROR:tornado.general:Uncaught exception in ZMQStream callback
Traceback (most recent call last):
  File "/x/zmq/eventloop/zmqstream.py", line 585, in _log_error
    f.result()
  File "/x/ipykernel/kernelbase.py", line 406, in process_control
    sys.stdout.flush()
  File "/x/ipykernel/iostream.py", line 343, in schedule
    self._event_pipe.send(b"")
zmq.error.ZMQError: Socket operation on non-socket
[ResidentVoila] Kernel shutdown: db7a2877
Traceback (most recent call last):
  File "/x/jupyter_server/services/kernels/connection/channels.py", line 40, in handle_outgoing_message
    self.websocket_handler.write_message(msg)
zmq.error.ZMQError: Socket operation on non-socket
Traceback (most recent call last):
  File "/x/tornado/websocket.py", line 1, in write_message
tornado.websocket.WebSocketClosedError
"""


def test_the_crowd_counts_the_kernel_shutdown_race_apart_and_nothing_else():
    """ipykernel's flush-during-shutdown race is counted apart; the same exception raised in the
    server (not in a kernel's control handler) still counts as a server error."""
    from benchmarks.crowd.run import kernel_shutdown_tracebacks, traceback_counts

    assert kernel_shutdown_tracebacks(KERNEL_SHUTDOWN_RACE) == 1
    assert traceback_counts(KERNEL_SHUTDOWN_RACE) == {
        "zmq.error.ZMQError: Socket operation on non-socket": 2, "tornado.websocket.WebSocketClosedError": 1}


def test_the_server_profile_counts_the_event_loop_thread_only():
    """py-spy's raw stacks: the heartbeat threads (waiting) are left out; a function's share is
    the busy samples it is on the stack of, once per stack."""
    from benchmarks.crowd.profile import summarise

    loop = "_run_module_as_main (<frozen runpy>:198);BaseEventLoop._run_once (asyncio/base_events.py:1922)"
    raw = "\n".join([
        f"{loop};RequestHandler._execute (tornado/web.py:1);render (voila/handler.py:2) 3",
        f"{loop};ZMQStream._handle_recv (zmq/eventloop/zmqstream.py:5);f (x.py:1);f (x.py:2) 1",
        "Thread._bootstrap (threading.py:1);HBChannel.run (jupyter_client/channels.py:3) 40",
    ])
    s = summarise(raw)
    assert s["busy_samples"] == 4
    assert dict(s["top"]) == {"RequestHandler._execute (tornado/web.py)": 0.75, "render (voila/handler.py)": 0.75,
                              "ZMQStream._handle_recv (zmq/eventloop/zmqstream.py)": 0.25, "f (x.py)": 0.25}
