"""Several residents' servers behind nginx (werkboek.serving.cluster): stickiness by cookie, one PostgreSQL.

Three levels:

* the generated configuration refuses addresses it would have to paste in blindly;
* real nginx in front of two tiny HTTP servers (fast): first visits are spread, the cookie
  keeps a client on its server, unknown cookie values are never used as an address, and a
  server that is down hands its clients to another one;
* the real thing (slow): two standalone Voilà servers + nginx on loopback, sharing a real
  PostgreSQL; page loads hold their kernel on the server named in the cookie, and two
  residents in chromium, pinned to different servers, both vote through nginx.
"""

from __future__ import annotations

import http.client
import re
import threading
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import need

from support.resident_flow import vote_in_browser
from werkboek.errors import WerkboekError
from werkboek.serving.cluster import (
    COOKIE,
    SERVER_HEADER,
    find_nginx,
    nginx_config,
    running_cluster,
    server_name,
    start_nginx,
    stop_nginx,
)
from werkboek.serving.process import free_port
from werkboek.store import Store

CSS = "voila/templates/werkboek/static/werkboek.css"
TIMEOUT = 90_000


def get(url: str, cookie: str | None = None, path: str = "") -> tuple[int, dict, bytes]:
    """One request as a fresh client (no cookie jar): status, headers (lower-case names), body."""
    request = urllib.request.Request(url + path, headers={"Cookie": f"{COOKIE}={cookie}"} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, _headers(response), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _headers(error), error.read()


def _headers(response) -> dict:
    headers = {k.lower(): v for k, v in response.headers.items()}
    headers["set-cookie"] = response.headers.get_all("Set-Cookie") or []
    return headers


def cookie_value(headers: dict) -> str | None:
    for line in headers["set-cookie"]:
        match = re.match(rf"{COOKIE}=([^;]*);", line)
        if match:
            assert "HttpOnly" in line and "SameSite=Lax" in line and "Path=/" in line
            return match.group(1)
    return None


# --- the configuration ---------------------------------------------------------------------

def test_config_refuses_addresses_that_are_not_host_and_port(tmp_path):
    with pytest.raises(WerkboekError):
        nginx_config([], 8866, tmp_path)
    for bad in ["127.0.0.1", "127.0.0.1:80; include /etc/passwd", "evil.example:80", "localhost:80",
                "127.0.0.1:80\n"]:
        with pytest.raises(WerkboekError):
            nginx_config([bad], 8866, tmp_path)
    with pytest.raises(WerkboekError):
        nginx_config(["127.0.0.1:9001"], 8866, tmp_path, listen_ip="0.0.0.0; evil")
    config = nginx_config(["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"], 8866, tmp_path)
    assert "ip_hash" not in config and "proxy_buffering off" in config
    assert config.count("backup;") == 6  # every server stands in for every other one
    assert str(tmp_path.resolve()) + "/nginx.pid" in config


# --- real nginx, tiny backends --------------------------------------------------------------

class _NamedBackend(BaseHTTPRequestHandler):
    """Answers every GET with the name of its server (to check what nginx claims)."""

    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = self.server.name.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx_in_front_of_two(tmp_path):
    need(find_nginx() is not None, "nginx is not installed (apt-get install nginx-light)")
    backends = []
    for i in range(2):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _NamedBackend)
        server.name = server_name(i)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        backends.append(server)
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    config = nginx_config([f"127.0.0.1:{s.server_address[1]}" for s in backends], port, tmp_path / "nginx")
    (tmp_path / "nginx").mkdir()
    nginx = start_nginx(config, tmp_path / "nginx")
    try:
        _wait_until_answering(url, nginx, tmp_path / "nginx")
        yield url, backends
    finally:
        stop_nginx(nginx)
        for server in backends:
            server.shutdown()
            server.server_close()


def _wait_until_answering(url, nginx, workdir):
    import time

    for _ in range(100):
        assert nginx.poll() is None, (workdir / "error.log").read_text()
        try:
            get(url)
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(url)


def test_first_visits_are_spread_and_the_cookie_keeps_a_client_on_its_server(nginx_in_front_of_two):
    url, _ = nginx_in_front_of_two
    answered = Counter()
    for _ in range(10):
        status, headers, body = get(url)
        assert status == 200
        name = body.decode()
        assert headers[SERVER_HEADER.lower()] == name and cookie_value(headers) == name  # nginx tells the truth
        answered[name] += 1
    assert answered == {"s1": 5, "s2": 5}  # round robin

    for name in ("s1", "s2"):
        for _ in range(6):
            status, headers, body = get(url, cookie=name)
            assert (status, body.decode(), cookie_value(headers)) == (200, name, name)


