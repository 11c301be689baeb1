"""``werkboek workshop`` started as a user starts it, for the browser tests of a whole evening."""

from __future__ import annotations

import contextlib
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from werkboek.serving.process import free_port

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningWorkshop:
    proc: subprocess.Popen
    output: str  # what it printed up to READY
    urls: dict[str, str]  # Bewoners, Begeleider, Beamer
    ports: tuple[int, int]  # residents', console's


def read_until_ready(proc: subprocess.Popen, within: float) -> str:
    """What ``proc`` printed up to the line READY; fails with that output when READY has not come within ``within`` s.

    Read by a thread: a plain ``for line in proc.stdout`` waits for ever on a process that hangs
    without a word, and the test would then hang instead of failing with what was printed.
    """
    lines: queue.Queue = queue.Queue()

    def pump():
        for line in proc.stdout:
            lines.put(line)
            if line.strip() == "READY":
                return
        lines.put(None)  # the process closed its output (it ended)

    threading.Thread(target=pump, daemon=True, name="read-until-ready").start()
    seen, deadline = [], time.monotonic() + within
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
        if line.strip() == "READY":
            return "".join(seen)
    output = "".join(seen)
    raise AssertionError(f"no READY within {within:.0f} s (exit code {proc.poll()}):\n{output}")


@contextlib.contextmanager
def running_workshop_command(home: Path, *extra: str, ready_within: float = 120):
    """Run ``python -m werkboek workshop`` on loopback with WERKBOEK_HOME=home until READY; stop it after."""
    env = dict(os.environ, WERKBOEK_HOME=str(home))
    env.pop("WERKBOEK_DATABASE_URL", None)
    port, console_port = free_port(), free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "werkboek", "workshop", "--ip", "127.0.0.1", "--port", str(port),
         "--console-port", str(console_port), "--pool-size", "1", "--no-qr", *extra],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        output = read_until_ready(proc, ready_within)
        urls = dict(re.findall(r"^\s+(Bewoners|Begeleider|Beamer)[^:]*:\s+(\S+)", output, re.M))
        yield RunningWorkshop(proc, output, urls, (port, console_port))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
