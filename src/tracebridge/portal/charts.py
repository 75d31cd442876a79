"""Server-rendered SVG bar charts: geometry only, the template draws it (no JS, no CSP issue)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 640
BAR_AREA_LEFT = 170
ROW = 26
COLOURS = {"US": "#0b4f8a", "IN": "#c2410c"}
DEFAULT_COLOUR = "#4b5563"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    y: int
    width: int
    colour: str


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = WIDTH
    left: int = BAR_AREA_LEFT


def bar_chart(rows: list[tuple[str, float, str, str]]) -> Chart:
    """rows: (label, value, value as text, series) -> horizontal bars scaled to the largest.

    A value of 0 (a suppressed row) draws no bar, only its label and text."""
    top = max((value for _, value, _, _ in rows), default=0) or 1
    span = WIDTH - BAR_AREA_LEFT - 70
    bars = [
        Bar(
            label=label,
            value=value,
            text=text,
            y=index * ROW,
            width=max(1, round(span * value / top)) if value else 0,
            colour=COLOURS.get(series, DEFAULT_COLOUR),
        )
        for index, (label, value, text, series) in enumerate(rows)
    ]
    return Chart(bars=bars, height=max(ROW, len(bars) * ROW))
