"""End to end: a real standalone Voilà server (preheated kernels) and Debian's chromium at 360×640.

Screenshots of every step go to $WERKBOEK_ARTIFACTS (default /tmp/werkboek-artifacts); axe-core
runs on every step and must find nothing of impact serious or critical.
"""

from __future__ import annotations

import re
import time

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


@pytest.fixture(scope="module")
def e2e(tmp_path_factory, catalogue):
    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    home = tmp_path_factory.mktemp("resident-e2e")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    acties = [a.id for lg in ("leren", "wonen") for a in catalogue.acties_in(lg)[:2]]
    ws = store.create_workshop("Buurtavond Vrieheide", method="punten", method_params={"points": 3},
                               acties=acties, location="Buurthuis")
    store.open_voting(ws.id)
    with running_resident_server(pool_size=2, database_url=url, home=home) as server, chromium_browser() as browser:
        yield {"store": store, "workshop": store.workshop(ws.id), "server": server, "browser": browser}
    store.close()


def open_ballot(e2e, code=None, query=""):
    page = phone_page(e2e["browser"])
    url = e2e["server"].ballot_url(code) + query
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(url)
    wait_for_widgets(page, LOAD_TIMEOUT)
    page.get_by_role("button", name=re.compile("Beginnen|Start")).wait_for(timeout=LOAD_TIMEOUT)
    return page


def check_step(page, name):
    """Screenshot and axe for one step; no serious or critical violations."""
    screenshot(page, f"resident-{name}")
    violations = axe_violations(page)
    assert not violations, f"axe on step {name}:\n{format_violations(violations)}"


def advance(page, expect: str):
    page.get_by_role("button", name="Verder").click()
    page.get_by_text(expect).first.wait_for()


def test_resident_completes_and_changes_a_ballot_on_a_phone(e2e, catalogue):
    store, ws = e2e["store"], e2e["workshop"]
    code = store.create_codes(ws.id, 1)[0].code
    page = open_ballot(e2e, code)
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.title() == "Stemmen – Heerlen-Noord"
    body = page.inner_text("body")
    assert ws.title in body and "Stap 1 van 5" in body and "anoniem" in body
    assert f"Uw code {code} is goed" in body  # checked via the preheated kernel
    assert "In [" not in body and not page.locator(".jp-InputArea:visible").count()  # no Jupyter chrome
    elsewhere = [u for u in page.requested if not u.startswith((e2e["server"].url, "data:", "ws://127.0.0.1"))]
    assert elsewhere == []  # works without internet: nothing fetched from other hosts
    page.keyboard.press("Tab")
    outline = page.evaluate("() => { const c = getComputedStyle(document.activeElement); "
                            "return [document.activeElement.tagName, parseFloat(c.outlineWidth), c.outlineStyle]; }")
    assert outline[0] == "BUTTON" and outline[1] >= 3 and outline[2] != "none"  # a focus you can see
    check_step(page, "1-welkom")

    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Stap 2 van 5").wait_for()  # the code came valid with the link: no code step
    page.get_by_label("Leeftijd").select_option(label="30 tot 50 jaar")
    page.get_by_role("button", name="Kies op de kaart").click()
    polygons = page.locator("path.leaflet-interactive")
    polygons.first.wait_for()
    assert polygons.count() == len(catalogue.heerlen_noord)
    # every shape is named (tooltip and accessible name); the map points to the list
    page.wait_for_function("() => [...document.querySelectorAll('path.leaflet-interactive')]"
                           ".every(p => p.getAttribute('aria-label'))")
    labels = page.evaluate("[...document.querySelectorAll('path.leaflet-interactive')].map(p => p.getAttribute('aria-label'))")
    assert sorted(labels) == sorted(b.naam for b in catalogue.heerlen_noord.values())
    assert "lijst" in page.locator(".wb-kaart .leaflet-container").get_attribute("aria-label")
    for zoom in page.locator(".leaflet-control-zoom a").all():
        box = zoom.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
    # tap a buurt on the map (one whose middle is its own): the list follows
    target = page.evaluate("""() => [...document.querySelectorAll('path.leaflet-interactive')].findIndex(p => {
        const r = p.getBoundingClientRect();
        return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2) === p; })""")
    assert target >= 0
    polygons.nth(target).click()
    page.wait_for_function("() => [...document.querySelectorAll('select')].some(s => s.options.length > 20 && s.selectedIndex > 0)")
    chosen_on_map = page.get_by_label("Buurt", exact=True).evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
    assert chosen_on_map in {b.naam for b in catalogue.heerlen_noord.values()}
    page.locator(".wb-map-name").get_by_text(chosen_on_map).wait_for()
    page.mouse.move(1, 1)  # away from the map: the chosen buurt shows its own colour, not the hover colour
    page.wait_for_function("() => [...document.querySelectorAll('path.leaflet-interactive')]"
                           ".filter(p => p.getAttribute('fill') === '#e63946').length === 1")
    check_step(page, "3-buurt-kaart")
    buurt = next(b for b in catalogue.heerlen_noord.values() if b.naam != chosen_on_map)
    page.get_by_label("Buurt", exact=True).select_option(label=buurt.naam)  # or from the list

    advance(page, "Stap 3 van 5")
    page.get_by_text("Nog 3 stippen over").wait_for()
    plus = page.get_by_role("button", name="+")
    for _ in range(2):
        plus.first.click()
    page.get_by_text("Nog 1 stip over").wait_for()
    plus.nth(1).click()
    page.get_by_text("Alle stippen zijn verdeeld").wait_for()
    for box in [plus.first.bounding_box(), page.get_by_role("button", name="Verder").bounding_box()]:
        assert box["height"] >= 44 and box["width"] >= 44  # touch targets
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the phone
    check_step(page, "4-leren")
    advance(page, "Onderwerp 2 van 2")
    page.get_by_role("button", name="+").first.click()
    check_step(page, "4-wonen")

    advance(page, "Stap 4 van 5")
    page.get_by_label("Uw opmerking").fill("Meer licht in het park")
    page.get_by_text("Nog 478 tekens").wait_for()
    check_step(page, "5-opmerking")
    advance(page, "Stap 5 van 5")
    page.get_by_text("Meer licht in het park").wait_for()
    check_step(page, "6-controle")
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()
    check_step(page, "7-bedankt")

    [ballot] = store.ballots(ws.id)
    leren = [a.id for a in catalogue.acties_in("leren")[:2]]
    wonen = catalogue.acties_in("wonen")[0].id
    assert ballot.code == code and ballot.group_size == 1
    assert ballot.choices == {leren[0]: 2, leren[1]: 1, wonen: 1}
    assert (ballot.buurt, ballot.age_group, ballot.remark) == (buurt.statcode, "30-49", "Meer licht in het park")

    # change the vote: the second submission replaces the first
    page.get_by_role("button", name="Stem aanpassen").click()
    page.get_by_text("Stap 3 van 5").wait_for()
    page.get_by_role("button", name="−").first.click()
    page.get_by_text("Nog 1 stip over").wait_for()
    advance(page, "Onderwerp 2 van 2")
    advance(page, "Stap 4 van 5")
    advance(page, "Stap 5 van 5")
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Uw vorige stem is vervangen").wait_for()
    [current] = store.ballots(ws.id)
    assert current.id != ballot.id and current.choices == {leren[0]: 1, leren[1]: 1, wonen: 1}
    assert len(store.ballots(ws.id, include_superseded=True)) == 2
    page.context.close()


