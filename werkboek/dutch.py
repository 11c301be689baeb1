"""Dates, times and labels as Dutch readers expect them, without depending on the system locale.

Written by hand (a few lines) rather than with Babel or ``locale.setlocale``: the
laptop's locale is often English or missing, and these are the only words we need.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
          "oktober", "november", "december")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
CODE_KINDS = {"individual": "persoon", "group": "tafel"}

try:
    LOCAL = ZoneInfo("Europe/Amsterdam")
except ZoneInfoNotFoundError:  # no tz database on this machine: show UTC rather than fail
    LOCAL = dt.timezone.utc


def date_nl(day: dt.date | None, weekday: bool = True) -> str:
    """``dinsdag 3 maart 2026`` (or ``3 maart 2026``); empty for no date."""
    if day is None:
        return ""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def local_time(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) moment as a naive local time in Heerlen, for spreadsheets and reports."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(LOCAL).replace(tzinfo=None)


def datetime_nl(moment: dt.datetime) -> str:
    """``3 maart 2026, 19:42`` in Heerlen time."""
    local = local_time(moment)
    return f"{date_nl(local.date(), weekday=False)}, {local:%H:%M}"


def euros(amount: float) -> str:
    """``€ 3.200.000`` — Dutch thousands separator, no cents."""
    return "€ " + f"{round(amount):,}".replace(",", ".")
