"""Slowing down whoever types wrong stemcodes, so codes cannot be guessed.

A workshop has a few hundred codes out of ~148 million (:mod:`werkboek.model.codes`); without a
throttle one phone tried ~9 codes a second (~40/s from several pages). :class:`CodeThrottle`
counts failed code checks per *key* — the client's address and the page, passed by the
resident kernel — within :data:`WINDOW_SECONDS`:

* the first :data:`FREE_TRIES` failures are answered at once (people mistype);
* after that each answer waits a little longer (1, 2, 4, 8 s: :meth:`delay`), which a
  resident barely notices and a guessing script cannot skip;
* from :data:`BLOCK_AFTER` failures on, a key is refused for :data:`BLOCK_SECONDS` after
  each failure without looking at the code ("Probeer het over een minuut opnieuw"): one
  guess a minute per address.

A correct code does not reset a key (a valid code of one's own must not buy new guesses);
failures simply age out of the window. The throttle lives in whatever process checks codes:
the store service (one for all resident kernels on a machine) or a Store used directly.

Written here rather than taken from a rate-limiting library: the rule is a dozen lines of
arithmetic over a dict, and the libraries (limits, slowapi) bring storage backends and
web-framework glue the store service does not use.
"""

from __future__ import annotations

import threading
import time
from collections import deque

FREE_TRIES = 3
BLOCK_AFTER = 8
WINDOW_SECONDS = 600.0
BLOCK_SECONDS = 60.0
MAX_DELAY_SECONDS = 8.0
MAX_KEYS = 100_000  # bounded memory whatever the keys


class CodeThrottle:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._failures: dict[str, deque] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque:
        failures = self._failures.get(key)
        if failures is None:
            return deque()
        while failures and now - failures[0] > WINDOW_SECONDS:
            failures.popleft()
        if not failures:
            del self._failures[key]
        return failures

    def blocked_for(self, keys) -> float:
        """Seconds before these keys may try again (0: now)."""
        now = self._clock()
        with self._lock:
            wait = 0.0
            for key in keys:
                failures = self._recent(key, now)
                if len(failures) >= BLOCK_AFTER:
                    wait = max(wait, BLOCK_SECONDS - (now - failures[-1]))
            return max(0.0, wait)

    def delay(self, keys) -> float:
        """How long to wait before answering a failed check for these keys (failures so far, this one included)."""
        now = self._clock()
        with self._lock:
            count = max((len(self._recent(k, now)) for k in keys), default=0)
        if count <= FREE_TRIES:
            return 0.0
        return min(MAX_DELAY_SECONDS, 2.0 ** (count - FREE_TRIES - 1))

    def failed(self, keys) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) > MAX_KEYS:  # a flood of made-up keys: forget the oldest half
                for key in list(self._failures)[: MAX_KEYS // 2]:
                    del self._failures[key]
            for key in keys:
                failures = self._recent(key, now)
                failures.append(now)
                self._failures[key] = failures
