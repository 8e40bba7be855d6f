"""Score history as an accessible inline SVG line chart, drawn on the server.

``line_chart(series)`` is a pure function: the same series always gives the same SVG text.
The chart shades the instrument's severity bands, labels both axes, draws one point per
scored response and carries a ``<title>`` and ``<desc>`` that say in words what it shows.
``data_table(series)`` gives the same numbers as an HTML table, for screen readers and
for anyone who prefers figures to a picture. Nothing is loaded from anywhere: the output
uses SVG presentation attributes only (no inline styles, no scripts), so it passes a
strict Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

#: Soft fills for the bands, lowest band first; calm colours that keep the line readable.
BAND_FILLS = ("#e8f3ee", "#f4f1e1", "#f8eadb", "#f6e1da", "#f1d9de", "#ead7e6")
LINE_COLOUR = "#2d5c73"
AXIS_COLOUR = "#4a4a4a"
TEXT_COLOUR = "#2b2b2b"
#: Room on the right for the band labels ("Moderately severe" at 12px).
BAND_LABEL_MARGIN = 124


@dataclass(frozen=True)
class ChartBand:
    """A severity band: from ``minimum`` up to the next band's minimum."""

    minimum: float
    label: str


@dataclass(frozen=True)
class ChartPoint:
    """One scored response: when it was completed, its total, and its band label."""

    when: datetime
    value: float
    band: str | None = None


@dataclass(frozen=True)
class ChartSeries:
    """What one chart shows: a titled series on a fixed score range."""

    title: str
    points: tuple[ChartPoint, ...]
    y_min: float
    y_max: float
    bands: tuple[ChartBand, ...] = ()
    y_label: str = "Score"


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom


def _fmt_date(when: datetime) -> str:
    return f"{when.day} {when.strftime('%b %Y')}"


