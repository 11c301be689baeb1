"""The public results site: time to generate it for 50 workshops and 200 acties, page weight, first paint on a phone.

Run:  ./run bench public      (or: .venv/bin/python benchmarks/bench_public.py [--workshops 50] [--acties 200])

A catalogue of 200 acties (the real ~70, copied under new ids: example data) and an invented
programme (``werkboek.demo.programme``: closed workshops with ballots, a decision for every
actie voted on, progress for the chosen ones) in a temporary SQLite store. Prints:

* seconds to read the store and write the site (median of 3), pages written;
* page weight of the programme page and the largest workshop page (bytes, and gzipped, as
  a web server would send them);
* first contentful paint in Debian's chromium at 360×640, normal and on the phone profile of
  ``bench_first_load.py`` (CDP: CPU 4× slower, 1.6 Mbit/s, 150 ms round trip), each also as a
  ratio to a one-paragraph static page served the same way. No script on the pages, so
  first paint is also when a resident can read them.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gzip
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import chromium_available, chromium_browser  # noqa: E402
from werkboek.demo.programme import seed_demo_programme  # noqa: E402
from werkboek.model.catalogue import catalogue  # noqa: E402
from werkboek.outputs.public import SiteInput, build_site, published_workshops  # noqa: E402
from werkboek.serving.process import free_port  # noqa: E402
from werkboek.store import Store  # noqa: E402
from werkboek.store.programme import Programme  # noqa: E402

PHONE_PROFILE = {"cpu": 4, "network": {"offline": False, "latency": 150,
                                       "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 0.75e6 / 8}}
STATIC = ("<!doctype html><html lang='nl'><head><meta charset='utf-8'><title>Uitslag</title></head>"
          "<body><h1>Wat er gebeurt met uw stem</h1><p>Een korte tekst.</p></body></html>")


def big_catalogue(n: int):
    base = catalogue()
    acties = dict(base.acties)
    originals = list(base.acties.values())
    i = 0
    while len(acties) < n:
        a = originals[i % len(originals)]
        copy_id = f"{a.id}-v{i // len(originals) + 1}"
        acties[copy_id] = dataclasses.replace(a, id=copy_id, titel=f"{a.titel} (voorbeeld {i // len(originals) + 1})")
        i += 1
    return dataclasses.replace(base, acties=acties)


def site_input(store, programme):
    workshops = store.workshops()
    shown = published_workshops(workshops)
    return SiteInput(store.catalogue, tuple(workshops), {w.id: store.ballots([w.id]) for w in shown},
                     programme.states(), example_data=True)


def first_paint(browser, url: str, phone: bool) -> float:
    context = browser.new_context(viewport={"width": 360, "height": 640}, is_mobile=True, has_touch=True)
    page = context.new_page()
    if phone:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", PHONE_PROFILE["network"])
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE_PROFILE["cpu"]})
    page.goto(url, wait_until="load")
    fcp = page.evaluate("""() => new Promise(done => {
        const get = () => performance.getEntriesByName('first-contentful-paint')[0];
        if (get()) return done(get().startTime);
        new PerformanceObserver(() => get() && done(get().startTime)).observe({type: 'paint', buffered: true});
    })""")
    context.close()
    return fcp / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workshops", type=int, default=50)
    parser.add_argument("--acties", type=int, default=200)
    parser.add_argument("--ballots", type=int, default=20, help="ballots per workshop")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    cat = big_catalogue(args.acties)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        store = Store(f"sqlite:///{tmp / 'db' / 'werkboek.sqlite'}", catalogue=cat)
        programme = Programme(store)
        t0 = time.perf_counter()
        seed_demo_programme(store, programme, workshops=args.workshops - 1, ballots=args.ballots,
                            acties_per_workshop=20)
        seeded = time.perf_counter() - t0
        history = programme.history()
        print(f"demo programme: {len(store.workshops())} workshops, {len(cat.acties)} acties in the catalogue, "
              f"{len({d.actie_id for d in history})} with a decision, {len(programme.timeline())} progress updates "
              f"(seeded in {seeded:.1f} s)")
        times, gen_times = [], []
        for run in range(args.runs):
            t0 = time.perf_counter()
            data = site_input(store, programme)
            t1 = time.perf_counter()
            pages = build_site(data, tmp / "site")
            t2 = time.perf_counter()
            times.append(t2 - t0)
            gen_times.append(t2 - t1)
        print(f"site: {len(pages)} pages; read store + write: median {statistics.median(times):.2f} s "
              f"(writing alone {statistics.median(gen_times):.2f} s) over {args.runs} runs")
        index = tmp / "site" / "index.html"
        largest = max((p for p in pages if p.name != "index.html"), key=lambda p: p.stat().st_size)
        total = sum(p.stat().st_size for p in pages)
        for label, p in (("programme page", index), ("largest workshop page", largest)):
            raw = p.read_bytes()
            print(f"{label} ({p.name}): {len(raw) / 1024:.0f} KB, gzipped {len(gzip.compress(raw)) / 1024:.0f} KB")
        print(f"all pages: {total / 1024:.0f} KB")
        store.close()

        (tmp / "site" / "static.html").write_text(STATIC, encoding="utf-8")
        if not chromium_available():
            print("chromium not available: first paint not measured")
            return 0
        handler = functools.partial(_QuietHandler, directory=str(tmp / "site"))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with chromium_browser() as browser:
                for profile, phone in (("normal", False), ("phone", True)):
                    ref = statistics.median(first_paint(browser, base + "static.html", phone) for _ in range(args.runs))
                    for label, name in (("programme page", "index.html"), ("workshop page", largest.name)):
                        fcp = statistics.median(first_paint(browser, base + name, phone) for _ in range(args.runs))
                        print(f"first paint, {profile:6s} {label:15s}: {fcp:.2f} s "
                              f"(static page {ref:.2f} s, ratio {fcp / ref:.1f}×)")
        finally:
            server.shutdown()
    return 0


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args):
        pass


if __name__ == "__main__":
    sys.exit(main())
