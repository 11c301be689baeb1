"""The kernels a residents' server runs, seen from outside (as psutil processes)."""

from __future__ import annotations

import re
import time

import psutil

_CONNECTION_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernel_processes(server) -> dict[str, psutil.Process]:
    """The server's live kernels by kernel id (taken from their connection file's name)."""
    out = {}
    try:
        children = psutil.Process(server.process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return out
    for child in children:
        try:
            cmdline = child.cmdline()
            if child.status() == psutil.STATUS_ZOMBIE or not any("ipykernel" in p for p in cmdline):
                continue
        except psutil.Error:
            continue
        found = next((m.group(1) for part in cmdline if (m := _CONNECTION_FILE.search(part))), None)
        if found:
            out[found] = child
    return out


def kernel_pids(server) -> set[int]:
    return {p.pid for p in kernel_processes(server).values()}


def kernel_rss(server):
    """A function: kernel id → its resident memory in bytes (None when it is gone)."""
    def rss(kernel_id: str) -> int | None:
        process = kernel_processes(server).get(kernel_id)
        try:
            return process.memory_info().rss if process else None
        except psutil.Error:
            return None
    return rss


def wait_for(condition, timeout: float, what: str) -> float:
    """Poll until ``condition()``; returns the seconds it took."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if condition():
            return time.monotonic() - start
        time.sleep(0.25)
    raise AssertionError(f"{what}: not within {timeout:.0f} s")
