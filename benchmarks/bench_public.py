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

The monitor pages (``monitor.html`` and one page per indicator with a buurt map per year),
twice: from the three kwb test files (``tests/support/kwb``, invented numbers in the real
format) and from 25 years of example tables (2022–2046, what the monitor holds near the end
of the programme), with a target for every indicator: seconds to build the monitor and to
write its pages (the site with the monitor minus the site without), page weights, and first
paint as a ratio to the static page.
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
from werkboek.demo.indicators import example_table  # noqa: E402
from werkboek.demo.programme import seed_demo_programme  # noqa: E402
from werkboek.formats.kerncijfers import import_kerncijfers  # noqa: E402
from werkboek.model.catalogue import catalogue  # noqa: E402
from werkboek.model.monitor import MEASURES, Target, build_monitor  # noqa: E402
from werkboek.outputs.monitor import measure_page_name  # noqa: E402
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


def kwb_test_tables(cat):
    return [import_kerncijfers(ROOT / "tests" / "support" / "kwb" / f"kwb-{y}.csv", buurten=cat.buurten,
                              source="Testbestand in het kwb-formaat (verzonnen cijfers)")
            for y in (2022, 2024, 2025)]


def example_years(cat, n: int):
    return [example_table(cat, year=2022 + i, seed=917 + i) for i in range(n)]


def bench_monitor(label, tables, cat, store, programme, out: Path, runs: int, without: float):
    """Time and weight of the monitor pages; the folder and the pages to paint."""
    targets = [Target(m, 1.0, changed_by="bench") for m in MEASURES]
    build_times, site_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        monitor = build_monitor(tables, cat, targets)
        t1 = time.perf_counter()
        data = dataclasses.replace(site_input(store, programme), monitor=monitor)
        t2 = time.perf_counter()
        pages = build_site(data, out)
        t3 = time.perf_counter()
        build_times.append(t1 - t0)
        site_times.append(t3 - t2)
    site = statistics.median(site_times)
    mon = [p for p in pages if p.name.startswith("monitor")]
    print(f"monitor, {label}: {len(monitor.imported)} years; build_monitor median {statistics.median(build_times):.3f} s; "
          f"site with monitor {site:.2f} s vs without {without:.2f} s (monitor pages {site - without:.2f} s, "
          f"ratio {site / without:.2f}×); {len(mon)} monitor pages, {sum(p.stat().st_size for p in mon) / 1024:.0f} KB")
    measure = out / measure_page_name(next(iter(MEASURES)))
    for name, p in (("monitor.html", out / "monitor.html"), (measure.name, measure)):
        raw = p.read_bytes()
        print(f"  {name}: {len(raw) / 1024:.0f} KB, gzipped {len(gzip.compress(raw)) / 1024:.0f} KB")
    return out.name, ["monitor.html", measure.name]


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
        monitor_pages = {}
        for label, tables in (("3 kwb test files", kwb_test_tables(cat)), ("25 example years", example_years(cat, 25))):
            monitor_pages[label] = bench_monitor(label, tables, cat, store, programme, tmp / f"site-{len(tables)}",
                                                 args.runs, statistics.median(gen_times))
        store.close()

        (tmp / "site" / "static.html").write_text(STATIC, encoding="utf-8")
        if not chromium_available():
            print("chromium not available: first paint not measured")
            return 0
        handler = functools.partial(_QuietHandler, directory=str(tmp))  # the site and the monitor sites
        server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        try:
            with chromium_browser() as browser:
                for profile, phone in (("normal", False), ("phone", True)):
                    ref = statistics.median(first_paint(browser, base + "site/static.html", phone)
                                            for _ in range(args.runs))
                    pages_to_paint = [("programme page", "site/index.html"), ("workshop page", f"site/{largest.name}")]
                    for label, (folder, names) in monitor_pages.items():
                        pages_to_paint += [(f"{name} ({label})", f"{folder}/{name}") for name in names]
                    for label, name in pages_to_paint:
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
