"""The welcome screen in plain HTML: usable before Voilà's frontend runs, and handed over to the widgets.

index.html.j2 renders it, werkboek-first.js hands a tap and the language to the kernel
(``BallotApp._handed_over``) once the widgets are live.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

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
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store
from werkboek_widgets.ballot.texts import t

TEMPLATE = Path(__file__).resolve().parents[2] / "voila_templates" / "werkboek" / "index.html.j2"
LOAD_TIMEOUT = 60_000


def template_texts() -> dict:
    source = TEMPLATE.read_text()
    block = re.search(r"\{%- set first = (\{.*?\}) -%\}", source, re.S).group(1)
    return ast.literal_eval(block)


def test_the_html_welcome_says_what_the_widgets_say():
    texts = template_texts()
    assert set(texts) == {"nl", "en"}
    for lang, entries in texts.items():
        for key, value in entries.items():
            assert value == t(key, lang), (lang, key)


@pytest.fixture(scope="module")
def room(tmp_path_factory, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    home = tmp_path_factory.mktemp("first")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
    ws = store.create_workshop("Avond in De Erk", method="punten", method_params={"points": 3}, acties=acties)
    store.open_voting(ws.id)
    with running_resident_server(pool_size=2, database_url=url, home=home) as server, chromium_browser() as browser:
        yield {"store": store, "workshop": store.workshop(ws.id), "server": server, "browser": browser}
    store.close()


def test_without_voilas_script_the_welcome_is_there_and_says_what_happens(room):
    """Voilà's frontend never arrives (a slow phone, a lost request): never a blank page."""
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"])
    page.route(re.compile(r".*/voila/static/voila\.js.*"), lambda route: route.abort())
    page.add_init_script("window.WERKBOEK_FIRST_SLOW_MS = 1000; window.WERKBOEK_FIRST_RETRY_MS = 3500")
    page.goto(room["server"].ballot_url(code))
    start = page.get_by_role("button", name="Beginnen")
    start.wait_for(timeout=LOAD_TIMEOUT)
    assert page.evaluate("document.documentElement.dataset.wbReady") == "1"
    assert "Uw stem is anoniem" in page.inner_text("body") and page.evaluate("document.documentElement.lang") == "nl"
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    screenshot(page, "first-welkom-html")

    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Start").wait_for()
    assert page.evaluate("document.documentElement.lang") == "en" and "Your vote is anonymous" in page.inner_text("body")
    page.get_by_role("button", name="Nederlands").click()
    with page.expect_navigation(timeout=LOAD_TIMEOUT):  # after a while: told, and tried again
        start.click()
        page.get_by_role("status").get_by_text("Even geduld").wait_for()
        page.get_by_text("Het laden duurt lang. We proberen het opnieuw").wait_for()
    assert f"code={code}" in page.url  # the reload keeps the code
    page.context.close()


def test_a_tap_before_the_widgets_are_live_is_not_lost(room):
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"])
    page.goto(room["server"].ballot_url(code), wait_until="commit")
    page.get_by_role("button", name="Beginnen").click(timeout=LOAD_TIMEOUT)  # the HTML one, at once
    page.get_by_text("Stap 2 van 5").wait_for(timeout=LOAD_TIMEOUT)  # the widgets took the tap: buurt
    assert page.locator("#wb-first").count() == 0
    assert "Kies uw buurt" in page.inner_text(".wb-app")
    page.context.close()


def test_english_chosen_on_the_html_welcome_reaches_the_widgets(room):
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"])
    page.route(re.compile(r".*/voila/static/voila\.js.*"), lambda route: route.continue_())
    page.goto(room["server"].ballot_url(code), wait_until="commit")
    page.get_by_role("button", name="English").click(timeout=LOAD_TIMEOUT)
    page.get_by_role("button", name="Start").click()
    page.get_by_text("Step 2 of 5").wait_for(timeout=LOAD_TIMEOUT)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.context.close()


def test_without_a_tap_the_widgets_take_over_with_the_workshop_title(room):
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"])
    page.goto(room["server"].ballot_url(code))
    wait_for_widgets(page, LOAD_TIMEOUT)
    body = page.inner_text("body")
    assert "Avond in De Erk" in body and "Stap 1 van 5" in body and f"Uw code {code} is goed" in body
    assert page.get_by_role("button", name="Beginnen").count() == 1  # only the widgets' own
    page.context.close()


def test_the_ballot_fetches_no_typesetter_and_mathjax_calls_do_nothing(room):
    """Voilà starts a LaTeX typesetter on every page; the residents' server hands it a stand-in."""
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"])
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(room["server"].ballot_url(code))
    wait_for_widgets(page, LOAD_TIMEOUT)
    mathjax = [u for u in fetched if "mathjax" in u.lower() and "werkboek-nomath.js" not in u]
    assert mathjax == []
    assert any("werkboek-nomath.js" in u for u in fetched)  # Voilà's typesetter asked for the stand-in
    assert page.evaluate("typeof window.MathJax.Hub.Queue") == "function"
    assert "Stap 1 van 5" in page.inner_text("body")  # and the ballot works
    page.context.close()
