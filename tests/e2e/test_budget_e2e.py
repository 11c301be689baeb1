"""Begroten end to end: a real resident server (Voilà, preheated kernels) and Debian's chromium.

At 360×640 a resident spends the budget over two leefgebieden; an actie that no longer fits
says so and cannot be chosen; the review says what is left; the store holds exactly the
choice. The same screens at 320 px and at 200 % zoom (180×320 CSS px) reflow without sideways
scrolling, with axe-core finding nothing serious. Screenshots go to $WERKBOEK_ARTIFACTS.
"""

from __future__ import annotations

import re

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

pytestmark = [pytest.mark.browser, pytest.mark.voila, pytest.mark.slow]

LOAD_TIMEOUT = 60_000
# leren-02 € 450.000, leren-03 € 240.000, leren-04 € 900.000, wonen-03 € 400.000, wonen-04 € 2,5 miljoen
ACTIES = ["leren-02", "leren-03", "leren-04", "wonen-03", "wonen-04"]


@pytest.fixture(scope="module")
def room(tmp_path_factory, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    home = tmp_path_factory.mktemp("begroten")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    ws = store.create_workshop("Begroten in Vrieheide", method="begroten", method_params={"budget": 2_000_000},
                               acties=ACTIES, location="Buurthuis")
    store.open_voting(ws.id)
    with running_resident_server(pool_size=2, database_url=url, home=home) as server, chromium_browser() as browser:
        yield {"store": store, "workshop": store.workshop(ws.id), "server": server, "browser": browser}
    store.close()


def open_ballot(room, viewport=None):
    code = room["store"].create_codes(room["workshop"].id, 1)[0].code
    page = phone_page(room["browser"], viewport=viewport)
    page.goto(room["server"].ballot_url(code))
    wait_for_widgets(page, LOAD_TIMEOUT)
    return page, code


def card(page, catalogue, actie_id):
    return page.locator(".wb-card", has_text=catalogue.acties[actie_id].titel)


def bar_text(page) -> str:
    return page.locator("[data-testid=budget-left]").inner_text()


def no_serious_axe(page, name):
    violations = axe_violations(page)
    assert not violations, f"axe on {name}:\n{format_violations(violations)}"


def test_resident_fills_the_budget_and_the_store_holds_exactly_that(room, catalogue):
    store, ws = room["store"], room["workshop"]
    page, code = open_ballot(room)
    page.get_by_role("button", name="Beginnen").click(timeout=LOAD_TIMEOUT)
    page.get_by_text("Stap 2 van 5").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 1 van 2").wait_for()
    assert bar_text(page) == "U heeft nog € 2 miljoen"
    live = page.locator("[data-testid=budget-left]")
    assert live.get_attribute("aria-live") == "polite" and live.get_attribute("role") == "status"
    screenshot(page, "begroten-360-leren-start", full_page=False)
    for actie_id in ("leren-04", "leren-02"):
        card(page, catalogue, actie_id).get_by_role("button", name="Kiezen").click()
        page.locator(".wb-card", has_text=catalogue.acties[actie_id].titel).get_by_role(
            "button", name=re.compile("Gekozen")).wait_for()
    page.get_by_text("U heeft nog € 650.000").wait_for()
    no_serious_axe(page, "begroten leren")
    # the bar stays in view while the resident scrolls down to the last actie
    card(page, catalogue, "leren-03").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('rendered_cells').scrollTop = 10000")
    page.wait_for_timeout(300)
    box = page.locator(".wb-budget-bar").bounding_box()
    assert box is not None and -1 <= box["y"] and box["y"] + box["height"] <= 640, box
    screenshot(page, "begroten-360-leren-scrolled", full_page=False)

    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 2 van 2").wait_for()
    assert bar_text(page) == "U heeft nog € 650.000"
    dear = card(page, catalogue, "wonen-04")
    refused = dear.get_by_role("button", name="Past niet meer")
    assert refused.is_disabled()
    assert "Deze actie kost meer dan u nog heeft (€ 650.000)" in dear.inner_text()
    refused.click(force=True)  # a tap on it anyway: nothing changes
    page.wait_for_timeout(500)
    assert bar_text(page) == "U heeft nog € 650.000"
    screenshot(page, "begroten-360-wonen-past-niet", full_page=True)
    no_serious_axe(page, "begroten wonen")
    card(page, catalogue, "wonen-03").get_by_role("button", name="Kiezen").click()
    page.get_by_text("U heeft nog € 250.000").wait_for()

    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 4 van 5").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Stap 5 van 5").wait_for()
    review = page.inner_text(".wb-app")
    assert "U geeft € 1,75 miljoen uit. U houdt € 250.000 over." in review
    for actie_id in ("leren-04", "leren-02", "wonen-03"):
        assert catalogue.acties[actie_id].titel in review
    assert catalogue.acties["wonen-04"].titel not in review
    screenshot(page, "begroten-360-controle", full_page=True)
    no_serious_axe(page, "begroten controle")
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()
    [ballot] = [b for b in store.ballots(ws.id) if b.code == code]
    assert ballot.choices == {"leren-04": 1, "leren-02": 1, "wonen-03": 1}
    page.context.close()


def sideways(page, width: int) -> list[str]:
    """Controls outside the viewport's width, cut-off button texts, a page wider than the screen."""
    return page.evaluate("""width => {
        const problems = [];
        if (document.documentElement.scrollWidth > width + 1) problems.push('page ' + document.documentElement.scrollWidth);
        for (const el of document.querySelectorAll('.wb-app button, .wb-app .wb-budget-bar, .wb-app .wb-budget-inner')) {
            if (el.offsetParent === null) continue;
            const r = el.getBoundingClientRect();
            const name = (el.innerText || el.className).trim().slice(0, 30);
            if (r.left < -1 || r.right > width + 1) problems.push(name + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
            if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) problems.push(name + ' cut off');
        }
        return problems;
    }""", width)


@pytest.mark.parametrize("width,height,label", [(320, 568, "320px"), (180, 320, "zoom200")])
def test_the_budget_step_and_review_reflow(room, catalogue, width, height, label):
    page, _ = open_ballot(room, {"width": width, "height": height})
    page.get_by_role("button", name="Beginnen").click(timeout=LOAD_TIMEOUT)
    page.get_by_text("Stap 2 van 5").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 1 van 2").wait_for()
    button = card(page, catalogue, "leren-04").get_by_role("button", name="Kiezen")
    button.scroll_into_view_if_needed()
    button.click()
    page.get_by_text("U heeft nog € 1,1 miljoen").wait_for()
    assert not sideways(page, width), sideways(page, width)
    no_serious_axe(page, f"begroten at {label}")
    screenshot(page, f"begroten-{label}-leren", full_page=True)
    page.get_by_role("button", name="Verder").click()
    page.get_by_text("Onderwerp 2 van 2").wait_for()
    assert card(page, catalogue, "wonen-04").get_by_role("button", name="Past niet meer").is_disabled()
    assert not sideways(page, width), sideways(page, width)
    screenshot(page, f"begroten-{label}-wonen", full_page=True)
    for expect in ("Stap 4 van 5", "Stap 5 van 5"):
        page.get_by_role("button", name="Verder").click()
        page.get_by_text(expect).wait_for()
    assert "U houdt € 1,1 miljoen over" in page.inner_text(".wb-app")
    assert not sideways(page, width), sideways(page, width)
    no_serious_axe(page, f"begroten review at {label}")
    screenshot(page, f"begroten-{label}-controle", full_page=True)
    page.context.close()
