"""The patient's own check-ins as pictures, drawn on the server as inline SVG.

Pure functions, like :mod:`attune.web.charts`: the same series always gives the same SVG
text, every piece of text is escaped, and only SVG presentation attributes are used (no
inline styles or scripts), so the pictures pass the strict Content-Security-Policy and
show without JavaScript. Each chart carries a ``<title>`` and a ``<desc>`` saying in
words what it shows; the pages put the same numbers in a table beside it.

- :func:`days_chart`: mood and craving day by day (0–10), a gap on a day without a
  check-in, and a dot under each day with use.
- :func:`weekday_chart`: the average craving on each day of the week, with how many
  check-ins each average rests on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from html import escape

import numpy as np

from attune.domain.monitoring.series import DailySeries, FloatArray

MOOD_COLOUR = "#2d5c73"
CRAVING_COLOUR = "#b5562f"
USE_COLOUR = "#7a3216"
AXIS_COLOUR = "#4a4a4a"
TEXT_COLOUR = "#2b2b2b"
GRID_COLOUR = "#e4dccf"
MISSED_COLOUR = "#c9c0b2"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _num(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _day(value: date) -> str:
    return f"{value.day} {value.strftime('%b')}"


def _finite(values: FloatArray) -> list[float]:
    return [float(v) for v in values if math.isfinite(float(v))]


def _mean(values: FloatArray) -> float | None:
    found = _finite(values)
    return sum(found) / len(found) if found else None


def describe_days(series: DailySeries) -> str:
    """What the day-by-day chart shows, in words."""
    if series.days == 0 or series.checkins == 0:
        return "No check-ins in these days yet."
    mood, craving = _mean(series.mood), _mean(series.craving)
    used = int(np.nansum(series.used))
    parts = [
        f"{series.checkins} check-ins from {_day(series.start)} to {_day(series.end)}.",
        f"Mood averaged {mood:.1f} and craving {craving:.1f} out of 10."
        if mood is not None and craving is not None
        else "",
        f"Use on {used} day{'s' if used != 1 else ''}." if used else "No days with use.",
    ]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Frame:
    width: int
    height: int
    left: int = 34
    right: int = 10
    top: int = 12
    bottom: int = 46

    @property
    def plot_width(self) -> float:
        return float(self.width - self.left - self.right)

    @property
    def plot_bottom(self) -> float:
        return float(self.height - self.bottom)

    def y(self, value: float) -> float:
        plot_height = self.plot_bottom - self.top
        return self.top + plot_height * (1 - min(max(value, 0.0), 10.0) / 10.0)


def _segments(values: FloatArray, xs: list[float], frame: _Frame) -> list[list[str]]:
    """Runs of consecutive answered days, as point lists (a missed day breaks the line)."""
    runs: list[list[str]] = []
    current: list[str] = []
    for x, value in zip(xs, values, strict=True):
        if math.isfinite(float(value)):
            current.append(f"{_num(x)},{_num(frame.y(float(value)))}")
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _line(values: FloatArray, xs: list[float], frame: _Frame, colour: str, name: str) -> list[str]:
    parts: list[str] = []
    for run in _segments(values, xs, frame):
        if len(run) > 1:
            parts.append(
                f'<polyline class="pt-line pt-line--{name}" points="{" ".join(run)}" '
                f'fill="none" stroke="{colour}" stroke-width="2.5" stroke-linejoin="round"/>'
            )
        else:
            x, y = run[0].split(",")
            parts.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>')
    return parts


def _slug(title: str, width: int) -> str:
    """Ids unique per title and width (a page may carry a narrow and a wide drawing)."""
    return "".join(ch if ch.isalnum() else "-" for ch in title.lower()).strip("-") + f"-{width}"


def days_chart(series: DailySeries, *, title: str, width: int = 640, height: int = 230) -> str:
    """Mood and craving by day on one 0–10 scale, use days marked under the axis."""
    frame = _Frame(width, height)
    slug = _slug(title, width)
    step = frame.plot_width / max(series.days, 1)
    xs = [frame.left + step * (i + 0.5) for i in range(series.days)]
    parts = [
        f'<svg class="chart pt-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(describe_days(series))}</desc>',
    ]
    for tick in (0, 5, 10):
        y = _num(frame.y(tick))
        parts.append(
            f'<line x1="{frame.left}" y1="{y}" x2="{width - frame.right}" y2="{y}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{frame.left - 6}" y="{y}" dy="4" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
        )
    bottom = _num(frame.plot_bottom)
    parts.append(
        f'<line x1="{frame.left}" y1="{bottom}" x2="{width - frame.right}" y2="{bottom}" '
        f'stroke="{AXIS_COLOUR}"/>'
    )
    marks = frame.plot_bottom + 12
    dates = series.dates()
    for i, x in enumerate(xs):
        when = _day(dates[i])
        if not series.checked_in[i]:
            parts.append(
                f'<line x1="{_num(x)}" y1="{_num(marks - 3)}" x2="{_num(x)}" '
                f'y2="{_num(marks + 3)}" stroke="{MISSED_COLOUR}" stroke-width="2">'
                f"<title>{when}: no check-in</title></line>"
            )
        elif series.used[i] == 1.0:
            parts.append(
                f'<circle class="pt-use" cx="{_num(x)}" cy="{_num(marks)}" r="4.5" '
                f'fill="{USE_COLOUR}"><title>{when}: used</title></circle>'
            )
    parts.extend(_line(series.mood, xs, frame, MOOD_COLOUR, "mood"))
    parts.extend(_line(series.craving, xs, frame, CRAVING_COLOUR, "craving"))
    if series.days:
        label_y = _num(height - 8)
        for index, anchor in ((0, "start"), (series.days - 1, "end")):
            x = frame.left if anchor == "start" else width - frame.right
            parts.append(
                f'<text x="{x}" y="{label_y}" text-anchor="{anchor}" font-size="12" '
                f'fill="{TEXT_COLOUR}">{_day(dates[index])}</text>'
            )
    if series.checkins == 0:
        parts.append(
            f'<text x="{_num(frame.left + frame.plot_width / 2)}" '
            f'y="{_num(frame.y(5))}" text-anchor="middle" font-size="14" '
            f'fill="{TEXT_COLOUR}">No check-ins yet</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


@dataclass(frozen=True)
class WeekdayMean:
    weekday: int
    name: str
    #: Average craving on this weekday, None with no check-in on it.
    craving: float | None
    checkins: int


def weekday_means(series: DailySeries) -> tuple[WeekdayMean, ...]:
    """The average craving on each day of the week (Monday first) and its check-ins."""
    first = series.start.weekday()
    found: list[WeekdayMean] = []
    for weekday in range(7):
        picked = np.array([(first + i) % 7 == weekday for i in range(series.days)], dtype=bool)
        values = series.craving[picked] if series.days else np.array([], dtype=np.float64)
        finite = _finite(values)
        found.append(
            WeekdayMean(
                weekday,
                WEEKDAY_NAMES[weekday],
                sum(finite) / len(finite) if finite else None,
                len(finite),
            )
        )
    return tuple(found)


def weekday_chart(means: tuple[WeekdayMean, ...], *, title: str, width: int = 640) -> str:
    """Average craving by weekday as bars (0–10), each labelled with its check-ins."""
    height = 220
    frame = _Frame(width, height, left=34, right=10, top=22, bottom=44)
    slug = _slug(title, width)
    answered = [m for m in means if m.craving is not None]
    if answered:
        high = max(answered, key=lambda m: m.craving or 0.0)
        desc = (
            f"Average craving by day of the week. Highest on {high.name}s "
            f"({(high.craving or 0.0):.1f} out of 10, from {high.checkins} check-ins)."
        )
    else:
        desc = "No check-ins yet to average by day of the week."
    parts = [
        f'<svg class="chart pt-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{slug}-title {slug}-desc" preserveAspectRatio="xMidYMid meet">',
        f'<title id="{slug}-title">{escape(title)}</title>',
        f'<desc id="{slug}-desc">{escape(desc)}</desc>',
    ]
    for tick in (0, 5, 10):
        y = _num(frame.y(tick))
        parts.append(
            f'<line x1="{frame.left}" y1="{y}" x2="{width - frame.right}" y2="{y}" '
            f'stroke="{GRID_COLOUR}"/>'
            f'<text x="{frame.left - 6}" y="{y}" dy="4" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
        )
    slot = frame.plot_width / 7
    bar = slot * 0.62
    for m in means:
        x = frame.left + slot * m.weekday + (slot - bar) / 2
        centre = _num(x + bar / 2)
        if m.craving is not None:
            top = frame.y(m.craving)
            parts.append(
                f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(bar)}" '
                f'height="{_num(max(frame.plot_bottom - top, 1.0))}" rx="3" '
                f'fill="{CRAVING_COLOUR}"><title>{m.name}: {m.craving:.1f} '
                f"({m.checkins} check-ins)</title></rect>"
                f'<text x="{centre}" y="{_num(top - 5)}" text-anchor="middle" font-size="12" '
                f'fill="{TEXT_COLOUR}">{m.craving:.1f}</text>'
            )
        parts.append(
            f'<text x="{centre}" y="{_num(frame.plot_bottom + 16)}" text-anchor="middle" '
            f'font-size="12" fill="{TEXT_COLOUR}">{WEEKDAYS[m.weekday]}</text>'
            f'<text x="{centre}" y="{_num(frame.plot_bottom + 31)}" text-anchor="middle" '
            f'font-size="11" fill="{AXIS_COLOUR}">n={m.checkins}</text>'
        )
    parts.append(
        f'<line x1="{frame.left}" y1="{_num(frame.plot_bottom)}" x2="{width - frame.right}" '
        f'y2="{_num(frame.plot_bottom)}" stroke="{AXIS_COLOUR}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)
