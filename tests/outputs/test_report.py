"""The results report: escaped resident text, the right numbers, self-contained and printable."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape  # how the templates escape text

from support.browser_print import launch, pdf_page_count, render
from support.workshop_data import HYPERLINK, PIN_TEXT, REMARK_ONLY, SCRIPT, seed
from werkboek.model.ballot import BallotSubmission
from werkboek.model.privacy import OTHER_AGE, OTHER_BUURT
from werkboek.model.results import tally
from werkboek.outputs.report import results_report_html


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _parse(page: str) -> _Tags:
    parser = _Tags()
    parser.feed(page)
    return parser


@pytest.fixture
def seeded(store, catalogue, open_workshop):
    return seed(store, catalogue, open_workshop)


def test_resident_text_shows_as_literal_text(store, catalogue, seeded):
    page = results_report_html([seeded.avond, seeded.conferentie], store, catalogue)
    parsed = _parse(page)
    assert "<script" not in page.lower()
    assert not [t for t, _ in parsed.tags if t in ("script", "img", "iframe", "object", "link")]
    assert not [a for _, attrs in parsed.tags for k, a in attrs.items() if k.startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    text = "".join(parsed.text)
    for resident_text in (SCRIPT, HYPERLINK, PIN_TEXT, REMARK_ONLY):
        assert resident_text in text  # shown exactly as written, once the HTML is read
    assert "<b>hier</b>" not in page


def test_report_covers_exactly_the_chosen_workshops(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    page = results_report_html(workshops, store, catalogue)
    ballots = store.ballots([w.id for w in workshops])
    assert '<html lang="nl">' in page
    assert seeded.avond.title in page and seeded.conferentie.title in page and "14 maart 2026" in page
    assert seeded.andere.title not in page and "hoort niet in deze export" not in page
    assert "eerste versie" not in page  # a replaced ballot does not count
    people = sum(b.group_size for b in ballots)
    assert f"{len(ballots)} stembiljetten van samen {people} mensen" in page
    assert f'<td colspan=4>Samen</td><td class=num>{len(ballots)}</td>' in page
    for w in workshops:
        mine = [b for b in ballots if b.workshop_id == w.id]
        assert (f"<td class=num>{len(mine)}</td><td class=num>{sum(b.code_kind == 'group' for b in mine)}</td>"
                f"<td class=num>{sum(b.group_size for b in mine)}</td>") in page
    assert "verschillende manieren van stemmen" in page  # punten and goedkeuren together
    assert "De bijeenkomsten naast elkaar" in page


def _section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    return page[start:page.index("</section>", start)]


def _people_rows(page: str) -> list[tuple[str, int]]:
    section = _section(page, "Wie stemden er?")
    return [(html.unescape(label), int(n))
            for label, n in re.findall(r"<tr><td>([^<]*)</td><td class=num>(\d+)</td>", section)]


def test_report_shows_no_buurt_or_age_group_below_k(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    page = results_report_html(workshops, store, catalogue)
    rows = _people_rows(page)
    assert rows and all(n >= 5 for _, n in rows), rows
    labels = {label for label, _ in rows}
    assert labels <= {OTHER_BUURT, OTHER_AGE} | {f"{b.naam} ({b.wijknaam})" for b in catalogue.buurten.values()} | {
        "30 tot 50 jaar", "65 tot 80 jaar", "18 tot 30 jaar", "niet ingevuld"}
    assert "30 tot 50 jaar" not in _section(page, "Wie stemden er?")  # one person of that age
    assert seeded.buurt.naam not in _section(page, "Opmerkingen")  # a remark names no small buurt …
    assert seeded.conferentie.title not in _section(page, "Opmerkingen")  # … nor a workshop of 2 people
    remarks = [html.unescape(t) for t in re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", page, re.S)]
    assert remarks == sorted(remarks, key=lambda t: (t.casefold(), t))  # not in the order of arrival
    assert "minder dan 5 mensen" in page
    # the comparison: the conferentie had 3 people, too few for a column of its own
    compare = _section(page, "De bijeenkomsten naast elkaar")
    assert seeded.conferentie.title in compare and "Niet apart getoond" in compare
    assert f'<th class="num">{escape(seeded.conferentie.title)}</th>' not in compare


def test_report_places_are_rounded_to_about_ten_metres(store, catalogue, seeded):
    page = results_report_html([seeded.avond], store, catalogue)
    [pin] = [p for b in store.ballots(seeded.avond.id) for p in b.pins]
    assert f"({pin.lat:.4f}, {pin.lon:.4f})" in page and f"{pin.lat:.5f}" not in page


def test_report_shows_a_bidi_remark_cleaned_and_escaped(store, catalogue, open_workshop):
    _lg, acties = next(iter(open_workshop.acties_per_leefgebied(catalogue).items()))
    code = store.create_codes(open_workshop.id, 1)[0].code
    store.submit(BallotSubmission(code, {acties[0].id: 1}, remark="Stem op \u202eTNEMUCOD\u202c het <i>plan</i>"))
    page = results_report_html([open_workshop], store, catalogue)
    assert "Stem op TNEMUCOD het &lt;i&gt;plan&lt;/i&gt;" in page
    assert "\u202e" not in page and "<i>plan" not in page


def test_acties_appear_in_ranked_order_per_leefgebied(store, catalogue, seeded):
    workshops = [seeded.avond, seeded.conferentie]
    page = results_report_html(workshops, store, catalogue)
    ranking = page[page.index("Welke acties vinden"):page.index("De bijeenkomsten naast elkaar")]
    res = tally(store.ballots([w.id for w in workshops]), workshops, catalogue)
    for lg_id, lg in catalogue.leefgebieden.items():
        ranked = res.ranked(lg_id)
        if not ranked:
            continue
        block = ranking[ranking.index(f"{lg.naam}</h3>"):]
        block = block[:block.index("</table>")]
        positions = [block.index(escape(catalogue.acties[r.actie_id].titel)) for r in ranked]
        assert positions == sorted(positions), lg_id
        first = ranked[0]
        assert f'<span class=score>{first.score:.0f}</span>' in block


def test_breakdowns_use_buurt_names_and_age_labels(store, catalogue, seeded):
    everyone = dataclasses.replace(seeded.avond, privacy_k=1)  # k=1: every group by name
    page = results_report_html([everyone], store, catalogue)
    assert seeded.buurt.naam in page and seeded.buurt.statcode not in page
    assert "30 tot 50 jaar" in page and "65 tot 80 jaar" in page
    assert "De bijeenkomsten naast elkaar" not in page  # one workshop: nothing to compare
    assert "voorbeeldgegevens" in page
    assert catalogue.attribution in page


def test_empty_workshop_gives_a_readable_report(store, catalogue, open_workshop):
    page = results_report_html([open_workshop], [], catalogue,
                               generated_at=dt.datetime(2026, 3, 3, 20, 15, tzinfo=dt.timezone.utc))
    assert "0 stembiljetten van samen 0 mensen" in page
    assert "gemaakt op 3 maart 2026, 21:15" in page  # Heerlen time
    assert "Er zijn geen opmerkingen." in page


@pytest.mark.browser
@pytest.mark.slow
def test_report_renders_and_prints(sqlite_url, catalogue):
    from werkboek.store import Store

    store = Store(sqlite_url, catalogue=catalogue)
    try:
        acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:2]]
        avond = store.open_voting(store.create_workshop("Buurtavond Vrieheide", acties=acties,
                                                        location="Buurthuis").id)
        seeded = seed(store, catalogue, avond)
        page = results_report_html([seeded.avond, seeded.conferentie], store, catalogue)
    finally:
        store.close()
    pw, browser = launch()
    try:
        png, pdf = render(browser, page, "report", width=900, pdf=True)
        check = browser.new_page()
        check.set_content(page)
        remark = check.locator("blockquote", has_text="alert(1)").inner_text()
        has_script = check.evaluate("document.scripts.length")
        check.close()
    finally:
        browser.close()
        pw.stop()
    assert remark == SCRIPT and has_script == 0  # shown as text, not run
    assert 1 <= pdf_page_count(pdf) <= 6
    assert png.stat().st_size > 10_000
