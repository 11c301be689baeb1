"""``werkboek workshop`` started as a user starts it, for the browser tests of a whole evening."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
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
        lines = []
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            lines.append(line)
            if line.strip() == "READY":
                break
        output = "".join(lines)
        assert "READY" in output, output
        urls = dict(re.findall(r"^\s+(Bewoners|Begeleider|Beamer)[^:]*:\s+(\S+)", output, re.M))
        yield RunningWorkshop(proc, output, urls, (port, console_port))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            proc.wait(30)
