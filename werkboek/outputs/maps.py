"""The buurt map as inline SVG: a choropleth of the buurten of Heerlen-Noord, no JavaScript.

One drawing for every place that shows money or counts per buurt: the scenario report and the
comparison (:mod:`werkboek.scenarios`), the public results site (:mod:`werkboek.outputs.public`).
Hand-written rather than a plotting library for the reasons in :mod:`werkboek.scenarios.charts`
(a few kilobytes a map, offline, no dependency); the markup is
``werkboek/outputs/templates/charts/buurt_map.html``, where every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from werkboek.dutch import count, euros
from werkboek.outputs.templating import render

PALETTE = ("#f1f5f9", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # light to dark: more
MISSING = "#ffffff"  # a buurt without a value (not the same as 0)


def counted_unit(noun: str) -> Callable[[float | None], str]:
    """A unit for counts: ``counted_unit("gekozen acties")(3)`` → ``"3 gekozen acties"``."""
    def unit(value: float | None) -> str:
        return "—" if value is None else f"{count(value)} {noun}"
    unit.whole = True  # legend steps are rounded up to whole numbers
    return unit


def buurt_map(values: Mapping[str, float | None], catalogue, *, title: str, source: str,
              unit: Callable[[float | None], str] = euros, width: int = 520, top: float | None = None) -> str:
    """A choropleth of the buurten of Heerlen-Noord drawn from their geometry (data/buurten.geojson).

    ``values``: buurt code → value; a buurt missing from it (or None) is drawn white and reads
    "—", so "no figure" never looks like 0. ``unit`` formats a value for the shape's text and
    the legend (:func:`werkboek.dutch.euros`, or :func:`counted_unit` for counts). ``top``: the
    value of the darkest class (default: the highest value), so that maps side by side can
    share one scale.
    """
    buurten = catalogue.heerlen_noord
    boxes = [b.shape.bbox for b in buurten.values()]
    min_x, min_y = min(b[0] for b in boxes), min(b[1] for b in boxes)
    max_x, max_y = max(b[2] for b in boxes), max(b[3] for b in boxes)
    kx = math.cos(math.radians((min_y + max_y) / 2))  # equirectangular: fine at this scale
    scale = width / ((max_x - min_x) * kx)
    height = int((max_y - min_y) * scale) + 1
    known = [v for v in values.values() if v is not None]
    if top is None:
        top = max(known) if known else 0

    def colour(v: float | None) -> str:
        if v is None:
            return MISSING
        if top <= 0 or v <= 0:
            return PALETTE[0]
        return PALETTE[min(len(PALETTE) - 1, 1 + int(3.999 * v / top))]

    paths = []
    for code, b in sorted(buurten.items()):
        d = " ".join(
            "M" + " L".join(f"{(x - min_x) * kx * scale:.1f},{(max_y - y) * scale:.1f}" for x, y in ring) + " Z"
            for poly in b.shape.polygons for ring in poly
        )
        v = values.get(code)
        paths.append({"d": d, "fill": colour(v), "naam": b.naam, "value": unit(v)})
    whole = getattr(unit, "whole", False)
    steps = [0] + [math.ceil(top * k / 4) if whole else top * k / 4 for k in range(1, 5)]
    legend = [{"colour": col, "label": "0" if i == 0 else f"tot {unit(steps[i])}"} for i, col in enumerate(PALETTE)]
    return render("charts/buurt_map.html", title=title, width=width, height=height, paths=paths, legend=legend,
                  swatch=14, outlined=True, source=source)
