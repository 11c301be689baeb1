"""Waiting until a server we started answers: one loop for Voilà, the console and nginx."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from collections.abc import Callable


def wait_for_http(url: str, process, *, timeout: float, what: str, ok_below: int = 300,
                  log: Callable[[], str] = lambda: "") -> None:
    """Poll ``url`` until it answers with a status below ``ok_below``.

    Raises RuntimeError when ``process`` exits first and TimeoutError after ``timeout``
    seconds; both messages name ``what`` and end with the tail of ``log()``.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
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
