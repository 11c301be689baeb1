"""The leefgebied step of the ballot per voting method: begroten next to stippen (issue 14).

Run:  ./run bench ballot_steps     (or: .venv/bin/python benchmarks/bench_ballot_steps.py [--runs 7])

Two measures of the same two screens — a ballot of every acties in the catalogue (10 per
leefgebied), ``punten`` (5 stippen per leefgebied) and ``begroten`` (€ 10 miljoen for the whole
ballot):

* in the kernel (no browser): building the leefgebied screen (``BallotApp.render``), and one tap
  on an actie's control with the screen's refresh (a stip on and off, an actie in and out), median
  of many rounds;
* in Debian's chromium at 360×640 against the real resident server (standalone Voilà, preheated
  kernels): from the tap on "Verder" (buurt) to the leefgebied screen with all its acties, and from
  a tap on an actie to the updated "Nog 4 stippen over" / "U heeft nog € …", median of ``--runs``.

Prints the figures and the ratio begroten / stippen (1.0: as fast).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import chromium_available, chromium_browser, phone_page, wait_for_widgets  # noqa: E402
from support.resident_flow import go_to  # noqa: E402
from werkboek.model.catalogue import catalogue  # noqa: E402
from werkboek.serving.residents import running_resident_server  # noqa: E402
from werkboek.store import Store  # noqa: E402

METHODS = (("punten", {"points": 5}, "add", "remove"), ("begroten", {"budget": 10_000_000}, "toggle", "toggle"))
METHODS_BY_KEY = {m[0]: m for m in METHODS}
LABELS = {"punten": "stippen", "begroten": "begroten"}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.2f} ms"


def in_kernel(store, cat, workshops: dict, rounds: int) -> dict:
    from werkboek_widgets.ballot.app import BallotApp

    out = {}
    for key, ws in workshops.items():
        code = store.create_codes(ws.id, 1)[0].code
        app = BallotApp(store, cat)
        app.apply_query(f"code={code}")
        go_to(app, "stemmen")
        renders = []
        for _ in range(rounds):
            start = time.perf_counter()
            app.render()
            renders.append(time.perf_counter() - start)
        first = next(iter(app.step.controls.values()))
        taps = []
        for _ in range(rounds * 4):
            for action in METHODS_BY_KEY[key][2:]:  # on and off again: add, remove / toggle, toggle
                start = time.perf_counter()
                first.tap(action)
                taps.append(time.perf_counter() - start)
        assert not app.draft.choices, "every tap was undone"
        out[key] = {"render": statistics.median(renders), "tap": statistics.median(taps)}
    return out


def in_browser(server, store, cat, workshops: dict, runs: int) -> dict:
    out = {}
    with chromium_browser() as browser:
        for key, ws in workshops.items():
            renders, taps = [], []
            for _ in range(runs):
                code = store.create_codes(ws.id, 1)[0].code
                page = phone_page(browser)
                page.goto(server.ballot_url(code))
                wait_for_widgets(page)
                page.get_by_role("button", name="Beginnen").click()
                page.get_by_text("Stap 2 van 5").wait_for()
                cards = len(ws.acties_per_leefgebied(cat)["leren"])
                start = time.perf_counter()
                page.get_by_role("button", name="Verder").click()
                page.wait_for_function(
                    "n => document.querySelectorAll('.wb-step .wb-card').length === n && "
                    "(document.querySelector('.wb-step .wb-status') || {innerText: ''}).innerText.trim() !== ''",
                    arg=cards)
                renders.append(time.perf_counter() - start)
                status = page.locator(".wb-step .wb-status").first
                button = (page.get_by_role("button", name="+").first if key == "punten"
                          else page.get_by_role("button", name="Kiezen").first)
                for _ in range(3):
                    before = status.inner_text()
                    start = time.perf_counter()
                    button.click()
                    page.wait_for_function(
                        "b => document.querySelector('.wb-step .wb-status').innerText !== b", arg=before)
                    taps.append(time.perf_counter() - start)
                    if key == "begroten":  # take it out again for the next round
                        before = status.inner_text()
                        page.get_by_role("button", name="Gekozen ✓ · weghalen").first.click()
                        page.wait_for_function(
                            "b => document.querySelector('.wb-step .wb-status').innerText !== b", arg=before)
                page.context.close()
            out[key] = {"render": statistics.median(renders), "tap": statistics.median(taps)}
    return out



def report(title: str, figures: dict) -> None:
    print(title)
    for key, f in figures.items():
        print(f"  {LABELS[key]:<10} leefgebied screen {ms(f['render'])}   tap on an actie {ms(f['tap'])}")
    p, b = figures["punten"], figures["begroten"]
    print(f"  begroten / stippen: screen {b['render'] / p['render']:.2f}x, tap {b['tap'] / p['tap']:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="browser runs per method")
    parser.add_argument("--rounds", type=int, default=40, help="kernel rounds per method")
    args = parser.parse_args()
    cat = catalogue()
    home = Path(tempfile.mkdtemp(prefix="bench-steps-"))
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=cat)
    acties = list(cat.acties)
    workshops = {}
    for key, params, *_ in METHODS:
        ws = store.create_workshop(f"Bench {key}", method=key, method_params=params, acties=acties)
        workshops[key] = store.open_voting(ws.id)
    print(f"ballot: {len(acties)} acties, {len(acties) // len(cat.leefgebieden)} on each leefgebied screen; "
          f"load average before: {psutil.getloadavg()[0]:.1f}")
    report(f"in the kernel (median of {args.rounds} screens, {args.rounds * 8} taps):",
           in_kernel(store, cat, workshops, args.rounds))
    if not chromium_available():
        print("chromium/playwright not available: browser figures skipped")
        return 0
    with running_resident_server(pool_size=2, database_url=url, home=home) as server:
        report(f"in chromium at 360x640, resident server (median of {args.runs} screens, {args.runs * 3} taps):",
               in_browser(server, store, cat, workshops, args.runs))
    print(f"load average after: {psutil.getloadavg()[0]:.1f} (figures are only meaningful on an otherwise idle machine)")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
