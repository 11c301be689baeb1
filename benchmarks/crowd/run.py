"""Play a crowd of residents against the residents' Voilà server, at the protocol level.

    .venv/bin/python -m benchmarks.crowd.run --residents 150 --ramp 60 --pool 12
    .venv/bin/python -m benchmarks.crowd.run --residents 300 --ramp 60 --peak 150 --spread 600 \\
        --url http://127.0.0.1:8866/ --database-url sqlite:////path/werkboek.sqlite

Without ``--url`` it starts its own resident server (``--pool`` preheated kernels) on a fresh
SQLite database (or ``--database-url``). ``--peak`` residents arrive within ``--ramp``
seconds, the rest spread over ``--spread`` seconds after that. Every resident has a
behaviour (``--mix``): normal, reload halfway, wifi drop + reconnect, leave without closing.
Afterwards it checks every acknowledged ballot is in the store exactly once, prints a
report and writes JSON (``--json``). Traffic goes to 127.0.0.1/localhost only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import resource
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from . import profile
from .crosscheck import cross_check
from .monitor import Monitor, server_pid_on
from .resident import BEHAVIOURS, Resident
from .stats import percentiles

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
# the parts of "ready" (benchmarks/crowd/resident.py, Outcome.ready_parts)
READY_PARTS = ("page (GET)", "websocket", "widget state")
# the parts of "submit" (Outcome.submit_parts)
SUBMIT_PARTS = ("to the kernel", "in the kernel", "back to phone")
TARGETS = {"ready_p95_s": 3.0, "submit_p95_ms": 300.0, "kernel_rss_mb": 65.0, "tree_rss_mb": 16 * 1024.0,
           "kernels_freed_s": 300.0}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.crowd.run", description=__doc__.splitlines()[0])
    p.add_argument("--residents", type=int, default=20, help="residents in the whole run (default 20)")
    p.add_argument("--peak", type=int, default=None, help="how many of them arrive within --ramp (default: all)")
    p.add_argument("--ramp", type=float, default=20.0, help="seconds in which the peak arrives (default 20)")
    p.add_argument("--spread", type=float, default=0.0, help="seconds over which the others arrive after the ramp")
    p.add_argument("--think", default="1,4", help="think time between actions, min,max seconds (default 1,4)")
    p.add_argument("--mix", default="normal=0.7,reload=0.1,drop=0.1,leave=0.1",
                   help="behaviour shares (normal, reload, drop, leave)")
    p.add_argument("--url", help="a running resident server (127.0.0.1/localhost only); default: start one")
    p.add_argument("--database-url", help="the store the server uses (default: a fresh SQLite file)")
    p.add_argument("--server-pid", type=int, help="pid of the running server (default: who listens on the port)")
    p.add_argument("--pool", type=int, default=8, help="preheated kernels when starting a server (default 8)")
    p.add_argument("--fill-delay", type=float, default=5.0,
                   help="seconds before a used preheated kernel is replaced (own server; default 5)")
    p.add_argument("--kernel-nice", type=int, default=None,
                   help="how far resident kernels lower their CPU priority (own server; default the product's)")
    p.add_argument("--cull-idle", type=int, default=1800, help="cull idle kernels after s (own server; default 1800)")
    p.add_argument("--server-arg", action="append", default=[], metavar="ARG",
                   help="extra Voilà argument for the own server (repeatable), e.g. "
                        "--server-arg=--Voila.tornado_settings={'disable_check_xsrf':True}")
    p.add_argument("--linger", type=float, default=0.0, help="after the crowd, keep watching the kernels this long (s)")
    p.add_argument("--check-departed", type=float, default=0.0, metavar="S",
                   help="S seconds after the last resident finished, ask the server for every resident's "
                        "kernel: all must be gone (the target is 300; default 0: do not check)")
    p.add_argument("--acties", default="leren:3,wonen:3,veiligheid:2", help="ballot: leefgebied:count,…")
    p.add_argument("--points", type=int, default=3, help="stippen per leefgebied (default 3)")
    p.add_argument("--timeout", type=float, default=60.0, help="longest wait for any one server answer (s)")
    p.add_argument("--min-free-mb", type=float, default=4096,
                   help="stop the crowd when the machine has less memory available (default 4096)")
    p.add_argument("--watch-server-loop", action="store_true",
                   help="own server: record where its event loop is held up ≥ 100 ms (loopwatch/sitecustomize.py)")
    p.add_argument("--profile-server", action="store_true",
                   help="py-spy (nonblocking, 20 Hz) on the server during the ramp; top functions in the results")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--json", default="crowd-results.json", help="where to write the results (default ./crowd-results.json)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    args.think = tuple(float(x) for x in args.think.split(","))
    args.mix = {k: float(v) for k, v in (part.split("=") for part in args.mix.split(","))}
    if set(args.mix) - set(BEHAVIOURS):
        p.error(f"--mix: behaviours are {', '.join(BEHAVIOURS)}")
    args.peak = args.residents if args.peak is None else min(args.peak, args.residents)
    if args.url and urlparse(args.url).hostname not in LOCAL_HOSTS:
        p.error("--url: only 127.0.0.1 or localhost")
    if args.url and not args.database_url:
        p.error("--url needs --database-url (the crowd's workshop and codes go there, and the cross-check reads it)")
    return args


# -- the evening's setup ----------------------------------------------------------------

def prepare(store, catalogue, args, run_id: str):
    """A workshop with ``punten`` on the chosen acties, open, with one code per resident."""
    acties = []
    for part in args.acties.split(","):
        lg, count = part.split(":")
        acties += [a.id for a in catalogue.acties_in(lg)[:int(count)]]
    ws = store.create_workshop(f"Crowd {run_id}", method="punten", method_params={"points": args.points},
                               acties=acties, kind="conference", location="bench")
    store.open_voting(ws.id)
    codes = [c.code for c in store.create_codes(ws.id, args.residents)]
    titles = {catalogue.acties[a].titel: a for a in acties}
    if len(titles) != len(acties):
        raise SystemExit("two acties on this ballot share a title; the resident could not tell them apart")
    return ws, codes, titles


def arrivals(args, rng: random.Random) -> list[float]:
    peak = sorted(rng.uniform(0, args.ramp) for _ in range(args.peak))
    rest = sorted(args.ramp + rng.uniform(0, args.spread) for _ in range(args.residents - args.peak))
    return peak + rest


def behaviours(args, rng: random.Random) -> list[str]:
    names, weights = zip(*args.mix.items())
    return [rng.choices(names, weights)[0] for _ in range(args.residents)]


@contextlib.contextmanager
def own_server(args, database_url: str, home: Path):
    """Start the residents' server like ``werkboek.serving.residents.running_resident_server``
    (with its store service), with the culling period of ``--cull-idle``."""
    from werkboek.serving.process import free_port, spawn
    from werkboek.serving.residents import ResidentServer, resident_server_command, stop, wait_until_ready
    from werkboek.store_service.process import start_store_service, stop_store_service

    port = free_port()
    service = start_store_service(database_url, log_path=home / "store-service.log")
    argv, env = resident_server_command(port, "127.0.0.1", args.pool, jupyter_dir=home / "jupyter",
                                        database_url=database_url, home=home, cull_idle_seconds=args.cull_idle,
                                        pool_fill_delay=args.fill_delay, store_service_socket=service.socket_path,
                                        # every simulated phone comes from 127.0.0.1: no per-address budget
                                        kernels_per_address=0,
                                        **({} if args.kernel_nice is None else {"kernel_nice": args.kernel_nice}))
    if args.watch_server_loop:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LOOPWATCH), env.get("PYTHONPATH", "")]))
        env["WERKBOEK_LOOP_WATCH"] = str(Path(args.json).with_suffix(".loop.jsonl").resolve())
    log_path = home / "voila.log"
    server = ResidentServer(spawn(argv + args.server_arg, env=env, log_path=log_path), port, "127.0.0.1", log_path,
                            service)
    try:
        wait_until_ready(server, 120)
        yield server
    finally:
        stop(server)
        stop_store_service(service)


def wait_for_pool(server, pool: int, timeout: float = 900.0) -> None:
    """Until the pool's kernels have run the notebook (bounded by ``timeout``).

    Voilà logs "Kernel pool of … is filled with <pool> kernel(s)" as soon as it has *started*
    them; they then still run the notebook. So after that line, wait until the server's
    process tree is quiet (under 25 % of one core for 4 s).
    """
    import psutil

    from .monitor import sample

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and f"is filled with {pool} kernel" not in server.log():
        if server.process.poll() is not None:
            raise SystemExit(f"the resident server stopped:\n{server.log()[-2000:]}")
        time.sleep(1)
    tree = psutil.Process(server.process.pid)
    start = time.monotonic()
    previous = sample(tree, 0.0)
    while time.monotonic() < deadline:
        time.sleep(4)
        now = sample(tree, time.monotonic() - start, previous)
        if now.cpu_percent < 25:
            return
        previous = now


# -- running ------------------------------------------------------------------------------

async def play(args, base_url: str, server_pid: int, codes, titles, catalogue, log=print, also_pids=()):
    from werkboek.model.ballot import AGE_GROUPS

    rng = random.Random(args.seed)
    starts, plans = arrivals(args, rng), behaviours(args, rng)
    buurten = {b.naam: b.statcode for b in catalogue.heerlen_noord.values()}
    t0 = time.monotonic()
    monitor = Monitor(server_pid, t0, min_available_mb=args.min_free_mb, also_pids=tuple(also_pids))
    stop = asyncio.Event()
    watcher = asyncio.create_task(monitor.run(stop))
    lag_watcher = asyncio.create_task(monitor.watch_loop(stop))
    profiler = (profile.start(server_pid, args.ramp, Path(args.json).with_suffix(".pyspy.txt"))
                if args.profile_server else None)

    residents = [Resident(i, base_url, codes[i], plans[i], titles=titles, buurten=buurten,
                          age_groups={label: key for key, label in AGE_GROUPS.items()}, think=args.think, rng=random.Random(args.seed * 100003 + i),
                          t0=t0, timeout=args.timeout) for i in range(args.residents)]

    async def one(resident: Resident):
        await asyncio.sleep(max(0.0, starts[resident.outcome.index] - (time.monotonic() - t0)))
        outcome = await resident.run()
        i = outcome.index
        if not args.quiet and (i + 1) % max(1, args.residents // 10) == 0:
            log(f"  {time.monotonic() - t0:6.1f} s  resident {i + 1}/{args.residents}: {outcome.finished}")
        return outcome

    # a hard bound for the whole crowd: arrivals + enough time for everyone to finish
    bound = args.ramp + args.spread + 60 * args.think[1] + 20 * args.timeout
    tasks = [asyncio.create_task(one(r)) for r in residents]
    aborted = asyncio.create_task(monitor.abort.wait())
    try:
        everyone = asyncio.gather(*tasks, return_exceptions=True)
        finished, _ = await asyncio.wait([everyone, aborted], timeout=bound, return_when=asyncio.FIRST_COMPLETED)
        if everyone not in finished:
            log(f"  stopping the crowd: {monitor.abort_reason or f'still running after {bound:.0f} s'}")
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            for r in residents:
                if not r.outcome.finished:
                    r.outcome.finished = "stopped"
    finally:
        aborted.cancel()
        crowd_done = time.monotonic() - t0
        if args.linger > 0 and not monitor.abort.is_set():
            await linger(monitor, args.linger, t0, crowd_done)
        stop.set()
        await watcher
        await lag_watcher
    if profiler is not None:
        # py-spy's own CPU (it reads every thread of the server 20 times a second): reported, since
        # it is taken from the residents too — in the monitor's parts it falls under "other"
        monitor.profiler_cpu_s = round(await asyncio.to_thread(profile.wait_cpu_seconds, profiler), 1)
    return ([r.outcome for r in residents], monitor.samples, crowd_done, starts, monitor.abort_reason,
            monitor.profiler_cpu_s, monitor)


async def linger(monitor: Monitor, seconds: float, t0: float, crowd_done: float) -> None:
    """Keep watching until only the pool is left (or ``seconds`` pass)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(2)
        last = monitor.samples[-1] if monitor.samples else None
        if last and last.t > crowd_done and last.kernels <= monitor_baseline(monitor):
            break


