"""The store service: a real process on a Unix socket in front of SQLite or PostgreSQL.

What a resident kernel does through :class:`werkboek.store_service.client.StoreServiceClient` must
behave exactly as it does on the store itself — including every refusal — and a kernel
that uses it must not load SQLAlchemy at all.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading

import pytest

from werkboek.errors import BallotRejected
from werkboek.model.ballot import BallotSubmission
from werkboek.settings import STORE_SERVICE_ENV
from werkboek.store_service.client import StoreServiceClient, StoreServiceUnavailable
from werkboek.store_service.process import running_store_service, start_store_service, stop_store_service


@pytest.fixture
def service(store, tmp_path):
    with running_store_service(store.url, log_path=tmp_path / "store-service.log") as running:
        yield running


def _first_two(workshop, catalogue):
    grouped = workshop.acties_per_leefgebied(catalogue)
    first = next(iter(grouped.values()))
    return first[0].id, first[1].id


def _raw(socket_path: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    """One request over the socket; the answer even when the server refused it before reading it all
    (a 413 closes the connection while a large body is still being sent: a broken pipe here)."""
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(socket_path)
    head = f"{method} {path} HTTP/1.1\r\nHost: store_service\r\nConnection: close\r\n"
    headers = dict(headers or {})
    if body is not None:
        headers.setdefault("Content-Length", str(len(body)))
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    try:
        sock.sendall(head.encode() + (body or b""))
    except (BrokenPipeError, ConnectionResetError):
        pass
    response = http.client.HTTPResponse(sock)
    response.begin()
    try:
        return response.status, json.loads(response.read())
    finally:
        sock.close()


def test_check_code_returns_the_same_code_and_workshop_as_the_store(store, service, open_workshop):
    code = store.create_codes(open_workshop.id, 1)[0]
    got_code, got_workshop = service.client().check_code(f"  {code.code.lower()} ")
    assert got_code == code
    assert got_workshop == store.workshop(open_workshop.id)


@pytest.mark.parametrize("status", ["concept", "gesloten"])
def test_refusals_keep_their_reason_and_dutch_message(store, service, open_workshop, status):
    code = store.create_codes(open_workshop.id, 1)[0]
    client = service.client()
    with pytest.raises(BallotRejected) as unknown:
        client.check_code("XXX-XXX")
    assert unknown.value.reason == "code_not_usable" and "kunt u nu niet stemmen" in str(unknown.value)
    store.set_status(open_workshop.id, status)
    with pytest.raises(BallotRejected) as refused:
        client.check_code(code.code)
    # a code of a workshop that is not open reads exactly like an unknown one: guessing tells nothing
    assert (refused.value.reason, str(refused.value)) == (unknown.value.reason, str(unknown.value))
    with pytest.raises(BallotRejected) as direct:
        store.check_code(code.code)
    assert str(direct.value) == str(refused.value)  # the very same message as the store's own


def test_drafts_round_trip_and_submitting_removes_the_draft(store, service, open_workshop, catalogue):
    code = store.create_codes(open_workshop.id, 1)[0].code
    a, b = _first_two(open_workshop, catalogue)
    client = service.client()
    assert client.load_draft(code) is None
    client.save_draft(code, {"screen": ["stemmen", "leren"], "choices": {a: 2}})
    assert store.load_draft(code) == {"screen": ["stemmen", "leren"], "choices": {a: 2}}
    assert client.load_draft(code) == store.load_draft(code)
    with pytest.raises(BallotRejected) as too_large:
        client.save_draft(code, {"x": "a" * 20_000})
    assert too_large.value.reason == "draft_too_large"
    assert client.has_ballot(code) is False

    receipt = client.submit(BallotSubmission(code, {a: 3, b: 2}, remark="Meer groen  "))
    stored = store.ballots(open_workshop.id, code=code)
    assert [s.id for s in stored] == [receipt.ballot_id] and receipt.replaced is False
    assert stored[0].choices == {a: 3, b: 2} and stored[0].remark == "Meer groen"
    assert client.load_draft(code) is None and client.has_ballot(code) is True
    again = client.submit(BallotSubmission(code, {a: 1}))
    assert again.replaced is True
    assert [s.choices for s in store.ballots(open_workshop.id, code=code)] == [{a: 1}]


@pytest.mark.parametrize("forged, reason", [
    ({"choices": {"geen-actie": 1}}, "unknown_actie"),
    ({"choices": "alles"}, "invalid_choices"),
    ({"choices": {"$A": True}}, "invalid_value"),
    ({"choices": {"$A": 99}}, None),  # more stippen than there are: the method refuses
    ({"choices": {"$A": 1}, "age_group": ["18-29"]}, "unknown_age_group"),
    ({"choices": {"$A": 1}, "pins": "hier"}, "invalid_pins"),
    ({"choices": {"$A": 1}, "pins": [{"leefgebied": "leren", "lat": 0, "lon": 0}]}, "pin_outside"),
    ({"choices": {"$A": 1}, "remark": "x" * 501}, "text_too_long"),
    ({"choices": {"$A": 1}, "group_size": 5}, "not_a_group"),
    ({"code": 12345, "choices": {"$A": 1}}, "code_unknown"),
])
def test_forged_submissions_are_refused_and_nothing_is_stored(store, service, open_workshop, catalogue, forged, reason):
    code = store.create_codes(open_workshop.id, 1)[0].code
    a, _b = _first_two(open_workshop, catalogue)
    submission = {"code": code, **json.loads(json.dumps(forged).replace("$A", a))}
    status, answer = _raw(service.socket_path, "POST", "/submit", json.dumps({"submission": submission}).encode(),
                          {"Content-Type": "application/json"})
    assert status == 422, answer
    assert reason is None or answer["rejected"]["reason"] == reason
    assert answer["rejected"]["message"]
    assert store.ballots(open_workshop.id, include_superseded=True) == []


def test_malformed_requests_get_clear_http_errors(service):
    assert _raw(service.socket_path, "POST", "/drop_tables", b"{}", {"Content-Length": "2"})[0] == 404
    assert _raw(service.socket_path, "POST", "/submit", b"not json", {"Content-Length": "8"})[0] == 400
    assert _raw(service.socket_path, "POST", "/submit", b"[1]", {"Content-Length": "3"})[0] == 400
    big = b"{" + b" " * 70_000 + b"}"
    assert _raw(service.socket_path, "POST", "/save_draft", big, {"Content-Length": str(len(big))})[0] == 413
    status, health = _raw(service.socket_path, "GET", "/health")
    assert status == 200 and health["ok"] is True


def test_the_socket_is_private_to_this_user(service):
    mode = os.stat(service.socket_path).st_mode & 0o777
    assert mode & 0o077 == 0, oct(mode)
    assert os.stat(os.path.dirname(service.socket_path)).st_mode & 0o077 == 0


def test_a_stopped_store_service_says_try_again_and_a_restarted_one_serves_on_the_same_path(
        store, open_workshop, tmp_path, monkeypatch):
    import werkboek.store_service.client as client_module

    monkeypatch.setattr(client_module, "CONNECT_RETRY_SECONDS", 0.3)
    code = store.create_codes(open_workshop.id, 1)[0].code
    first = start_store_service(store.url, log_path=tmp_path / "one.log")
    path = first.socket_path
    stop_store_service(first)
    client = StoreServiceClient(path)
    with pytest.raises(StoreServiceUnavailable) as down:
        client.check_code(code)
    assert down.value.reason == "unavailable" and "probeer het" in str(down.value)
    second = start_store_service(store.url, socket_path=path, log_path=tmp_path / "two.log")
    try:
        assert client.check_code(code)[0].code == code
    finally:
        stop_store_service(second)


def test_concurrent_kernels_each_get_one_ballot_and_every_acknowledged_one_survives_a_stop(
        store, open_workshop, catalogue, tmp_path):
    """40 kernels submit at once while the store service is asked to stop: what was acknowledged is stored."""
    codes = [c.code for c in store.create_codes(open_workshop.id, 40)]
    a, b = _first_two(open_workshop, catalogue)
    service = start_store_service(store.url, log_path=tmp_path / "store-service.log")
    acknowledged, failed = {}, []
    start = threading.Barrier(len(codes) + 1)
    first_ack = threading.Event()

    def kernel(i, code):
        client = StoreServiceClient(service.socket_path)
        start.wait()
        try:
            acknowledged[code] = client.submit(BallotSubmission(code, {a: 1 + i % 4, b: 1}))
            first_ack.set()
        except StoreServiceUnavailable:
            failed.append(code)

    threads = [threading.Thread(target=kernel, args=(i, c)) for i, c in enumerate(codes)]
    for thread in threads:
        thread.start()
    start.wait()
    first_ack.wait(30)
    stop_store_service(service)  # while the others are being written or still connecting
    for thread in threads:
        thread.join(60)
    assert len(acknowledged) + len(failed) == len(codes)
    assert acknowledged, "nothing was acknowledged before the stop"
    stored = {s.code: s for s in store.ballots(open_workshop.id, include_superseded=True)}
    for code, receipt in acknowledged.items():
        assert stored[code].id == receipt.ballot_id
        assert stored[code].choices == {a: 1 + codes.index(code) % 4, b: 1}
    assert len(stored) == len({s.code for s in stored.values()})  # one ballot per code, never twice


def test_a_resident_kernel_with_the_store_service_never_imports_sqlalchemy(store, service):
    program = (
        "import sys\n"
        "from werkboek_widgets.ballot.app import BallotApp\n"
        "app = BallotApp.from_environment()\n"
        "app.apply_query('?code=XXX-XXX')\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'psycopg'))\n"
        "print(type(app.store).__name__, loaded)\n"
    )
    env = {**os.environ, STORE_SERVICE_ENV: service.socket_path}
    out = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "StoreServiceClient []", out.stdout + out.stderr
    env.pop(STORE_SERVICE_ENV)
    env["WERKBOEK_DATABASE_URL"] = store.url
    without = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, text=True)
    assert without.stdout.startswith("Store [") and "'sqlalchemy'" in without.stdout, without.stderr  # it can tell


def test_a_half_sent_request_is_dropped_and_others_are_served_meanwhile(store, service, open_workshop):
    from werkboek.store_service.server import READ_TIMEOUT_SECONDS

    stuck = socket.socket(socket.AF_UNIX)
    stuck.connect(service.socket_path)
    stuck.sendall(b"POST /check_code HTTP/1.0\r\nContent-Length: 1000\r\n\r\n{\"code\": ")  # … and silence
    code = store.create_codes(open_workshop.id, 1)[0]
    assert service.client().check_code(code.code)[0] == code  # the stuck request holds nobody up
    stuck.settimeout(READ_TIMEOUT_SECONDS + 10)
    started = __import__("time").monotonic()
    assert stuck.recv(100) == b""  # the store service hung up on it
    waited = __import__("time").monotonic() - started
    assert waited <= READ_TIMEOUT_SECONDS + 5
    stuck.close()


def test_deeply_nested_json_is_refused_before_anything_reads_it(service):
    for depth in (40, 20_000):
        body = b'{"code": ' + b"[" * depth + b"]" * depth + b"}"
        status, answer = _raw(service.socket_path, "POST", "/check_code", body,
                              {"Content-Length": str(len(body)), "Content-Type": "application/json"})
        assert status == 400 and "malformed" in answer["error"], (depth, answer)
    assert service.client().health()["ok"] is True  # and the store service is still there


def test_wrong_codes_from_one_client_are_throttled_by_the_store_service(store, service, open_workshop):
    client = service.client()
    reasons = []
    for _ in range(12):
        try:
            client.check_code("QQQ-QQQ", clients=["address:192.0.2.7"])
        except BallotRejected as exc:
            reasons.append(exc.reason)
        if reasons[-1] == "too_many_tries":
            break
    assert reasons[:8] == ["code_not_usable"] * 8 and reasons[-1] == "too_many_tries", reasons
    # another client is not affected, and neither is a valid code checked without a client key
    code = store.create_codes(open_workshop.id, 1)[0]
    assert client.check_code(code.code, clients=["address:192.0.2.8"])[0] == code
