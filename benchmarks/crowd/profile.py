"""Where the residents' server spends its main thread at the peak: py-spy on the Voilà process.

``--profile-server`` starts ``py-spy record --nonblocking`` on the server for the ramp (the peak
arrivals) and summarises the raw stacks of the event-loop thread: the share of busy samples
in which each function is on the stack. Nonblocking: py-spy does not pause the server (a
blocking py-spy at 50 Hz cost 25 s of CPU in a 75 s ramp of 250 arrivals and fell 30 s behind).
py-spy (MIT) is optional; without it the option says so and the crowd runs unprofiled.
"""

from __future__ import annotations

import collections
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Frames every busy sample of the event loop has: leaving them out leaves the work itself.
LOOP_FRAMES = ("_run_module_as_main", "_run_code", "<module>", "main", "launch_instance", ".start",
               "Voila.listen", "run_forever", "_run_once", "Handle._run")


def py_spy() -> str | None:
    here = Path(sys.executable).with_name("py-spy")
    return str(here) if here.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, out: Path, rate: int = 20) -> subprocess.Popen | None:
    exe = py_spy()
    if exe is None:
        print("  --profile-server: py-spy not found (pip install py-spy); the crowd runs unprofiled", flush=True)
        return None
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--duration", str(max(1, round(seconds))),
                             "--rate", str(rate), "--nonblocking", "--format", "raw", "-o", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_cpu_seconds(process: subprocess.Popen) -> float:
    """Wait for py-spy to finish; its user + system CPU seconds (from the kernel's own account)."""
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime


def summarise(raw: str, top: int = 15) -> dict:
    """Busy samples of the main (event-loop) thread, and the functions most often on their stack."""
    busy = 0
    inclusive: collections.Counter[str] = collections.Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit() or not stack.startswith("_run_module_as_main"):
            continue  # other threads: jupyter_client's heartbeat threads mostly wait
        n = int(count)
        busy += n
        seen = set()
        for frame in stack.split(";"):
            name = frame.split(" (")[0]
            where = frame.rpartition("(")[2].split(":")[0]
            key = f"{name} ({where})"
            if key in seen or any(mark in name for mark in LOOP_FRAMES):
                continue
            seen.add(key)
            inclusive[key] += n
    return {"busy_samples": busy,
            "top": [(key, round(n / busy, 3)) for key, n in inclusive.most_common(top)] if busy else []}
