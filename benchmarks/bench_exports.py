"""How long the facilitator waits for exports, the report and a code sheet after a big evening.

Seeds a temporary SQLite store with one workshop of N ballots (default 1,000: a large
bewonersconferentie) and times each export. Prints seconds and ballots per second.

    .venv/bin/python benchmarks/bench_exports.py [N]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkboek.model.ballot import BallotSubmission  # noqa: E402
from werkboek.model.catalogue import catalogue as load_catalogue  # noqa: E402
from werkboek.outputs.codesheet import code_sheet_html  # noqa: E402
from werkboek.outputs.exports import ballots_csv, excel_workbook, pins_csv, results_csv  # noqa: E402
from werkboek.outputs.report import results_report_html  # noqa: E402
from werkboek.store import Store  # noqa: E402

GOAL_SECONDS = 5.0  # a facilitator clicking "export" should not wait longer than this for 1,000 ballots
SHEET_CODES = 300  # slips on one code sheet (30 A4 pages), same goal


def seed(store, catalogue, n: int):
    rng = random.Random(4)
    acties = [a.id for lg in catalogue.leefgebieden for a in catalogue.acties_in(lg)[:4]]
    ws = store.open_voting(store.create_workshop("Bewonersconferentie (benchmark)", acties=acties,
                                                 method_params={"points": 5}).id)
    grouped = ws.acties_per_leefgebied(catalogue)
    buurten = list(catalogue.heerlen_noord)
    inner = []
    for b in catalogue.heerlen_noord.values():
        lat, lon = b.shape.centroid()
        if catalogue.buurt_at(lat, lon) is not None:
            inner.append((lat, lon))
    codes = store.create_codes(ws.id, n)
    for code in codes:
        choices = {}
        for lg_acties in grouped.values():
            for actie in rng.sample(lg_acties, 2):
                choices[actie.id] = rng.randint(1, 2)
        pins = [{"leefgebied": rng.choice(list(grouped)), "lat": p[0], "lon": p[1], "text": "=gevaarlijk?"}
                for p in rng.sample(inner, rng.randint(0, 2))]
        store.submit(BallotSubmission(code.code, choices, buurt=rng.choice(buurten + [None]),
                                      remark=rng.choice(["", "Meer groen in de wijk <b>graag</b>", "@SUM(A1)"]),
                                      pins=pins))
    return store.workshop(ws.id), codes


def timed(label: str, fn, n: int) -> float:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<34} {seconds:7.3f} s   {n / seconds:10,.0f} items/s   {seconds / GOAL_SECONDS:6.1%} of goal")
    return seconds


def main(n: int = 1000) -> int:
    catalogue = load_catalogue()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.sqlite", catalogue=catalogue)
        t0 = time.perf_counter()
        ws, codes = seed(store, catalogue, n)
        print(f"seeded {n} ballots in {time.perf_counter() - t0:.1f} s")
        results = {
            "ballots_csv (long)": timed("ballots_csv long", lambda: ballots_csv(store, [ws], catalogue), n),
            "ballots_csv (wide)": timed("ballots_csv wide", lambda: ballots_csv(store, [ws], catalogue,
                                                                                layout="wide"), n),
            "results_csv": timed("results_csv", lambda: results_csv(store, [ws], catalogue), n),
            "pins_csv": timed("pins_csv", lambda: pins_csv(store, [ws], catalogue), n),
            "excel_workbook": timed("excel_workbook", lambda: excel_workbook(store, [ws], catalogue,
                                                                             Path(tmp) / "uit.xlsx"), n),
            "report": timed("results_report_html", lambda: results_report_html([ws], store, catalogue), n),
            # A big evening prints a few hundred slips. segno spends ~12 ms per QR code choosing the
            # most readable mask pattern; we keep that (scanning on old phones matters more).
            "code sheet": timed(f"code_sheet_html ({SHEET_CODES} codes)",
                                lambda: code_sheet_html(ws, codes[:SHEET_CODES], "http://192.168.1.20:8866/"),
                                SHEET_CODES),
        }
        store.close()
    slowest = max(results, key=results.get)
    print(f"slowest: {slowest}, {results[slowest]:.2f} s = {results[slowest] / GOAL_SECONDS:.0%} of the "
          f"{GOAL_SECONDS:.0f} s goal")
    return 0 if results[slowest] <= GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
