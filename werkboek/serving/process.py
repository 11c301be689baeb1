"""Starting, watching and stopping the processes of an evening: one toolkit for all of them.

The residents' servers, the console, the store service and nginx are each started with
:func:`spawn` (a session of their own, output appended to a log, the project as working
folder), waited for with :func:`wait_for_http`, and stopped with :func:`stop_process`
(SIGTERM, a grace period, then SIGKILL for the process and what it started). Addresses:
:func:`local_host` turns "listen everywhere" (``0.0.0.0``) into the loopback address a
program on this laptop uses to reach it; :func:`free_port` finds a port nobody uses.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path

from werkboek.settings import PROJECT_ROOT

LOOPBACK = "127.0.0.1"
EVERYWHERE = ("0.0.0.0", "", "::")


def local_host(ip: str) -> str:
    """The address to reach a server listening on ``ip`` from this laptop (``0.0.0.0`` → ``127.0.0.1``)."""
    return LOOPBACK if ip in EVERYWHERE else ip


def free_port(ip: str = LOOPBACK) -> int:
    with socket.socket() as s:
        s.bind((local_host(ip), 0))
        return s.getsockname()[1]


def spawn(argv: list[str], *, log_path: Path | str, env: dict | None = None,
          cwd: Path | str = PROJECT_ROOT) -> subprocess.Popen:
    """Start ``argv`` in a session of its own (its children can be stopped with it), output appended to ``log_path``."""
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(cwd),
                                start_new_session=True)


def descendants(process: subprocess.Popen) -> list:
    """The processes ``process`` started (kernels, workers), collected before it is asked to stop."""
    import psutil

    with contextlib.suppress(psutil.Error):
        return psutil.Process(process.pid).children(recursive=True)
    return []


def stop_process(process: subprocess.Popen, *, grace: float = 10.0, also: Iterable = (),
                 signal_first: int = signal.SIGTERM) -> None:
    """Ask ``process`` to stop, wait ``grace`` seconds, then kill its session and whatever is left of ``also``.

    ``also``: processes it started (:func:`descendants`, taken *before* this call) that must
    not outlive it even when they run in sessions of their own (Voilà's kernels do).
    """
    import psutil

    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal_first)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: what is left of it
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(2)
    if process.poll() is None:
        process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(2)
    for child in also:
        with contextlib.suppress(psutil.Error):
            child.kill()


def wait_for_http(url: str, process, *, timeout: float, what: str, ok_below: int = 300,
                  log: Callable[[], str] = lambda: "") -> None:
    """Poll ``url`` until it answers with a status below ``ok_below``.

    Raises RuntimeError when ``process`` exits first and TimeoutError after ``timeout``
    seconds; both messages name ``what`` and end with the tail of ``log()``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} stopped (exit {process.returncode}):\n{log()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < ok_below:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < ok_below:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not answer within {timeout:.0f} s:\n{log()[-3000:]}")


def read_log(path: Path | str) -> str:
    path = Path(path)
    return path.read_text(errors="replace") if path.exists() else ""
