"""Static charts for scenario reports: inline SVG, no widgets, no JavaScript.

Hand-written rather than plotly or matplotlib: executed notebooks of a batch keep their
outputs, and a few kilobytes of SVG per chart keep dozens of reports small, work offline
and need no extra dependency. This module computes the shapes (coordinates, colours,
labels); the SVG markup is in ``werkboek/outputs/templates/charts/``, where every text is
escaped. Amounts read as :func:`werkboek.dutch.euros`. The buurt map is in
:mod:`werkboek.outputs.maps` (the public site draws it too).
"""

from __future__ import annotations

from werkboek.dutch import euros
from werkboek.outputs.templating import render

NEUTRAL = "#64748b"  # a part without a colour of its own


def bar_chart(rows: list[tuple[str, float, str]], *, title: str, unit=euros, width: int = 520) -> str:
    """Horizontal bars: rows of (label, value, colour). Negative values draw to the left."""
    if not rows:
        return ""
    label_w, bar_h, gap = 190, 18, 6
    low = min(0.0, *(v for _, v, _ in rows))
    high = max(0.0, *(v for _, v, _ in rows))
    span = (high - low) or 1.0
    room = width - label_w - 110
    zero = label_w + room * (-low / span)
    bars = []
    for i, (label, value, col) in enumerate(rows):
        y = i * (bar_h + gap)
        x0 = zero + room * min(0.0, value) / span
        w = room * abs(value) / span
        bars.append({
            "label": label, "shown": label if len(label) <= 28 else label[:27] + "…",  # the full label: tooltip
            "value": unit(value), "colour": col, "x": x0, "y": y, "width": w, "height": bar_h,
            "label_x": label_w - 6, "text_y": y + bar_h - 4, "value_x": max(x0 + w, zero) + 4,
        })
    return render("charts/bar_chart.html", title=title, width=width, height=len(rows) * (bar_h + gap), zero=zero,
                  bars=bars, legend=[], source="")


def stacked_columns(columns: list[tuple[str, dict[str, float]]], colours: dict[str, str], names: dict[str, str], *,
                    title: str, limit: float | None = None, width: int = 520, height: int = 220) -> str:
    """Columns (e.g. years) stacked by part (e.g. leefgebied); ``limit`` draws a dashed line (the yearly budget)."""
    if not columns:
        return ""
    top = max([sum(parts.values()) for _, parts in columns] + [limit or 0.0]) or 1.0
    plot_h, base = height - 40, height - 22
    step = (width - 10) / len(columns)
    bar_w = step * 0.7
    shown = []
    for i, (label, parts) in enumerate(columns):
        x = 10 + i * step
        y = float(base)
        stack = []
        for key, value in parts.items():
            h = plot_h * value / top
            if h <= 0:
                continue
            y -= h
            stack.append({"y": y, "height": h, "colour": colours.get(key, NEUTRAL), "name": names.get(key, key),
                          "value": euros(value)})
        shown.append({"label": label, "x": x, "width": bar_w, "middle": x + bar_w / 2, "parts": stack})
    line = {"y": base - plot_h * limit / top, "value": euros(limit)} if limit else None
    legend = [{"colour": colours.get(k, NEUTRAL), "label": names.get(k, k)}
              for k in dict.fromkeys(k for _, parts in columns for k in parts)]
    return render("charts/stacked_columns.html", title=title, width=width, height=height, columns=shown,
                  limit=line, legend=legend, swatch=12, outlined=False, source="")
