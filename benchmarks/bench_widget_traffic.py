"""Benchmark: what a resident's kernel sends to the phone, screen by screen — messages, bytes, and
the kernel's CPU to build each screen.

    ./run bench widget_traffic        (or: .venv/bin/python benchmarks/bench_widget_traffic.py
                                       [--base REV] [--rounds 20])

Every message goes from the kernel (ZeroMQ) through the residents' server (decoded, checked,
framed for the websocket) to the phone, which builds one model per comm. In crowd round 6 the
server and the 250 kernels spent their CPU about equally on this traffic. Two ballots: the crowd's
(punten, leren:3, wonen:3, veiligheid:2) and a full one (every actie of the catalogue, 10 per
leefgebied) for each voting method.

``--base REV`` measures the same ballots with the code of another commit (a temporary git
worktree) in the same run and prints the ratios; e.g. ``--base 2b4a89b``, the last commit
before the widgets shared their layouts and styles.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BALLOTS = {
    "crowd punten": ("punten", {"points": 3}, {"leren": 3, "wonen": 3, "veiligheid": 2}),
    "full punten": ("punten", {"points": 5}, None),
    "full goedkeuren": ("goedkeuren", {}, None),
    "full top3": ("top3", {"top": 3}, None),
    "full begroten": ("begroten", {"budget": 10_000_000}, None),
}


def measure(rounds: int) -> dict:
    """Run in the code under test (this checkout or a worktree): per ballot, per screen, the
    messages, bytes and the median CPU seconds of building it."""
    import statistics
    import time

    sys.path.insert(0, str(ROOT / "tests"))
    from support.widget_traffic import counted_traffic
    from werkboek.model.catalogue import catalogue as load_catalogue
    from werkboek.store import Store
    from werkboek_widgets.ballot.app import BallotApp

    catalogue = load_catalogue()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/bench.sqlite", catalogue=catalogue)
        for name, (method, params, counts) in BALLOTS.items():
            acties = [a.id for lg in catalogue.leefgebieden
                      for a in catalogue.acties_in(lg)[:(counts or {}).get(lg, 0 if counts else 99)]]
            ws = store.open_voting(store.create_workshop(f"bench {name}", method=method, method_params=params,
                                                         acties=acties).id)
            screens: dict[str, dict] = {}
            cpu: dict[str, list[float]] = {}
            for i in range(rounds):
                code = store.create_codes(ws.id, 1)[0].code
                with counted_traffic() as traffic:
                    started = time.process_time()
                    app = BallotApp(store, catalogue)
                    app.apply_query(f"code={code}")
                    steps = [("page (built in the pool)", time.process_time() - started, traffic.take())]
                    for _ in range(30):
                        if app.flow.current.step == "bedankt":
                            break
                        if app.flow.current.step == "stemmen":  # one tap on the first actie
                            control = next(iter(app.step.controls.values()))
                            started = time.process_time()
                            (control.plus if hasattr(control, "plus") else control.button).click()
                            steps.append((f"  tap ({app.flow.current.leefgebied})", time.process_time() - started,
                                          traffic.take()))
                        started = time.process_time()
                        app.next_button.click()
                        screen = app.flow.current
                        steps.append((f"→ {screen.step}" + (f" ({screen.leefgebied})" if screen.leefgebied else ""),
                                      time.process_time() - started, traffic.take()))
                    else:
                        raise SystemExit(f"{name}: the ballot never reached Bedankt: {app.message.value}")
                for n, (label, seconds, sent) in enumerate(steps):
                    key = f"{n:02d} {label}"
                    cpu.setdefault(key, []).append(seconds)
                    if i == 0:
                        screens[key] = {"messages": sent.count, "bytes": sent.size}
            for key in screens:
                screens[key]["cpu_ms"] = round(1000 * statistics.median(cpu[key]), 2)
            out[name] = screens
        store.close()
    return out


def measure_at(rev: str, rounds: int) -> dict:
    """:func:`measure` with the code of ``rev``, in a temporary worktree (this file's own
    counting code, so both sides count the same way)."""
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(tree), rev], check=True)
        try:
            packages = Path(tmp) / "packages"
            packages.mkdir()
            (packages / "werkboek").symlink_to(tree / "werkboek")
            (packages / "werkboek_widgets").symlink_to(tree / "widgets")
            (tree / "tests" / "support" / "widget_traffic.py").write_text(
                (ROOT / "tests" / "support" / "widget_traffic.py").read_text())
            code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import runpy; "
                    "m = runpy.run_path(sys.argv[2]); m['ROOT'] = None; "
                    "import pathlib; g = m['measure'].__globals__; g['ROOT'] = pathlib.Path(sys.argv[3]); "
                    "print(json.dumps(m['measure'](int(sys.argv[4]))))")
            env = {**os.environ, "PYTHONPATH": str(packages)}
            result = subprocess.run([sys.executable, "-c", code, str(packages), __file__, str(tree), str(rounds)],
                                    check=True, capture_output=True, text=True, env=env, cwd=str(tree))
            return json.loads(result.stdout.strip().splitlines()[-1])
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)


def total(screens: dict, after_page: bool = True) -> dict:
    rows = [v for k, v in screens.items() if not (after_page and "page" in k)]
    return {f: round(sum(r[f] for r in rows), 2) for f in ("messages", "bytes", "cpu_ms")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a commit to compare with (measured in a temporary worktree)")
    parser.add_argument("--rounds", type=int, default=20, help="ballots per ballot kind (CPU: the median)")
    args = parser.parse_args()

    now = measure(args.rounds)
    base = measure_at(args.base, args.rounds) if args.base else None
    for name, screens in now.items():
        print(f"\n{name}")
        print(f"  {'screen':28s} {'messages':>9s} {'bytes':>9s} {'CPU ms':>8s}" + ("   base: msgs  bytes  CPU ms" if base else ""))
        for key, row in screens.items():
            line = f"  {key[3:]:28s} {row['messages']:9d} {row['bytes']:9d} {row['cpu_ms']:8.2f}"
            if base and key in base[name]:
                b = base[name][key]
                line += f"   {b['messages']:10d} {b['bytes']:6d} {b['cpu_ms']:7.2f}"
            print(line)
        t = total(screens)
        line = f"  {'ballot after the page':28s} {t['messages']:9.0f} {t['bytes']:9.0f} {t['cpu_ms']:8.2f}"
        if base:
            b = total(base[name])
            line += (f"   {b['messages']:10.0f} {b['bytes']:6.0f} {b['cpu_ms']:7.2f}   ratio base/now: "
                     f"messages {b['messages'] / t['messages']:.2f}×, bytes {b['bytes'] / t['bytes']:.2f}×, "
                     f"CPU {b['cpu_ms'] / t['cpu_ms']:.2f}×")
        print(line)


if __name__ == "__main__":
    main()