def _fmt_value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _num(value: float) -> str:
    """Coordinates with at most one decimal, so output is short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _y(series: ChartSeries, frame: _Frame, value: float) -> float:
    span = series.y_max - series.y_min
    clamped = min(max(value, series.y_min), series.y_max)
    return frame.top + frame.plot_height * (1 - (clamped - series.y_min) / span)


def _x_positions(points: Sequence[ChartPoint], frame: _Frame) -> list[float]:
    if len(points) == 1:
        return [frame.left + frame.plot_width / 2]
    first = points[0].when.timestamp()
    last = points[-1].when.timestamp()
    if last == first:
        step = frame.plot_width / (len(points) - 1)
        return [frame.left + step * i for i in range(len(points))]
    return [
        frame.left + frame.plot_width * (p.when.timestamp() - first) / (last - first)
        for p in points
    ]


def describe(series: ChartSeries) -> str:
    """One or two sentences saying what the chart shows, for its ``<desc>``."""
    points = sorted(series.points, key=lambda p: p.when)
    if not points:
        return f"No scored responses yet for {series.title}."
    first, last = points[0], points[-1]
    band = f" ({last.band})" if last.band else ""
    if len(points) == 1:
        return (
            f"{series.title}: one scored response, {_fmt_value(first.value)}{band} "
            f"on {_fmt_date(first.when)}."
        )
    return (
        f"{series.title}: {len(points)} scored responses from {_fmt_date(first.when)} "
        f"to {_fmt_date(last.when)}. First {_fmt_value(first.value)}, "
        f"latest {_fmt_value(last.value)}{band}. "
        f"Possible scores run from {_fmt_value(series.y_min)} to {_fmt_value(series.y_max)}."
    )


def _band_rects(series: ChartSeries, frame: _Frame) -> list[str]:
    parts: list[str] = []
    bands = sorted(series.bands, key=lambda b: b.minimum)
    for index, band in enumerate(bands):
        upper = bands[index + 1].minimum if index + 1 < len(bands) else series.y_max
        if upper <= series.y_min or band.minimum >= series.y_max:
            continue
        y_top = _y(series, frame, upper)
        y_bottom = _y(series, frame, band.minimum)
        fill = BAND_FILLS[min(index, len(BAND_FILLS) - 1)]
        parts.append(
            f'<rect class="chart-band" x="{frame.left}" y="{_num(y_top)}" '
            f'width="{frame.plot_width}" height="{_num(y_bottom - y_top)}" fill="{fill}"/>'
        )
        if y_bottom - y_top < 11:
            continue  # too thin to label legibly; the table and point titles name the band
        # The label sits in the right margin, level with the middle of its band.
        parts.append(
            f'<text class="chart-band-label" x="{frame.left + frame.plot_width + 8}" '
            f'y="{_num((y_top + y_bottom) / 2)}" dy="4" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(band.label)}</text>'
        )
    return parts


def _y_ticks(series: ChartSeries) -> list[float]:
    ticks = {series.y_min, series.y_max}
    ticks.update(b.minimum for b in series.bands if series.y_min < b.minimum < series.y_max)
    return sorted(ticks)


def _x_tick_indexes(count: int) -> list[int]:
    if count <= 3:
        return list(range(count))
    return [0, count // 2, count - 1]


def line_chart(series: ChartSeries, *, width: int = 640, height: int = 280) -> str:
    """The series as an SVG line chart with band shading and axis labels."""
    if series.y_max <= series.y_min:
        raise ValueError("y_max must be greater than y_min")
    right = BAND_LABEL_MARGIN if series.bands else 16
    frame = _Frame(width=width, height=height, left=48, right=right, top=16, bottom=52)
    points = sorted(series.points, key=lambda p: p.when)
    slug = "".join(ch if ch.isalnum() else "-" for ch in series.title.lower()).strip("-")
    title_id = f"chart-{slug}-title"
    desc_id = f"chart-{slug}-desc"
    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(series.title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(series))}</desc>',
    ]
    parts.extend(_band_rects(series, frame))

    bottom = frame.top + frame.plot_height
    parts.append(
        f'<g class="chart-axes" stroke="{AXIS_COLOUR}" stroke-width="1">'
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{bottom}"/>'
        f'<line x1="{frame.left}" y1="{bottom}" x2="{frame.left + frame.plot_width}" '
        f'y2="{bottom}"/></g>'
    )
    for tick in _y_ticks(series):
        y = _num(_y(series, frame, tick))
        parts.append(
            f'<line x1="{frame.left - 4}" y1="{y}" x2="{frame.left}" y2="{y}" '
            f'stroke="{AXIS_COLOUR}"/>'
            f'<text x="{frame.left - 8}" y="{y}" dy="4" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{_fmt_value(tick)}</text>'
        )
    parts.append(
        f'<text class="chart-axis-label" '
        f'transform="translate(14 {_num(frame.top + frame.plot_height / 2)}) rotate(-90)"'
        f' text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        f"{escape(series.y_label)}</text>"
    )
    parts.append(
        f'<text class="chart-axis-label" x="{_num(frame.left + frame.plot_width / 2)}" '
        f'y="{height - 6}" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        f"Date completed</text>"
    )

    if points:
        xs = _x_positions(points, frame)
        ys = [_y(series, frame, p.value) for p in points]
        for index in _x_tick_indexes(len(points)):
            anchor = "middle"
            if len(points) > 1 and index == 0:
                anchor = "start"
            elif len(points) > 1 and index == len(points) - 1:
                anchor = "end"
            parts.append(
                f'<text x="{_num(xs[index])}" y="{bottom + 18}" text-anchor="{anchor}" '
                f'font-size="12" fill="{TEXT_COLOUR}">{_fmt_date(points[index].when)}</text>'
            )
        if len(points) > 1:
            coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in zip(xs, ys, strict=True))
            parts.append(
                f'<polyline class="chart-line" points="{coords}" fill="none" '
                f'stroke="{LINE_COLOUR}" stroke-width="2.5" stroke-linejoin="round"/>'
            )
        for point, px, py in zip(points, xs, ys, strict=True):
            band = f", {point.band}" if point.band else ""
            parts.append(
                f'<circle class="chart-point" cx="{_num(px)}" cy="{_num(py)}" r="5" '
                f'fill="#ffffff" stroke="{LINE_COLOUR}" stroke-width="2.5">'
                f"<title>{_fmt_date(point.when)}: {_fmt_value(point.value)}"
                f"{escape(band)}</title></circle>"
            )
    else:
        parts.append(
            f'<text x="{_num(frame.left + frame.plot_width / 2)}" '
            f'y="{_num(frame.top + frame.plot_height / 2)}" text-anchor="middle" '
            f'font-size="14" fill="{TEXT_COLOUR}">No scored responses yet</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def data_table(series: ChartSeries) -> str:
    """The same numbers as an HTML table: date completed, score and band."""
    caption = escape(f"{series.title}: scores by date")
    rows = [
        f"<tr><td>{_fmt_date(p.when)}</td><td>{_fmt_value(p.value)}</td>"
        f"<td>{escape(p.band or '')}</td></tr>"
        for p in sorted(series.points, key=lambda p: p.when)
    ]
    if not rows:
        rows = ['<tr><td colspan="3">No scored responses yet</td></tr>']
    return (
        f'<table class="chart-table"><caption>{caption}</caption>'
        '<thead><tr><th scope="col">Date completed</th><th scope="col">Score</th>'
        '<th scope="col">Band</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
