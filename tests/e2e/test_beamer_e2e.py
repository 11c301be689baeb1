"""The beamer in chromium at 1920×1080: five leefgebieden × ten acties with long titles, nothing cut off.

The projector screen is one HTML widget (``ProjectorScreen.screen``); its markup, with its
own CSS, is loaded as the page, inside the padding Voilà puts around a widget. Every
element's box must lie inside the viewport, no title may be clipped (scroll size = client
size), every label at least 24 px and black on white, and axe reports nothing serious.
"""

from __future__ import annotations

import pytest
from conftest import need

from support.browser import axe_violations, chromium_available, chromium_browser, format_violations, screenshot
from werkboek.model.ballot import BallotSubmission
from werkboek_widgets.facilitator.projector import ROTATE_SECONDS, ProjectorScreen

pytestmark = [pytest.mark.browser]

BEAMER = {"width": 1920, "height": 1080}
LONG = " met een heel lange titel die op de beamer niet mag worden afgekapt"
# Voilà's page around the widget: its body margin and the cell's padding
PAGE = ("<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Uitslag</title></head>"
        "<body style='margin:0;padding:8px 0;background:#fff'><main>{screen}</main></body></html>")


def _long_catalogue(catalogue, shortest: int = 60):
    import dataclasses

    acties = {a.id: dataclasses.replace(a, titel=(a.titel + LONG * 3)[:shortest + len(a.titel) % 20].rsplit(" ", 1)[0])
              for a in catalogue.acties.values()}
    return dataclasses.replace(catalogue, acties=acties)


@pytest.mark.parametrize("wifi, shortest, parts", [
    ("Buurthuis-Gast", 60, 1),  # titles of 60 to 79 characters: all five side by side
    ("Gemeente-Heerlen-Gastennetwerk-Buurthuis-De-Koumen", 60, 1),
    ("Buurthuis-Gast", 140, 3),  # 140 to 159: too long for five columns, shown in parts in turn
])
def test_beamer_fits_1920x1080_with_five_leefgebieden_of_ten_long_acties(sqlite_url, catalogue, wifi, shortest,
                                                                        parts):
    need(chromium_available(), "chromium or playwright not installed")
    from werkboek.store import Store

    cat = _long_catalogue(catalogue, shortest)
    store = Store(sqlite_url, catalogue=cat)
    ws = store.create_workshop("Bewonersconferentie Heerlen-Noord 2026: wat pakken we als eerste aan?",
                               method="punten", method_params={"points": 5}, acties=list(cat.acties), privacy_k=5)
    store.update_workshop(ws.id, wifi_name=wifi)
    ws = store.open_voting(ws.id)
    codes = store.create_codes(ws.id, 120)
    for n, code in enumerate(codes):  # scores from 0 to a few hundred, with ties
        choices = {}
        for lg in cat.leefgebieden:
            acties = cat.acties_in(lg)
            choices[acties[n % 7].id] = 3
            choices[acties[(n * 3 + 1) % 10].id] = choices.get(acties[(n * 3 + 1) % 10].id, 0) + 2
        store.submit(BallotSubmission(code=code.code, choices=choices))
    screen = ProjectorScreen(store, cat, workshop_ids=[ws.id], base_url="http://stemmen.local:8866/")
    assert screen.parts == parts
    titles = [a.titel for a in cat.acties.values()]
    assert max(len(t) for t in titles) >= shortest + 15
    shown = []
    with chromium_browser() as browser:
        for turn in range(parts):  # every part of the rotation, each on its own
            screen.clock = lambda turn=turn: turn * ROTATE_SECONDS + 0.5
            screen.refresh()
            check, shot, violations = _check_in_chromium(browser, PAGE.format(screen=screen.screen.value),
                                                         f"beamer-1920x1080-{len(wifi)}-{shortest}-{turn + 1}")
            assert check["out"] == [], check["out"][:10]
            assert check["page"][0] <= 1920 and check["page"][1] <= 1080, check["page"]  # no scrolling
            assert check["small"] == [], check["small"][:5]
            assert check["bg"] == "rgb(255, 255, 255)"
            assert violations == [], format_violations(violations)
            assert shot.stat().st_size > 20_000
            shown += check["items"]
            if parts > 1:
                assert f"Deel {turn + 1} van {parts}" in screen.screen.value
    assert sorted(shown) == sorted(titles)  # all 50, each whole, each once
    store.close()


def _check_in_chromium(browser, html: str, name: str):
    page = browser.new_page(viewport=BEAMER)
    try:
        page.set_content(html)
        page.wait_for_load_state()
        check = page.evaluate("""() => {
            const vw = window.innerWidth, vh = window.innerHeight, out = [];
            for (const el of document.querySelectorAll('.wb-proj *')) {
                const r = el.getBoundingClientRect();
                if (r.width === 0 && r.height === 0) continue;
                if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5)
                    out.push(['outside', el.className.baseVal ?? el.className, el.textContent.slice(0, 40),
                              [r.left, r.top, r.right, r.bottom].map(Math.round)]);
                if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflow !== 'visible')
                    out.push(['clipped', el.className, el.textContent.slice(0, 40)]);
            }
            const small = [];
            for (const el of document.querySelectorAll('.wb-proj-item, .wb-proj-col h2, .wb-proj-join, .wb-proj-what p')) {
                const s = getComputedStyle(el);
                if (parseFloat(s.fontSize) < 24 || s.color !== 'rgb(0, 0, 0)') small.push([el.textContent.slice(0, 30), s.fontSize, s.color]);
            }
            const bg = getComputedStyle(document.querySelector('.wb-proj')).backgroundColor;
            const page = [document.documentElement.scrollWidth, document.documentElement.scrollHeight];
            const items = [...document.querySelectorAll('.wb-proj-title')].map(e => e.textContent);
            return {out, small, bg, page, items, vw, vh};
        }""")
        return check, screenshot(page, name, full_page=False), axe_violations(page)
    finally:
        page.close()
