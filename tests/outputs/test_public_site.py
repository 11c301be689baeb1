"""The public results site: generated from a demo programme, exactly what is stored, nothing below privacy_k, axe clean."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from werkboek.demo.programme import SMALL_TITLE, seed_demo_programme
from werkboek.model.programme import GEKOZEN, new_decision, new_progress
from werkboek.outputs.public import SiteInput, build_site, published_workshops, workshop_page_name
from werkboek.store import Store
from werkboek.store.programme import Programme

TODAY = dt.date(2026, 11, 1)


class _Attrs(HTMLParser):
    """Every element with a data- attribute: (tag, {data-…: value}), and the visible text."""

    def __init__(self):
        super().__init__()
        self.items: list[dict] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        data = {k: v for k, v in attrs if k.startswith("data-")}
        if data:
            self.items.append(data)

    def handle_data(self, data):
        self.text.append(data)


def _parse(path) -> _Attrs:
    p = _Attrs()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture
def site(sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    programme = Programme(store)
    ids = seed_demo_programme(store, programme, workshops=2, ballots=30, today=TODAY)
    workshops = store.workshops()
    data = SiteInput(catalogue, tuple(workshops), {w.id: store.ballots([w.id]) for w in workshops},
                     programme.states(), example_data=True)
    out = tmp_path / "site"
    pages = build_site(data, out, generated=TODAY)
    yield {"store": store, "programme": programme, "ids": ids, "out": out, "pages": pages, "data": data}
    store.close()


def test_the_programme_page_shows_exactly_the_stored_decisions_and_progress(site, catalogue):
    states = site["programme"].states()
    shown = {d["data-actie"]: d for d in _parse(site["out"] / "index.html").items if "data-actie" in d}
    assert set(shown) == {a for a, s in states.items() if s.decision is not None}
    for actie_id, item in shown.items():
        s = states[actie_id]
        assert item["data-besluit"] == s.decision.besluit
        if s.decision.besluit == GEKOZEN:
            assert int(item["data-percentage"]) == (s.progress.percentage if s.progress else 0)
            assert ("data-uitgegeven" in item) == (s.progress is not None)
            if s.progress:
                assert int(item["data-uitgegeven"]) == s.progress.uitgegeven
        else:
            assert "data-percentage" not in item
    text = " ".join(_parse(site["out"] / "index.html").text)
    for s in states.values():
        assert s.decision.reden in text
    assert "Voorbeeld." in text  # example data says so on every page


def test_a_change_in_the_store_is_on_the_next_site(site, catalogue):
    programme = site["programme"]
    chosen = next(a for a, s in programme.states().items() if s.decision.besluit == GEKOZEN)
    programme.decide(new_decision(chosen, GEKOZEN, "Nu met meer geld <b>echt</b>.", budget=777_000, jaar=2027,
                                  by="Anna"))
    programme.add_progress(new_progress(chosen, TODAY, "bezig", 55, 123_456, tekst="Halverwege.", by="Anna"))
    data = site["data"]
    build_site(SiteInput(data.catalogue, data.workshops, data.ballots, programme.states()), site["out"], generated=TODAY)
    html = (site["out"] / "index.html").read_text()
    item = next(d for d in _parse(site["out"] / "index.html").items if d.get("data-actie") == chosen)
    assert (item["data-percentage"], item["data-uitgegeven"]) == ("55", "123456")
    assert "€ 777.000" in html and "Halverwege." in html
    assert "<b>echt</b>" not in html and "&lt;b&gt;echt&lt;/b&gt;" in html
    assert "Voorbeeld." not in html  # not example data any more


def test_nothing_below_the_privacy_threshold_appears(site, catalogue):
    store = site["store"]
    for w in published_workshops(store.workshops()):
        page = site["out"] / workshop_page_name(w.id)
        parsed = _parse(page)
        text = " ".join(parsed.text)
        if w.title == SMALL_TITLE:
            assert len(store.ballots([w.id])) < w.privacy_k
            assert any(d.get("data-verborgen") == "ja" for d in parsed.items)
            assert not any("data-keuze" in d for d in parsed.items) and "mensen stemden" not in text
            continue
        counts = [int(d["data-stemmers"]) for d in parsed.items if "data-stemmers" in d]
        assert counts and all(n >= w.privacy_k for n in counts)
        hidden = [d for d in parsed.items if "data-keuze" in d and "data-stemmers" not in d]
        voters = {}
        for b in store.ballots([w.id]):
            for a in b.choices:
                voters[a] = voters.get(a, 0) + 1
        assert {d["data-keuze"] for d in hidden} == {a for a in w.acties if voters.get(a, 0) < w.privacy_k}
        # turnout per buurt: every number shown is at least k
        html = page.read_text()
        for n in re.findall(r"<li>[^<:]+: (\d+)</li>", html):
            assert int(n) >= w.privacy_k
        assert "opmerking" not in text.lower()  # remarks never appear


def test_only_closed_workshops_are_published(sqlite_url, catalogue, tmp_path):
    store = Store(sqlite_url, catalogue=catalogue)
    try:
        acties = list(catalogue.acties)[:3]
        open_ws = store.open_voting(store.create_workshop("Nog open", method="goedkeuren", acties=acties).id)
        pages = build_site(SiteInput(catalogue, tuple(store.workshops()), {}, {}), tmp_path / "s")
        assert [p.name for p in pages] == ["index.html", "monitor.html"]  # the monitor page is always there
        assert not (tmp_path / "s" / workshop_page_name(open_ws.id)).exists()
        assert oct((tmp_path / "s" / "index.html").stat().st_mode & 0o777) == "0o644"
    finally:
        store.close()


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 640}, {"width": 1366, "height": 768}],
                         ids=["phone", "laptop"])
def test_the_pages_pass_axe_on_a_phone_and_a_laptop(site, viewport):
    from conftest import need

    from support.browser import axe_violations, chromium_available, chromium_browser, format_violations, screenshot

    need(chromium_available(), "chromium (/usr/bin/chromium) and playwright are needed for browser tests")
    with chromium_browser() as browser:
        context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 400,
                                      has_touch=viewport["width"] < 400, locale="nl-NL")
        page = context.new_page()
        for path in site["pages"]:
            page.goto(path.as_uri())
            assert page.locator("h1").count() == 1
            violations = axe_violations(page)
            assert violations == [], f"{path.name}: {format_violations(violations)}"
            # nothing wider than the screen (a phone must not scroll sideways)
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            screenshot(page, f"public-{path.stem}-{viewport['width']}")
        context.close()


def test_the_slips_and_the_bedankt_screen_say_where_the_results_will_be(sqlite_url, catalogue, monkeypatch):
    from werkboek.outputs.codesheet import code_sheet_html

    store = Store(sqlite_url, catalogue=catalogue)
    ws = store.create_workshop("Buurtavond", method="goedkeuren", acties=list(catalogue.acties)[:3])
    codes = store.create_codes(ws.id, 2)
    monkeypatch.delenv("WERKBOEK_PUBLIC_URL", raising=False)
    assert "Wat er met de stemmen gebeurt" not in code_sheet_html(ws, codes, "http://10.0.0.2:8866/")
    monkeypatch.setenv("WERKBOEK_PUBLIC_URL", "https://www.heerlen.nl/uitslag/")
    sheet = code_sheet_html(ws, codes, "http://10.0.0.2:8866/")
    assert sheet.count("Wat er met de stemmen gebeurt: <b>www.heerlen.nl/uitslag</b>") == 2
    monkeypatch.setenv("WERKBOEK_PUBLIC_URL", "javascript:alert(1)")  # not an http(s) address: ignored
    assert "Wat er met de stemmen gebeurt" not in code_sheet_html(ws, codes, "http://10.0.0.2:8866/")

    from werkboek_widgets.ballot.steps.bedankt import BedanktStep
    from werkboek_widgets.ballot.texts import t

    class _App:  # just what the step reads
        receipt = None

        def __init__(self, lang):
            self.lang = lang

        def on_this_screen(self, fn):
            return fn

    def _texts(lang):
        step = BedanktStep(_App(lang), None)
        return " ".join(getattr(c, "value", "") for c in step.widget.children)

    monkeypatch.setenv("WERKBOEK_PUBLIC_URL", "https://www.heerlen.nl/uitslag/")
    assert "kunt u later lezen op https://www.heerlen.nl/uitslag/" in _texts("nl")
    assert "Later you can read what happens with the votes at https://www.heerlen.nl/uitslag/" in _texts("en")
    monkeypatch.delenv("WERKBOEK_PUBLIC_URL")
    assert "later lezen" not in _texts("nl") and t("thanks_change", "nl") in _texts("nl")


def test_werkboek_publish_writes_the_site_and_demo_only_into_an_empty_database(tmp_path):
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = dict(os.environ, WERKBOEK_HOME=str(tmp_path / "home"))
    url = f"sqlite:///{tmp_path / 'db' / 'werkboek.sqlite'}"
    args = [sys.executable, "-m", "werkboek", "publish", "--out", str(tmp_path / "site"), "--database-url", url]
    done = subprocess.run([*args, "--demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "5 pagina's geschreven" in done.stdout  # with monitor.html (no kerncijfers imported: it says so)
    assert (tmp_path / "site" / "index.html").exists() and (tmp_path / "site" / workshop_page_name(3)).exists()
    again = subprocess.run([*args, "--demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 2 and "alleen in een lege database" in again.stderr
    plain = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0 and "Voorbeeld." in (tmp_path / "site" / "index.html").read_text()