def check_departed(base_url: str, outcomes, after_s: float, samples, crowd_done: float) -> dict:
    """``after_s`` after the last resident finished: which residents' kernels does the server still have?

    Voilà answers ``GET /api/kernels/<id>`` with 200 while a kernel lives and 404 once it is gone.
    Every resident's kernel must be gone by then: closed tabs, finished ballots, phones that
    walked away (culled) alike.
    """
    import urllib.error
    import urllib.request

    watched = max(0.0, samples[-1].t - crowd_done) if samples else 0.0
    time.sleep(max(0.0, after_s - watched))
    alive = []
    ids = [k for o in outcomes for k in o.kernels]
    for kernel_id in ids:
        try:
            with urllib.request.urlopen(f"{base_url.rstrip('/')}/api/kernels/{kernel_id}", timeout=30) as r:
                if r.status == 200:
                    alive.append(kernel_id)
        except urllib.error.HTTPError as exc:
            if exc.code != 404:
                alive.append(kernel_id)
    return {"after_s": after_s, "checked": len(ids), "alive": len(alive), "alive_ids": alive[:20]}


def monitor_baseline(monitor: Monitor) -> int:
    return monitor.samples[0].kernels if monitor.samples else 0


# -- the report ----------------------------------------------------------------------------

def summarise(args, outcomes, samples, crowd_done, starts, check, server_log: str = "") -> dict:
    ready_all = [r for o in outcomes for r in o.ready]
    ready_peak = [o.ready[0] for o in outcomes if o.ready and starts[o.index] <= args.ramp]
    submits = [o.submit for o in outcomes if o.submit is not None]
    submits_peak = [o.submit for o in outcomes if o.submit is not None and starts[o.index] <= args.ramp]
    errors = [e for o in outcomes for e in o.errors]
    baseline = samples[0].kernels if samples else 0
    freed_after = None
    for s in samples:
        if s.t >= crowd_done - 0.1 and s.kernels <= baseline:
            freed_after = max(0.0, round(s.t - crowd_done, 1))
            break
    watched_after = max(0.0, round(samples[-1].t - crowd_done, 1)) if samples else 0.0
    finished = {k: sum(o.finished == k for o in outcomes) for k in ("submitted", "left", "failed", "stopped")}
    tracebacks = server_log.count("Traceback (most recent call last)")
    counts = traceback_counts(server_log)
    disconnects = sum(n for tail, n in counts.items() if tail.startswith(DISCONNECT_TAILS))
    shutdowns = kernel_shutdown_tracebacks(server_log)
    summary = {
        "command": " ".join([".venv/bin/python -m benchmarks.crowd.run", *sys.argv[1:]]),
        "residents": args.residents, "peak": args.peak, "ramp_s": args.ramp, "spread_s": args.spread,
        "think_s": list(args.think), "mix": args.mix, "pool": args.pool if not args.url else None,
        "behaviours": {b: sum(o.behaviour == b for o in outcomes) for b in BEHAVIOURS},
        "finished": finished,
        "crowd_seconds": round(crowd_done, 1),
        "ready_s": percentiles(ready_all), "ready_peak_s": percentiles(ready_peak),
        "ready_parts_s": {part: percentiles([p[i] for o in outcomes for p in o.ready_parts])
                          for i, part in enumerate(READY_PARTS)},
        "submit_ms": {k: (v if k == "n" or v is None else round(v * 1000, 1)) for k, v in percentiles(submits).items()},
        "submit_peak_ms": {k: (v if k == "n" or v is None else round(v * 1000, 1))
                           for k, v in percentiles(submits_peak).items()},
        "submit_parts_ms": {part: {k: (v if k == "n" or v is None else round(v * 1000, 1))
                                   for k, v in percentiles([o.submit_parts[i] for o in outcomes
                                                            if o.submit_parts]).items()}
                            for i, part in enumerate(SUBMIT_PARTS)},
        # the ten slowest submits, split: which part makes the tail (main adds the generator's lag)
        "submit_slowest_ms": [[round(1000 * o.submit), *(round(1000 * p) for p in o.submit_parts or (0, 0, 0))]
                              for o in slowest_submits(outcomes)],
        "beacons_refused": sum(o.beacons_refused for o in outcomes),
        "page_loads": sum(o.page_loads for o in outcomes), "reconnects": sum(o.reconnects for o in outcomes),
        "errors": len(errors), "http_5xx": sum(o.http_5xx for o in outcomes),
        "error_kinds": _kinds(errors), "server_log_tracebacks": tracebacks,
        "server_log_tracebacks_disconnect": disconnects,
        "server_log_tracebacks_kernel_shutdown": shutdowns,
        "kernels_max": max((s.kernels for s in samples), default=0), "kernels_at_start": baseline,
        "kernels_at_end": samples[-1].kernels if samples else 0,
        "kernels_back_to_pool_after_s": freed_after, "watched_after_crowd_s": watched_after,
        "tree_rss_max_mb": max((s.tree_rss_mb for s in samples), default=0),
        "server_rss_max_mb": max((s.server_rss_mb for s in samples), default=0),
        "kernel_rss_max_mb": max((s.kernel_rss_max_mb for s in samples), default=0),
        "kernel_rss_median_mb": max((s.kernel_rss_median_mb for s in samples), default=0),
        "cross_check": dataclasses.asdict(check) | {"ok": check.ok},
        "timeline": [dataclasses.asdict(s) for s in samples],
        "outcomes": [dataclasses.asdict(o) for o in outcomes],
    }
    summary["cpu_parts_ramp_s"] = cpu_between(samples, 0.0, args.ramp)
    summary["cpu_parts_crowd_s"] = cpu_between(samples, 0.0, crowd_done)
    summary["targets"] = verdicts(summary)
    return summary