def test_an_unknown_cookie_is_never_used_as_an_address(nginx_in_front_of_two):
    url, _ = nginx_in_front_of_two
    seen = set()
    for value in ["s3", "127.0.0.1:22", "werkboek_s1", "", "s1%20", "http://example.org"]:
        status, headers, body = get(url, cookie=value)
        assert status == 200 and body.decode() in {"s1", "s2"}
        assert cookie_value(headers) == body.decode()  # replaced by a real name
        seen.add(body.decode())
    assert seen == {"s1", "s2"}  # the ordinary round robin


def test_when_a_server_is_down_its_clients_go_to_another_and_get_its_cookie(nginx_in_front_of_two):
    url, backends = nginx_in_front_of_two
    backends[0].shutdown()
    backends[0].server_close()
    for _ in range(4):
        status, headers, body = get(url, cookie="s1")
        assert (status, body.decode(), cookie_value(headers)) == (200, "s2", "s2")
    for _ in range(4):
        status, headers, body = get(url)
        assert (status, body.decode()) == (200, "s2")


# --- the real thing: two Voilà servers, nginx, PostgreSQL, chromium -----------------------------

@pytest.fixture(scope="module")
def cluster(postgres_server, tmp_path_factory, catalogue):
    need(find_nginx() is not None, "nginx is not installed (apt-get install nginx-light)")
    url = postgres_server.new_database(f"cluster_{free_port()}")
    home = tmp_path_factory.mktemp("cluster")
    store = Store(url, catalogue=catalogue)
    acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
    ws = store.create_workshop("Buurtavond Hoensbroek", method="punten", method_params={"points": 3},
                               acties=acties, location="Buurthuis")
    store.open_voting(ws.id)
    with running_cluster(n_servers=2, pool_size=1, database_url=url, home=home) as running:
        yield {"cluster": running, "store": store, "workshop": store.workshop(ws.id)}
    store.close()


def _kernel_id(html: str) -> str:
    match = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html)
    assert match, html[:2000]
    return match.group(1)


def _kernel_lives_on(running, kernel_id: str) -> list[str]:
    """The names of the servers that know this kernel (asked directly, not through nginx)."""
    found = []
    for name, server in zip(running.names, running.servers):
        status, _, _ = get(server.url, path=f"api/kernels/{kernel_id}")
        assert status in (200, 404), status
        if status == 200:
            found.append(name)
    return found


@pytest.mark.postgres
@pytest.mark.voila
@pytest.mark.slow
def test_script_comes_compressed_through_nginx_and_is_read_from_its_cache(cluster):
    import brotli

    running = cluster["cluster"]
    answers = []
    for _ in range(2):
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        connection.request("GET", "/voila/static/voila.js", headers={"Accept-Encoding": "gzip, deflate, br"})
        response = connection.getresponse()
        answers.append((response.status, dict(response.getheaders()), response.read()))
        connection.close()
    (s1, h1, b1), (s2, h2, b2) = answers
    assert s1 == s2 == 200 and h1["Content-Encoding"] == h2["Content-Encoding"] == "br"
    assert brotli.decompress(b2) == brotli.decompress(b1) and b"voila" in brotli.decompress(b1).lower()
    assert h2["X-Cache"] == "HIT" and "max-age" in h2["Cache-Control"]
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    connection.request("GET", "/voila/static/voila.js", headers={"Accept-Encoding": "identity"})
    plain = connection.getresponse()
    assert plain.getheader("Content-Encoding") is None and plain.read() == brotli.decompress(b1)
    connection.close()