def test_wrong_code_and_closed_workshop_show_their_message(e2e, catalogue):
    store = e2e["store"]
    page = open_ballot(e2e, "QQQ-QQQ")
    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Stap 2 van 6").wait_for()
    page.get_by_role("button", name="Verder").click()
    page.get_by_role("alert").get_by_text("Met deze code kunt u nu niet stemmen").wait_for()
    assert "Stap 2 van 6" in page.inner_text("body")
    check_step(page, "fout-code")

    closed = store.create_workshop("Gesloten avond", acties=e2e["workshop"].acties)
    store.open_voting(closed.id)
    code = store.create_codes(closed.id, 1)[0].code
    store.close_voting(closed.id)
    page.get_by_label("Stemcode").fill(code)
    page.get_by_role("button", name="Verder").click()
    # the same answer as an unknown code: trying codes tells nobody which ones exist
    page.get_by_role("alert").get_by_text("Met deze code kunt u nu niet stemmen").wait_for()
    check_step(page, "fout-gesloten")
    assert store.ballots(closed.id) == []
    page.context.close()


def test_group_ballot_is_stored_with_its_size(e2e):
    store, ws = e2e["store"], e2e["workshop"]
    code = store.create_codes(ws.id, 1, kind="group")[0].code
    page = open_ballot(e2e, code)
    page.get_by_text("U stemt samen").wait_for()  # told on the welcome screen, with the code's OK
    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Stap 2 van 5").wait_for()
    page.get_by_text("Met hoeveel mensen").wait_for()
    more = page.get_by_role("button", name="+")
    for _ in range(4):
        more.first.click()
    page.get_by_text("6 mensen").wait_for()
    check_step(page, "groep-3")
    advance(page, "Stap 3 van 5")
    page.get_by_role("button", name="+").first.click()
    page.get_by_text("Nog 2 stippen over").wait_for()
    for expect in ("Onderwerp 2 van 2", "Stap 4 van 5", "Stap 5 van 5"):
        advance(page, expect)
    page.get_by_text("6 mensen").wait_for()
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()
    [ballot] = [b for b in store.ballots(ws.id) if b.code == code]
    assert ballot.code_kind == "group" and ballot.group_size == 6 and sum(ballot.choices.values()) == 1
    page.context.close()


