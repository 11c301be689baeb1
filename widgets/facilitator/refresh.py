"""Refreshing a panel every few seconds, in Voilà and JupyterLab alike (an asyncio task in the kernel)."""

from __future__ import annotations

import asyncio


def _loop_for_tasks() -> asyncio.AbstractEventLoop:
    """The kernel's running loop; outside a kernel (a test, a script) the thread's loop, made if need be."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        return asyncio.get_event_loop()
    except RuntimeError:  # asyncio.run() elsewhere left this thread without one
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop


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
            self._task = _loop_for_tasks().create_task(self._loop())

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