LOOPWATCH = Path(__file__).parent / "loopwatch"


def loop_blocks(path: Path, since: float, top: int = 8) -> dict:
    """The server's event-loop blocks (≥ 100 ms) recorded by loopwatch after ``since`` (epoch s):
    how many, how long, and the places the main thread was found in during them (the innermost
    frame outside asyncio/tornado, each block counted once per place)."""
    import collections
    import json as _json

    blocks = [b for b in (_json.loads(line) for line in path.read_text().splitlines() if line.strip())
              if b["t"] >= since and not _idle_in_another_loop(b)]
    places: collections.Counter = collections.Counter()
    for block in blocks:
        seen = set()
        for stack in block["stacks"]:
            inner = [f for f in stack if not f.startswith(("asyncio/", "tornado/", "threading.py", "selectors.py"))
                     and "/asyncio/" not in f]
            if inner:
                seen.add(inner[-1])
        places.update(seen)
    return {"n": len(blocks), "ms": percentiles([b["ms"] for b in blocks]),
            "total_s": round(sum(b["ms"] for b in blocks) / 1000, 1),
            "places": places.most_common(top), "longest": sorted(blocks, key=lambda b: -b["ms"])[:5]}


def _idle_in_another_loop(block: dict) -> bool:
    """A "block" seen while the server stops: its loop waits in ``select`` inside Voilà's ``stop``
    (run_until_complete of a new loop), where the watched loop's tick no longer runs."""
    return all(stack and "select" in stack[-1] and any("voila/app.py" in f and " stop" in f for f in stack)
               for stack in block["stacks"])


