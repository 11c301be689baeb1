"""Kernel lifecycle against a real standalone Voilà server, with short timeouts.

* culling: the kernel of a page that is gone is stopped after ``cull_idle_seconds``; a page
  that is still open is kept until ``cull_connected_seconds``; a page that keeps being used
  keeps its kernel;
* the cap: with ``max_kernels=2`` the third visitor gets the Dutch "Even geduld" page (HTTP
  503; axe; screenshot at 360×640) and, once a place is free, a new visitor gets a ballot —
  without preheating and with a preheated pool (whose refill fails at the cap).

Kernels are counted as ipykernel processes under the server (psutil).
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request

import pytest
from conftest import need

from support.browser import (
    axe_violations,
    chromium_available,
    chromium_browser,
    format_violations,
    phone_page,
    screenshot,
    wait_for_widgets,
)
from support.kernels import kernel_pids, wait_for
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.voila, pytest.mark.slow]

LOAD_TIMEOUT = 120_000  # generous: other servers may share the 2 cores


def new_kernel(server, before: set[int], timeout: float = 60) -> int:
    wait_for(lambda: kernel_pids(server) - before, timeout, "a new kernel")
    (pid,) = kernel_pids(server) - before
    return pid


def http_get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def open_ballot(browser, url):
    page = phone_page(browser)
    page.goto(url)
    wait_for_widgets(page, LOAD_TIMEOUT)
    page.get_by_role("button", name=re.compile("Beginnen|Start")).wait_for(timeout=LOAD_TIMEOUT)
    return page


@pytest.fixture(scope="module")
def setting(tmp_path_factory, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    home = tmp_path_factory.mktemp("lifecycle")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    ws = store.create_workshop("Bewonersconferentie", method="punten", method_params={"points": 3},
                               acties=[a.id for a in catalogue.acties_in("wonen")[:2]], kind="conference")
    store.open_voting(ws.id)
    with chromium_browser() as browser:
        yield {"url": url, "home": home, "browser": browser}
    store.close()


def test_culling_frees_departed_residents_and_keeps_active_ones(setting):
    browser = setting["browser"]
    with running_resident_server(database_url=setting["url"], home=setting["home"], cull_idle_seconds=3,
                                 cull_interval_seconds=1, cull_connected_seconds=10) as server:
        assert kernel_pids(server) == set()
        # a page fetched and gone (no websocket ever): culled after ~3 s idle
        status, html = http_get(server.url)
        assert status == 200 and "wb-loading" in html
        gone_page = kernel_pids(server)
        assert len(gone_page) == 1
        took = wait_for(lambda: not (kernel_pids(server) & gone_page), 20, "culling a page without websocket")
        print(f"kernel without websocket culled {took:.1f} s after the page was served (timeout 3 s, interval 1 s)")

        # two open pages: one resident only reads, one keeps clicking
        before = kernel_pids(server)
        reading = open_ballot(browser, server.url)
        reading_pid = new_kernel(server, before)
        opened = time.monotonic()
        before = kernel_pids(server)
        active = open_ballot(browser, server.url)
        active_pid = new_kernel(server, before)
        language = active.get_by_role("button", name=re.compile("^(English|Nederlands)$"))
        while reading_pid in kernel_pids(server):  # connected but idle: culled after ~10 s, not 3 s
            assert time.monotonic() - opened < 60, "the idle open page was never culled"
            language.click()
            time.sleep(1)
        kept = time.monotonic() - opened
        print(f"idle kernel with a websocket culled {kept:.1f} s after its page was shown (timeout 10 s)")
        assert kept >= 8, "a page that is still open was culled like a closed one"
        for _ in range(3):  # still in use: still answering
            language.click()
            time.sleep(1)
        assert active_pid in kernel_pids(server), "the page in use lost its kernel"
        active.get_by_text(re.compile("Welkom|Welcome")).first.wait_for()

        # the active resident closes the tab: the kernel goes (beforeunload, or the culler)
        closed = time.monotonic()
        active.close(run_before_unload=True)
        wait_for(lambda: active_pid not in kernel_pids(server), 20, "freeing the closed page")
        print(f"closed page's kernel gone after {time.monotonic() - closed:.1f} s")
        reading.close()


@pytest.mark.parametrize("pool_size", [0, 1])
def test_a_full_server_says_even_geduld_and_recovers(setting, pool_size):
    browser = setting["browser"]
    with running_resident_server(pool_size=pool_size, database_url=setting["url"], home=setting["home"],
                                 max_kernels=2, cull_idle_seconds=3, cull_interval_seconds=1,
                                 cull_connected_seconds=0) as server:
        first = open_ballot(browser, server.url)
        second = open_ballot(browser, server.url)
        wait_for(lambda: len(kernel_pids(server)) == 2, 30, "two kernels")
        time.sleep(2 * pool_size)  # a pool refill would start now: it must fail quietly

        status, html = http_get(server.url)
        assert status == 503, html[:500]
        assert "Even geduld" in html and "Het is nu erg druk" in html and 'lang="nl"' in html
        assert "location.reload()" in html and 'http-equiv="refresh"' in html and "Traceback" not in html
        third = phone_page(browser)
        response = third.goto(server.url)
        assert response.status == 503
        third.get_by_role("link", name="Opnieuw proberen").wait_for()
        stop_retrying = third.get_by_role("button", name="Niet vanzelf opnieuw proberen")
        stop_retrying.click()  # the automatic retry can be stopped (and must not take the free place below)
        assert stop_retrying.is_hidden()
        assert third.evaluate("document.documentElement.lang") == "nl"
        assert third.evaluate("document.documentElement.scrollWidth") <= 360
        box = third.get_by_role("link", name="Opnieuw proberen").bounding_box()
        assert box["height"] >= 44
        screenshot(third, f"even-geduld-pool{pool_size}")
        violations = axe_violations(third)
        assert not violations, format_violations(violations)
        full = kernel_pids(server)
        assert len(full) == 2
        third.close()

        first.close(run_before_unload=True)  # a resident leaves: a place is free again
        wait_for(lambda: not full <= kernel_pids(server), 20, "a free place")
        if pool_size:  # the failed refill is retried once a place is free: the pool is full again
            wait_for(lambda: len(kernel_pids(server)) == 2, 30, "refilling the preheated pool")
        fourth = open_ballot(browser, server.url)
        assert fourth.get_by_text("Stap 1 van 6").first.is_visible()
        assert len(kernel_pids(server)) <= 2
        for page in (second, fourth):
            page.close()


def test_a_visitor_beyond_the_preheated_pool_is_not_kept_waiting_for_a_postponed_refill(setting):
    """With refills postponed for a big room, the first visitor beyond the pool gets a kernel of its own
    at once (Voilà alone would hand out the sleeping refill: a 10-minute wait)."""
    browser = setting["browser"]
    with running_resident_server(pool_size=1, pool_fill_delay=600, database_url=setting["url"],
                                 home=setting["home"]) as server:
        wait_for(lambda: "is filled with 1 kernel" in server.log() and len(kernel_pids(server)) == 1, 60,
                 "the preheated kernel")
        preheated = kernel_pids(server)
        time.sleep(3)  # let it run the notebook
        first = open_ballot(browser, server.url)
        assert kernel_pids(server) == preheated  # the first visitor took the preheated kernel
        started = time.monotonic()
        second = open_ballot(browser, server.url)  # LOAD_TIMEOUT (120 s) is far below the 600 s delay
        waited = time.monotonic() - started
        print(f"visitor beyond the pool: ballot usable after {waited:.1f} s (refill postponed by 600 s)")
        assert len(kernel_pids(server)) == 2  # its own kernel; the postponed refill has not started
        assert server.log().count("Using pre-heated kernel") == 1
        second.get_by_role("button", name="Beginnen").click()
        second.get_by_text("Stap 2 van 6").wait_for()
        for page in (first, second):
            page.close()
