"""The residents' page sends its plain-HTML first screens before a kernel is ready (issue 17).

Voilà 0.5.13 writes nothing of a page until it has a kernel; in a burst of arrivals that was
seconds of a blank screen per phone. :mod:`werkboek.serving.voila_patches.resident_page` learns
the part of the page that is the same for every visitor (up to ``FIRST_SCREENS_END``) and sends
it at once. The browser side (never a blank page, the watchdog) is in tests/e2e/test_first_screen.py.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from werkboek.model.codes import ALPHABET
from werkboek.serving.residents import IOPUB_TIMEOUT_SECONDS, resident_server_command, running_resident_server
from werkboek.serving.voila_patches import resident_page
from werkboek.serving.voila_patches.resident_page import FIRST_SCREENS_END, FirstScreens, _Output
from werkboek.store import Store

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "voila_templates" / "werkboek"
PAGE_START = "<!DOCTYPE html><html><head></head><body><div id='wb-first'>Welkom</div>" + FIRST_SCREENS_END
PAGE_REST = "<main><script id='jupyter-config-data'>{\"kernelId\": \"k1\"}</script></main></body></html>"


@pytest.fixture
def fresh_first(monkeypatch):
    first = FirstScreens()
    monkeypatch.setattr(resident_page, "FIRST", first)
    return first


def test_the_first_page_passes_through_and_teaches_its_start(fresh_first):
    output = _Output(sent=None)
    page = PAGE_START + PAGE_REST
    chunks = [page[:10], page[10:len(PAGE_START) - 5], page[len(PAGE_START) - 5:len(PAGE_START) + 7],
              page[len(PAGE_START) + 7:]]
    assert "".join(output.take(c) for c in chunks) == page
    assert fresh_first.text == PAGE_START


def test_a_page_whose_start_was_sent_drops_voilas_copy_of_it(fresh_first):
    output = _Output(sent=PAGE_START)
    page = PAGE_START + PAGE_REST
    written = [output.take(page[i:i + 17]) for i in range(0, len(page), 17)]  # the marker split over chunks
    assert "".join(written) == PAGE_REST
    assert PAGE_START + "".join(written) == page  # the browser got the page once, whole


def test_nothing_per_visitor_is_ever_learnt_as_the_common_start(fresh_first):
    fresh_first.learn('<script>{"kernelId": "k1"}</script>' + FIRST_SCREENS_END)
    fresh_first.learn("<p>no marker</p>")
    assert fresh_first.text is None
    output = _Output(sent=None)  # another template, without the marker: everything passes
    assert output.take("<html>") + output.take("</html>") == "<html></html>"


def test_the_template_marks_the_end_of_the_common_start_before_anything_per_visitor():
    source = (TEMPLATE_DIR / "index.html.j2").read_text()
    assert source.count(FIRST_SCREENS_END) == 1
    before = source[:source.index(FIRST_SCREENS_END)]
    assert 'id="wb-first"' in before and "werkboek-first.js" in before
    for per_visitor in ("kernel_start", "page_config", "kernel_id", "cell_generator"):
        assert per_visitor not in before, per_visitor


def test_files_written_into_the_page_hold_no_jinja_syntax():
    source = (TEMPLATE_DIR / "index.html.j2").read_text()
    included = re.findall(r'\{% include "(static/[^"]+)" %\}', source)
    assert set(included) == {"static/werkboek.css", "static/werkboek-watch.js", "static/werkboek-first.js"}
    for name in included:
        text = (TEMPLATE_DIR / name).read_text()
        for syntax in ("{{", "{%", "{#", "#}", "%}", "}}"):
            assert syntax not in text, (name, syntax)


def test_the_html_code_screen_knows_the_stores_alphabet():
    script = (TEMPLATE_DIR / "static" / "werkboek-first.js").read_text()
    assert re.search(r"var CODE_ALPHABET = '([^']+)'", script).group(1) == ALPHABET


def test_the_ballot_cell_output_is_waited_for_on_a_loaded_machine():
    argv, _env = resident_server_command(port=8866, pool_size=2)
    assert f"--VoilaExecutor.iopub_timeout={IOPUB_TIMEOUT_SECONDS}" in argv
    assert IOPUB_TIMEOUT_SECONDS >= 20  # nbclient's 4 s dropped the widget output under load


def _chunks(url: str, timeout: float = 60.0):
    """The page's HTTP/1.1 chunks as they arrive: (seconds since the request, data)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
    target = parts.path + ("?" + parts.query if parts.query else "")
    sock.sendall((f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nSec-Fetch-Site: none\r\n"
                  "Sec-Fetch-Mode: navigate\r\nSec-Fetch-Dest: document\r\nConnection: close\r\n\r\n").encode())
    start = time.monotonic()
    reader = sock.makefile("rb")
    status = reader.readline()
    while reader.readline() not in (b"\r\n", b""):
        pass
    chunks = []
    while True:
        size = int(reader.readline().split(b";")[0], 16)
        if size == 0:
            break
        chunks.append((time.monotonic() - start, reader.read(size).decode()))
        reader.readline()
    sock.close()
    return status, chunks


@pytest.fixture(scope="module")
def server(tmp_path_factory, catalogue):
    home = tmp_path_factory.mktemp("firstscreen")
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=catalogue)
    ws = store.create_workshop("Avond", method="punten", method_params={"points": 3},
                               acties=[a.id for a in catalogue.acties_in("wonen")[:2]])
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, 3)]
    with running_resident_server(pool_size=0, database_url=url, home=home) as running:
        yield running, codes
    store.close()


def test_the_first_screens_go_out_in_a_chunk_of_their_own_before_the_kernel_part(server):
    running, codes = server
    status, first_visit = _chunks(running.ballot_url(codes[0]))  # teaches the server the common start
    assert b"200" in status
    status, chunks = _chunks(running.ballot_url(codes[1]))
    assert b"200" in status
    at, data = chunks[0]
    assert data.endswith(FIRST_SCREENS_END) and 'id="wb-first"' in data and '"kernelId"' not in data
    page = "".join(d for _, d in chunks)
    assert page.count("<!DOCTYPE html>") == 1 and page.count(FIRST_SCREENS_END) == 1
    assert '"kernelId"' in page and "application/vnd.jupyter.widget-view+json" in page
    assert page.replace(re.search(r'"kernelId": "[^"]+"', page).group(0), "") \
        .startswith("".join(d for _, d in first_visit)[:len(data)])
    later = [t for t, d in chunks if '"kernelId"' in d]
    print(f"first screens after {at * 1000:.0f} ms, the kernel's part after {later[0] * 1000:.0f} ms")
    assert at < later[0]
