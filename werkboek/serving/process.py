"""Starting, watching and stopping the processes of an evening: one toolkit for all of them.

The residents' servers, the console, the store service and nginx are each started with
:func:`spawn` (a session of their own, output appended to a log, the project as working
folder), waited for with :func:`wait_for_http`, and stopped with :func:`stop_process`
(SIGTERM, a grace period, then SIGKILL for the process and what it started). Addresses:
:func:`local_host` turns "listen everywhere" (``0.0.0.0``) into the loopback address a
program on this laptop uses to reach it; :func:`free_port` finds a port nobody uses.

A spawned process dies with the process that started it: it asks the kernel for SIGTERM
when its parent goes (``PR_SET_PDEATHSIG``, Linux), so a ``kill -9`` of ``werkboek
workshop`` no longer leaves its servers running unwatched (a plain restart then found the
old server answering its check, printed READY, and stopped). Resident kernels do the same
towards their Voilà (:mod:`werkboek.serving.resident_kernel`). Where that is not possible,
:class:`ProcessRecord` lists what an earlier run started, so the next start can stop it.
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

from werkboek.serving.lifeline import die_with_parent
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


def _child_setup(parent: int):
    def setup() -> None:
        die_with_parent(signal.SIGTERM, parent)
    return setup


def spawn(argv: list[str], *, log_path: Path | str, env: dict | None = None,
          cwd: Path | str = PROJECT_ROOT) -> subprocess.Popen:
    """Start ``argv`` in a session of its own (its children can be stopped with it), output appended to ``log_path``.

    The process gets SIGTERM when the one that started it ends, however that ends.
    """
    log_path = Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=str(cwd),
                                start_new_session=True, preexec_fn=_child_setup(os.getpid()))


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


class ProcessRecord:
    """What a run started, on disk (``<home>/run/processes.json``): pid, start time and role of each.

    A run that ended without stopping its processes (``kill -9``, a power cut of the terminal)
    leaves them listed; :meth:`leftovers` finds those still alive — the same pid *and* the same
    start time, so a pid the system gave to something else since is never touched.
    """

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def _read(self) -> list[dict]:
        import json

        try:
            entries = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return []
        return [e for e in entries if isinstance(e, dict) and isinstance(e.get("pid"), int)] \
            if isinstance(entries, list) else []

    def add(self, process: subprocess.Popen, role: str) -> None:
        import json

        import psutil

        try:
            started = psutil.Process(process.pid).create_time()
        except psutil.Error:
            return
        entries = [e for e in self._read() if e["pid"] != process.pid]
        entries.append({"pid": process.pid, "started": started, "role": role})
        from werkboek.formats.atomic import write_text_atomic

        write_text_atomic(self.path, json.dumps(entries))

    def leftovers(self) -> list[tuple[str, "object"]]:
        """(role, psutil.Process) of each listed process that still runs."""
        import psutil

        alive = []
        for entry in self._read():
            try:
                proc = psutil.Process(entry["pid"])
                if abs(proc.create_time() - float(entry.get("started", 0))) < 0.01:
                    alive.append((str(entry.get("role", "?")), proc))
            except (psutil.Error, TypeError, ValueError):
                continue
        return alive

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def stop_leftovers(record: ProcessRecord, grace: float = 10.0) -> list[str]:
    """Stop what an earlier run left running (its kernels with it); the roles that were stopped."""
    import psutil

    stopped = []
    for role, proc in record.leftovers():
        with contextlib.suppress(psutil.Error):
            children = proc.children(recursive=True)
            proc.terminate()
            _gone, alive = psutil.wait_procs([proc], timeout=grace)
            for p in alive + children:
                with contextlib.suppress(psutil.Error):
                    p.kill()
            stopped.append(f"{role} (pid {proc.pid})")
    record.clear()
    return stopped


class HomeLock:
    """One evening per ``WERKBOEK_HOME``: an exclusive lock (``flock``) on ``<home>/run/workshop.lock``.

    The lock goes with the process that holds it, however it ends (also ``kill -9``): a stale
    lock file never blocks a restart. ``holder()`` tells who holds it (the pid written in it).
    """

    def __init__(self, home: Path | str):
        from werkboek.settings import run_dir

        self.path = run_dir(Path(home)) / "workshop.lock"
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def holder(self) -> int | None:
        try:
            return int(self.path.read_text().strip() or 0) or None
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file releases the lock
            self._fd = None

    def held_elsewhere(self) -> bool:
        """Whether another process holds the lock now (this one does not take it)."""
        if self._fd is not None:
            return False
        if self.acquire():
            self.release()
            return False
        return True


def port_in_use(ip: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((local_host(ip) if ip not in EVERYWHERE else "0.0.0.0", port))
        except OSError:
            return True
    return False


def read_log(path: Path | str) -> str:
    path = Path(path)
    return path.read_text(errors="replace") if path.exists() else ""
