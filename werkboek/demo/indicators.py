"""Invented indicator figures for demonstrations, labelled as such (no real figures ship)."""

from __future__ import annotations

import math
import random

import pandas as pd

from werkboek.model.indicators import INDICATORS, IndicatorTable

# -- example ------------------------------------------------------------------------------

def example_table(catalogue, year: int = 2024, seed: int = 917) -> IndicatorTable:
    """Invented but plausible figures for the buurten of Heerlen-Noord, for demonstrations.

    ``catalogue``: a :class:`~werkboek.model.catalogue.Catalogue` or its ``buurten`` dict.
    Deterministic for a given ``seed``. Inhabitants add up to about 56,000 (the order of
    magnitude published for Heerlen-Noord); counts are rounded to tens like CBS does, and
    income figures are left out (NaN) for buurten under 200 inhabitants, as CBS does. The
    table's :meth:`~IndicatorTable.label` says these are not real figures.
    """
    buurten = catalogue.buurten if hasattr(catalogue, "buurten") else catalogue
    codes = sorted(code for code, b in buurten.items() if b.heerlen_noord)
    if not codes:
        raise ValueError("geen buurten van Heerlen-Noord in de catalogus")
    rng = random.Random(seed)
    weights = [rng.lognormvariate(0.0, 0.6) for _ in codes]
    scale = 56_000 / sum(weights)
    records = []
    for code, weight in zip(codes, weights):
        inwoners = max(50, round(weight * scale / 5) * 5)
        need = rng.random()  # 0 = well off, 1 = much need: drives all figures of the buurt
        inkomen = round(28.0 - 7.0 * need + rng.uniform(-1.0, 1.0), 1)
        laag = round(min(95.0, 42.0 + 25.0 * need + rng.uniform(-3.0, 3.0)), 1)
        if inwoners < 200:
            inkomen = laag = math.nan
        bijstand = round(inwoners * (0.02 + 0.07 * need) / 10) * 10
        ao = round(inwoners * (0.06 + 0.06 * need) / 10) * 10
        ww = round(inwoners * (0.008 + 0.012 * rng.random()) / 10) * 10
        woz = float(round(265 - 105 * need + rng.uniform(-15, 15)))
        records.append([inwoners, inkomen, laag, bijstand, ao, ww, woz])
    frame = pd.DataFrame(records, index=pd.Index(codes, name="statcode"), columns=list(INDICATORS), dtype=float)
    return IndicatorTable(year=year, source="Voorbeeldgegevens (verzonnen)", data=frame, example=True)