@pytest.mark.postgres
@pytest.mark.voila
@pytest.mark.slow
def test_a_page_load_keeps_its_kernel_on_the_server_in_the_cookie(cluster):
    running = cluster["cluster"]
    for name in ("s2", "s1"):
        status, headers, body = get(running.url, cookie=name)
        assert status == 200 and headers[SERVER_HEADER.lower()] == name and cookie_value(headers) == name
        kernel_id = _kernel_id(body.decode())
        assert _kernel_lives_on(running, kernel_id) == [name]
        # the page's later requests, through nginx with the cookie, find that kernel
        status, headers, _ = get(running.url, cookie=name, path=f"api/kernels/{kernel_id}")
        assert status == 200 and headers[SERVER_HEADER.lower()] == name
        # … and its websocket is passed on as an upgrade
        connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        connection.request("GET", f"/api/kernels/{kernel_id}/channels", headers={
            "Cookie": f"{COOKIE}={name}", "Connection": "Upgrade", "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Protocol": "v1.kernel.websocket.jupyter.org"})
        response = connection.getresponse()
        assert response.status == 101 and response.getheader(SERVER_HEADER) == name
        connection.close()


@pytest.mark.postgres
@pytest.mark.voila
@pytest.mark.browser
@pytest.mark.slow
def test_two_residents_on_different_servers_both_vote_into_postgres(cluster, catalogue):
    from support.browser import chromium_available, chromium_browser, phone_page, screenshot

    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    running, store, ws = cluster["cluster"], cluster["store"], cluster["workshop"]
    codes = [c.code for c in store.create_codes(ws.id, 2)]
    plans = {"s1": (codes[0], {0: 2, 1: 1}), "s2": (codes[1], {0: 1, 1: 3})}
    kernels = {}
    with chromium_browser() as browser:
        pages = {}
        for name, (code, _) in plans.items():
            page = phone_page(browser)
            page.context.add_cookies([{"name": COOKIE, "value": name, "url": running.url}])
            page.goto(running.ballot_url(code))
            page.get_by_role("button", name="Beginnen").wait_for(timeout=TIMEOUT)
            pages[name] = page
        for name, (code, points) in plans.items():  # both pages are open at the same time
            page = pages[name]
            page.bring_to_front()  # a background tab may not lay out its widgets
            try:
                vote_in_browser(page, points)
            except Exception:
                screenshot(page, f"cluster-vote-{name}-failed")
                print(running.access_log()[-4000:], running.server(name).log()[-3000:])
                raise
            kernels[name] = _kernel_id(page.content())
            [cookie] = [c for c in page.context.cookies() if c["name"] == COOKIE]
            assert cookie["value"] == name and cookie["httpOnly"]
            page.context.close()

    for name in plans:
        assert _kernel_lives_on(running, kernels[name]) == [name]
    by_code = {b.code: b for b in store.ballots(ws.id)}
    assert set(by_code) == set(codes)
    per_lg = ws.acties_per_leefgebied(catalogue)
    first = [acties[0].id for acties in per_lg.values()]
    for name, (code, points) in plans.items():
        expected = {first[page_no]: n for page_no, n in points.items()}
        assert by_code[code].choices == expected, name
    # every request carrying a cookie was answered by the server it names
    lines = re.findall(r"cookie=(s\d) server=(s\d)", running.access_log())
    assert lines and all(cookie == server for cookie, server in lines), lines[:20]


# --- the command ----------------------------------------------------------------------------

@pytest.mark.voila
@pytest.mark.slow
def test_the_cluster_command_serves_through_nginx_and_stops_everything(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from support.workshop_command import read_until_ready

    need(find_nginx() is not None, "nginx is not installed (apt-get install nginx-light)")
    port = free_port()
    env = dict(os.environ, WERKBOEK_HOME=str(tmp_path), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "werkboek", "cluster", "--servers", "2", "--pool-size", "0", "--port", str(port),
         "--ip", "127.0.0.1", "--no-console", "--no-qr", "--database-url", f"sqlite:///{tmp_path / 'w.sqlite'}"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        text = read_until_ready(process, 120)
        assert f"http://127.0.0.1:{port}/" in text and "PostgreSQL" in text  # the advice for SQLite
        backends = [int(p) for p in re.findall(r"server s\d:\s+http://127\.0\.0\.1:(\d+)/", text)]
        assert len(backends) == 2, text
        # (a new query each time: nginx's static cache would answer a repeat itself)
        names = {get(f"http://127.0.0.1:{port}/", path=f"{CSS}?probe={i}")[1][SERVER_HEADER.lower()] for i in range(4)}
        assert names == {"s1", "s2"}
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, process.stdout.read()
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    for p in [port, *backends]:  # nginx and both servers are gone
        with pytest.raises(OSError):
            get(f"http://127.0.0.1:{p}/", path=CSS)