def slowest_submits(outcomes, n: int = 10):
    return sorted((o for o in outcomes if o.submit is not None), key=lambda o: -o.submit)[:n]


def cpu_between(samples, start: float, end: float) -> dict[str, float]:
    """CPU seconds per part (server, kernels, store, generator, other) between two moments of the
    run, from the monitor's cumulative accounts (the samples nearest inside the window)."""
    inside = [s for s in samples if start - 0.1 <= s.t <= end + 0.1 and s.cpu_parts]
    if len(inside) < 2:
        return {}
    first, last = inside[0].cpu_parts, inside[-1].cpu_parts
    parts = {k: round(last.get(k, 0.0) - first.get(k, 0.0), 1) for k in last}
    parts["wall_s"] = round(inside[-1].t - inside[0].t, 1)
    return parts


# Tracebacks jupyter_server logs when a kernel message arrives for a websocket the phone has just
# closed (a reload, a tab closed, wifi gone): nothing failed for anyone. They are counted and
# reported apart; every other traceback counts as a server error.
DISCONNECT_TAILS = ("tornado.websocket.WebSocketClosedError", "tornado.iostream.StreamClosedError")
# A kernel told to shut down that flushes its output after the shutdown request while its I/O thread
# is closing (ipykernel 7.4's `IOPubThread.schedule` checks the thread, then sends on a pipe that
# close() may have closed in between: ENOTSOCK). Seen only under load (r10, 4 of 250 kernels);
# ipykernel PR #1518 fixed the same race for the idle status, not for this flush. Nobody is
# affected — the kernel was going away — so it is counted apart, like the disconnects.
SHUTDOWN_TAILS = ("zmq.error.ZMQError: Socket operation on non-socket",)


