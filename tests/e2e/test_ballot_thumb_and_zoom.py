"""The hurried resident in chromium: a double tap on every step, a 320 px phone and 200 % zoom.

200 % zoom on a 360 px phone leaves 180 CSS px: WCAG 2.1 1.4.10 (reflow) asks that everything
is still there without scrolling sideways. Screenshots go to $WERKBOEK_ARTIFACTS.
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
LEEFGEBIEDEN = ("leren", "werken", "wonen")


@pytest.fixture(scope="module")
def room(tmp_path_factory, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    home = tmp_path_factory.mktemp("thumb")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    acties = [a.id for lg in LEEFGEBIEDEN for a in catalogue.acties_in(lg)[:3]]
    ws = store.create_workshop("Buurtavond met een heel lange titel over wonen, werken en leren in Heerlen-Noord",
                               method="punten", method_params={"points": 3}, acties=acties, location="Buurthuis")
    store.open_voting(ws.id)
    with running_resident_server(pool_size=2, database_url=url, home=home) as server, chromium_browser() as browser:
        yield {"store": store, "workshop": store.workshop(ws.id), "server": server, "browser": browser}
    store.close()


def screen_of(page) -> str:
    """What the resident sees as 'where am I': the step, and the leefgebied part on step 3."""
    text = page.inner_text(".wb-app")
    if "Bedankt" in text:
        return "bedankt"
    step = re.search(r"Stap (\d) van (\d)", text)
    part = re.search(r"Onderwerp (\d) van (\d)", text)
    return f"stap {step.group(1)}" + (f" onderwerp {part.group(1)}" if part else "")


@pytest.mark.parametrize("gap_ms", [120, 350])
def test_a_double_tap_on_every_step_never_skips_a_screen(room, gap_ms):
    """120 ms: the second tap reaches the kernel from the old screen's button; 350 ms: the new
    screen is already there, and the page's script must tell a double tap from a real one."""
    store, ws = room["store"], room["workshop"]
    code = store.create_codes(ws.id, 1)[0].code
    page = phone_page(room["browser"])
    page.goto(room["server"].ballot_url(code))
    wait_for_widgets(page, LOAD_TIMEOUT)
    seen = [screen_of(page)]
    for _ in range(10):
        if "Stap 5 van 5" in page.inner_text(".wb-app"):
            break
        button = page.locator(".wb-nav button:visible").last
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        before = page.inner_text(".wb-app")
        page.mouse.click(x, y)
        page.wait_for_timeout(gap_ms)  # the second tap of a fast thumb, on the same spot
        page.mouse.click(x, y)
        page.wait_for_function("b => document.querySelector('.wb-app').innerText !== b", arg=before)
        page.wait_for_timeout(900)  # let anything queued arrive: the screen must not move on by itself
        seen.append(screen_of(page))
    expected = ["stap 1", "stap 2"] + [f"stap 3 onderwerp {i}" for i in (1, 2, 3)] + ["stap 4", "stap 5"]
    assert seen == expected
    screenshot(page, "dubbeltik-controle")
    review = page.inner_text(".wb-app")
    assert review.count("Niets gekozen") == len(LEEFGEBIEDEN)  # every leefgebied was shown (none chosen)
    page.context.close()


def visible_problems(page, width: int) -> list[str]:
    """Controls outside the viewport's width, cut-off button texts and sideways scrolling."""
    return page.evaluate("""width => {
        const problems = [];
        if (document.documentElement.scrollWidth > width + 1) {
            problems.push('page is ' + document.documentElement.scrollWidth + ' px wide');
        }
        for (const el of document.querySelectorAll('.wb-app button, .wb-app input, .wb-app select, .wb-app textarea')) {
            if (el.offsetParent === null) continue;
            const r = el.getBoundingClientRect();
            const name = (el.innerText || el.getAttribute('aria-label') || el.tagName).trim().slice(0, 30);
            if (r.left < -1 || r.right > width + 1) problems.push(name + ' at ' + Math.round(r.left) + '..' + Math.round(r.right));
            if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) problems.push(name + ' cut off');
        }
        return problems;
    }""", width)


@pytest.mark.parametrize("width,height,label", [(320, 568, "320px"), (180, 320, "zoom200")])
def test_every_screen_reflows_on_a_narrow_phone_and_at_200_percent(room, width, height, label):
    store, ws = room["store"], room["workshop"]
    code = store.create_codes(ws.id, 1)[0].code
    page = phone_page(room["browser"], viewport={"width": width, "height": height})
    page.goto(room["server"].ballot_url(code))
    wait_for_widgets(page, LOAD_TIMEOUT)
    problems, names = {}, []
    for n in range(8):
        name = screen_of(page)
        names.append(name)
        if name.startswith("stap 3"):
            plus = page.get_by_role("button", name="+").first
            plus.scroll_into_view_if_needed()
            plus.click()  # reachable, and tapping it does not shift the page sideways
            page.get_by_text("Nog 2 stippen over").wait_for()
        found = visible_problems(page, width)
        if found:
            problems[name] = found
        violations = axe_violations(page)
        assert not violations, f"axe on {name} at {label}:\n{format_violations(violations)}"
        screenshot(page, f"reflow-{label}-{n}-{name.replace(' ', '-')}", full_page=True)
        if name == "stap 5":
            break
        before = page.inner_text(".wb-app")
        page.locator(".wb-nav button:visible").last.click()
        page.wait_for_function("b => document.querySelector('.wb-app').innerText !== b", arg=before)
        page.wait_for_timeout(750)  # past the double-tap guard
    assert names[-1] == "stap 5" and not problems, problems
    page.context.close()
