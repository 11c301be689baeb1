"""Record what a real chromium sends and receives while a resident votes (for PROTOCOL.md).

    .venv/bin/python -m benchmarks.crowd.capture [--pool 2] [--out /tmp/crowd-capture.json]

Starts a resident server on a fresh SQLite database, opens the ballot link in Debian's
chromium (Playwright), goes through every step and writes every HTTP request and every
websocket frame (both ways, JSON-decoded where possible) to a JSON file.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from werkboek.model.catalogue import catalogue
from werkboek.serving.residents import running_resident_server
from werkboek.store import Store

LAUNCH_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=2)
    parser.add_argument("--out", default="/tmp/crowd-capture.json")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    home = Path(tempfile.mkdtemp(prefix="crowd-capture-"))
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    cat = catalogue()
    store = Store(url, catalogue=cat)
    acties = [a.id for lg in ("leren", "wonen") for a in cat.acties_in(lg)[:2]]
    ws = store.create_workshop("Opname", method="punten", method_params={"points": 3}, acties=acties)
    store.open_voting(ws.id)
    code = store.create_codes(ws.id, 1)[0].code
    events: list[dict] = []
    start = time.monotonic()

    def note(kind, **data):
        events.append({"t": round(time.monotonic() - start, 3), "kind": kind, **data})

    def on_ws(sock):
        note("ws_open", url=sock.url)
        sock.on("framesent", lambda payload: note("sent", url=sock.url, frame=_decode(payload)))
        sock.on("framereceived", lambda payload: note("received", url=sock.url, frame=_decode(payload)))
        sock.on("close", lambda _s: note("ws_close", url=sock.url))

    with running_resident_server(pool_size=args.pool, database_url=url, home=home) as server, sync_playwright() as p:
        time.sleep(5)  # let the pool fill
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 640}, device_scale_factor=1, is_mobile=True,
                                   has_touch=True, locale="nl-NL")
        page = context.new_page()
        context.on("request", lambda r: "shutdown" in r.url and note("beacon", method=r.method, url=r.url,
                                                                      body=r.post_data))
        context.on("requestfinished", lambda r: "shutdown" in r.url and note(
            "beacon_done", url=r.url, status=r.response().status if r.response() else None))
        page.on("request", lambda r: note("http", method=r.method, url=r.url))
        page.on("response", lambda r: note("http_response", status=r.status, url=r.url))
        page.on("websocket", on_ws)
        try:
            walk(page, server.ballot_url(code), note)
        finally:
            events.append({"kind": "server_log", "lines": [line for line in server.log().splitlines()
                                                            if "shutdown" in line or "Kernel" in line]})
            Path(args.out).write_text(json.dumps(events, indent=1, ensure_ascii=False))
            browser.close()
    print(f"{len(events)} events -> {args.out}; ballots stored: {len(store.ballots(ws.id))}")


def walk(page, url, note) -> None:
    note("goto", url=url)
    page.goto(url, timeout=180_000)
    page.get_by_role("button", name="Beginnen").wait_for(timeout=180_000)
    note("step", name="ready")
    page.get_by_role("button", name="Beginnen").click(force=True)  # a good code in the link: no code step
    page.get_by_text("Stap 2 van 5").wait_for()
    page.get_by_label("Leeftijd").select_option(label="30 tot 50 jaar")
    note("step", name="buurt")
    page.get_by_role("button", name="Verder").click(force=True)
    page.get_by_text("Nog 3 stippen over").wait_for()
    page.get_by_role("button", name="+").first.click(force=True)
    page.get_by_text("Nog 2 stippen over").wait_for()
    note("step", name="stemmen")
    page.get_by_role("button", name="Verder").click(force=True)
    page.get_by_text("Onderwerp 2 van 2").wait_for()
    page.get_by_role("button", name="Verder").click(force=True)
    page.get_by_text("Stap 4 van 5").wait_for()
    page.get_by_label("Uw opmerking").fill("Meer licht")
    page.get_by_role("button", name="Verder").click(force=True)
    page.get_by_text("Stap 5 van 5").wait_for()
    note("step", name="controle")
    page.get_by_role("button", name="Stem versturen").click(force=True)
    page.get_by_text("Bedankt, uw stem is ontvangen").wait_for()
    note("step", name="bedankt")
    note("cookies", cookies=[c["name"] for c in page.context.cookies()])
    page.close(run_before_unload=True)  # the tab closes: Voilà's beforeunload sends its shutdown beacon
    note("step", name="closed")
    time.sleep(2)


def _decode(payload):
    if isinstance(payload, bytes):
        from .protocol import decode_v1

        return decode_v1(payload).summary()
    try:
        return json.loads(payload)
    except ValueError:
        return payload


if __name__ == "__main__":
    main()