def kernel_shutdown_tracebacks(log: str) -> int:
    """Tracebacks of the ipykernel shutdown race (see SHUTDOWN_TAILS): that exception, raised in
    the kernel's control handler (``process_control``), not anywhere else."""
    n = 0
    for block in log.split("Traceback (most recent call last)")[1:]:
        lines = block.splitlines()[1:]
        body = [line for line in lines if line.startswith(" ") or not line.strip()]
        tail = lines[len(body)] if len(body) < len(lines) else ""
        if tail.startswith(SHUTDOWN_TAILS) and any("in process_control" in line for line in body):
            n += 1
    return n


def traceback_tails(log: str) -> list[str]:
    """The last line of every traceback in the server log (the exception), with its count."""
    return [f"{n} × {tail}" for tail, n in sorted(traceback_counts(log).items(), key=lambda kv: -kv[1])]


def traceback_counts(log: str) -> dict[str, int]:
    """How often each exception (the last line of a traceback) appears in the server log.

    A chained traceback ("During handling of the above exception…") counts once per part.
    """
    tails: dict[str, int] = {}
    lines = log.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last)"):
            j = i + 1
            while j < len(lines) and (lines[j].startswith(" ") or not lines[j].strip()):
                j += 1
            tail = lines[j][:200] if j < len(lines) else "?"
            tails[tail] = tails.get(tail, 0) + 1
    return tails


