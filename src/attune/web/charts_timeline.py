"""A session's vital signs over time as accessible inline SVG, drawn on the server.

A sibling of :mod:`attune.web.charts` (score histories over weeks) for the minutes of one
session: :func:`timeline_chart` draws one :class:`TimelinePanel` (blood pressure, heart
rate or SpO2) with its lines, the clinic's thresholds as labelled horizontal lines
(caution dashed, urgent solid) and every reading out of range highlighted with what it
breached. Lines differ by pattern and marker as well as colour, so the chart reads in
grey too. The same panel always gives the same SVG text; every piece of text is escaped;
only presentation attributes are used (no inline style or script), so it passes a strict
Content-Security-Policy. The page shows the same readings as a table next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from html import escape

from attune.web.charts import AXIS_COLOUR, LINE_COLOUR, TEXT_COLOUR

SECOND_LINE_COLOUR = "#6a4c93"
CAUTION_COLOUR = "#8a4b08"
URGENT_COLOUR = "#9b2c1f"
#: Room on the right for the threshold labels ("Urgent above 180" at 11px).
LABEL_MARGIN = 160
#: The least vertical room between two threshold labels, in px.
LABEL_GAP = 13


class Marker(Enum):
    CIRCLE = "circle"
    SQUARE = "square"


class Level(Enum):
    CAUTION = "caution"
    URGENT = "urgent"


@dataclass(frozen=True)
class TimelinePoint:
    """One measurement. ``warning`` (empty when in range) says what it breached."""

    when: datetime
    value: float
    warning: str = ""
    level: Level | None = None


@dataclass(frozen=True)
class TimelineLine:
    label: str
    points: tuple[TimelinePoint, ...]
    dashed: bool = False
    marker: Marker = Marker.CIRCLE


@dataclass(frozen=True)
class ThresholdMark:
    """A threshold drawn across the chart, e.g. 160, "Systolic caution above 160"."""

    value: float
    label: str
    level: Level


@dataclass(frozen=True)
class TimelinePanel:
    """One chart: its lines and thresholds on a value range, over the session's times."""

    title: str
    unit: str
    lines: tuple[TimelineLine, ...]
    thresholds: tuple[ThresholdMark, ...]
    y_min: float
    y_max: float
    start: datetime
    end: datetime
    #: Moments marked with a labelled vertical line, e.g. (dosing time, "Dose").
    moments: tuple[tuple[datetime, str], ...] = ()


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int = 52
    right: int = LABEL_MARGIN
    top: int = 34
    bottom: int = 46

    @property
    def plot_width(self) -> int:
        return self.width - self.left - self.right

    @property
    def plot_height(self) -> int:
        return self.height - self.top - self.bottom

    @property
    def base(self) -> int:
        return self.top + self.plot_height