def test_a_reload_halfway_brings_the_choices_back(e2e, catalogue):
    """Half a ballot, then a reload (a new kernel): the same screen and choices; after sending, no draft."""
    store, ws = e2e["store"], e2e["workshop"]
    code = store.create_codes(ws.id, 1)[0].code
    page = open_ballot(e2e, code)
    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Stap 2 van 5").wait_for()
    buurt = sorted(catalogue.heerlen_noord.values(), key=lambda b: b.naam)[2]
    page.get_by_label("Buurt", exact=True).select_option(label=buurt.naam)
    advance(page, "Stap 3 van 5")
    plus = page.get_by_role("button", name="+")
    plus.first.click()
    plus.first.click()  # within a second of the screen change: written by the kernel's timer
    page.get_by_text("Nog 1 stip over").wait_for()
    first = catalogue.acties_in("leren")[0].id
    deadline = time.monotonic() + 10
    while (store.load_draft(code) or {}).get("choices") != {first: 2}:
        assert time.monotonic() < deadline, f"draft not saved: {store.load_draft(code)}"
        time.sleep(0.2)

    page.reload()  # a new page view: a new kernel, which finds the draft
    page.get_by_text("We gaan verder waar u was gebleven").wait_for(timeout=LOAD_TIMEOUT)
    assert "Stap 3 van 5" in page.inner_text("body") and "Onderwerp 1 van 2" in page.inner_text("body")
    page.get_by_text("Nog 1 stip over").wait_for()
    page.get_by_text("2 stippen").first.wait_for()
    check_step(page, "herladen-4")

    # the phone sleeps for a long time (its kernel would be culled) and wakes: the page reloads itself
    page.evaluate("window.WERKBOEK_RELOAD_AFTER_HIDDEN_MS = 1")
    with page.expect_navigation(timeout=LOAD_TIMEOUT):
        # returns at once: the reload can commit within the 20 ms (the server sends the page's start
        # before it has a kernel), and an evaluate still awaiting then would lose its page
        page.evaluate("""() => {
            const set = state => { Object.defineProperty(document, 'visibilityState', {value: state, configurable: true});
                                   document.dispatchEvent(new Event('visibilitychange')); };
            set('hidden'); setTimeout(() => set('visible'), 20); }""")
    page.get_by_text("We gaan verder waar u was gebleven").wait_for(timeout=LOAD_TIMEOUT)
    page.get_by_text("Nog 1 stip over").wait_for()
    for expect in ("Onderwerp 2 van 2", "Stap 4 van 5", "Stap 5 van 5"):
        advance(page, expect)
    page.get_by_text(buurt.naam).wait_for()
    page.get_by_role("button", name="Stem versturen").click()
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()
    [ballot] = [b for b in store.ballots(ws.id) if b.code == code]
    assert ballot.choices == {first: 2} and ballot.buurt == buurt.statcode
    time.sleep(1.5)  # a late timer must not write the draft again
    assert store.load_draft(code) is None
    page.context.close()


def test_resident_kernels_reach_the_database_only_through_the_store_service(e2e):
    """The kernels send codes and ballots to the store service and never load SQLAlchemy (~11 MB each)."""
    import psutil

    server, store, ws = e2e["server"], e2e["store"], e2e["workshop"]
    assert server.store_service is not None
    served_before = server.store_service.client().health()["requests"]
    code = store.create_codes(ws.id, 1)[0].code
    page = open_ballot(e2e, code)
    page.get_by_role("button", name="Beginnen").click()
    page.get_by_text("Stap 2 van 5").wait_for()  # the code was checked: by the store service
    assert server.store_service.client().health()["requests"] > served_before

    kernels = [p for p in psutil.Process(server.process.pid).children(recursive=True)
               if any("ipykernel" in part for part in p.cmdline())]
    assert kernels
    for kernel in kernels:
        assert kernel.environ().get("WERKBOEK_STORE_SERVICE") == server.store_service.socket_path
        assert not [f.path for f in kernel.open_files() if "history" in f.path]  # no IPython history
        mapped = {m.path for m in kernel.memory_maps()}
        assert not [path for path in mapped if "sqlalchemy" in path or "psycopg" in path], kernel.pid
    page.close()