def _kinds(errors: list[str]) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for e in errors:
        key = e.split(":")[0][:60]
        kinds[key] = kinds.get(key, 0) + 1
    return kinds


def verdicts(s: dict) -> dict[str, bool | None]:
    def le(value, limit):
        return None if value is None else value <= limit

    return {
        "0 acknowledged ballots lost": s["cross_check"]["ok"],
        "0 server errors": s["http_5xx"] == 0 and s["errors"] == 0
                           and s["server_log_tracebacks"] - s.get("server_log_tracebacks_disconnect", 0)
                           - s.get("server_log_tracebacks_kernel_shutdown", 0) == 0,
        "p95 ready ≤ 3 s (peak)": le(s["ready_peak_s"]["p95"], TARGETS["ready_p95_s"]),
        "p95 submit ≤ 300 ms": le(s["submit_ms"]["p95"], TARGETS["submit_p95_ms"]),
        "kernel ≤ 65 MB RSS": le(s["kernel_rss_max_mb"], TARGETS["kernel_rss_mb"]),
        "server tree < 16 GiB": le(s["tree_rss_max_mb"], TARGETS["tree_rss_mb"]),
        "departed kernels freed ≤ 5 min": (s["departed"]["alive"] == 0 and s["departed"]["after_s"] <= TARGETS["kernels_freed_s"])
                                          if s.get("departed") else
                                          (le(s["kernels_back_to_pool_after_s"], TARGETS["kernels_freed_s"])
                                           if s["kernels_back_to_pool_after_s"] is not None
                                           else (False if s["watched_after_crowd_s"] >= TARGETS["kernels_freed_s"]
                                                 else None)),
    }


