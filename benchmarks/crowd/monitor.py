"""Kernels alive and server memory over time, from outside: psutil on the Voilà process tree.

Standalone Voilà 0.5 exposes ``/api/kernels/<id>`` but no list of kernels (there is no
``GET /api/kernels``), so kernels are counted as the ``ipykernel`` processes below the server.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field

import psutil

MB = 1024 * 1024


def server_pid_on(port: int) -> int | None:
    """The pid of the process listening on ``port`` on this machine (our own processes only)."""
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr and conn.laddr.port == port and conn.pid:
            return conn.pid
    return None


_KERNEL: dict[tuple[int, float], bool] = {}  # (pid, start time) -> is a kernel: a command line does not change


def is_kernel(process: psutil.Process) -> bool:
    """Read once per process (~260 of them every 2 s in a crowd: the generator's own CPU)."""
    try:
        key = (process.pid, process.create_time())
        if key not in _KERNEL:
            _KERNEL[key] = any("ipykernel" in part for part in process.cmdline())
        return _KERNEL[key]
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


@dataclass
class Sample:
    t: float  # seconds since the crowd started
    kernels: int
    server_rss_mb: float  # the Voilà process itself
    tree_rss_mb: float  # Voilà + all its kernels (+ the store service)
    kernel_rss_max_mb: float
    kernel_rss_median_mb: float
    cpu_percent: float  # the whole tree since the previous sample, summed over cores (200 % = both cores)
    cpu_seconds: float = 0.0  # user + system CPU time of the processes alive now, since they started
    # Where the CPU went, cumulative since the monitor started (seconds): the Voilà process, its
    # kernels, the store service, this generator, and everything else on the machine (other work:
    # a busy machine shows up here instead of silently slowing the residents).
    cpu_parts: dict = field(default_factory=dict)


PARTS = ("server", "kernels", "store", "generator", "other")


class CpuAccount:
    """CPU seconds per part, summed over processes that come and go (a kernel that ends between two
    samples loses only its last interval, instead of all its time as a sum over live processes would)."""

    def __init__(self) -> None:
        self.last: dict[int, float] = {}
        self.totals = dict.fromkeys(PARTS, 0.0)
        self.me = psutil.Process()
        self.machine0 = self._machine()
        self.me0 = self._cpu(self.me)

    @staticmethod
    def _machine() -> float:
        t = psutil.cpu_times()
        return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)

    @staticmethod
    def _cpu(process: psutil.Process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    def add(self, process: psutil.Process, part: str, seconds: float) -> None:
        before = self.last.get(process.pid)
        self.last[process.pid] = seconds
        self.totals[part] += seconds - before if before is not None else 0.0

    def parts(self) -> dict[str, float]:
        self.totals["generator"] = self._cpu(self.me) - self.me0
        known = sum(v for k, v in self.totals.items() if k != "other")
        self.totals["other"] = max(0.0, self._machine() - self.machine0 - known)
        return {k: round(v, 1) for k, v in self.totals.items()}


def sample(server: psutil.Process, t: float, previous: "Sample | None" = None,
           also: tuple[psutil.Process, ...] = (), account: CpuAccount | None = None) -> Sample:
    """``also``: processes outside Voilà's tree that serve the residents too (the store service).
    ``account``: where to add each process's CPU time by part (see :class:`CpuAccount`)."""
    try:
        processes = [server] + server.children(recursive=True) + list(also)
    except psutil.NoSuchProcess:
        return Sample(t, 0, 0.0, 0.0, 0.0, 0.0, 0.0)
    kernel_rss, total, server_rss, cpu_seconds = [], 0, 0, 0.0
    for process in processes:
        try:
            rss = process.memory_info().rss
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        cpu_seconds += times.user + times.system
        kernel = process.pid != server.pid and is_kernel(process)
        if account is not None:
            part = ("server" if process.pid == server.pid else "store" if process in also
                    else "kernels" if kernel else "server")
            account.add(process, part, times.user + times.system)
        total += rss
        if process.pid == server.pid:
            server_rss = rss
        elif kernel:
            kernel_rss.append(rss)
    cpu_percent = 0.0
    if previous is not None and t > previous.t:
        # kernels that ended since take their CPU time with them: clamp at 0
        cpu_percent = max(0.0, 100 * (cpu_seconds - previous.cpu_seconds) / (t - previous.t))
    return Sample(round(t, 1), len(kernel_rss), round(server_rss / MB, 1), round(total / MB, 1),
                  round(max(kernel_rss, default=0) / MB, 1),
                  round(statistics.median(kernel_rss) / MB, 1) if kernel_rss else 0.0, round(cpu_percent, 1),
                  round(cpu_seconds, 1), account.parts() if account is not None else {})


@dataclass
class Monitor:
    """Samples every ``interval`` seconds until stopped (or ``max_seconds``, whichever is first)."""

    pid: int
    t0: float
    interval: float = 2.0
    max_seconds: float = 4 * 3600
    min_available_mb: float = 4096  # below this much free memory on the machine: stop the crowd
    also_pids: tuple[int, ...] = ()  # counted with the tree: the store service
    samples: list[Sample] = field(default_factory=list)
    abort: asyncio.Event = field(default_factory=asyncio.Event)
    abort_reason: str = ""
    profiler_cpu_s: float | None = None  # py-spy's own CPU when --profile-server (under "other")
    # the generator's own event loop: (t, seconds late) of a 50 ms tick, so that a slow answer
    # can be told from a generator that read it late
    loop_lag: list[tuple[float, float]] = field(default_factory=list)

    async def watch_loop(self, stop: asyncio.Event, tick: float = 0.05) -> None:
        while not stop.is_set():
            before = time.monotonic()
            await asyncio.sleep(tick)
            now = time.monotonic()
            self.loop_lag.append((before - self.t0, max(0.0, now - before - tick)))

    def lag_between(self, start: float, end: float) -> float:
        """The generator's longest lateness (s) in [start, end] (times since t0)."""
        return max((lag for t, lag in self.loop_lag if start - 0.05 <= t <= end), default=0.0)

    async def run(self, stop: asyncio.Event) -> None:
        server = psutil.Process(self.pid)
        also = tuple(psutil.Process(pid) for pid in self.also_pids)
        account = CpuAccount()
        deadline = time.monotonic() + self.max_seconds
        while not stop.is_set() and time.monotonic() < deadline:
            self.samples.append(await asyncio.to_thread(sample, server, time.monotonic() - self.t0, self._last(),
                                                        also, account))
            available = psutil.virtual_memory().available / MB
            if available < self.min_available_mb and not self.abort.is_set():
                # the machine is shared: stop before the kernels push it into swap or the OOM killer
                self.abort_reason = (f"only {available:.0f} MB of memory left on the machine at "
                                     f"{self.samples[-1].t:.0f} s ({self.samples[-1].kernels} kernels)")
                self.abort.set()
            try:
                await asyncio.wait_for(stop.wait(), self.interval)
            except asyncio.TimeoutError:
                pass
        self.samples.append(sample(server, time.monotonic() - self.t0, self._last(), also, account))

    def _last(self) -> Sample | None:
        return self.samples[-1] if self.samples else None
