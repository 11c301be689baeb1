"""'Stand van zaken': is everything running, is there room, are the votes safe — for the facilitator.

Reads what ``werkboek workshop``'s supervisor writes every few seconds (``var/run/health.json``,
:mod:`werkboek.serving.workshop`) and the store (how many votes, the latest copy). Outside a
workshop (in JupyterLab) it says that there is no supervisor to ask.
"""

from __future__ import annotations

import json
import time
from html import escape

import ipywidgets as w

from werkboek import settings
from werkboek.dutch import local_time, number
from werkboek_widgets.facilitator.refresh import AutoRefresh
from werkboek_widgets.facilitator.voting import safety_line

STALE_SECONDS = 30  # older than this: the supervisor itself is not running


def read_health(path=None) -> dict | None:
    try:
        return json.loads((path or settings.health_path()).read_text())
    except (OSError, ValueError):
        return None


def _row(ok: bool | None, label: str, detail: str) -> str:
    mark = {True: ("wb-ok", "In orde"), False: ("wb-error", "Let op"), None: ("wb-warn", "Onbekend")}[ok]
    return (f"<tr><th scope='row'>{escape(label)}</th><td class='{mark[0]}'>{mark[1]}</td>"
            f"<td>{escape(detail)}</td></tr>")


def health_rows(health: dict | None, now: float | None = None) -> list[str]:
    now = time.time() if now is None else now
    if health is None:
        return [_row(None, "Workshop", "Geen gegevens: de console draait hier niet onder 'werkboek workshop'.")]
    if now - float(health.get("at", 0)) > STALE_SECONDS:
        return [_row(False, "Workshop", "De bewaking van de workshop geeft al even geen teken. Kijk in het "
                                        "venster waarin ./run workshop draait.")]
    r, c, s = health["residents"], health["console"], health["store_service"]
    restarts = lambda n: f" (opnieuw gestart: {n}×)" if n else ""  # noqa: E731
    rows = [
        _row(r["up"], "Stemmen voor bewoners", f"{r['kernels']} telefoons verbonden, {number(r['kernels_mb'])} MB"
             f"{restarts(r['restarts'])}"),
        _row(s["up"] and not s.get("failures"), "Opslag van de stemmen",
             (f"{s.get('failures')} keer mislukt: {s.get('last_failure', '')}" if s.get("failures") else "werkt")
             + restarts(s["restarts"])),
        _row(c["up"], "Console", "werkt" + restarts(c["restarts"])),
    ]
    disk = health["disk"]
    rows.append(_row(disk["free_mb"] >= 500, "Schijfruimte", f"{number(disk['free_mb'])} MB vrij"))
    rows.append(_row(health["memory"]["available_mb"] >= 500, "Geheugen",
                     f"{number(health['memory']['available_mb'])} MB vrij"))
    backup = health.get("backup")
    if backup:
        import datetime as dt

        at = local_time(dt.datetime.fromisoformat(backup["made_at"])).strftime("%H:%M")
        rows.append(_row(bool(backup["checked"]), "Laatste kopie", f"om {at}, {backup['ballots']} stemmen"))
    else:
        rows.append(_row(None, "Laatste kopie", "nog geen"))
    return rows


class HealthPanel(AutoRefresh, w.VBox):
    interval = 5.0

    def __init__(self, store, health_path=None, **kwargs):
        self.store = store
        self.health_path = health_path
        self.table = w.HTML()
        self.safety = w.HTML()
        super().__init__([w.HTML("<h2>Stand van zaken</h2>"), self.table, self.safety], **kwargs)
        self.show()

    def show(self) -> None:
        rows = "".join(health_rows(read_health(self.health_path)))
        self.table.value = f"<table class='wb-table wb-health'><tbody>{rows}</tbody></table>"
        line = safety_line(self.store)
        self.safety.value = f"<p class='wb-safe'>{escape(line)}</p>" if line else ""

    def refresh_once(self) -> None:
        self.show()

    def refresh_failed(self, exc: Exception) -> None:
        self.safety.value = f"<p class='wb-error'>Niet bijgewerkt: {escape(str(exc))}</p>"
