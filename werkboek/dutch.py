"""Numbers, money, percentages, dates and times as Dutch readers expect them — the one place for them.

Every layer uses these (the resident's screen, the facilitator's console, reports,
exports, scenario reports), so "€ 3.200.000", "ongeveer € 1,2 miljoen" and "43%" read the
same everywhere. English variants where a resident can switch language.

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


def number(value: float, decimals: int = 0, lang: str = "nl") -> str:
    """``3.200.000`` or ``12,5`` (Dutch separators); ``3,200,000`` / ``12.5`` in English."""
    text = f"{value:,.{decimals}f}"
    if lang == "en":
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def count(value: float, lang: str = "nl") -> str:
    """A count that may be weighted (people, a score): ``12`` when whole, else ``12,5`` (one decimal)."""
    return number(value, 0 if float(value).is_integer() else 1, lang)


def euros(amount: float | None, lang: str = "nl") -> str:
    """``€ 3.200.000`` — whole euros with the thousands separator; "—" for no value."""
    if amount is None or amount != amount:  # None or NaN
        return "—"
    return "€ " + number(round(amount), 0, lang)


def percent(fraction: float | None, decimals: int = 0, lang: str = "nl") -> str:
    """``43%`` for 0.43 (``12,5%`` with a decimal); "—" for no value."""
    if fraction is None or fraction != fraction:  # None or NaN
        return "—"
    return number(fraction * 100, decimals, lang) + "%"


def round_roughly(amount: float) -> int:
    """Round to two significant digits (250.000, 1.200.000, 45.000): precise enough to compare."""
    amount = abs(int(round(amount)))
    if amount < 100:
        return amount
    step = 10 ** (len(str(amount)) - 2)
    return int(round(amount / step) * step)


def euros_in_words(amount: float, lang: str = "nl") -> str:
    """The cost of an actie as a resident would say it.

    >>> euros_in_words(248_500)
    'ongeveer € 250.000'
    >>> euros_in_words(1_240_000)
    'ongeveer € 1,2 miljoen'
    >>> euros_in_words(1_240_000, "en")
    'about € 1.2 million'
    """
    rough = round_roughly(amount)
    about = "ongeveer" if lang == "nl" else "about"
    if rough >= 1_000_000:
        millions = number(rough / 1_000_000, 1, lang).rstrip("0").rstrip(",.")
        return f"{about} € {millions} {'miljoen' if lang == 'nl' else 'million'}"
    return f"{about} € {number(rough, 0, lang)}"


def amount_in_words(amount: int, lang: str = "nl") -> str:
    """An exact amount as a resident says it, without rounding (a budget, what is left of it).

    >>> amount_in_words(3_200_000)
    '€ 3,2 miljoen'
    >>> amount_in_words(6_350_000)
    '€ 6,35 miljoen'
    >>> amount_in_words(450_000)
    '€ 450.000'
    >>> amount_in_words(3_248_517)
    '€ 3.248.517'
    >>> amount_in_words(10_000_000, "en")
    '€ 10 million'
    """
    amount = int(round(amount))
    if abs(amount) >= 1_000_000_000:
        for decimals in range(3):  # 1 miljard, 1,5 miljard, 1,25 miljard
            if amount % 10 ** (9 - decimals) == 0:
                return f"€ {number(amount / 1_000_000_000, decimals, lang)} {'miljard' if lang == 'nl' else 'billion'}"
    if abs(amount) >= 1_000_000:
        for decimals in range(4):  # 3 miljoen, 3,2 miljoen, 3,25 miljoen, 3,248 miljoen
            if amount % 10 ** (6 - decimals) == 0:
                millions = number(amount / 1_000_000, decimals, lang)
                return f"€ {millions} {'miljoen' if lang == 'nl' else 'million'}"
    return euros(amount, lang)


def counted(n: int, one: str, more: str) -> str:
    """``1 opmerking``, ``3 opmerkingen``: a number with the word in singular or plural."""
    return f"{number(n)} {one if n == 1 else more}"


def years_in_words(years: int, lang: str = "nl") -> str:
    if lang == "nl":
        return "1 jaar" if years == 1 else f"{years} jaar"
    return "1 year" if years == 1 else f"{years} years"
