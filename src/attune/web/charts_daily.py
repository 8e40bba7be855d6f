"""A patient's daily check-ins over time as accessible inline SVG, drawn on the server.

:func:`daily_chart` draws daily ratings (craving, mood, stress …) as lines over the days
shown, each day of use marked by a shaded column and a marker under the axis, and each
day without a check-in since the first one by a grey tick there (days before the first
check-in are not missed ones): the line breaks at such a day (nothing is filled in).
Lines differ by dash pattern as well as colour. :func:`daily_table` gives the same
numbers as an HTML table. Both are pure, escape every piece of text and use presentation
attributes only (no inline style or script), so they pass a strict CSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape

from attune.web.charts import AXIS_COLOUR, LINE_COLOUR, TEXT_COLOUR
from attune.web.charts_effects import num, slug_of
from attune.web.charts_timeline import SECOND_LINE_COLOUR

THIRD_LINE_COLOUR = "#8a4b08"
FOURTH_LINE_COLOUR = "#3d6b35"
USE_FILL = "#f6d9d3"
USE_MARK = "#9b2c1f"
MISSED_MARK = "#9a9a9a"
#: Colour and dash pattern for the lines, in order; they differ by pattern too.
LINE_STYLES = (
    (LINE_COLOUR, ""),
    (SECOND_LINE_COLOUR, "7 4"),
    (THIRD_LINE_COLOUR, "2 3"),
    (FOURTH_LINE_COLOUR, "10 3 2 3"),
)


@dataclass(frozen=True)
class DailyLine:
    """One rating over the days: ``values[i]`` is day ``start + i`` (None: no answer)."""

    label: str
    values: tuple[float | None, ...]


@dataclass(frozen=True)
class DailySeriesChart:
    """What the daily chart shows. ``used[i]``: True a day of use, False a day without,
    None no check-in that day. Every line has one value per day, as ``used`` does."""

    title: str
    start: date
    lines: tuple[DailyLine, ...]
    used: tuple[bool | None, ...]
    y_min: float = 0
    y_max: float = 10
    y_label: str = "Rating (0 to 10)"

    @property
    def days(self) -> int:
        return len(self.used)

    def day(self, index: int) -> date:
        return self.start + timedelta(days=index)


def _day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%b')}"


def describe_daily(chart: DailySeriesChart) -> str:
    """What the daily chart shows, in words, for its ``<desc>``."""
    if chart.days == 0:
        return f"{chart.title}: no days to show."
    first, last = chart.day(0), chart.day(chart.days - 1)
    checked = sum(1 for u in chart.used if u is not None)
    use_days = [_day_text(chart.day(i)) for i, u in enumerate(chart.used) if u]
    parts = [
        f"{chart.title}, {_day_text(first)} {first.year} to {_day_text(last)} {last.year}: "
        f"checked in on {checked} of {chart.days} days."
    ]
    for line in chart.lines:
        known = [v for v in line.values if v is not None]
        if known:
            parts.append(
                f"{line.label} averaged {sum(known) / len(known):.1f} "
                f"(lowest {min(known):g}, highest {max(known):g})."
            )
    if use_days:
        parts.append(f"Use on {len(use_days)} days: {', '.join(use_days)}.")
    else:
        parts.append("No use recorded.")
    return " ".join(parts)


def _segments(values: Sequence[float | None]) -> list[list[int]]:
    """Runs of consecutive days with a value; a day without one breaks the line."""
    runs: list[list[int]] = []
    current: list[int] = []
    for index, value in enumerate(values):
        if value is None:
            if current:
                runs.append(current)
            current = []
        else:
            current.append(index)
    if current:
        runs.append(current)
    return runs


def _x_tick_days(days: int) -> list[int]:
    """Day indexes to label: about every week, never more than eight labels."""
    if days <= 1:
        return [0] if days else []
    step = 7
    while days / step > 8:
        step += 7
    return list(range(0, days, step))


def daily_chart(chart: DailySeriesChart, *, width: int = 720, height: int = 300) -> str:
    """The ratings as lines over the days; days of use shaded and marked under the axis,
    days without a check-in marked as small grey ticks there too."""
    if chart.y_max <= chart.y_min:
        raise ValueError("y_max must be greater than y_min")
    for line in chart.lines:
        if len(line.values) != chart.days:
            raise ValueError(f"{line.label!r} has {len(line.values)} values for {chart.days} days")
    left, right, top, bottom = 48, 16, 34, 78
    plot_width, plot_height = width - left - right, height - top - bottom
    base = top + plot_height
    slot = plot_width / max(1, chart.days)

    def x(index: int) -> float:
        return left + slot * (index + 0.5)

    def y(value: float) -> float:
        clamped = min(max(value, chart.y_min), chart.y_max)
        return top + plot_height * (1 - (clamped - chart.y_min) / (chart.y_max - chart.y_min))

    slug = slug_of(chart.title)
    parts = [
        f'<svg class="chart chart--daily" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{slug}-title chart-{slug}-desc" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-{slug}-title">{escape(chart.title)}</title>',
        f'<desc id="chart-{slug}-desc">{escape(describe_daily(chart))}</desc>',
    ]
    parts.extend(_legend(chart, left))
    mark_y = base + 34
    first = next((i for i, u in enumerate(chart.used) if u is not None), chart.days)
    for index, used in enumerate(chart.used):
        cx = x(index)
        if used:
            parts.append(
                f'<rect class="daily-use" x="{num(cx - slot / 2)}" y="{top}" '
                f'width="{num(slot)}" height="{plot_height}" fill="{USE_FILL}">'
                f"<title>{_day_text(chart.day(index))}: use</title></rect>"
                f'<path class="daily-use-mark" d="M{num(cx)} {mark_y - 6}l5 9h-10z" '
                f'fill="{USE_MARK}"/>'
            )
        elif used is None and index > first:
            parts.append(
                f'<line class="daily-missed" x1="{num(cx)}" y1="{mark_y - 5}" '
                f'x2="{num(cx)}" y2="{mark_y + 3}" stroke="{MISSED_MARK}" stroke-width="2">'
                f"<title>{_day_text(chart.day(index))}: no check-in</title></line>"
            )
    for tick in (chart.y_min, (chart.y_min + chart.y_max) / 2, chart.y_max):
        ty = num(y(tick))
        parts.append(
            f'<line x1="{left}" y1="{ty}" x2="{left + plot_width}" y2="{ty}" '
            f'stroke="#ececec"/>'
            f'<text x="{left - 8}" y="{ty}" dy="4" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick:g}</text>'
        )
    parts.append(
        f'<g stroke="{AXIS_COLOUR}"><line x1="{left}" y1="{top}" x2="{left}" y2="{base}"/>'
        f'<line x1="{left}" y1="{base}" x2="{left + plot_width}" y2="{base}"/></g>'
        f'<text class="chart-axis-label" transform="translate(14 {num(top + plot_height / 2)})'
        f' rotate(-90)" text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">'
        f"{escape(chart.y_label)}</text>"
        f'<text x="{left - 8}" y="{mark_y}" dy="2" text-anchor="end" font-size="11" '
        f'fill="{TEXT_COLOUR}">Use</text>'
    )
    for index in _x_tick_days(chart.days):
        parts.append(
            f'<text x="{num(x(index))}" y="{base + 16}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{_day_text(chart.day(index))}</text>'
        )
    for number, line in enumerate(chart.lines):
        colour, dash = LINE_STYLES[number % len(LINE_STYLES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        for run in _segments(line.values):
            if len(run) == 1:
                value = line.values[run[0]]
                assert value is not None
                parts.append(
                    f'<circle cx="{num(x(run[0]))}" cy="{num(y(value))}" r="2.5" fill="{colour}"/>'
                )
                continue
            coords = " ".join(f"{num(x(i))},{num(y(line.values[i] or 0.0))}" for i in run)
            parts.append(
                f'<polyline class="daily-line" points="{coords}" fill="none" '
                f'stroke="{colour}" stroke-width="2"{dashed} stroke-linejoin="round"/>'
            )
    parts.append(
        f'<text x="{num(left + plot_width / 2)}" y="{height - 6}" text-anchor="middle" '
        f'font-size="12" fill="{TEXT_COLOUR}">Day (shaded: a day of use; grey tick: '
        "no check-in)</text></svg>"
    )
    return "".join(parts)


def _legend(chart: DailySeriesChart, left: int) -> list[str]:
    parts: list[str] = []
    x = float(left)
    for number, line in enumerate(chart.lines):
        colour, dash = LINE_STYLES[number % len(LINE_STYLES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{num(x)}" y1="14" x2="{num(x + 26)}" y2="14" stroke="{colour}" '
            f'stroke-width="2.5"{dashed}/>'
            f'<text x="{num(x + 32)}" y="18" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(line.label)}</text>"
        )
        x += 44 + 7 * len(line.label)
    parts.append(
        f'<rect x="{num(x)}" y="7" width="14" height="14" fill="{USE_FILL}"/>'
        f'<text x="{num(x + 20)}" y="18" font-size="12" fill="{TEXT_COLOUR}">Day of use</text>'
    )
    return parts


def daily_table(chart: DailySeriesChart) -> str:
    """Every day as a row: the date, each rating, and use (or 'no check-in')."""
    heads = "".join(
        f'<th scope="col" class="num">{escape(line.label)}</th>' for line in chart.lines
    )
    rows: list[str] = []
    for index, used in enumerate(chart.used):
        day = chart.day(index)
        cells = "".join(
            f'<td class="num">{"–" if (v := line.values[index]) is None else f"{v:g}"}</td>'
            for line in chart.lines
        )
        use = "No check-in" if used is None else "Yes" if used else "No"
        row_class = ' class="row--use"' if used else ""
        rows.append(
            f'<tr{row_class}><th scope="row">'
            f"{day.strftime('%a')} {_day_text(day)} {day.year}</th>{cells}<td>{use}</td></tr>"
        )
    if not rows:
        rows = [f'<tr><td colspan="{len(chart.lines) + 2}">No days to show</td></tr>']
    return (
        f'<table class="chart-table daily-table"><caption>{escape(chart.title)}: '
        f'every day</caption><thead><tr><th scope="col">Day</th>{heads}'
        f'<th scope="col">Use</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )
