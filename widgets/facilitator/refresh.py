"""Refreshing a panel every few seconds, in Voilà and JupyterLab alike (an asyncio task in the kernel)."""

from __future__ import annotations

import asyncio


class AutoRefresh:
    """Mixed into a widget with an ``interval`` (seconds): :meth:`start`, :meth:`stop`.

    Each round calls :meth:`refresh_once`; an exception there (a hiccup of the database) is
    handed to :meth:`refresh_failed` and the rounds go on: a projector must not stop.
    """

    _task: asyncio.Task | None = None

    def refresh_once(self) -> None:
        raise NotImplementedError

    def refresh_failed(self, exc: Exception) -> None:
        raise NotImplementedError

    def start(self) -> None:
        """Refresh every ``interval`` seconds until :meth:`stop` (or the kernel ends)."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._loop())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self.refresh_once()
            except Exception as exc:  # noqa: BLE001 - shown on the panel, the rounds go on
                self.refresh_failed(exc)