def report(s: dict) -> str:
    def row(name, p):
        return f"  {name:<26} {_f(p['n'], 0):>5} {_f(p['p50']):>8} {_f(p['p95']):>8} {_f(p['p99']):>8} {_f(p['max']):>8}"

    cc = s["cross_check"]

    def cpu(name, parts):
        if not parts:
            return f"  CPU {name}: not sampled"
        wall = parts.get("wall_s") or 0.0
        busy = {k: v for k, v in parts.items() if k != "wall_s"}
        shares = ", ".join(f"{k} {v:.0f} s ({100 * v / (2 * wall):.0f} %)" if wall else f"{k} {v:.0f} s"
                           for k, v in busy.items())
        return f"  CPU {name} ({wall:.0f} s × 2 cores): {shares}"

    lines = [
        f"Crowd: {s['residents']} residents, {s['peak']} within {s['ramp_s']:.0f} s, rest over {s['spread_s']:.0f} s; "
        f"think {s['think_s'][0]:g}–{s['think_s'][1]:g} s; pool {s['pool']}; "
        f"load average before/after {s.get('load_average_before_after')}",
        f"  behaviours {s['behaviours']}  →  finished {s['finished']}; page loads {s['page_loads']}, "
        f"reconnects {s['reconnects']}; crowd took {s['crowd_seconds']:.0f} s",
        "",
        f"  {'':<26} {'n':>5} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8}",
        row("ready ballot (s), all", s["ready_s"]),
        row("ready ballot (s), peak", s["ready_peak_s"]),
        *[row(f"  of which {part}", s["ready_parts_s"][part]) for part in READY_PARTS if "ready_parts_s" in s],
        row("submit → Bedankt (ms)", s["submit_ms"]),
        row("submit (ms), peak", s["submit_peak_ms"]),
        *[row(f"  of which {part}", s["submit_parts_ms"][part]) for part in SUBMIT_PARTS if "submit_parts_ms" in s],
        *([f"  slowest submits (ms: total, {', '.join(SUBMIT_PARTS)}, the generator's own lag): "
           f"{s['submit_slowest_ms']}"] if s.get("submit_slowest_ms") else []),
        *([f"  the generator's event loop late by (ms) p50 {s['generator_loop_lag_ms']['p50']}, "
           f"p99 {s['generator_loop_lag_ms']['p99']}, max {s['generator_loop_lag_ms']['max']}"]
          if s.get("generator_loop_lag_ms") else []),
        *([f"  the server's event loop held up ≥ 100 ms: {s['server_loop_blocks']['n']} times, "
           f"{s['server_loop_blocks']['total_s']} s in all, p50 {s['server_loop_blocks']['ms']['p50']} ms, "
           f"max {s['server_loop_blocks']['ms']['max']} ms; found in: {s['server_loop_blocks']['places']}"]
          if s.get("server_loop_blocks") else []),
        "",
        f"  errors {s['errors']} (HTTP ≥ 500: {s['http_5xx']}; tracebacks in server log: {s['server_log_tracebacks']}, "
        f"of which {s.get('server_log_tracebacks_disconnect', 0)} a message for a websocket the phone had just closed, "
        f"{s.get('server_log_tracebacks_kernel_shutdown', 0)} a kernel that was shutting down)"
        + (f"  kinds: {s['error_kinds']}" if s["error_kinds"] else ""),
        f"  shutdown beacons refused (HTTP 403): {s['beacons_refused']}",
        f"  kernels: {s['kernels_at_start']} at start, max {s['kernels_max']}, {s['kernels_at_end']} at end; "
        f"back to the pool {_f(s['kernels_back_to_pool_after_s'])} s after the crowd "
        f"(watched {s['watched_after_crowd_s']:.0f} s after it)"
        + (f"; {s['departed']['after_s']:.0f} s after the last resident, {s['departed']['alive']} of "
           f"{s['departed']['checked']} residents' kernels still alive" if s.get("departed") else ""),
        f"  memory: server tree max {s['tree_rss_max_mb']:.0f} MB (Voilà itself {s['server_rss_max_mb']:.0f} MB); "
        f"kernel RSS max {s['kernel_rss_max_mb']:.1f} MB, median {s['kernel_rss_median_mb']:.1f} MB",
        f"  store: {cc['acknowledged']} acknowledged, {cc['stored']} stored; missing {len(cc['missing'])}, "
        f"duplicated {len(cc['duplicated'])}, different {len(cc['different'])}, "
        f"stored but not acknowledged {cc['stored_not_acknowledged']}",
        cpu("in the ramp", s.get("cpu_parts_ramp_s")),
        cpu("over the crowd", s.get("cpu_parts_crowd_s")),
        "",
        "  targets:",
    ]
    for name, ok in s["targets"].items():
        lines.append(f"    {'PASS' if ok else ('n/a ' if ok is None else 'FAIL')}  {name}")
    return "\n".join(lines)


