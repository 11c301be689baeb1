""""Het stemmen sluit over 2 minuten": the one notice a resident sees when the facilitator closes with time to spare.

The facilitator's "Sluit over 2 minuten" gives the workshop a ``closes_at``
(:meth:`werkboek.store.Store.close_voting`). While a resident's page is open this notice asks
the store (or the store service, ``workshop`` operation) every :data:`INTERVAL` seconds for
the workshop's closing time, only once the resident's code is known and voting is open,
and shows the minutes left above the ballot. Ballots sent before ``closes_at`` count; later
ones are refused with the ``closed_late`` text (``werkboek.errors.REFUSALS``).

Kept out of ``app.py`` and ``flow.py`` on purpose: the app only calls :func:`attach`.
"""

from __future__ import annotations

import asyncio
import math

from werkboek_widgets import ui
from werkboek_widgets.ballot.texts import counted, t

INTERVAL = 15.0  # seconds; 300 phones make 20 small reads a second of the store service


def closing_text(seconds_left: float | None, lang: str = "nl") -> str:
    """The notice for ``seconds_left`` until closing ('' when no closing time is set)."""
    if seconds_left is None:
        return ""
    if seconds_left < 60:
        return t("closing_now", lang)
    return counted("closing_in", math.ceil(seconds_left / 60), lang)


class ClosingNotice:
    """The notice above a :class:`~werkboek_widgets.ballot.app.BallotApp`; :meth:`refresh` asks the store."""

    def __init__(self, app):
        self.app = app
        self.widget = ui.html("", "wb-closing")
        self._task = None

    def refresh(self) -> str:
        workshop = self.app.workshop
        text = ""
        if workshop is not None and workshop.status == "open":
            try:
                fresh = self.app.store.workshop(workshop.id)
            except Exception:  # noqa: BLE001 - a notice must never break the ballot
                fresh = None
            if fresh is not None:
                text = closing_text(fresh.seconds_to_close(), self.app.lang)
        ui.set_status(self.widget, text, "info")
        return text

    def start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not in a kernel (a test): refresh() is called by hand
            return
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._loop())

    async def _loop(self) -> None:
        seen, waited = None, 0.0
        while True:
            await asyncio.sleep(1.0)
            waited += 1.0
            workshop = self.app.workshop
            known = workshop.id if workshop is not None else None
            if known != seen or (known is not None and waited >= INTERVAL):
                seen, waited = known, 0.0  # at once when the code is accepted, then every INTERVAL
                self.refresh()


def attach(app) -> ClosingNotice:
    """Put the notice at the top of ``app.widget`` and keep it up to date."""
    notice = ClosingNotice(app)
    app.widget.children = [notice.widget, *app.widget.children]
    notice.start()
    return notice
