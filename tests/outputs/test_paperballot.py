"""Paper ballots: one A4 page per unprinted code, its code printed and as a QR code, the method's words."""

from __future__ import annotations

import re

import pytest
import segno
from markupsafe import escape

from support.browser_print import launch, pdf_page_count, render
from werkboek.model.ballot import BallotSubmission
from werkboek.model.methods import METHODS, make_method
from werkboek.outputs import codesheet
from werkboek.outputs.paperballot import paper_ballots_html

BOX = {"punten": "number", "goedkeuren": "tick", "top3": "rank", "begroten": "tick"}


def _pages(html: str) -> list[str]:
    return re.findall(r'<section class="page".*?</section>', html, flags=re.S)


def _matrix_from_svg(svg: str) -> list[list[int]]:
    """The dark modules of segno's SVG path, read back independently of how it was drawn."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    [path] = re.findall(r'<path[^>]*\bstroke="[^"]+"[^>]*\bd="([^"]+)"', svg)
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([-\d.\s]+)", path):
        nums = [float(n) for n in args.split()]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            for col in range(int(x), int(x + nums[0])):
                grid[int(y)][col] = 1
            x += nums[0]
    return grid


def _workshop(store, catalogue, method, params=None):
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:2]]
    return store.create_workshop("Buurtavond <Vrieheide> & co", method=method, method_params=params or {},
                                 acties=acties, location="Buurthuis")


@pytest.mark.parametrize("method", list(METHODS))
def test_one_page_per_unprinted_code_with_its_qr_and_the_methods_instructions(store, catalogue, method):
    ws = _workshop(store, catalogue, method)
    printed = store.create_codes(ws.id, 2)
    store.mark_printed(printed)  # these went on slips earlier
    new = store.create_codes(ws.id, 3) + store.create_codes(ws.id, 1, kind="group")
    unprinted = store.unprinted_codes(ws.id)
    assert sorted(c.code for c in unprinted) == sorted(c.code for c in new)

    html = paper_ballots_html(ws, unprinted, catalogue)
    pages = _pages(html)
    assert [re.search(r'data-code="([^"]+)"', p).group(1) for p in pages] == [c.code for c in unprinted]
    assert not any(c.code in html for c in printed)
    instructions = make_method(method, ws.method_params).paper_instructions()
    assert instructions
    for code, page in zip(unprinted, pages):
        assert f'<span class="code">{code.code}</span>' in page
        [svg] = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
        qr = segno.make(code.code, error=codesheet.QR_ERROR, micro=False)
        assert _matrix_from_svg(svg) == [[1 if v else 0 for v in row] for row in qr.matrix_iter(border=2)]
        for line in instructions:
            assert f"<li>{escape(line)}</li>" in page
        rows = re.findall(r'<tr data-actie="([^"]+)">\s*<td class="box-cell"><span class="box (\w+)">', page)
        assert sorted(a for a, _ in rows) == sorted(ws.acties)
        assert {box for _, box in rows} == {BOX[method]}
        for actie in ws.acties:
            assert str(escape(catalogue.acties[actie].titel)) in page
        assert page.count('class="leefgebied"') == len({catalogue.acties[a].leefgebied for a in ws.acties})
        assert ("voor de hele tafel" in page) == (code.kind == "group")
    assert "&lt;Vrieheide&gt; &amp; co" in html and "<Vrieheide>" not in html
    assert "<script" not in html and "@page { size: A4" in html


def test_the_qr_of_a_page_differs_from_another_code(store, catalogue):
    ws = _workshop(store, catalogue, "punten", {"points": 5})
    a, b = store.create_codes(ws.id, 2)
    svgs = re.findall(r"<svg\b.*?</svg>", paper_ballots_html(ws, [a, b], catalogue), flags=re.S)
    assert _matrix_from_svg(svgs[0]) != _matrix_from_svg(svgs[1])


def test_instructions_follow_the_methods_settings():
    assert "7 stippen" in " ".join(make_method("punten", {"points": 7}).paper_instructions())
    assert "hoogstens 2 kruisjes" in " ".join(make_method("goedkeuren", {"max_approvals": 2}).paper_instructions())
    assert "top 4" in " ".join(make_method("top3", {"top": 4}).paper_instructions())


def test_what_a_volunteer_types_reads_as_the_method_says_and_the_store_decides(store, open_workshop):
    points, approval, ranking = make_method("punten"), make_method("goedkeuren"), make_method("top3")
    assert [points.read_paper(t) for t in ("", " 3 ", "0")] == [None, 3, None]
    assert [approval.read_paper(t) for t in ("", "x", "X", "1")] == [None, 1, 1, 1]
    assert ranking.read_paper("2") == 2
    for method, typed in ((points, "drie"), (points, "-1"), (approval, "2"), (ranking, "1e")):
        with pytest.raises(ValueError):
            method.read_paper(typed)
    code = store.create_codes(open_workshop.id, 1)[0].code  # reading allows 9 stippen; the store does not
    with pytest.raises(Exception, match="stippen gezet"):
        store.submit(BallotSubmission(code=code, choices={open_workshop.acties[0]: points.read_paper("9")}),
                     channel="papier")


def test_paper_ballots_print_one_a4_sheet_per_code_in_chromium(store, catalogue):
    ws = _workshop(store, catalogue, "punten", {"points": 5})
    html = paper_ballots_html(ws, store.create_codes(ws.id, 3), catalogue)
    pw, browser = launch()
    try:
        png, pdf = render(browser, html, "paper-ballots", width=900, pdf=True)
    finally:
        browser.close()
        pw.stop()
    assert png.exists()
    assert pdf_page_count(pdf) == 3
