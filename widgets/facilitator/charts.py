"""bqplot charts for the projector: large type, updated in place so nothing flickers.

Each chart owns its bqplot marks and exposes ``update(...)``, which only changes the marks'
data traitlets; the browser redraws the SVG without rebuilding the figure, so a refresh
every few seconds neither flickers nor moves the page.
"""

from __future__ import annotations

import datetime as dt

import bqplot as bq
import ipywidgets as w

from werkboek.dutch import count

FONT = {"font-size": "18px"}


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class RankedBars(w.VBox):
    """Horizontal bars of acties ranked by score, for one leefgebied."""

    def __init__(self, title: str, colour: str, score_label: str, **kwargs):
        self._x = bq.OrdinalScale(reverse=True)
        self._y = bq.LinearScale(min=0)
        self.bars = bq.Bars(
            x=[], y=[], scales={"x": self._x, "y": self._y}, orientation="horizontal", colors=[colour],
            label_display=True, label_display_format=".0f",
            label_font_style={"font-size": "18px", "fill": "#ffffff", "font-weight": "bold"},
            label_display_horizontal_offset=8,
        )
        self.figure = bq.Figure(
            marks=[self.bars],
            axes=[
                bq.Axis(scale=self._x, side="left", tick_style=FONT),
                bq.Axis(scale=self._y, side="bottom", tick_format="d", num_ticks=4, tick_style=FONT),
            ],
            title=title, title_style={"font-size": "24px", "font-weight": "bold"},
            fig_margin={"top": 50, "bottom": 30, "left": 330, "right": 40},
            layout=w.Layout(width="100%", height="340px"),
            animation_duration=300,
        )
        self.table = w.HTML(layout=w.Layout(width="100%"))
        self.score_label = score_label
        super().__init__([self.figure, self.table], **kwargs)
        self.add_class("wb-ranked")

    def update(self, rows: list[tuple[str, float, float]]) -> None:
        """rows: (actie titel, score, people) in rank order."""
        labels = [_short(t) for t, _, _ in rows]
        with self.bars.hold_sync():
            self.bars.x = labels
            self.bars.y = [round(s, 2) for _, s, _ in rows]
        self._y.max = max([s for _, s, _ in rows] + [1]) * 1.15
        from html import escape

        body = "".join(
            f"<tr><td>{i}</td><td>{escape(t)}</td><td class='num'>{count(s)}</td><td class='num'>{count(p)}</td></tr>"
            for i, (t, s, p) in enumerate(rows, start=1)
        )
        self.table.value = (
            f"<table class='wb-table'><thead><tr><th>#</th><th>Actie</th><th>{escape(self.score_label)}</th>"
            f"<th>Mensen</th></tr></thead><tbody>{body}</tbody></table>"
        )


class CountBars(w.VBox):
    """Vertical bars of people per category (buurt, age group)."""

    def __init__(self, title: str, colour: str = "#0072B2", height: str = "420px", **kwargs):
        self._x = bq.OrdinalScale()
        self._y = bq.LinearScale(min=0)
        self.bars = bq.Bars(x=[], y=[], scales={"x": self._x, "y": self._y}, colors=[colour],
                            label_display=True, label_display_format=".0f",
                            label_font_style={"font-size": "16px", "fill": "#1a1a1a", "font-weight": "bold"},
                            label_display_vertical_offset=-24)
        self.figure = bq.Figure(
            marks=[self.bars],
            axes=[
                bq.Axis(scale=self._x, tick_style={"font-size": "15px"}, tick_rotate=-30),
                bq.Axis(scale=self._y, side="left", tick_format="d", num_ticks=4, tick_style=FONT),
            ],
            title=title, title_style={"font-size": "24px", "font-weight": "bold"},
            fig_margin={"top": 50, "bottom": 130, "left": 60, "right": 20},
            layout=w.Layout(width="100%", height=height), animation_duration=300,
        )
        kwargs.setdefault("layout", w.Layout(flex="1 1 0", min_width="560px"))
        super().__init__([self.figure], **kwargs)

    def update(self, counts: list[tuple[str, float]]) -> None:
        with self.bars.hold_sync():
            self.bars.x = [_short(label, 22) for label, _ in counts]
            self.bars.y = [round(v, 2) for _, v in counts]
        self._y.max = max([v for _, v in counts] + [1]) * 1.2


class TurnoutLine(w.VBox):
    """Cumulative number of ballots over time."""

    def __init__(self, **kwargs):
        self._x = bq.DateScale()
        self._y = bq.LinearScale(min=0)
        self.line = bq.Lines(x=[], y=[], scales={"x": self._x, "y": self._y}, colors=["#00513B"],
                             stroke_width=4, interpolation="step-after")
        self.figure = bq.Figure(
            marks=[self.line],
            axes=[
                bq.Axis(scale=self._x, tick_format="%H:%M", tick_style=FONT, num_ticks=6),
                bq.Axis(scale=self._y, side="left", tick_format="d", num_ticks=5, tick_style=FONT),
            ],
            title="Opkomst: stemmen in de loop van de avond",
            title_style={"font-size": "24px", "font-weight": "bold"},
            fig_margin={"top": 50, "bottom": 40, "left": 60, "right": 30},
            layout=w.Layout(width="100%", height="360px"), animation_duration=0,
        )
        super().__init__([self.figure], **kwargs)

    def update(self, turnout: list[tuple[dt.datetime, int]]) -> None:
        import numpy as np

        if not turnout:
            times, counts = [], []
        else:
            # local wall-clock time for the room; numpy datetime64 has no time zones
            times = [t.astimezone().replace(tzinfo=None) for t, _ in turnout]
            counts = [n for _, n in turnout]
            times.append(dt.datetime.now())
            counts.append(counts[-1])
        with self.line.hold_sync():
            self.line.x = np.array(times, dtype="datetime64[ms]")
            self.line.y = np.array(counts, dtype=float)
        self._y.max = max(counts[-1] if counts else 0, 4)  # whole-number ticks while the count is small
