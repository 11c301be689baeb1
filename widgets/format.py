"""Money and numbers in words a resident understands: "ongeveer € 250.000"."""

from __future__ import annotations


def round_roughly(euros: float) -> int:
    """Round to two significant digits (250.000, 1.200.000, 45.000): precise enough to compare."""
    euros = abs(int(round(euros)))
    if euros < 100:
        return euros
    step = 10 ** (len(str(euros)) - 2)
    return int(round(euros / step) * step)


def _thousands(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


def cost_in_words(euros: float, lang: str = "nl") -> str:
    """The cost of an actie as a resident would say it.

    >>> cost_in_words(248_500)
    'ongeveer € 250.000'
    >>> cost_in_words(1_240_000)
    'ongeveer € 1,2 miljoen'
    """
    rough = round_roughly(euros)
    about = "ongeveer" if lang == "nl" else "about"
    if rough >= 1_000_000:
        millions = rough / 1_000_000
        text = f"{millions:.1f}".rstrip("0").rstrip(".")
        if lang == "nl":
            return f"{about} € {text.replace('.', ',')} miljoen"
        return f"{about} € {text} million"
    return f"{about} € {_thousands(rough, '.' if lang == 'nl' else ',')}"


def years_in_words(years: int, lang: str = "nl") -> str:
    if lang == "nl":
        return "1 jaar" if years == 1 else f"{years} jaar"
    return "1 year" if years == 1 else f"{years} years"
