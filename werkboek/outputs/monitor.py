"""The monitor drawn: a line chart per indicator (inline SVG, no script), its data table, maps per year.

Used by the public site (:mod:`werkboek.outputs.public`, page ``monitor.html``) and by the
programme office's screen. Python computes the coordinates; the templates
``charts/line_chart.html`` and ``public/monitor*.html`` lay them out.

A chart: the x axis runs from 2022 to 2047 (the programme's 25 years); lines for
Heerlen-Noord, Nederland and optionally one buurt, each with its own marker shape (not only
a colour); a line is broken where a year has no figure, and such a year is marked "geen
cijfer" on the axis — nothing is interpolated. The 2022 baseline is a ring, the target a
dashed line from the baseline to the target year. Every chart has a text alternative
(``aria-label``) and a data table with the same numbers and the reason of every gap.
"""

from __future__ import annotations

import math

from werkboek.dutch import number
from werkboek.model.monitor import BASELINE_YEAR, HEERLEN_NOORD, NEDERLAND, TARGET_YEAR, Monitor, Series
from werkboek.outputs.templating import render

STYLES = {  # colour, dash, marker: Heerlen-Noord dark blue dots, Nederland grey squares, a buurt orange triangles
    HEERLEN_NOORD: ("#005A8C", "", "circle"),
    NEDERLAND: ("#4d4d4d", "", "square"),
    "buurt": ("#A84A00", "", "triangle"),
}
TARGET_COLOUR = "#00613F"


def shown(value: float | None, measure) -> str:
    """A figure as the page writes it (one decimal, Dutch), or "geen cijfer"."""
    if value is None:
        return "geen cijfer"
    text = number(round(value, 1), 1) if not float(value).is_integer() or measure.is_percentage else number(value, 0)
    return text + ("%" if measure.is_percentage else "")


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def chart(monitor: Monitor, measure_id: str, buurt: str | None = None, *, width: int = 480,
          height: int = 260) -> dict:
    """Everything a line chart and its table need (see ``charts/line_chart.html``)."""
    lines: list[Series] = [monitor.get(measure_id, HEERLEN_NOORD), monitor.get(measure_id, NEDERLAND)]
    if buurt is not None:
        lines.append(monitor.get(measure_id, buurt))
    measure = lines[0].measure
    target = monitor.target(measure_id, buurt or HEERLEN_NOORD)
    values = [p.value for s in lines for p in s.points if p.value is not None]
    if target is not None:
        values.append(target.doel)
    left, right, top, bottom = 56, 16, 14, 44
    x0, x1 = BASELINE_YEAR, TARGET_YEAR
    plot_w, plot_h = width - left - right, height - top - bottom

    ticks = _nice_ticks(min(values), max(values)) if values else [0.0, 1.0]
    if values and min(values) >= 0 and ticks[0] < 0:
        ticks = [t for t in ticks if t >= 0]
    lo, hi = ticks[0], ticks[-1]

    def x(year: float) -> float:
        return left + (year - x0) / (x1 - x0) * plot_w

    def y(value: float) -> float:
        return top + (hi - value) / (hi - lo) * plot_h if hi > lo else top + plot_h / 2

    drawn = []
    for s in lines:
        key = s.area if s.area in (HEERLEN_NOORD, NEDERLAND) else "buurt"
        colour, dash, marker = STYLES[key]
        segments, current = [], []
        for p in s.points:
            if p.value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            current.append((x(p.year), y(p.value)))
        if current:
            segments.append(current)
        drawn.append({
            "naam": s.naam, "colour": colour, "dash": dash, "marker": marker,
            "segments": [" ".join(f"{px:.1f},{py:.1f}" for px, py in seg) for seg in segments],
            "points": [{"x": x(p.year), "y": y(p.value), "year": p.year, "shown": shown(p.value, measure)}
                       for p in s.points if p.value is not None],
        })
    hn = lines[-1] if buurt is not None else lines[0]  # the line the baseline and target belong to
    base = hn.baseline
    target_line = None
    if target is not None:
        start = base if base.value is not None else hn.latest
        if start is not None:
            target_line = {"x1": x(start.year), "y1": y(start.value), "x2": x(target.jaar), "y2": y(target.doel),
                           "shown": shown(target.doel, measure), "jaar": target.jaar}
    gaps = [yr for yr in monitor.years if yr not in monitor.imported]
    table = [{"year": yr, "cells": [_cell(s.at(yr), measure) for s in lines]} for yr in monitor.years]
    summary = _summary(measure, lines, target)
    return {
        "title": measure.indicator.label, "unit": measure.unit, "width": width, "height": height,
        "left": left, "right": width - right, "top": top, "bottom": height - bottom,
        "yticks": [{"y": y(t), "label": shown(t, measure)} for t in ticks],
        "xticks": [{"x": x(yr), "label": str(yr)} for yr in range(x0, x1 + 1, 5)],
        "gaps": [{"x": x(yr), "year": yr} for yr in gaps],
        "lines": drawn, "target": target_line,
        "baseline": {"x": x(base.year), "y": y(base.value), "shown": shown(base.value, measure)}
        if base.value is not None else None,
        "columns": [s.naam for s in lines], "table": table, "summary": summary,
        "label": monitor.label, "example": monitor.example, "measure": measure_id, "target_colour": TARGET_COLOUR,
    }


