"""Issue 13 figures: the beamer's refresh with 5,000 ballots, and the console's time to usable in chromium.

Run:  ./run bench console     (or: .venv/bin/python benchmarks/bench_console.py [--ballots 5000] [--loads 3])

* Beamer (``ProjectorScreen``): a poll when nothing changed (one aggregate), a redraw after
  a new ballot (every ballot read, batched, tallied, the HTML made), and the HTML's size.
* Console: a real console server (Voilà), chromium opening ``facilitator.ipynb`` until the
  title field can be typed in ("usable"), and until the loading message shows; the same
  browser loading a static page of the same server, for the ratio (the issue saw 33×).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def bench_beamer(n_ballots: int, repeat: int) -> None:
    from werkboek.model.ballot import BallotSubmission
    from werkboek.model.catalogue import catalogue
    from werkboek.store import Store
    from werkboek_widgets.facilitator.projector import ProjectorScreen

    cat = catalogue()
    store = Store(f"sqlite:///{tempfile.mkdtemp(prefix='bench-beamer-')}/werkboek.sqlite", catalogue=cat)
    ws = store.open_voting(store.create_workshop("Bench", method="punten", method_params={"points": 5},
                                                 acties=list(cat.acties), privacy_k=5).id)
    store.update_workshop(ws.id, wifi_name="Buurthuis-Gast")
    per_lg = ws.acties_per_leefgebied(cat)
    rng = random.Random(13)
    codes = []
    while len(codes) < n_ballots + repeat + 1:  # at most 5,000 at a time
        codes += store.create_codes(ws.id, min(5000, n_ballots + repeat + 1 - len(codes)))
    start = time.perf_counter()
    for code in codes[:n_ballots]:
        choices = {}
        for acties in per_lg.values():
            a, b = rng.sample(acties, 2)
            choices[a.id], choices[b.id] = 3, 2
        store.submit(BallotSubmission(code=code.code, choices=choices))
    print(f"{n_ballots} ballots stored in {time.perf_counter() - start:.1f} s")
    screen = ProjectorScreen(store, cat, workshop_ids=[ws.id], base_url="http://192.168.1.20:8866/",
                             name_url="http://stemmen.local:8866/")
    poll = _median_ms(screen.refresh, repeat)
    extra = iter(codes[n_ballots:])

    def one_more():
        store.submit(BallotSubmission(code=next(extra).code, choices={ws.acties[0]: 5}))
        t0 = time.perf_counter()
        changed = screen.refresh()
        return (time.perf_counter() - t0) * 1000, changed

    redraws = [one_more() for _ in range(repeat)]
    redraw = statistics.median(ms for ms, _ in redraws)
    print(f"beamer poll, nothing new:        {poll:8.1f} ms (median of {repeat})")
    print(f"beamer refresh after a ballot:   {redraw:8.1f} ms (median of {repeat}; every 3 s at most)")
    print(f"beamer HTML: {len(screen.screen.value) / 1000:.0f} kB")
    store.close()


def bench_console_load(loads: int) -> None:
    from support.browser import chromium_available, chromium_browser
    from werkboek.serving.console import start_console
    from werkboek.serving.process import free_port, stop_process
    from werkboek.store import Store

    if not chromium_available():
        print("console load: skipped (no chromium/playwright)")
        return
    home = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    Store(url).close()
    env = {"WERKBOEK_HOME": str(home), "WERKBOEK_DATABASE_URL": url}
    server = start_console(free_port(), "127.0.0.1", directory=home / "console", log_path=home / "console.log",
                           env_extra=env)
    try:
        console_url = server.address.console_url
        static_url = console_url.replace("voila/render/facilitator.ipynb", "voila/tree")
        usable, loading, static = [], [], []
        with chromium_browser() as browser:
            for _ in range(loads + 1):  # the first load warms the server up; not counted
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                t0 = time.perf_counter()
                page.goto(static_url)
                page.wait_for_load_state("load")
                t_static = time.perf_counter() - t0
                page.close()
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                t0 = time.perf_counter()
                page.goto(console_url, wait_until="commit")
                page.get_by_text("De begeleiderspagina wordt geladen").wait_for(timeout=60_000)
                t_loading = time.perf_counter() - t0
                page.get_by_label("Titel").wait_for(timeout=60_000)
                page.get_by_label("Titel").fill("Proef")
                t_usable = time.perf_counter() - t0
                page.close()
                static.append(t_static)
                loading.append(t_loading)
                usable.append(t_usable)
        s, lo, u = (statistics.median(x[1:]) for x in (static, loading, usable))
        print(f"static page (voila/tree):         {s * 1000:8.0f} ms (median of {loads})")
        print(f"console: loading message shown:   {lo * 1000:8.0f} ms")
        print(f"console: usable (title typed):    {u * 1000:8.0f} ms  = {u / s:.0f}× the static page")
    finally:
        stop_process(server.process)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ballots", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--loads", type=int, default=3)
    parser.add_argument("--skip-browser", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("WERKBOEK_HOME", tempfile.mkdtemp(prefix="bench-console-home-"))
    bench_beamer(args.ballots, args.repeat)
    if not args.skip_browser:
        bench_console_load(args.loads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
