"""Static charts for scenario reports: inline SVG, no widgets, no JavaScript.

Hand-written rather than plotly or matplotlib: executed notebooks of a batch keep their
outputs, and a few kilobytes of SVG per chart keep dozens of reports small, work offline
and need no extra dependency. Every text is HTML-escaped.
"""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#f1f5f9", "#c6dbef", "#6baed6", "#2171b5", "#08306b")  # light to dark: more money


def euro(value: float | None) -> str:
    if value is None:
        return "—"
    return "€ " + f"{value:,.0f}".replace(",", ".")


def buurt_map(values: dict[str, float | None], catalogue, *, title: str, source: str, unit=euro,
              width: int = 520, top: float | None = None) -> str:
    """A choropleth of the buurten of Heerlen-Noord drawn from their geometry (data/buurten.geojson).

    ``top``: the value of the darkest class (default: the highest value), so that maps
    side by side can share one scale.
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
            return "#ffffff"
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
        paths.append(f'<path d="{d}" fill="{colour(v)}" stroke="#334155" stroke-width="0.8" fill-rule="evenodd">'
                     f"<title>{escape(b.naam)}: {escape(unit(v))}</title></path>")
    legend = []
    steps = [0] + [top * k / 4 for k in range(1, 5)]
    for i, col in enumerate(PALETTE):
        label = "0" if i == 0 else f"tot {unit(steps[i])}"
        legend.append(f'<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;'
                      f'width:14px;height:14px;background:{col};border:1px solid #334155;vertical-align:middle">'
                      f"</span> {escape(label)}</span>")
    return (f'<figure style="margin:0 0 1em 0"><figcaption style="font-weight:bold">{escape(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(paths)}</svg>'
            f'<div style="font-size:90%">{"".join(legend)}</div>'
            + (f'<div style="font-size:80%;color:#475569">{escape(source)}</div>' if source else "") + "</figure>")


def bar_chart(rows: list[tuple[str, float, str]], *, title: str, unit=euro, width: int = 520) -> str:
    """Horizontal bars: rows of (label, value, colour). Negative values draw to the left."""
    if not rows:
        return ""
    label_w, bar_h, gap = 190, 18, 6
    low = min(0.0, *(v for _, v, _ in rows))
    high = max(0.0, *(v for _, v, _ in rows))
    span = (high - low) or 1.0
    room = width - label_w - 110
    zero = label_w + room * (-low / span)
    parts = []
    for i, (label, value, col) in enumerate(rows):
        y = i * (bar_h + gap)
        x0 = zero + room * min(0.0, value) / span
        w = room * abs(value) / span
        shown = label if len(label) <= 28 else label[:27] + "…"  # the full label is in the tooltip
        parts.append(
            f'<text x="{label_w - 6}" y="{y + bar_h - 4}" text-anchor="end" font-size="12">{escape(shown)}</text>'
            f'<rect x="{x0:.1f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{escape(col)}">'
            f"<title>{escape(label)}: {escape(unit(value))}</title></rect>"
            f'<text x="{max(x0 + w, zero) + 4:.1f}" y="{y + bar_h - 4}" font-size="12">{escape(unit(value))}</text>'
        )
    height = len(rows) * (bar_h + gap)
    return (f'<figure style="margin:0 0 1em 0"><figcaption style="font-weight:bold">{escape(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
            f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#94a3b8"/>{"".join(parts)}</svg></figure>')


def stacked_columns(columns: list[tuple[str, dict[str, float]]], colours: dict[str, str], names: dict[str, str], *,
                    title: str, limit: float | None = None, width: int = 520, height: int = 220) -> str:
    """Columns (e.g. years) stacked by part (e.g. leefgebied); ``limit`` draws a dashed line (the yearly budget)."""
    if not columns:
        return ""
    top = max([sum(parts.values()) for _, parts in columns] + [limit or 0.0]) or 1.0
    plot_h, base = height - 40, height - 22
    step = (width - 10) / len(columns)
    bar_w = step * 0.7
    parts_svg = []
    for i, (label, parts) in enumerate(columns):
        x = 10 + i * step
        y = float(base)
        for key, value in parts.items():
            h = plot_h * value / top
            if h <= 0:
                continue
            y -= h
            parts_svg.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                             f'fill="{escape(colours.get(key, "#64748b"))}"><title>{escape(label)}, '
                             f'{escape(names.get(key, key))}: {escape(euro(value))}</title></rect>')
        parts_svg.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - 6}" text-anchor="middle" font-size="11">'
                         f"{escape(label)}</text>")
    if limit:
        y = base - plot_h * limit / top
        parts_svg.append(f'<line x1="0" x2="{width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#111827" stroke-dasharray="4 3">'
                         f"<title>{escape(euro(limit))}</title></line>")
    legend = "".join(
        f'<span style="display:inline-block;margin-right:10px"><span style="display:inline-block;width:12px;height:12px;'
        f'background:{escape(colours.get(k, "#64748b"))};vertical-align:middle"></span> {escape(names.get(k, k))}</span>'
        for k in dict.fromkeys(k for _, parts in columns for k in parts))
    return (f'<figure style="margin:0 0 1em 0"><figcaption style="font-weight:bold">{escape(title)}</figcaption>'
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(title)}" '
            f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">{"".join(parts_svg)}</svg>'
            f'<div style="font-size:90%">{legend}</div></figure>')
