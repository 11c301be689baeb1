"""The attacks of a hostile phone or web page (benchmarks/attacks), each against a real server.

Every test here failed before the defence it checks: the server hung on the legacy framing,
a flood kept 60 kernels, a foreign page started kernels, codes could be guessed at 9/s,
the console answered any Host, a malformed widget message returned a traceback.
"""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request

import pytest
from conftest import need

from benchmarks.attacks import clients as attack
from support.browser import chromium_available, chromium_browser, phone_page
from support.kernels import kernel_processes, kernel_rss
from support.resident_flow import vote_in_browser
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store

pytestmark = [pytest.mark.voila, pytest.mark.slow]


def run(coroutine):
    """Run an attack on a loop of its own (asyncio.run would leave the main thread without a current
    loop, which later widget tests — the dashboard's refresh task — still expect)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory, catalogue):
    home = tmp_path_factory.mktemp("attacks")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
    ws = store.open_voting(store.create_workshop("Avond onder vuur", method="punten", method_params={"points": 3},
                                                 acties=acties).id)
    with running_resident_server(pool_size=2, database_url=url, home=home, max_kernels=40) as server:
        yield {"server": server, "store": store, "workshop": ws, "url": server.url}
    store.close()


def still_serves_a_ballot(room) -> None:
    """A proper page still gets its kernel and its widgets after the attack."""
    async def ballot():
        import aiohttp

        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            page = await attack.open_ballot(http, room["url"])
            assert page.find("ButtonModel", "Beginnen"), page.text()[:200]
            await page.close()
    run(ballot())


def test_the_legacy_framing_is_refused_and_the_server_stays_up(room):
    finding = run(attack.legacy_binary_widget(room["url"]))
    assert finding.held, finding.line()
    assert "refused the upgrade (HTTP 400)" in finding.server_did
    still_serves_a_ballot(room)


@pytest.mark.parametrize("make_frame, name", [
    (attack.huge_offset_count, "offsets-2^60"),
    (attack.widget_from_browser, "widget-from-browser"),
    (attack.with_buffers, "binary-buffers"),
    (attack.execute_request, "execute-request"),
    (attack.oversized, "1-MB-message"),
])
def test_a_forged_frame_closes_only_its_own_socket(room, make_frame, name):
    finding = run(attack.forged_frame(room["url"], make_frame(), name, name))
    assert finding.held, finding.line()
    # 1008 "policy violation"; tornado answers a frame over the size limit with 1009 and drops the
    # connection at once, which the client may see as 1006
    assert finding.figures["close_code"] in ((1006, 1009) if name == "1-MB-message" else (1008,)), finding.line()
    still_serves_a_ballot(room)


def test_a_message_flood_closes_the_socket(room):
    finding = run(attack.message_flood(room["url"]))
    assert finding.held and finding.figures["close_code"] == 1008, finding.line()
    still_serves_a_ballot(room)


def test_a_malformed_widget_message_gets_no_traceback_back(room):
    finding = run(attack.malformed_widget_message(room["url"]))
    assert finding.held, finding.line()
    assert "Exception in comm_msg" in room["server"].log() or "TraitError" in room["server"].log()


def test_a_page_cannot_grow_its_kernel_without_bound(room):
    finding = run(attack.widget_memory_growth(room["url"], kernel_rss(room["server"])))
    assert finding.held, finding.line()
    # and a kernel that grows anyway stops at its memory limit
    some_kernel = next(iter(kernel_processes(room["server"]).values()))
    limits = open(f"/proc/{some_kernel.pid}/limits").read()
    data = re.search(r"Max data size\s+(\d+)\s+(\d+)\s+bytes", limits)
    assert data and int(data.group(1)) == int(data.group(2)) == 400 * 2**20, limits


def test_template_and_theme_cannot_be_switched_from_the_address(room):
    with urllib.request.urlopen(room["url"] + "?template=lab&theme=dark", timeout=60) as response:
        html = response.read().decode()
    assert "wb-page" in html and "theme-light" in html  # still our template, still the light theme


def test_foreign_pages_get_no_kernel(room):
    answers = run(attack.cross_site(room["url"]))
    for case in ("iframe", "img", "fetch"):
        assert answers[case] == (403, False), (case, answers)
    assert answers["link"] == (200, False), answers  # "Tik op de knop": no kernel until the resident taps
    assert answers["qr-scan"] == (200, True), answers


def test_the_cross_site_link_page_leads_to_the_ballot(room):
    request = urllib.request.Request(room["url"] + "?code=K7P-4QX", headers={
        "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"})
    with urllib.request.urlopen(request, timeout=30) as response:
        html = response.read().decode()
    assert 'href="/?code=K7P-4QX"' in html and "Naar het stembiljet" in html


def test_the_shutdown_beacon_needs_the_pages_xsrf_cookie(room):
    forged, proper = run(attack.shutdown_without_xsrf(room["url"]))
    assert (forged, proper) == (403, 204)


def test_the_stemcode_throttle_stops_guessing(room):
    finding = run(attack.guess_codes(room["url"], tries=10, address="127.0.0.3"))  # an address of its own
    assert finding.held, finding.line()
    waits = finding.figures["waits_s"]
    assert finding.figures["first_blocked"] == 8, finding.line()  # 8 checked, the 9th refused
    assert max(waits[:3]) < 1.0 and waits[3] >= 0.9 and waits[6] >= 7.5, waits  # answers slow down
    assert waits[8] < 1.0  # a blocked try is refused at once, without looking at the code
    # a resident on another page of the same address is held up too: the throttle is per address
    refused = run(attack.guess_codes(room["url"], tries=1, address="127.0.0.3"))
    assert refused.figures["first_blocked"] == 0, refused.line()


def test_a_page_load_flood_keeps_few_kernels_and_a_resident_still_votes(room, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    server = room["server"]
    flood = run(attack.page_load_flood(room["url"], loads=40, address="127.0.0.5"))  # an address of its own
    statuses = flood.figures["statuses"]
    # 12 kernels a minute for one address, then "Even geduld" (HTTP 429, a page that retries by itself)
    assert statuses == {200: 12, 429: 28}, flood.line()
    held = set(flood.figures["kernel_ids"]) & set(kernel_processes(server))
    assert len(held) <= 12, flood.line()  # the address's budget
    # the same browser (cookies kept) loading again and again holds at most 3: older pages give theirs up
    again = run(attack.page_load_flood(room["url"], loads=6, keep_cookies=True, address="127.0.0.4"))
    assert again.figures["statuses"] == {200: 6}, again.line()
    assert len(set(again.figures["kernel_ids"]) & set(kernel_processes(server))) <= 3, again.line()
    # meanwhile a resident on another address gets a ballot and votes
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    with chromium_browser() as browser:
        page = phone_page(browser)
        page.goto(server.ballot_url(code))
        vote_in_browser(page, {0: 1})
        page.context.close()
    assert len(room["store"].ballots(room["workshop"].id, code=code)) == 1


def test_idle_open_sockets_lose_their_kernel_but_taps_keep_it(tmp_path, catalogue):
    """An open websocket that sends no widget traffic (only kernel_info_requests) is culled."""
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    Store(url, catalogue=catalogue).close()
    with running_resident_server(database_url=url, home=tmp_path, cull_idle_seconds=600, cull_interval_seconds=1,
                                 cull_connected_seconds=4) as server:
        async def scenario():
            import aiohttp

            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                opened = time.monotonic()
                idle = await attack.open_ballot(http, server.url)
                busy = await attack.open_ballot(http, server.url)
                start = time.monotonic()
                while time.monotonic() - start < 45 and idle.kernel_id in kernel_processes(server):
                    # keeps jupyter_server's last_activity fresh, but is no widget traffic
                    await idle._send(idle._message("kernel_info_request", {}))
                    await busy.send_comm(busy.find("ButtonModel")[0].comm_id,
                                         {"method": "update", "state": {"tooltip": str(time.monotonic())}})
                    await asyncio.sleep(1.0)
                alive = kernel_processes(server)
                return idle.kernel_id in alive, busy.kernel_id in alive, time.monotonic() - opened
        idle_alive, busy_alive, took = run(scenario())
    assert not idle_alive and busy_alive, (idle_alive, busy_alive, took)
    assert took >= 3.5  # not before its time (4 s after the page's last widget traffic)


def test_the_console_answers_only_its_own_names_with_its_token(tmp_path):
    import subprocess

    from werkboek.serving.console import console_server_command, wait_until_listening
    from werkboek.serving.process import free_port
    from werkboek.settings import PROJECT_ROOT

    port = free_port()
    argv, env, address = console_server_command(port, directory=tmp_path / "console")
    assert address.token and len(address.token) >= 24  # always a token, also on loopback
    with open(tmp_path / "console.log", "wb") as log:
        process = subprocess.Popen(argv, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(f"http://127.0.0.1:{port}/voila/tree", process)
        answers = run(attack.console_requests(f"http://127.0.0.1:{port}/", address.token))
    finally:
        process.terminate()
        process.wait(20)
    assert answers["with token"] == 200, answers
    assert answers["no token"] in (302, 403), answers  # to the login page, never the console
    assert answers["rebinding host"] == answers["foreign origin"] == answers["cross-site"] == 403, answers
    log_text = (tmp_path / "console.log").read_text()
    assert "unknown Host 'evil.example'" in log_text and "Traceback" not in log_text
