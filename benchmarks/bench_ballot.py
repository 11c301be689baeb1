"""Residents' ballot: time to the first usable control, and memory per resident kernel.

Run:  ./run bench ballot     (or: .venv/bin/python benchmarks/bench_ballot.py [--runs 5] [--pool 3])

Opens the ballot URL (with ?code=…) in Debian's chromium at 360×640, served by the real
resident server (standalone Voilà, our template), and measures:

* time from navigation start to the first usable control (the "Beginnen" button), and to the
  link's code being applied (the workshop title on screen), median of several runs,
  with Voilà's default kernel start and with a preheated kernel pool;
* the resident kernel's memory (RSS and USS) once the ballot has rendered, and after the map opened.

Targets (issue 3): ≤ 1.0 s median with preheating on a 2-core machine; ≤ 80 MB per kernel.
Issue 6 aims at ≤ 65 MB RSS per rendered resident kernel; the kernels reach the database
through the store service (:mod:`werkboek.store_service`), so they never load SQLAlchemy.

``--memory``: where a resident kernel's memory goes. Starts a bare ipykernel (as Voilà does,
with the residents' IPython profile) and imports what the ballot needs, step by step, printing
RSS/USS after each step. ``bench_kernel_memory.py`` compares before/after issue 17 (RSS, PSS, USS).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.browser import chromium_available, chromium_browser, phone_page  # noqa: E402
from werkboek.model.catalogue import catalogue  # noqa: E402
from werkboek.serving.residents import running_resident_server  # noqa: E402
from werkboek.store import Store  # noqa: E402

TARGET_SECONDS = 1.0
TARGET_MB = 80
TARGET_MB_ISSUE6 = 65
TARGET_MB_ISSUE17 = 50

# What the ballot's notebook loads, in the order it happens; each step adds to the previous ones.
MEMORY_STEPS = (
    ("ipywidgets", "import ipywidgets"),
    ("yaml (catalogue's leefgebieden.yaml)", "import yaml"),
    ("the store service client (http.client; no SQLAlchemy)", "from werkboek.store_service.client import StoreServiceClient"),
    ("catalogue loaded", "from werkboek.model.catalogue import catalogue; cat = catalogue()"),
    ("the ballot app rendered", "from werkboek_widgets.ballot.app import BallotApp\n"
                                "app = BallotApp.from_environment(); app.apply_query('')"),
    ("the map widget (ipyleaflet) built", "from werkboek_widgets.maps import BuurtKaart\n"
                                          "kaart = BuurtKaart(cat)"),
)


def memory_breakdown(database_url: str) -> None:
    """RSS/USS of a real ipykernel after each of :data:`MEMORY_STEPS` (with a store service, as in a workshop)."""
    import os

    from jupyter_client.manager import start_new_kernel

    from werkboek.serving.residents import make_ipython_dir
    from werkboek.settings import STORE_SERVICE_ENV
    from werkboek.store_service.process import start_store_service, stop_store_service

    bus = start_store_service(database_url)
    env = {**os.environ, "WERKBOEK_DATABASE_URL": database_url, STORE_SERVICE_ENV: bus.socket_path,
           "IPYTHONDIR": str(make_ipython_dir(tempfile.mkdtemp(prefix="bench-ballot-ipython-")))}
    km, kc = start_new_kernel(kernel_name="python3", cwd=str(ROOT / "notebooks"), env=env)
    try:
        process = psutil.Process(km.provisioner.process.pid)
        rss, uss = memory_mb(process)
        print(f"{'bare ipykernel (residents profile)':<58} RSS {rss:5.1f} MB  USS {uss:5.1f} MB")
        for label, code in MEMORY_STEPS:
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda _msg: None)
            if reply["content"]["status"] != "ok":
                raise RuntimeError(f"{label}: {reply['content'].get('evalue')}")
            new_rss, new_uss = memory_mb(process)
            print(f"{label:<58} RSS {new_rss:5.1f} MB (+{new_rss - rss:4.1f})  USS {new_uss:5.1f} MB (+{new_uss - uss:4.1f})")
            rss, uss = new_rss, new_uss
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        stop_store_service(bus)


def kernels_of(server_pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if "ipykernel_launcher" in " ".join(p.cmdline())]


def wait_for_quiet_pool(server_pid: int, pool: int, timeout: float = 90) -> None:
    """Wait until ``pool`` kernels exist and none of them is busy (the notebook has run)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = kernels_of(server_pid)
        if len(kernels) >= pool:
            busy = sum(k.cpu_percent(interval=0.3) for k in kernels)
            if busy < 5:
                return
        time.sleep(0.3)
    raise TimeoutError("the kernel pool did not fill in time")


def kernel_process(server_pid: int, kernel_id: str) -> psutil.Process:
    for k in kernels_of(server_pid):
        if kernel_id in " ".join(k.cmdline()):
            return k
    raise LookupError(kernel_id)


def memory_mb(process: psutil.Process) -> tuple[float, float]:
    info = process.memory_full_info()
    return info.rss / 2**20, info.uss / 2**20


