"""Issue 14 figures: typing in paper ballots through the console's entry screen (driven from Python).

Run:  ./run bench paper     (or: .venv/bin/python benchmarks/bench_paper.py [--papers 100])

For each method (stippen, aankruisen, top 3) and a ballot of 10 and of 20 acties: 100 papers
with invented, valid choices are typed into ``PaperPanel`` exactly as a volunteer would (the
code, the boxes, Enter), and stored through ``Store.submit`` (channel ``papier``). Printed:

* the machine's time per paper (widget + validation + store, SQLite on this laptop);
* the keys a volunteer presses per paper (code, Tabs, what is in the boxes, Enter; mean and
  most), and a human time estimated from them at ``--seconds-per-key`` (default 0.5 s:
  reading the paper and finding the box included; a trained typist is quicker). The issue's
  target is under 30 s a paper.
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

METHODS = [("punten", {"points": 5}), ("goedkeuren", {"max_approvals": 3}), ("top3", {"top": 3})]


def _typed(method: str, rng: random.Random, acties: list[str]) -> dict[str, str]:
    """What one resident wrote in the boxes of one leefgebied."""
    if method == "punten":
        out: dict[str, int] = {}
        for _ in range(rng.randint(1, 5)):
            a = rng.choice(acties[:3])
            out[a] = out.get(a, 0) + 1
        return {a: str(v) for a, v in out.items()}
    chosen = rng.sample(acties, min(len(acties), rng.randint(1, 3)))
    if method == "goedkeuren":
        return {a: "x" for a in chosen}
    return {a: str(i + 1) for i, a in enumerate(chosen)}


def bench(method: str, params: dict, per_lg: int, papers: int, seconds_per_key: float) -> None:
    from werkboek.model.catalogue import catalogue
    from werkboek.store import Store
    from werkboek_widgets.facilitator.paper_panel import PaperPanel

    cat = catalogue()
    store = Store(f"sqlite:///{tempfile.mkdtemp(prefix='bench-paper-')}/werkboek.sqlite", catalogue=cat)
    acties = [a.id for lg in cat.leefgebieden for a in cat.acties_in(lg)[:per_lg]]
    ws = store.open_voting(store.create_workshop("Bench", method=method, method_params=params, acties=acties).id)
    codes = store.create_codes(ws.id, papers)
    panel = PaperPanel(store, cat)
    panel.workshop_id = ws.id
    rng = random.Random(14)
    by_lg = {lg: [a for a in panel.fields if cat.acties[a].leefgebied == lg] for lg in cat.leefgebieden}
    times, keys = [], []
    for code in codes:
        typed = {}
        for lg_acties in by_lg.values():
            if lg_acties and rng.random() < 0.8:  # now and then a leefgebied left empty
                typed.update(_typed(method, rng, lg_acties))
        if not typed:
            typed = {next(iter(panel.fields)): "1" if method != "goedkeuren" else "x"}
        typing = code.code.replace("-", "")  # the dash need not be typed
        keys.append(panel.keystrokes(typing, typed))
        start = time.perf_counter()
        panel.code.value = typing
        for actie_id, value in typed.items():
            panel.fields[actie_id].value = value
        panel.fields[actie_id]._handle_custom_msg({"event": "submit"}, None)  # Enter
        times.append(time.perf_counter() - start)
        assert "Opgeslagen" in panel.message.value, panel.message.value
    assert store.count_by_channel(ws.id)["papier"] == papers
    mean_keys = statistics.mean(keys)
    print(f"{method:10s} {len(acties):2d} acties: {statistics.median(times) * 1000:6.1f} ms a paper (median, "
          f"machine), keys a paper {mean_keys:4.1f} (most {max(keys)}) -> about "
          f"{mean_keys * seconds_per_key:4.1f} s of typing at {seconds_per_key} s a key")
    store.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--papers", type=int, default=100)
    parser.add_argument("--seconds-per-key", type=float, default=0.5)
    args = parser.parse_args(argv)
    os.environ.setdefault("WERKBOEK_HOME", tempfile.mkdtemp(prefix="bench-paper-home-"))
    for per_lg in (2, 4):
        for method, params in METHODS:
            bench(method, params, per_lg, args.papers, args.seconds_per_key)
    return 0


if __name__ == "__main__":
    sys.exit(main())
