"""Run inside every resident kernel as it starts (from the residents' own IPython profile).

* The kernel dies with its Voilà (``PR_SET_PDEATHSIG``): a residents' server killed with
  ``kill -9`` left its kernels running, each holding ~47 MB, until somebody noticed.
* A memory limit (``RLIMIT_DATA``, ``WERKBOEK_KERNEL_MEMORY_MB``): a kernel renders one
  ballot in ~47 MB RSS; a page that finds a way to make its kernel grow hits the limit and
  gets a ``MemoryError`` (or loses its kernel) long before it takes the laptop's memory
  from everybody else. ``RLIMIT_DATA`` counts what a process writes to (heap, anonymous
  maps, thread stacks), not the shared libraries it maps, so the limit reads as memory.
* Nothing the kernel logs or prints reaches the page: an exception in a widget's message
  handler or callback (ipywidgets calls IPython's ``showtraceback``) is sent to the page as
  an ``error`` message with its whole traceback; in a resident kernel it goes to the
  server's log instead, and the page gets only the exception's name (Voilà still learns
  that a cell failed). The widget comm layer logs a failed
  message with its traceback through the ``Comm`` logger, which, with no handler of its
  own, fell back to ``sys.stderr`` — in a kernel that is the page's output stream. The
  traceback (source paths included) went to whoever sent a malformed widget message.
  Those logs, and Python warnings, now go to the server's log: the kernel's real stderr,
  which ipykernel leaves alone because the profile also sets
  ``IPKernelApp.capture_fd_output = False`` (by default it forwards fd 2 to the page too).
* Below the server in the CPU queue, when asked (``WERKBOEK_KERNEL_NICE``, ``SERVING.kernel_nice``;
  default 0, not lowered): every message of
  every resident goes through the one residents' server, so when 250 kernels want the two cores
  at once, a kernel that waits costs its own resident a little, a server that waits costs
  everybody. jupyter_client starts each kernel in a session of its own, and with Linux's
  autogroup scheduling (on by default on desktop kernels) a session is a scheduling group of
  its own: the CPU is shared between *groups*, so the server got one share among as many as
  there were busy kernels, and a plain ``os.nice`` does nothing across groups (measured: a
  server-like process beside 8 busy processes in their own sessions was 10 ms late at p50
  with the busy ones at nice +10, 2 ms with their autogroup at +10). So the kernel lowers both:
  its autogroup's nice (``/proc/self/autogroup``, its own session's group) and its own nice
  (which counts where the kernels share a group or a cgroup with the server, e.g. under
  systemd). Lowering one's own priority needs no privilege. Not the default: at 250 residents a
  minute +5 gave p95 submit 122–243 ms against 222 ms at 0, and a worse p99 in two of four runs
  (``benchmarks/crowd/RESULTS.md``, round 9): the kernels' own work waits longer, and every
  resident waits for a kernel too. Kept as a setting for larger rooms and other machines.
* No debugger (issue 17): ipykernel builds its debugger in every kernel whose Python can
  import ``debugpy``, and importing it loads pydevd (about 100 modules, ~7.5 MB of each
  kernel's 54 MB; the residents' server has 250 of them). Nobody debugs a ballot, and a
  resident kernel refuses code from the browser anyway; the profile runs this before the
  kernel is built, so ``debugpy`` is marked as absent and ipykernel goes without (it then
  no longer advertises the ``debugger`` feature).
"""

from __future__ import annotations

import logging
import os
import re
import resource
import signal
import sys

from werkboek.settings import KERNEL_MEMORY_ENV as MEMORY_ENV  # noqa: E402
from werkboek.settings import KERNEL_NICE_ENV as NICE_ENV  # noqa: E402

AUTOGROUP = "/proc/self/autogroup"


def limit_memory(megabytes: int) -> None:
    if megabytes <= 0:
        return
    limit = megabytes * 2**20
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def yield_to_the_server(nice: int, autogroup: str = AUTOGROUP) -> None:
    """Lower this process's CPU priority by ``nice`` (0–19), and its session's autogroup to the same."""
    if nice <= 0:
        return
    nice = min(19, nice)
    try:
        os.setpriority(os.PRIO_PROCESS, 0, max(nice, os.getpriority(os.PRIO_PROCESS, 0)))
    except OSError:
        pass
    if os.getsid(0) != os.getpid():  # not the leader of its own session: the group is the server's too
        return
    try:
        with open(autogroup, "w") as group:
            group.write(str(nice))
    except OSError:  # no autogroup scheduling (another OS, a kernel without it): os.nice is what counts
        pass


def route_logs_to_server() -> None:
    handler = logging.StreamHandler(sys.__stderr__)
    handler.setFormatter(logging.Formatter("[kernel %(process)d] %(name)s %(levelname)s %(message)s"))
    logging.captureWarnings(True)
    for name in ("Comm", "ipywidgets", "traitlets", "py.warnings", "werkboek.resident_kernel"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.propagate = False
    logging.lastResort = handler  # anything else that logs without a handler: the server's log too


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def keep_tracebacks_in_the_log() -> None:
    from ipykernel.zmqshell import ZMQInteractiveShell

    send = ZMQInteractiveShell._showtraceback
    if getattr(send, "werkboek_quiet", False):
        return
    log = logging.getLogger("werkboek.resident_kernel")

    def _showtraceback(self, etype, evalue, stb):
        log.error("%s", _ANSI.sub("", "\n".join(stb or [])) or f"{etype.__name__}: {evalue}")
        return send(self, etype, "", [])

    _showtraceback.werkboek_quiet = True
    ZMQInteractiveShell._showtraceback = _showtraceback


def keep_the_debugger_out() -> bool:
    """Mark ``debugpy`` as absent for this kernel; False when it is too late (ipykernel already has it)."""
    if "ipykernel.debugger" in sys.modules:
        logging.getLogger("werkboek.resident_kernel").warning("debugpy was loaded before the residents' profile ran")
        return False
    sys.modules.setdefault("debugpy", None)  # ``import debugpy`` now raises ImportError: no debugger
    return True


def harden() -> None:
    from werkboek.serving.lifeline import die_with_parent

    keep_the_debugger_out()
    die_with_parent(signal.SIGTERM, os.getppid())  # a kernel never outlives its Voilà (no orphans after a kill -9)
    limit_memory(int(os.environ.get(MEMORY_ENV) or 0))
    yield_to_the_server(int(os.environ.get(NICE_ENV) or 0))
    route_logs_to_server()
    keep_tracebacks_in_the_log()
