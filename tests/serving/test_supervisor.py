"""The evening's supervisor (werkboek.serving.workshop) under the faults an evening meets.

Every test ends by checking the store: every ballot that was acknowledged is there exactly once.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest
from conftest import ROOT

from benchmarks.crowd.run import parse_args, play, prepare
from support.kernels import kernel_pids, wait_for
from support.workshop_command import read_until_ready
from werkboek.errors import DataError, WerkboekError
from werkboek.serving.process import ProcessRecord, free_port, port_in_use
from werkboek.serving.workshop import WorkshopOptions, running_workshop
from werkboek.settings import health_path, run_dir
from werkboek.store import Store

pytestmark = [pytest.mark.voila, pytest.mark.slow]


def options(home, **more) -> WorkshopOptions:
    given = dict(port=free_port(), ip="127.0.0.1", console_port=free_port(), pool_size=1, pool_fill_delay=0.5,
                 backup_minutes=0, database_url=f"sqlite:///{home / 'w.sqlite'}", home=home)
    return WorkshopOptions(**{**given, **more})


def run_loop(coroutine):
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def residents_vote(evening, catalogue, n: int, tag: str):
    """``n`` residents at the protocol level go through the whole ballot; their outcomes."""
    store = Store(evening.database_url, catalogue=catalogue)
    try:
        args = parse_args(["--residents", str(n), "--ramp", "1", "--think", "0.05,0.1", "--mix", "normal=1",
                           "--acties", "leren:2,wonen:2", "--url", evening.residents.url, "--timeout", "90",
                           "--quiet", "--database-url", evening.database_url])
        ws, codes, titles = prepare(store, catalogue, args, tag)
        outcomes, *_ = run_loop(play(args, evening.residents.url, evening.residents.process.pid, codes, titles,
                                     catalogue))
        return ws, outcomes
    finally:
        store.close()


def exactly_once(database_url, catalogue, acknowledged) -> None:
    store = Store(database_url, catalogue=catalogue)
    try:
        stored = store.ballots(include_superseded=True)
    finally:
        store.close()
    codes = [b.code for b in stored]
    for outcome in acknowledged:
        assert codes.count(outcome.code) == 1, f"{outcome.code} is {codes.count(outcome.code)}× in the store"


def supervise_until(evening, condition, timeout: float, what: str) -> tuple[float, list[str]]:
    events, start = [], time.monotonic()
    while time.monotonic() - start < timeout:
        events += evening.check()
        if condition():
            return time.monotonic() - start, events
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout:.0f} s; events: {events}")


def test_a_killed_residents_server_is_back_within_ten_seconds_and_loses_nothing(tmp_path, catalogue):
    with running_workshop(options(tmp_path)) as evening:
        _ws, before = residents_vote(evening, catalogue, 2, "voor")
        assert all(o.acknowledged for o in before), [o.errors for o in before]
        old, kernels = evening.residents.process, kernel_pids(evening.residents)
        os.kill(old.pid, signal.SIGKILL)
        took, events = supervise_until(evening, lambda: evening.residents.process is not old, 30,
                                       "restarting the residents' server")
        assert took <= 10, f"back after {took:.1f} s"
        assert any("weer bereikbaar" in e for e in events), events
        wait_for(lambda: not (kernels & {p.pid for p in psutil.process_iter()}), 15,
                 "the old kernels to go with their server")  # they die with their Voilà
        _ws, after = residents_vote(evening, catalogue, 2, "na")
        assert all(o.acknowledged for o in after), [o.errors for o in after]
        exactly_once(evening.database_url, catalogue, before + after)


def test_a_killed_store_service_and_console_come_back(tmp_path, catalogue):
    with running_workshop(options(tmp_path)) as evening:
        token, port = evening.console.address.token, evening.options.console_port
        service, console = evening.store_service.process, evening.console.process
        os.kill(service.pid, signal.SIGKILL)
        os.kill(console.pid, signal.SIGKILL)
        _took, events = supervise_until(evening, lambda: evening.store_service.process is not service
                                        and evening.console.process is not console, 60, "restarts")
        assert any("opslagdienst" in e for e in events) and any("console" in e for e in events), events
        url = f"http://127.0.0.1:{port}/voila/render/facilitator.ipynb?token={token}"
        with urllib.request.urlopen(url, timeout=60) as page:  # the same address, the same token
            assert page.status == 200
        _ws, outcomes = residents_vote(evening, catalogue, 2, "na")
        assert all(o.acknowledged for o in outcomes), [o.errors for o in outcomes]
        exactly_once(evening.database_url, catalogue, outcomes)
        assert evening.restarts["store_service"].total == 1 and evening.restarts["console"].total == 1


def test_health_is_written_for_the_console(tmp_path, catalogue):
    from werkboek_widgets.facilitator.health import health_rows, read_health

    with running_workshop(options(tmp_path, backup_minutes=0.001)) as evening:
        residents_vote(evening, catalogue, 1, "een")
        evening._next_health = 0
        evening._next_backup = 0
        events = evening.check()
        health = read_health(health_path(tmp_path))
    assert any("Kopie gemaakt: 1 stemmen" in e for e in events), events
    assert health["residents"]["up"] and health["store_service"]["up"] and health["console"]["up"]
    assert health["disk"]["free_mb"] > 0 and health["backup"]["ballots"] == 1
    rows = "".join(health_rows(health))
    assert "Stemmen voor bewoners" in rows and "Laatste kopie" in rows and "Let op" not in rows


def test_one_evening_per_home_and_a_clear_word_when_something_is_in_the_way(tmp_path):
    with running_workshop(options(tmp_path)) as evening:
        with pytest.raises(WerkboekError, match="Er draait al een workshop"):
            with running_workshop(options(tmp_path)):
                pass
        busy = evening.options.port
    other = tmp_path / "other"
    taken = free_port()
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", taken))
        holder.listen()
        with pytest.raises(WerkboekError, match=f"Poort {taken}"):
            with running_workshop(WorkshopOptions(port=taken, ip="127.0.0.1", console_port=free_port(),
                                                  pool_size=0, home=other, backup_minutes=0,
                                                  database_url=f"sqlite:///{other / 'w.sqlite'}")):
                pass
    assert not port_in_use("127.0.0.1", busy)  # the first evening let its port go


def test_a_broken_catalogue_stops_the_start_with_file_row_and_field(tmp_path, monkeypatch):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = (data / "acties.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(text) if i > 1 and line.strip() and not line.startswith("#"))
    cells = text[row].split(",")
    cells[0] = cells[0] + " met spatie"  # an id that cannot be
    text[row] = ",".join(cells)
    (data / "acties.csv").write_text("".join(text), encoding="utf-8")
    monkeypatch.setenv("WERKBOEK_DATA_DIR", str(data))
    opts = options(tmp_path)
    with pytest.raises(DataError) as exc:
        with running_workshop(opts):
            pass
    assert f"acties.csv, rij {row + 1}" in str(exc.value), str(exc.value)
    assert not port_in_use("127.0.0.1", opts.port)  # nothing was started


def test_what_an_earlier_run_left_running_is_stopped_at_the_next_start(tmp_path):
    leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    try:
        run_dir(tmp_path).mkdir(parents=True, exist_ok=True)
        ProcessRecord(run_dir(tmp_path) / "processes.json").add(leftover, "bewoners")
        with running_workshop(options(tmp_path, pool_size=0)) as evening:
            events = evening.check()
        assert leftover.wait(10) is not None
        assert any("Een eerdere start had nog draaien: bewoners" in e for e in events), events
    finally:
        if leftover.poll() is None:
            leftover.kill()


def test_kill_9_of_werkboek_workshop_takes_its_servers_and_kernels_with_it(tmp_path):
    env = dict(os.environ, WERKBOEK_HOME=str(tmp_path))
    env.pop("WERKBOEK_DATABASE_URL", None)
    port, console = free_port(), free_port()
    argv = [sys.executable, "-m", "werkboek", "workshop", "--ip", "127.0.0.1", "--port", str(port),
            "--console-port", str(console), "--pool-size", "1", "--no-qr", "--backup-minutes", "0"]

    def start():
        proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            return proc, read_until_ready(proc, 120)
        except AssertionError:
            proc.kill()
            raise

    main, _out = start()
    children = psutil.Process(main.pid).children(recursive=True)
    assert len(children) >= 4  # store service, residents' server (+ its pool kernel), console
    os.kill(main.pid, signal.SIGKILL)
    main.wait(10)
    _gone, alive = psutil.wait_procs(children, timeout=20)
    assert not alive, [(p.pid, p.cmdline()[:3]) for p in alive]
    again, output = start()  # a plain restart: the ports are free, it really starts
    try:
        assert "READY" in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/voila/templates/werkboek/static/werkboek.css",
                                    timeout=30) as answer:
            assert answer.status == 200
    finally:
        again.send_signal(signal.SIGINT)
        again.wait(60)
    assert json.loads((run_dir(tmp_path) / "processes.json").read_text() or "[]") == [] \
        if (run_dir(tmp_path) / "processes.json").exists() else True
