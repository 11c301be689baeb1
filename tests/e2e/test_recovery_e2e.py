"""A resident in chromium when the server goes away mid-ballot: told so, and back on the draft by itself.

The residents' server is killed (SIGKILL) while the resident is on the first leefgebied with
two stippen given. The page says "De verbinding is even weg", the supervisor starts the
server again, the page reloads itself with the code, the draft brings the resident back to
the same screen with the same stippen, and the vote goes in — once.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from conftest import need

from support.browser import chromium_available, chromium_browser, phone_page, screenshot
from werkboek.serving.process import free_port
from werkboek.serving.workshop import WorkshopOptions, running_workshop
from werkboek.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.voila, pytest.mark.slow]
TIMEOUT = 90_000


def supervised(evening, stop: threading.Event):
    while not stop.is_set():
        evening.check()
        time.sleep(0.3)


def to_two_stippen(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Beginnen").click(timeout=TIMEOUT)
    page.get_by_text("Stap 2 van 5").wait_for()  # the code came with the link: buurt next
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 1 van 2").wait_for()
    plus = page.get_by_role("button", name="+").first
    plus.click()
    plus.click()
    page.get_by_text("2 stippen").first.wait_for()
    time.sleep(2.5)  # the draft is written at most about once a second


def back_on_the_draft_and_submit(page) -> None:
    # the page said so (and counted it in the tab, over its reload) …
    page.wait_for_function("window.werkboekWatch && window.werkboekWatch().lostTimes >= 1",
                           timeout=45_000, polling=100)
    # … and is back by itself: the same screen, the same two stippen
    page.get_by_text("We gaan verder waar u was gebleven").wait_for(timeout=TIMEOUT)
    page.get_by_text("Onderwerp 1 van 2").wait_for()
    page.get_by_text("2 stippen").first.wait_for()
    screenshot(page, "resident-terug-op-de-tussenstand")
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 2 van 2").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 4 van 5").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 5 van 5").wait_for()
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for(timeout=TIMEOUT)


def test_a_killed_server_mid_ballot_and_the_resident_carries_on(tmp_path, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    options = WorkshopOptions(port=free_port(), ip="127.0.0.1", console_port=free_port(), pool_size=1,
                              pool_fill_delay=0.5, backup_minutes=0, database_url=url, home=tmp_path)
    with running_workshop(options) as evening:
        store = Store(url, catalogue=catalogue)
        acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
        ws = store.open_voting(store.create_workshop("Avond met storing", method="punten",
                                                     method_params={"points": 3}, acties=acties).id)
        code = store.create_codes(ws.id, 1)[0].code
        stop = threading.Event()
        watcher = threading.Thread(target=supervised, args=(evening, stop), daemon=True)
        watcher.start()
        try:
            with chromium_browser() as browser:
                page = phone_page(browser)
                to_two_stippen(page, evening.residents.ballot_url(code))
                os.kill(evening.residents.process.pid, signal.SIGKILL)
                back_on_the_draft_and_submit(page)
        finally:
            stop.set()
            watcher.join(10)
        [ballot] = store.ballots(ws.id, include_superseded=True)
        assert ballot.code == code and sum(ballot.choices.values()) == 2
        assert evening.restarts["bewoners"].total == 1
        store.close()


def test_a_dead_kernel_sends_its_resident_back_onto_the_draft(tmp_path, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    from support.kernels import kernel_processes

    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    options = WorkshopOptions(port=free_port(), ip="127.0.0.1", console_port=free_port(), pool_size=1,
                              pool_fill_delay=0.5, backup_minutes=0, database_url=url, home=tmp_path)
    with running_workshop(options) as evening:
        store = Store(url, catalogue=catalogue)
        acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
        ws = store.open_voting(store.create_workshop("Avond met een kapotte kernel", method="punten",
                                                     method_params={"points": 3}, acties=acties).id)
        code = store.create_codes(ws.id, 1)[0].code
        with chromium_browser() as browser:
            page = phone_page(browser)
            to_two_stippen(page, evening.residents.ballot_url(code))
            kernel = page.evaluate("window.werkboekWatch().kernel")
            kernel_processes(evening.residents)[kernel].kill()  # the resident's own kernel, SIGKILL
            back_on_the_draft_and_submit(page)
        [ballot] = store.ballots(ws.id, include_superseded=True)
        assert ballot.code == code and sum(ballot.choices.values()) == 2
        assert kernel not in kernel_processes(evening.residents)
        store.close()