def _f(value, digits=2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


# -- main ----------------------------------------------------------------------------------

def main(argv=None) -> int:
    args = parse_args(argv)
    # stopped from outside (timeout, kill): still stop our own Voilà and its kernels
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    from werkboek.model.catalogue import catalogue as load_catalogue
    from werkboek.store import Store

    catalogue = load_catalogue()
    home = Path(tempfile.mkdtemp(prefix="werkboek-crowd-"))
    database_url = args.database_url or f"sqlite:///{home / 'werkboek.sqlite'}"
    store = Store(database_url, catalogue=catalogue)
    run_id = time.strftime("%Y%m%d-%H%M%S")
    load_before = [round(x, 1) for x in os.getloadavg()]
    ws, codes, titles = prepare(store, catalogue, args, run_id)
    server_log = ""
    with contextlib.ExitStack() as stack:
        also = []
        if args.url:
            base_url, pid = args.url, args.server_pid or server_pid_on(urlparse(args.url).port or 80)
            if pid is None:
                raise SystemExit("cannot find the server's process: give --server-pid")
        else:
            server = stack.enter_context(own_server(args, database_url, home))
            base_url, pid = server.url, server.process.pid
            also = [server.store_service.process.pid]
            wait_for_pool(server, args.pool)  # the doors open when the pool is full
        print(f"crowd of {args.residents} → {base_url} (server pid {pid}), workshop {ws.id}, {database_url}", flush=True)
        crowd_wall0 = time.time()
        outcomes, samples, crowd_done, starts, stopped, profiler_cpu, monitor = asyncio.run(
            play(args, base_url, pid, codes, titles, catalogue, log=lambda m: print(m, flush=True), also_pids=also))
        departed = check_departed(base_url, outcomes, args.check_departed, samples, crowd_done) \
            if args.check_departed > 0 else None
        if not args.url:
            server_log = server.log()
    check = cross_check(store, ws.id, outcomes)
    summary = summarise(args, outcomes, samples, crowd_done, starts, check, server_log)
    if departed is not None:  # the report below reads it
        summary["departed"] = departed
        summary["targets"] = verdicts(summary)
    summary["stopped"] = stopped
    watched = Path(args.json).with_suffix(".loop.jsonl")
    if args.watch_server_loop and watched.exists():
        summary["server_loop_blocks"] = loop_blocks(watched, crowd_wall0)
    summary["generator_loop_lag_ms"] = {k: (v if k == "n" or v is None else round(v * 1000, 1))
                                        for k, v in percentiles([lag for _t, lag in monitor.loop_lag]).items()}
    for row_ms, o in zip(summary["submit_slowest_ms"], slowest_submits(outcomes)):
        row_ms.append(round(1000 * monitor.lag_between(o.submit_at, o.submit_at + o.submit)))
    raw = Path(args.json).with_suffix(".pyspy.txt")
    if args.profile_server and raw.exists():
        summary["server_profile_ramp"] = profile.summarise(raw.read_text()) | {"py_spy_cpu_s": profiler_cpu}
    if server_log:
        log_copy = Path(args.json).with_suffix(".voila.log")
        log_copy.write_text(server_log)
        summary["server_log"] = str(log_copy)
        summary["server_log_traceback_tails"] = traceback_tails(server_log)[:5]
    summary["generator"] = {"cpu_s": round(time.process_time(), 1),
                            "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    summary["database_url"] = database_url
    summary["load_average_before_after"] = [load_before, [round(x, 1) for x in os.getloadavg()]]
    summary["workshop_id"] = ws.id
    print()
    print(report(summary))
    print(f"  the crowd generator itself: {summary['generator']['cpu_s']} s CPU, "
          f"max RSS {summary['generator']['max_rss_mb']} MB")
    for tail in summary.get("server_log_traceback_tails", []):
        print(f"  server log: {tail}")
    prof = summary.get("server_profile_ramp")
    if prof:
        print(f"  server's event loop in the ramp: {prof['busy_samples']} busy samples (20 a second; py-spy itself "
              f"took {prof.get('py_spy_cpu_s')} s CPU, counted under other); on the stack in:")
        for name, share in prof["top"]:
            print(f"    {100 * share:5.1f} %  {name}")
    if stopped:
        print(f"\n  STOPPED EARLY: {stopped}")
    Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False, default=str))
    print(f"\nresults: {args.json}")
    store.close()
    if not args.database_url:
        shutil.rmtree(home, ignore_errors=True)
    return 0 if check.ok and summary["errors"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
