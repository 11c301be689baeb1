"""Writes a resident's ballot in progress to the store, at most about once a second.

150 residents click − and + at the same time; each SQLite write costs ~10 ms (fsync). So:

* :meth:`DraftSaver.changed` (after every click) writes at once when the last write is at
  least ``min_interval`` ago; otherwise it only remembers that there is something to
  write, and — inside a running kernel — asks the event loop to write it when the interval
  is over (one timer at a time, so a burst of clicks costs one write);
* :meth:`DraftSaver.flush` (when the resident moves to another screen) writes what is
  pending, again not more often than ``min_interval``;
* :meth:`DraftSaver.forget` (after a successful submit) stops all further writes.

A failing write is logged and dropped: a draft is a convenience, never a reason to stop
someone voting.
"""

from __future__ import annotations

import logging
import time
from typing import Callable

log = logging.getLogger(__name__)


class DraftSaver:
    def __init__(self, store, code: str, make_payload: Callable[[], dict], *,
                 min_interval: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.store = store
        self.code = code
        self.make_payload = make_payload
        self.min_interval = min_interval
        self.clock = clock
        self.last_write = -float("inf")
        self.pending = False
        self.writes = 0
        self._timer = None
        self._done = False

    def changed(self) -> None:
        if self._done:
            return
        self.pending = True
        self._write_or_schedule()

    def flush(self) -> None:
        if self.pending and not self._done:
            self._write_or_schedule()

    def forget(self) -> None:
        self._done = True
        self.pending = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _write_or_schedule(self) -> None:
        wait = self.last_write + self.min_interval - self.clock()
        if wait <= 0:
            self._write()
        else:
            self._schedule(wait)

    def _schedule(self, delay: float) -> None:
        if self._timer is not None:
            return
        try:
            import asyncio

            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (tests, scripts): written at the next change or screen
        self._timer = loop.call_later(delay, self._timer_fired)

    def _timer_fired(self) -> None:
        self._timer = None
        self.flush()

    def _write(self) -> None:
        self.pending = False
        self.last_write = self.clock()
        try:
            self.store.save_draft(self.code, self.make_payload())
            self.writes += 1
        except Exception as exc:  # noqa: BLE001 - see the module docstring
            log.warning("could not save the draft of %s: %s", self.code, exc)
