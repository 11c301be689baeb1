"""Code sheets: one QR code per code that encodes the right address, slips that print on A4."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
import socket

import pytest
import segno

from support.browser_print import launch, pdf_page_count, render
from werkboek.model.records import Code
from werkboek.model.workshop import Workshop
from werkboek.outputs import codesheet
from werkboek.outputs.codesheet import code_sheet_html, code_url, qr_svg, terminal_qr
from werkboek import network

BASE = "http://192.168.1.20:8866/"


def _workshop(title="Buurtavond Vrieheide", **kw):
    return Workshop(id=7, title=title, date=dt.date(2026, 3, 3), location="Buurthuis De Koumen", status="open",
                    method="punten", method_params={"points": 5}, acties=("leren-01",), **kw)


def _svgs(sheet: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", sheet, flags=re.S)


def _matrix_from_svg(svg: str) -> list[list[int]]:
    """Read the dark modules back from segno's SVG path (moves ``M``/``m`` and horizontal lines ``h``).

    This decodes the drawing independently of how it was made, so the test checks the
    symbol itself, not only that two strings are equal.
    """
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    path = re.findall(r'<path[^>]*\bstroke="[^"]+"[^>]*\bd="([^"]+)"', svg)
    assert len(path) == 1, svg[:300]
    grid = [[0] * size for _ in range(size)]
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([-\d.\s]+)", path[0]):
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


def _segno_matrix(url: str, border: int) -> list[list[int]]:
    qr = segno.make(url, error=codesheet.QR_ERROR, micro=False)
    return [[1 if v else 0 for v in row] for row in qr.matrix_iter(border=border)]


def _codes(n: int, kind: str = "individual") -> list[Code]:
    from werkboek.model.codes import new_code

    return [Code(new_code(), 7, kind, f"Tafel {i + 1}" if kind == "group" else "") for i in range(n)]


def test_code_url_adds_the_code_as_a_query_parameter():
    assert code_url(BASE, "K7P-4QX") == "http://192.168.1.20:8866/?code=K7P-4QX"
    assert code_url("http://h/voila/render/stem.ipynb?x=1", "K7P-4QX").endswith("?x=1&code=K7P-4QX")


def test_every_code_has_its_own_qr_code_with_its_address():
    codes = _codes(12)
    sheet = code_sheet_html(_workshop(), codes, BASE)
    svgs = _svgs(sheet)
    assert len(svgs) == len(codes)
    for code, svg in zip(codes, svgs):
        url = code_url(BASE, code.code)
        assert svg == qr_svg(url) == segno.make(url, error="m", micro=False).svg_inline(
            omitsize=True, border=2, dark="#000", light="#fff", svgclass="qr", lineclass=None)
        assert _matrix_from_svg(svg) == _segno_matrix(url, border=2)
        assert f">{code.code}</p>" in sheet
    other = code_url(BASE, codes[1].code)
    assert _matrix_from_svg(svgs[0]) != _segno_matrix(other, border=2)


def test_slips_tell_residents_where_to_go_and_mark_group_codes():
    individual, group = _codes(2), _codes(2, kind="group")
    sheet = code_sheet_html(_workshop(), individual + group, BASE)
    assert '<html lang="nl">' in sheet
    assert sheet.count("Scan de code met uw telefoon, of ga naar <b>192.168.1.20:8866</b> en typ de code.") == 4
    assert sheet.count("Voor de hele tafel") == 2
    assert '<span class="table">Tafel 1</span> Voor de hele tafel</p>' in sheet
    assert '<span class="table">Tafel 2</span> Voor de hele tafel</p>' in sheet
    assert "dinsdag 3 maart 2026" in sheet and "Buurthuis De Koumen" in sheet
    assert "@page { size: A4" in sheet
    assert 'lang="en"' not in sheet
    english = code_sheet_html(_workshop(), individual, BASE, english=True)
    assert english.count('<p class="how en" lang="en">Scan the code with your phone') == 2
    assert "<script" not in sheet and "http" not in sheet.replace(BASE, "")  # self-contained


def test_workshop_title_is_escaped():
    sheet = code_sheet_html(_workshop(title='Avond <img src=x onerror="alert(1)"> & meer'), _codes(1), BASE)
    assert "<img" not in sheet
    assert "Avond &lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; meer" in sheet  # markupsafe: " is &#34;


def test_terminal_qr_draws_the_symbol_with_half_blocks():
    text = terminal_qr(BASE)
    lines = text.rstrip("\n").split("\n")
    size = segno.make(BASE, error=codesheet.QR_ERROR, micro=False).symbol_size()[0]  # includes border of 4
    assert len(lines) == (size + 1) // 2  # compact: two module rows per text line
    assert set(text) <= set("█▀▄ \n") | set("\x1b[0123456789;m")
    assert terminal_qr(BASE) != terminal_qr(BASE + "x")


def test_lan_ip_is_an_address_of_this_machine():
    ip = network.lan_ip()
    assert ip == (network.candidate_ips() or ["127.0.0.1"])[0]
    addr = ipaddress.ip_address(ip)
    assert addr.version == 4
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((ip, 0))  # fails unless the address belongs to this machine
    if any(not ipaddress.ip_address(a).is_loopback for a in network._from_routing()):
        assert not addr.is_loopback


def test_resident_url_and_short_address():
    assert network.resident_url("192.168.1.20", 8866) == "http://192.168.1.20:8866/"
    assert network.resident_url("fd00::2", 80, "stem") == "http://[fd00::2]:80/stem"
    assert network.short_address("http://192.168.1.20:8866/") == "192.168.1.20:8866"


@pytest.mark.browser
@pytest.mark.slow
def test_code_sheet_prints_on_a4_with_ten_slips_per_page():
    codes = _codes(22) + _codes(3, kind="group")
    sheet = code_sheet_html(_workshop(), codes, BASE, english=True)  # the fullest slip must fit too
    pw, browser = launch()
    try:
        png, pdf = render(browser, sheet, "codesheet", width=900, pdf=True)
        page = browser.new_page()
        page.set_content(sheet)
        page.emulate_media(media="print")
        boxes = page.eval_on_selector_all(".slip", "els => els.map(e => [e.scrollHeight <= e.clientHeight + 1, "
                                                   "e.querySelector('.code').getBoundingClientRect().right "
                                                   "<= e.getBoundingClientRect().right])")
        page.close()
    finally:
        browser.close()
        pw.stop()
    assert pdf_page_count(pdf) == 3  # 25 slips, 10 per page
    assert len(boxes) == 25 and all(fits and inside for fits, inside in boxes), boxes  # nothing cut off
    assert png.stat().st_size > 10_000
