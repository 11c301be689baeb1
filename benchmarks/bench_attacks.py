"""Hostile clients against a real residents' server, while a real resident keeps voting.

Run:  ./run bench attacks     (or: .venv/bin/python benchmarks/bench_attacks.py [--skip-slow])

Starts the residents' server (standalone Voilà, preheated pool, store service) and the
facilitators' console, and runs every attack of :mod:`benchmarks.attacks.clients` in turn.
During each attack a resident in Debian's chromium (360×640, another address than the
attacker) opens the ballot; the time from the link to a usable "Beginnen" is printed next to
the same time without an attack (median of three quiet runs), as a ratio. After the page
load flood the resident also goes through the whole ballot and submits.

For each attack it prints what was sent, what the server did, whether the defence held,
and the resident's time to the ballot during it.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from benchmarks.attacks import clients as attack  # noqa: E402
from support.browser import chromium_available, chromium_browser, phone_page  # noqa: E402
from support.kernels import kernel_rss  # noqa: E402
from support.resident_flow import vote_in_browser  # noqa: E402
from werkboek.model.catalogue import catalogue  # noqa: E402
from werkboek.serving.residents import running_resident_server  # noqa: E402
from werkboek.store import Store  # noqa: E402

PACE_SECONDS = 7.5  # the resident's page loads at most 8 a minute (an address may start 12 kernels a minute)
_last_load = [0.0]


def time_to_ballot(browser, url: str) -> float:
    time.sleep(max(0.0, _last_load[0] + PACE_SECONDS - time.monotonic()))
    _last_load[0] = time.monotonic()
    page = phone_page(browser)
    start = time.monotonic()
    page.goto(url)
    page.get_by_role("button", name="Beginnen").wait_for(timeout=120_000)
    took = time.monotonic() - start
    page.context.close()
    return took


def during(coroutine_factory, measure):
    """Run the attack in a thread of its own while ``measure()`` runs here; (finding, measured)."""
    result: dict = {}

    def attack_thread():
        try:
            result["finding"] = asyncio.run(coroutine_factory())
        except Exception as exc:  # noqa: BLE001 - reported as a finding that could not run
            result["finding"] = attack.Finding("?", "?", f"attack failed: {exc!r}", False)

    thread = threading.Thread(target=attack_thread)
    thread.start()
    time.sleep(0.3)
    measured = measure()
    thread.join(300)
    return result["finding"], measured


def in_thread(coroutine_factory):
    """Run a coroutine to its end in a thread of its own (Playwright's sync API holds this thread's loop)."""
    result: dict = {}
    thread = threading.Thread(target=lambda: result.update(value=asyncio.run(coroutine_factory())))
    thread.start()
    thread.join(300)
    return result.get("value")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-slow", action="store_true", help="leave out the code-guessing run (~25 s)")
    args = parser.parse_args()
    if not chromium_available():
        print("chromium and playwright are needed", file=sys.stderr)
        return 1
    home = Path(tempfile.mkdtemp(prefix="werkboek-bench-attacks-"))
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    cat = catalogue()
    store = Store(url, catalogue=cat)
    acties = [a.id for lg in ("leren", "wonen") for a in cat.acties_in(lg)[:2]]
    ws = store.open_voting(store.create_workshop("Avond onder vuur", method="punten", method_params={"points": 3},
                                                 acties=acties).id)
    findings = []
    with running_resident_server(pool_size=4, database_url=url, home=home, max_kernels=60) as server, \
            chromium_browser() as browser:
        base = server.url
        time_to_ballot(browser, base)  # warm up
        quiet = statistics.median(time_to_ballot(browser, base) for _ in range(3))
        print(f"resident, no attack: link → usable 'Beginnen' in {quiet:.2f} s (median of 3)\n")

        attacks = [
            ("legacy framing + binary widget (the hang)", lambda: attack.legacy_binary_widget(base)),
            ("v1 frame claiming 2^60 offsets", lambda: attack.forged_frame(base, attack.huge_offset_count(),
                                                                           "offsets-2^60", "a v1 frame with n = 2^60")),
            ("widget created from the browser", lambda: attack.forged_frame(base, attack.widget_from_browser(),
                                                                            "widget-from-browser",
                                                                            "comm_open jupyter.widget (Image)")),
            ("execute_request", lambda: attack.forged_frame(base, attack.execute_request(), "execute-request",
                                                            "execute_request os.system('id')")),
            ("1 MB message", lambda: attack.forged_frame(base, attack.oversized(), "1-MB-message", "a 1 MB comm_msg")),
            ("message flood", lambda: attack.message_flood(base)),
            ("malformed widget message", lambda: attack.malformed_widget_message(base)),
            ("kernel memory growth", lambda: attack.widget_memory_growth(base, kernel_rss(server))),
            ("page-load flood (60, one address)", lambda: attack.page_load_flood(base, 60, address="127.0.0.5")),
        ]
        if not args.skip_slow:
            attacks.append(("stemcode guessing (10 tries)",
                            lambda: attack.guess_codes(base, 10, address="127.0.0.3")))
        for title, make in attacks:
            finding, took = during(make, lambda: time_to_ballot(browser, base))
            findings.append(finding)
            print(finding.line())
            print(f"{'':<37}resident during it: ballot in {took:.2f} s ({took / quiet:.1f}× quiet)\n")

        # after the flood, a whole vote from the resident's address
        code = store.create_codes(ws.id, 1)[0].code
        page = phone_page(browser)
        start = time.monotonic()
        page.goto(server.ballot_url(code))
        vote_in_browser(page, {0: 1})
        voted = time.monotonic() - start
        page.context.close()
        stored = len(store.ballots(ws.id, code=code))
        print(f"after every attack a resident voted from link to 'Bedankt' in {voted:.1f} s; stored: {stored}")

        answers = in_thread(lambda: attack.cross_site(base))
        print(f"cross-site fetches of the ballot (status, kernel started): {answers}")
        forged, proper = in_thread(lambda: attack.shutdown_without_xsrf(base))
        print(f"shutdown beacon: forged _xsrf → HTTP {forged}, the page's own → HTTP {proper}")

    console = _console_answers(home)
    print(f"console (DNS rebinding and friends), HTTP status per request: {console}")
    store.close()
    broken = [f.name for f in findings if not f.held]
    print(f"\n{len(findings) - len(broken)} of {len(findings)} defences held" + (f"; BROKEN: {broken}" if broken else ""))
    return 1 if broken else 0


def _console_answers(home: Path) -> dict:
    from werkboek.serving.console import console_server_command, wait_until_listening
    from werkboek.serving.process import free_port

    port = free_port()
    argv, env, address = console_server_command(port, directory=home / "console")
    with open(home / "console.log", "wb") as log:
        process = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_listening(f"http://127.0.0.1:{port}/voila/tree", process)
        return asyncio.run(attack.console_requests(f"http://127.0.0.1:{port}/", address.token))
    finally:
        process.terminate()
        process.wait(20)


if __name__ == "__main__":
    sys.exit(main())
