"""Indicators per buurt from the CBS table "Kerncijfers wijken en buurten" (KWB).

The model: which indicators (:data:`INDICATORS`) and a year's table of them per buurt, wijk and
gemeente (:class:`IndicatorTable`). Around it, each in its room: the import of the CBS files
(:mod:`werkboek.formats.kerncijfers`), the imported tables on disk
(:mod:`werkboek.store.indicator_files`) and clearly labelled invented figures for
demonstrations (:mod:`werkboek.demo.indicators`). No real indicator figures ship with the
workbook (see ``SOURCES.md``, section 3): an analyst downloads the table and imports it.

Two layouts of the same CBS table are read, keyed on the CBS statcode (``BU0917....``
buurt, ``WK0917..`` wijk, ``GM0917`` gemeente Heerlen):

``kwb-YYYY`` download (CSV or XLSX)
    short column names: ``gwb_code_10`` (or ``gwb_code``) with the statcode, ``regio``,
    ``gm_naam``, ``recs``, ``a_inw``, ``g_ink_pi``, ``p_hh_li``, ``a_soz_wb``, ``a_soz_ao``,
    ``a_soz_ww``, ``g_wozbag`` (``g_woz`` in older years). The CSV is usually ``;``-separated,
    cp1252-encoded, with decimal commas.
StatLine export (e.g. 85984NED for 2024, the "onbewerkte dataset")
    keys such as ``Codering_3`` / ``WijkenEnBuurten`` (statcode), ``AantalInwoners_5``,
    ``GemiddeldInkomenPerInwoner_78``. The number after the last ``_`` differs between
    yearly tables, so any number is accepted (``AantalInwoners_<n>``).

CBS conventions: ``.`` = gegevens ontbreken, ``x`` = geheim, an empty cell = kan niet
voorkomen (all three become NaN); ``-`` = nihil (0). Codes are padded with spaces.

The year of a table is the edition of the KWB table ("kerncijfers 2024"); CBS fills some
themes (income, uitkeringen) later or with figures of an earlier reference year, see the
table's own explanation.

Only analysts' kernels import this module, so it uses pandas; the resident kernel does not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

GEMEENTE = "GM0917"
_PREFIXES = ("BU0917", "WK0917", GEMEENTE)
# The national row of a KWB table: "NL00" in the kwb-YYYY download, "NL01" in StatLine. It is
# kept as the table's reference (``IndicatorTable.nederland``), never as an area of Heerlen.
NEDERLAND = "NL00"
_NEDERLAND_CODE = re.compile(r"^NL\d{2}$", re.IGNORECASE)


def is_nederland(code: str) -> bool:
    """True for the statcode of the national row ("NL00", StatLine's "NL01")."""
    return bool(_NEDERLAND_CODE.match(code.strip()))
EXAMPLE_LABEL = "Voorbeeldgegevens — geen echte cijfers"
DEFAULT_SOURCE = "CBS Kerncijfers wijken en buurten"

# Kinds of indicator, which decide the checks on a value.
AANTAL = "aantal"  # a count of people: whole, not negative
GEMIDDELDE = "gemiddelde"  # an average amount: not negative
PERCENTAGE = "percentage"  # 0 to 100


@dataclass(frozen=True)
class Indicator:
    """One indicator and the columns of the CBS table it is read from."""

    id: str
    label: str  # Dutch, as on a map legend (CBS wording)
    unit: str
    kind: str  # AANTAL, GEMIDDELDE or PERCENTAGE
    kwb: tuple[str, ...]  # column names in the kwb-YYYY download (case-insensitive)
    statline: tuple[str, ...]  # StatLine keys without their "_<n>" suffix

    @property
    def columns(self) -> tuple[str, ...]:
        """The accepted source column names, for messages and documentation."""
        return self.kwb + tuple(f"{key}_<n>" for key in self.statline)

    def matches(self, column: str) -> bool:
        return _matches(column, self.kwb, self.statline)


INDICATORS: dict[str, Indicator] = {
    ind.id: ind
    for ind in (
        Indicator("inwoners", "Aantal inwoners", "aantal", AANTAL, ("a_inw",), ("AantalInwoners",)),
        Indicator(
            "gemiddeld_inkomen_per_inwoner", "Gemiddeld inkomen per inwoner", "x 1.000 euro", GEMIDDELDE,
            ("g_ink_pi",), ("GemiddeldInkomenPerInwoner",),
        ),
        # CBS: "40% huishoudens met laagste inkomen": the share of households whose income is
        # in the lowest 40% of the Netherlands (not "huishoudens met een laag inkomen", p_hh_lkk,
        # which CBS dropped after the 2023 table).
        Indicator(
            "huishoudens_laag_inkomen_pct", "Huishoudens met laagste inkomen (landelijke 40%)", "%", PERCENTAGE,
            ("p_hh_li",), ("k_40HuishoudensMetLaagsteInkomen",),
        ),
        Indicator(
            "bijstand", "Personen met een bijstandsuitkering", "aantal", AANTAL,
            ("a_soz_wb",), ("PersonenPerSoortUitkeringBijstand",),
        ),
        Indicator(
            "uitkeringen_ao", "Personen met een arbeidsongeschiktheidsuitkering (AO)", "aantal", AANTAL,
            ("a_soz_ao",), ("PersonenPerSoortUitkeringAO",),
        ),
        Indicator(
            "uitkeringen_ww", "Personen met een WW-uitkering", "aantal", AANTAL,
            ("a_soz_ww",), ("PersonenPerSoortUitkeringWW",),
        ),
        Indicator(
            "woz_gemiddeld", "Gemiddelde WOZ-waarde van woningen", "x 1.000 euro", GEMIDDELDE,
            ("g_wozbag", "g_woz"), ("GemiddeldeWOZWaardeVanWoningen", "GemiddeldeWoningwaarde"),
        ),
    )
}

# Columns holding the statcode, in order of preference. StatLine's "Codering_<n>" always
# holds the code; "WijkenEnBuurten" holds it in the onbewerkte dataset but a name in an
# export with labels, so Codering comes first.


def _matches(column: str, kwb: Iterable[str], statline: Iterable[str]) -> bool:
    name = column.strip()
    lowered = name.lower()
    if any(lowered == k.lower() for k in kwb):
        return True
    return any(re.fullmatch(rf"{re.escape(key)}(?:_\d+)?", name, re.IGNORECASE) for key in statline)


# -- the table ----------------------------------------------------------------------------

@dataclass(eq=False)
class IndicatorTable:
    """Indicators per statcode (buurt, wijk, gemeente) for one edition of the KWB table.

    ``data`` is indexed by statcode (named ``statcode``) with one float column per entry of
    :data:`INDICATORS`, in that order; NaN where CBS gives no figure. ``nederland``: the
    national row of the same table (a Series over :data:`INDICATORS`), the reference of the
    monitor; None when the file had none. It is not an area: ``data`` never holds it.
    """

    year: int
    source: str
    data: pd.DataFrame
    example: bool = False
    origin: str = ""  # name of the file the figures were imported from
    nederland: pd.Series | None = None

    def __post_init__(self) -> None:
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise TypeError(f"year moet een geheel getal zijn, niet {self.year!r}")
        if list(self.data.columns) != list(INDICATORS):
            raise ValueError(f"kolommen moeten {list(INDICATORS)} zijn, niet {list(self.data.columns)}")
        if not self.data.index.is_unique:
            raise ValueError("een statcode staat meer dan eens in de tabel")
        if any(is_nederland(str(code)) for code in self.data.index):
            raise ValueError("de landelijke rij hoort in nederland, niet tussen de gebieden")
        if self.nederland is not None:
            if list(self.nederland.index) != list(INDICATORS):
                raise ValueError(f"nederland moet de indicatoren {list(INDICATORS)} hebben")
            self.nederland = self.nederland.astype(float).rename(NEDERLAND)

    def label(self) -> str:
        """The text a map or chart must show with these figures: "<source>, <year>" (just the
        source when it already names the year), or the example warning."""
        if self.example:
            return EXAMPLE_LABEL
        if str(self.year) in self.source:
            return self.source
        return f"{self.source}, {self.year}"

    def population(self, statcode: str) -> int | None:
        """Number of inhabitants, or None when CBS gives no figure; KeyError for an unknown code."""
        code = statcode.strip()
        if code not in self.data.index:
            raise KeyError(f"{code} staat niet in de tabel {self.label()}")
        value = self.data.at[code, "inwoners"]
        return None if pd.isna(value) else int(value)

    def level(self, level: str) -> pd.DataFrame:
        """The rows of one level: ``"buurt"``, ``"wijk"`` or ``"gemeente"``."""
        prefix = {"buurt": "BU", "wijk": "WK", "gemeente": "GM"}[level]
        return self.data[self.data.index.str.startswith(prefix)]