def one_load(browser, server, code: str, title: str | None, measure_memory: bool) -> dict:
    page = phone_page(browser)
    start = time.perf_counter()
    page.goto(server.ballot_url(code), wait_until="commit")
    page.get_by_role("button", name="Beginnen").wait_for(timeout=120_000)
    usable = time.perf_counter() - start
    if title:
        page.get_by_text(title).first.wait_for(timeout=120_000)
    applied = time.perf_counter() - start
    html_done = page.evaluate("performance.getEntriesByType('navigation')[0].responseEnd") / 1000
    result = {"usable": usable, "applied": applied, "html": html_done}
    if measure_memory:
        time.sleep(1.0)
        kernel_id = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
        process = kernel_process(server.process.pid, kernel_id)
        result["rss"], result["uss"] = memory_mb(process)
        page.get_by_role("button", name="Beginnen").click()  # the link's code is good: on to the buurt
        page.get_by_role("button", name="Kies op de kaart").click()
        page.locator("path.leaflet-interactive").first.wait_for(timeout=60_000)
        time.sleep(1.0)
        result["rss_map"], result["uss_map"] = memory_mb(process)
    page.context.close()
    return result


def bench(pool: int, runs: int, url: str, codes: list[str], title: str | None, notebook=None) -> list[dict]:
    results = []
    extra = {"notebook": notebook} if notebook else {}
    with running_resident_server(pool_size=pool, database_url=url, **extra) as server, chromium_browser() as browser:
        # one warm-up load: Python's bytecode caches, chromium's first start
        if pool:
            wait_for_quiet_pool(server.process.pid, pool)
        one_load(browser, server, codes[0], title, False)
        for i in range(runs):
            if pool:
                wait_for_quiet_pool(server.process.pid, pool)
            else:
                time.sleep(1.0)  # let the previous page's kernel shut down
            results.append(one_load(browser, server, codes[i + 1], title, measure_memory=(i == 0 and not notebook)))
    return results


def report(label: str, results: list[dict]) -> float:
    usable = [r["usable"] for r in results]
    applied = [r["applied"] for r in results]
    med = statistics.median(usable)
    html = statistics.median(r["html"] for r in results)
    print(f"{label:<34} first usable control: median {med:.2f} s (min {min(usable):.2f}, max {max(usable):.2f}); "
          f"page HTML complete {html:.2f} s; code from link applied {statistics.median(applied):.2f} s "
          f"[{len(results)} runs]")
    return med


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pool", type=int, default=3, help="preheated kernels")
    parser.add_argument("--no-baseline", dest="baseline", action="store_false",
                        help="skip the one-button notebook used as a baseline")
    parser.add_argument("--memory", action="store_true",
                        help="only the memory breakdown of a resident kernel (no browser)")
    args = parser.parse_args()
    if args.memory:
        home = Path(tempfile.mkdtemp(prefix="bench-ballot-"))
        url = f"sqlite:///{home / 'werkboek.sqlite'}"
        Store(url).close()
        memory_breakdown(url)
        return 0
    if not chromium_available():
        print("chromium/playwright not available: skipped")
        return 0
    cat = catalogue()
    home = Path(tempfile.mkdtemp(prefix="bench-ballot-"))
    url = f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(url, catalogue=cat)
    acties = [a.id for lg in cat.leefgebieden for a in cat.acties_in(lg)[:3]]
    title = "Benchmarkavond Vrieheide"
    ws = store.create_workshop(title, method="punten", method_params={"points": 5}, acties=acties)
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, 2 * args.runs + 4)]
    print(f"ballot: {len(acties)} acties in {len(cat.leefgebieden)} leefgebieden; chromium at 360x640; "
          f"{psutil.cpu_count()} cores; load average before: {psutil.getloadavg()[0]:.1f}")

    cold = bench(0, args.runs, url, codes[: args.runs + 1], title)
    warm = bench(args.pool, args.runs, url, codes[args.runs + 1:], title)
    baseline = []
    if args.baseline:
        # the same server and template with a one-button notebook: what Voila itself costs here
        bare = home / "bare.ipynb"
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
            "import ipywidgets\nipywidgets.Button(description='Beginnen')")]), bare)
        baseline = bench(args.pool, args.runs, url, codes[: args.runs + 1], None, notebook=bare)
    print(f"load average after: {psutil.getloadavg()[0]:.1f} (figures are only meaningful on an otherwise idle machine)")
    cold_med = report("default kernel start", cold)
    warm_med = report(f"preheated pool of {args.pool}", warm)
    if baseline:
        bare_med = report(f"one-button notebook, pool of {args.pool}", baseline)
        print(f"the ballot takes {warm_med / bare_med:.2f}x the time of a one-button Voila page (both preheated)")
    print(f"preheating is {cold_med / warm_med:.1f}x faster; target <= {TARGET_SECONDS:.1f} s: "
          f"{'met' if warm_med <= TARGET_SECONDS else 'NOT met'} (ratio {warm_med / TARGET_SECONDS:.2f})")
    for label, r in (("default", cold[0]), ("preheated", warm[0])):
        print(f"resident kernel ({label}): RSS {r['rss']:.0f} MB, USS {r['uss']:.0f} MB after the ballot rendered; "
              f"RSS {r['rss_map']:.0f} MB, USS {r['uss_map']:.0f} MB with the map open "
              f"(target <= {TARGET_MB} MB: ratio {r['rss'] / TARGET_MB:.2f}; "
              f"issue 6 <= {TARGET_MB_ISSUE6} MB: ratio {r['rss'] / TARGET_MB_ISSUE6:.2f}; "
              f"issue 17 <= {TARGET_MB_ISSUE17} MB: ratio {r['rss'] / TARGET_MB_ISSUE17:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