def clock_time(when: datetime) -> str:
    """'14:05' in UTC, the time the app shows everywhere."""
    return when.astimezone(UTC).strftime("%H:%M")


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _value(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _x(panel: TimelinePanel, frame: _Frame, when: datetime) -> float:
    span = (panel.end - panel.start).total_seconds()
    if span <= 0:
        return frame.left + frame.plot_width / 2
    share = (when - panel.start).total_seconds() / span
    return frame.left + frame.plot_width * min(max(share, 0.0), 1.0)


def _y(panel: TimelinePanel, frame: _Frame, value: float) -> float:
    clamped = min(max(value, panel.y_min), panel.y_max)
    share = (clamped - panel.y_min) / (panel.y_max - panel.y_min)
    return frame.top + frame.plot_height * (1 - share)


def tick_times(start: datetime, end: datetime) -> tuple[datetime, ...]:
    """Round times to label the time axis: every 15, 30 or 60 minutes by the span."""
    minutes = (end - start).total_seconds() / 60
    step = 15 if minutes <= 150 else 30 if minutes <= 300 else 60
    first = start.astimezone(UTC).replace(second=0, microsecond=0)
    first += timedelta(minutes=(-first.minute) % step)
    if first < start:
        first += timedelta(minutes=step)
    ticks: list[datetime] = []
    at = first
    while at <= end and len(ticks) < 25:
        ticks.append(at)
        at += timedelta(minutes=step)
    return tuple(ticks)


def spread_labels(ys: Sequence[float], low: float, high: float, gap: float) -> list[float]:
    """Label positions near ``ys`` (in order), at least ``gap`` apart, within low..high."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [0.0] * len(ys)
    previous = low - gap
    for i in order:  # downwards: each at least a gap below the one above
        placed[i] = max(ys[i], previous + gap)
        previous = placed[i]
    following = high + gap
    for i in reversed(order):  # upwards: back inside, each a gap above the one below
        placed[i] = min(placed[i], following - gap)
        following = placed[i]
    return placed


def warnings_of(panel: TimelinePanel) -> tuple[tuple[TimelineLine, TimelinePoint], ...]:
    found = [(line, p) for line in panel.lines for p in line.points if p.warning]
    return tuple(sorted(found, key=lambda pair: pair[1].when))


def describe(panel: TimelinePanel) -> str:
    """What the chart shows in words, for its ``<desc>``."""
    parts: list[str] = []
    for line in panel.lines:
        points = sorted(line.points, key=lambda p: p.when)
        if not points:
            continue
        values = [p.value for p in points]
        low, high = _value(min(values)), _value(max(values))
        span = low if low == high else f"{low} to {high}"
        count = "one reading" if len(points) == 1 else f"{len(points)} readings"
        parts.append(
            f"{line.label}: {count} from {clock_time(points[0].when)} to "
            f"{clock_time(points[-1].when)} UTC, {span} {panel.unit}."
        )
    if not parts:
        return f"{panel.title}: no readings yet."
    flagged = warnings_of(panel)
    if flagged:
        parts.append(f"{len(flagged)} out of range: " + " ".join(p.warning for _, p in flagged))
    else:
        parts.append("Every reading is within the thresholds.")
    return f"{panel.title}. " + " ".join(parts)


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def _colour(level: Level | None) -> str:
    return URGENT_COLOUR if level is Level.URGENT else CAUTION_COLOUR


def _legend(panel: TimelinePanel, frame: _Frame) -> list[str]:
    parts: list[str] = []
    x = frame.left
    for index, line in enumerate(panel.lines):
        colour = LINE_COLOUR if index == 0 else SECOND_LINE_COLOUR
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        parts.append(
            f'<line x1="{x}" y1="14" x2="{x + 24}" y2="14" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{x + 30}" y="18" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(line.label)}</text>"
        )
        x += 40 + 7 * len(line.label)
    flagged = warnings_of(panel)
    if flagged:
        urgent = any(p.level is Level.URGENT for _, p in flagged)
        fill = URGENT_COLOUR if urgent else CAUTION_COLOUR
        parts.append(
            f'<circle cx="{x + 6}" cy="14" r="6" fill="{fill}"/>'
            f'<text x="{x + 18}" y="18" font-size="12" fill="{TEXT_COLOUR}">Out of range</text>'
        )
    return parts


def _thresholds(panel: TimelinePanel, frame: _Frame) -> list[str]:
    shown = [t for t in panel.thresholds if panel.y_min <= t.value <= panel.y_max]
    ys = [_y(panel, frame, t.value) for t in shown]
    labels = spread_labels(ys, frame.top + 4, frame.base - 4, LABEL_GAP)
    parts: list[str] = []
    right = frame.left + frame.plot_width
    for mark, y, label_y in zip(shown, ys, labels, strict=True):
        colour = _colour(mark.level)
        dash = ' stroke-dasharray="5 4"' if mark.level is Level.CAUTION else ""
        parts.append(
            f'<line class="chart-threshold chart-threshold--{mark.level.value}" '
            f'x1="{frame.left}" y1="{_num(y)}" x2="{right}" y2="{_num(y)}" stroke="{colour}" '
            f'stroke-width="1.5"{dash}><title>{escape(mark.label)}</title></line>'
            f'<text class="chart-threshold-label" x="{right + 6}" y="{_num(label_y)}" dy="4" '
            f'font-size="11" fill="{colour}">{escape(mark.label)}</text>'
        )
    return parts


def _moments(panel: TimelinePanel, frame: _Frame) -> list[str]:
    parts: list[str] = []
    for at, label in panel.moments:
        if not panel.start <= at <= panel.end:
            continue
        x = _num(_x(panel, frame, at))
        parts.append(
            f'<line class="chart-moment" x1="{x}" y1="{frame.top}" x2="{x}" y2="{frame.base}" '
            f'stroke="{AXIS_COLOUR}" stroke-width="1" stroke-dasharray="2 3"/>'
            f'<text class="chart-moment-label" x="{x}" y="{frame.top - 4}" text-anchor="middle" '
            f'font-size="11" fill="{TEXT_COLOUR}">{escape(label)} {clock_time(at)}</text>'
        )
    return parts


def _axes(panel: TimelinePanel, frame: _Frame) -> list[str]:
    right = frame.left + frame.plot_width
    parts = [
        f'<g class="chart-axes" stroke="{AXIS_COLOUR}" stroke-width="1">'
        f'<line x1="{frame.left}" y1="{frame.top}" x2="{frame.left}" y2="{frame.base}"/>'
        f'<line x1="{frame.left}" y1="{frame.base}" x2="{right}" y2="{frame.base}"/></g>'
    ]
    for tick in _y_ticks(panel):
        y = _num(_y(panel, frame, tick))
        parts.append(
            f'<line x1="{frame.left - 4}" y1="{y}" x2="{frame.left}" y2="{y}" '
            f'stroke="{AXIS_COLOUR}"/>'
            f'<text x="{frame.left - 8}" y="{y}" dy="4" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{_value(tick)}</text>'
        )
    for at in tick_times(panel.start, panel.end):
        x = _num(_x(panel, frame, at))
        parts.append(
            f'<line x1="{x}" y1="{frame.base}" x2="{x}" y2="{frame.base + 4}" '
            f'stroke="{AXIS_COLOUR}"/>'
            f'<text x="{x}" y="{frame.base + 18}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{clock_time(at)}</text>'
        )
    parts.append(
        f'<text class="chart-axis-label" '
        f'transform="translate(14 {_num(frame.top + frame.plot_height / 2)}) rotate(-90)" '
        f'text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">{escape(panel.unit)}</text>'
        f'<text class="chart-axis-label" x="{_num(frame.left + frame.plot_width / 2)}" '
        f'y="{frame.height - 6}" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        "Time (UTC)</text>"
    )
    return parts


def _y_ticks(panel: TimelinePanel) -> list[float]:
    span = panel.y_max - panel.y_min
    step = next((s for s in (5, 10, 20, 25, 50, 100) if span / s <= 8), 200)
    first = -(-panel.y_min // step) * step
    ticks, value = [], first
    while value <= panel.y_max:
        ticks.append(value)
        value += step
    return ticks


def _marker(
    line: TimelineLine, point: TimelinePoint, unit: str, xy: tuple[float, float], colour: str
) -> str:
    x, y = xy
    title = f"{clock_time(point.when)}: {line.label} {_value(point.value)} {unit}"
    if point.warning:
        title = point.warning
        fill, stroke, size = _colour(point.level), "#ffffff", 7.0
        kind = "chart-point chart-point--warning"
    else:
        fill, stroke, size, kind = "#ffffff", colour, 5.0, "chart-point"
    if line.marker is Marker.SQUARE:
        return (
            f'<rect class="{kind}" x="{_num(x - size)}" y="{_num(y - size)}" '
            f'width="{_num(size * 2)}" height="{_num(size * 2)}" fill="{fill}" stroke="{stroke}" '
            f'stroke-width="2"><title>{escape(title)}</title></rect>'
        )
    return (
        f'<circle class="{kind}" cx="{_num(x)}" cy="{_num(y)}" r="{_num(size)}" fill="{fill}" '
        f'stroke="{stroke}" stroke-width="2"><title>{escape(title)}</title></circle>'
    )


def _lines(panel: TimelinePanel, frame: _Frame) -> list[str]:
    parts: list[str] = []
    markers: list[str] = []
    for index, line in enumerate(panel.lines):
        colour = LINE_COLOUR if index == 0 else SECOND_LINE_COLOUR
        points = sorted(line.points, key=lambda p: p.when)
        coords = [(_x(panel, frame, p.when), _y(panel, frame, p.value)) for p in points]
        if len(coords) > 1:
            dash = ' stroke-dasharray="6 4"' if line.dashed else ""
            joined = " ".join(f"{_num(x)},{_num(y)}" for x, y in coords)
            parts.append(
                f'<polyline class="chart-line" points="{joined}" fill="none" stroke="{colour}" '
                f'stroke-width="2.5" stroke-linejoin="round"{dash}/>'
            )
        markers.extend(
            _marker(line, p, panel.unit, xy, colour) for p, xy in zip(points, coords, strict=True)
        )
    # Markers after every line, so a highlighted reading is never hidden under a line.
    return parts + markers


def timeline_chart(panel: TimelinePanel, *, width: int = 640, height: int = 260) -> str:
    """The panel as an SVG line chart with threshold lines and highlighted warnings."""
    if panel.y_max <= panel.y_min:
        raise ValueError("y_max must be greater than y_min")
    if panel.end < panel.start:
        raise ValueError("the end must not come before the start")
    frame = _Frame(width, height)
    slug = _slug(panel.title)
    title_id, desc_id = f"timeline-{slug}-title", f"timeline-{slug}-desc"
    parts = [
        f'<svg class="chart kap-timeline" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{title_id}">{escape(panel.title)}</title>',
        f'<desc id="{desc_id}">{escape(describe(panel))}</desc>',
    ]
    parts += _legend(panel, frame)
    parts += _thresholds(panel, frame)
    parts += _moments(panel, frame)
    parts += _axes(panel, frame)
    if any(line.points for line in panel.lines):
        parts += _lines(panel, frame)
    else:
        parts.append(
            f'<text x="{_num(frame.left + frame.plot_width / 2)}" '
            f'y="{_num(frame.top + frame.plot_height / 2)}" text-anchor="middle" '
            f'font-size="14" fill="{TEXT_COLOUR}">No readings yet</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