def _cell(point, measure) -> dict:
    return {"value": point.value, "shown": shown(point.value, measure), "note": point.note}


def _summary(measure, lines: list[Series], target) -> str:
    """The chart in one or two sentences (its text alternative)."""
    parts = []
    for s in lines:
        latest = s.latest
        base = s.baseline
        if latest is None:
            parts.append(f"{s.naam}: geen cijfers")
            continue
        text = f"{s.naam}: {shown(latest.value, measure)} in {latest.year}"
        if base.value is not None and latest.year != base.year:
            text += f" (2022: {shown(base.value, measure)})"
        parts.append(text)
    if target is not None:
        parts.append(f"doel voor {target.jaar}: {shown(target.doel, measure)}")
    return f"{measure.label}. " + "; ".join(parts) + "."


def maps_per_year(monitor: Monitor, measure_id: str, catalogue, *, width: int = 360) -> list[dict]:
    """One buurt map per imported year (:func:`werkboek.outputs.maps.buurt_map`), all on one scale
    (the highest figure of any year), so that years compare; a buurt without a figure is white, "—"."""
    from werkboek.outputs.maps import buurt_map

    measure = monitor.get(measure_id).measure
    per_year = {yr: {c: monitor.get(measure_id, c).at(yr).value for c in monitor.buurten} for yr in monitor.imported}
    values = [v for by_code in per_year.values() for v in by_code.values() if v is not None]
    if not values:
        return []

    def unit(value: float | None) -> str:
        return "—" if value is None else shown(value, measure)

    return [{"year": yr, "map_svg": buurt_map(by_code, catalogue, title=f"{measure.label}, {yr}", width=width,
                                              top=max(values), unit=unit,
                                              source="Kaart: CBS / PDOK, Wijk- en buurtkaart (gegeneraliseerd)")}
            for yr, by_code in per_year.items()]


def measure_page_name(measure_id: str) -> str:
    return f"monitor-{measure_id.replace('_', '-')}.html"


def buurt_rows(monitor: Monitor, measure_id: str) -> list[dict]:
    """Per buurt of Heerlen-Noord (by name) its figure in every year of the monitor."""
    out = []
    for code, naam in sorted(monitor.buurten.items(), key=lambda kv: kv[1]):
        s = monitor.get(measure_id, code)
        out.append({"code": code, "naam": naam, "cells": [_cell(s.at(y), s.measure) for y in monitor.years]})
    return out


def chart_html(monitor: Monitor, measure_id: str, buurt: str | None = None, **kwargs) -> str:
    """One chart with its table as a fragment of HTML (for the programme office's screen)."""
    return render("public/monitor_chart.html", c=chart(monitor, measure_id, buurt, **kwargs))


def stand_html(stand: list[dict]) -> str:
    return render("public/monitor_stand.html", stand=stand, shown=shown)


MONEY_COLOURS = {"besloten": "#2171b5", "uitgegeven": "#00613F"}


def money_chart(money, *, width: int = 480, height: int = 220) -> dict:
    """Columns per year 2022-2047 (besloten, uitgegeven) and the scenario's phasing as a dashed step line."""
    from werkboek.dutch import euros

    years = money.years
    top = max([y.besloten for y in years] + [y.uitgegeven or 0 for y in years] + [y.gepland or 0 for y in years])
    left, right, top_pad, bottom = 64, 8, 10, 26
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    ticks = _nice_ticks(0, top or 1.0)
    hi = ticks[-1]
    step = plot_w / len(years)

    def y(v: float) -> float:
        return top_pad + (hi - v) / hi * plot_h

    columns, planned = [], []
    for i, yr in enumerate(years):
        x = left + i * step
        bars = []
        for k, (kind, value) in enumerate((("besloten", yr.besloten), ("uitgegeven", yr.uitgegeven))):
            if value:
                bars.append({"x": x + step * (0.1 + 0.4 * k), "width": step * 0.4, "y": y(value),
                             "height": top_pad + plot_h - y(value), "colour": MONEY_COLOURS[kind], "kind": kind,
                             "shown": euros(value)})
        columns.append({"year": yr.year, "bars": bars, "middle": x + step / 2, "label": yr.year % 5 == 2})
        if yr.gepland is not None:
            planned += [f"{x:.1f},{y(yr.gepland):.1f}", f"{x + step:.1f},{y(yr.gepland):.1f}"]
    totals = money.totals
    summary = (f"Geld per jaar van 2022 tot 2047: besloten {euros(totals['besloten'])}, uitgegeven "
               f"{euros(totals['uitgegeven'])}" + (f", gepland in het scenario {euros(totals['gepland'])}"
                                                   if money.scenario else "") + ".")
    return {"width": width, "height": height, "left": left, "right": width - right, "bottom": top_pad + plot_h,
            "yticks": [{"y": y(t), "label": _millions(t)} for t in ticks], "columns": columns,
            "planned": " ".join(planned) if money.scenario else "", "summary": summary, "colours": MONEY_COLOURS}


def _millions(amount: float) -> str:
    if amount >= 1_000_000:
        return f"€ {number(amount / 1_000_000, 0 if (amount / 1_000_000).is_integer() else 1)} mln"
    return f"€ {number(amount, 0)}"


def money_html(money) -> str:
    return render("public/monitor_money.html", money=money, m=money_chart(money))
