"""werkboek.dutch, the one formatter for numbers, money, percentages and dates: hand-checked cases.

The old hand-written formatters it replaced (``f"{v:,.0f}".replace(",", ".")``, ``f"{v:.0%}"``,
``f"{v:g}"``) are written out once more here, to show the output stayed the same.
"""

from __future__ import annotations

import datetime as dt
import math

import pytest

from werkboek.dutch import count, counted, date_nl, datetime_nl, euros, euros_in_words, number, percent


@pytest.mark.parametrize(("value", "nl", "en"), [
    (0, "0", "0"),
    (1, "1", "1"),
    (999, "999", "999"),
    (1000, "1.000", "1,000"),
    (1_240_000, "1.240.000", "1,240,000"),
    (-1500, "-1.500", "-1,500"),
    (1234.5, "1.234", "1,234"),  # 0 decimals: rounded half to even, as f"{:.0f}" does
])
def test_number(value, nl, en):
    assert number(value) == nl
    assert number(value, lang="en") == en


def test_number_with_decimals_has_a_decimal_comma():
    assert number(12.5, 1) == "12,5"
    assert number(1234.56, 2) == "1.234,56"
    assert number(1234.56, 2, lang="en") == "1,234.56"


@pytest.mark.parametrize(("amount", "text"), [
    (0, "€ 0"), (1, "€ 1"), (999, "€ 999"), (1000, "€ 1.000"), (1_240_000, "€ 1.240.000"),
    (-1500, "€ -1.500"), (2_500_000.4, "€ 2.500.000"), (999.5, "€ 1.000"), (None, "—"), (math.nan, "—"),
])
def test_euros(amount, text):
    assert euros(amount) == text


@pytest.mark.parametrize("amount", [0, 1, 7, 999, 1000, 65_432.1, 1_240_000, -1500, -250_000.7, 3.5, 4.5, 1e9])
def test_euros_are_what_the_old_hand_written_formatting_gave(amount):
    assert euros(amount) == "€ " + f"{amount:,.0f}".replace(",", ".")


def test_euros_of_minus_nothing_reads_as_nothing():
    # the one change: the old charts wrote "€ -0" for a balance of -0.0 or -0.3
    assert euros(-0.0) == euros(-0.3) == "€ 0"


@pytest.mark.parametrize(("fraction", "text"), [
    (0, "0%"), (0.125, "12%"), (0.135, "14%"), (0.5, "50%"), (1, "100%"), (0.004, "0%"), (None, "—"), (math.nan, "—"),
])
def test_percent(fraction, text):
    assert percent(fraction) == text


@pytest.mark.parametrize("fraction", [0, 0.001, 0.125, 0.2, 0.333, 0.5, 0.675, 0.999, 1])
def test_percent_is_what_the_old_hand_written_formatting_gave(fraction):
    assert percent(fraction) == f"{fraction:.0%}" == f"{fraction * 100:.0f}%"


def test_percent_with_a_decimal():
    assert percent(0.125, 1) == "12,5%"
    assert percent(0.125, 1, lang="en") == "12.5%"


@pytest.mark.parametrize(("value", "text"), [(0, "0"), (6.0, "6"), (7, "7"), (2.5, "2,5"), (12.25, "12,2"),
                                              (1240.0, "1.240")])
def test_count_shows_a_decimal_only_when_there_is_one(value, text):
    assert count(value) == text


def test_counted_says_singular_or_plural():
    assert counted(0, "opmerking", "opmerkingen") == "0 opmerkingen"
    assert counted(1, "opmerking", "opmerkingen") == "1 opmerking"
    assert counted(2, "plek", "plekken") == "2 plekken"


def test_euros_in_words():
    assert euros_in_words(0) == "ongeveer € 0"
    assert euros_in_words(248_500) == "ongeveer € 250.000"
    assert euros_in_words(1_240_000) == "ongeveer € 1,2 miljoen"
    assert euros_in_words(1_240_000, "en") == "about € 1.2 million"


def test_dates_in_dutch_and_in_heerlen_time():
    assert date_nl(dt.date(2026, 3, 3)) == "dinsdag 3 maart 2026"
    assert date_nl(dt.date(2026, 3, 3), weekday=False) == "3 maart 2026"
    assert date_nl(None) == ""
    assert datetime_nl(dt.datetime(2026, 3, 3, 20, 15, tzinfo=dt.timezone.utc)) == "3 maart 2026, 21:15"  # CET
    assert datetime_nl(dt.datetime(2026, 7, 1, 20, 15, tzinfo=dt.timezone.utc)) == "1 juli 2026, 22:15"  # CEST
