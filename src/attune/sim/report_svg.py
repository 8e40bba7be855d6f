"""Pure SVG charts for the simulator's reports and the teaching page.

Two kinds of chart, both pure functions of their input (the same data always gives the
same text), both with a ``<title>`` and ``<desc>`` that say in words what they show, and
both drawn with SVG presentation attributes only (no inline styles, no scripts), so a page
with a strict Content-Security-Policy can embed them and a report opens offline:

* :func:`line_chart` — one or more lines on shared axes (optionally as steps, dashed or
  shaded as a band), with labelled vertical markers (dose days, say).
* :func:`interval_chart` — rows of a point with its interval on one axis, to set a
  simulated number beside the published one.

The web layer may import this module (sim sits beside web as an edge); this module
imports nothing of Attune.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

#: A calm palette that stays distinct for the common kinds of colour blindness
#: (Okabe & Ito's), darkest first.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000")
AXIS_COLOUR = "#4a4a4a"
GRID_COLOUR = "#e3e3e3"
TEXT_COLOUR = "#2b2b2b"


@dataclass(frozen=True)
class Line:
    """One line: points ``(x, y)``; ``None`` in ``ys`` leaves a gap."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float | None, ...]
    colour: str = PALETTE[0]
    dashed: bool = False
    step: bool = False
    #: Draw as a shaded band between this line and ``lower`` (same xs), not as a line.
    lower: tuple[float, ...] | None = None


@dataclass(frozen=True)
class Marker:
    """A labelled vertical line at ``x`` (a dose, the start of treatment …)."""

    x: float
    label: str
    colour: str = "#7a7a7a"


@dataclass(frozen=True)
class Axis:
    """An axis's range, label and tick positions (``None``: five even ticks)."""

    low: float
    high: float
    label: str
    ticks: tuple[float, ...] | None = None
    percent: bool = False


@dataclass(frozen=True)
class IntervalRow:
    """One row of an interval chart: a point and, when known, its interval."""

    label: str
    value: float
    low: float | None = None
    high: float | None = None
    colour: str = PALETTE[0]


def num(value: float) -> str:
    """Coordinates with at most one decimal, so output is short and stable."""
    text = f"{value:.1f}"
    text = "0" if text == "-0.0" else text
    return text[:-2] if text.endswith(".0") else text


def tick_text(value: float, percent: bool) -> str:
    if percent:
        return f"{value * 100:.0f}%"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, most: int = 7) -> tuple[float, ...]:
    """Round tick positions (steps of 1, 2 or 5 times a power of ten) from low to high."""
    span = high - low
    if span <= 0:
        return (low,)
    power = 10.0 ** math.floor(math.log10(span / max(most - 1, 1)))
    for step in (m * power for m in (1.0, 2.0, 2.5, 5.0, 10.0, 20.0)):
        first = math.ceil(low / step - 1e-9) * step
        count = math.floor((high - first) / step + 1e-9) + 1
        if count <= most:
            break
    return tuple(round(first + step * i, 10) + 0.0 for i in range(count))


def _ticks(axis: Axis) -> tuple[float, ...]:
    if axis.ticks is not None:
        return axis.ticks
    return nice_ticks(axis.low, axis.high)


def _scale(value: float, axis: Axis, start: float, length: float) -> float:
    span = axis.high - axis.low
    clamped = min(max(value, axis.low), axis.high)
    return start + length * (clamped - axis.low) / span


def _header(width: int, height: int, title: str, desc: str, key: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" font-family="sans-serif" font-size="12">',
        f'<title id="{key}-title">{escape(title)}</title>',
        f'<desc id="{key}-desc">{escape(desc)}</desc>',
    ]


def _path(points: Sequence[tuple[float, float]], step: bool) -> str:
    parts: list[str] = []
    previous_y: float | None = None
    for index, (x, y) in enumerate(points):
        if index == 0:
            parts.append(f"M{num(x)} {num(y)}")
        elif step and previous_y is not None:
            parts.append(f"H{num(x)}V{num(y)}")
        else:
            parts.append(f"L{num(x)} {num(y)}")
        previous_y = y
    return "".join(parts)


def _segments(line: Line) -> list[list[tuple[float, float]]]:
    segments: list[list[tuple[float, float]]] = [[]]
    for x, y in zip(line.xs, line.ys, strict=True):
        if y is None:
            if segments[-1]:
                segments.append([])
            continue
        segments[-1].append((x, y))
    return [segment for segment in segments if segment]


def line_chart(
    *,
    key: str,
    title: str,
    desc: str,
    lines: Sequence[Line],
    x: Axis,
    y: Axis,
    markers: Sequence[Marker] = (),
    width: int = 640,
    height: int = 300,
) -> str:
    """Lines on shared axes with a legend underneath. ``key`` makes the ids unique."""
    left, right, top = 58, 16, 16
    legend_rows = (len(lines) + 2) // 3
    bottom = 44 + 18 * legend_rows
    plot_w = width - left - right
    plot_h = height - top - bottom
    out = _header(width, height, title, desc, key)

    def sx(value: float) -> float:
        return _scale(value, x, left, plot_w)

    def sy(value: float) -> float:
        return top + plot_h - _scale(value, y, 0, plot_h)

    for tick in _ticks(y):
        ty = sy(tick)
        out.append(
            f'<line x1="{left}" y1="{num(ty)}" x2="{left + plot_w}" y2="{num(ty)}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        out.append(
            f'<text x="{left - 6}" y="{num(ty + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(tick_text(tick, y.percent))}</text>'
        )
    for tick in _ticks(x):
        tx = sx(tick)
        out.append(
            f'<text x="{num(tx)}" y="{top + plot_h + 16}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(tick_text(tick, x.percent))}</text>'
        )
    out.append(
        f'<path d="M{left} {top}V{top + plot_h}H{left + plot_w}" fill="none" '
        f'stroke="{AXIS_COLOUR}"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{top + plot_h + 32}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}">{escape(x.label)}</text>'
    )
    out.append(
        f'<text x="14" y="{top + plot_h / 2:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.0f})" '
        f'fill="{TEXT_COLOUR}">{escape(y.label)}</text>'
    )
    for marker in markers:
        mx = sx(marker.x)
        out.append(
            f'<line x1="{num(mx)}" y1="{top}" x2="{num(mx)}" y2="{top + plot_h}" '
            f'stroke="{marker.colour}" stroke-dasharray="2 3">'
            f"<title>{escape(marker.label)}</title></line>"
        )
    for line in lines:
        if line.lower is not None:
            upper = [(sx(a), sy(b)) for a, b in zip(line.xs, line.ys, strict=True) if b is not None]
            lower = [(sx(a), sy(b)) for a, b in zip(line.xs, line.lower, strict=True)]
            if upper and lower:
                ring = upper + list(reversed(lower))
                out.append(
                    f'<path d="{_path(ring, False)}Z" fill="{line.colour}" '
                    f'fill-opacity="0.18" stroke="none"><title>{escape(line.label)}</title></path>'
                )
            continue
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        for segment in _segments(line):
            points = [(sx(a), sy(b)) for a, b in segment]
            if len(points) == 1:
                px, py = points[0]
                out.append(f'<circle cx="{num(px)}" cy="{num(py)}" r="2.5" fill="{line.colour}"/>')
                continue
            out.append(
                f'<path d="{_path(points, line.step)}" fill="none" stroke="{line.colour}" '
                f'stroke-width="2"{dash}><title>{escape(line.label)}</title></path>'
            )
    legend_top = top + plot_h + 44
    for index, line in enumerate(lines):
        lx = left + (index % 3) * (plot_w / 3)
        ly = legend_top + (index // 3) * 18
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        if line.lower is not None:
            out.append(
                f'<rect x="{num(lx)}" y="{ly - 9}" width="22" height="10" '
                f'fill="{line.colour}" fill-opacity="0.18"/>'
            )
        else:
            out.append(
                f'<line x1="{num(lx)}" y1="{ly - 4}" x2="{num(lx + 22)}" y2="{ly - 4}" '
                f'stroke="{line.colour}" stroke-width="2"{dash}/>'
            )
        out.append(
            f'<text x="{num(lx + 28)}" y="{ly}" fill="{TEXT_COLOUR}">{escape(line.label)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


def interval_chart(
    *,
    key: str,
    title: str,
    desc: str,
    rows: Sequence[IntervalRow],
    x: Axis,
    width: int = 640,
) -> str:
    """Each row a dot with whiskers on one shared axis; labels on the left."""
    longest = max((len(row.label) for row in rows), default=10)
    left = min(max(120, 7 * longest + 20), width // 2)
    right, top, row_h = 24, 12, 30
    plot_w = width - left - right
    height = top + row_h * len(rows) + 44
    plot_bottom = top + row_h * len(rows)
    out = _header(width, height, title, desc, key)

    def sx(value: float) -> float:
        return _scale(value, x, left, plot_w)

    for tick in _ticks(x):
        tx = sx(tick)
        out.append(
            f'<line x1="{num(tx)}" y1="{top}" x2="{num(tx)}" y2="{plot_bottom}" '
            f'stroke="{GRID_COLOUR}"/>'
        )
        out.append(
            f'<text x="{num(tx)}" y="{plot_bottom + 16}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}">{escape(tick_text(tick, x.percent))}</text>'
        )
    out.append(
        f'<line x1="{left}" y1="{plot_bottom}" x2="{left + plot_w}" y2="{plot_bottom}" '
        f'stroke="{AXIS_COLOUR}"/>'
    )
    out.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{plot_bottom + 34}" text-anchor="middle" '
        f'fill="{TEXT_COLOUR}">{escape(x.label)}</text>'
    )
    for index, row in enumerate(rows):
        cy = top + row_h * index + row_h / 2
        out.append(
            f'<text x="{left - 10}" y="{num(cy + 4)}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(row.label)}</text>'
        )
        if row.low is not None and row.high is not None:
            out.append(
                f'<path d="M{num(sx(row.low))} {num(cy)}H{num(sx(row.high))}'
                f"M{num(sx(row.low))} {num(cy - 5)}V{num(cy + 5)}"
                f'M{num(sx(row.high))} {num(cy - 5)}V{num(cy + 5)}" '
                f'stroke="{row.colour}" stroke-width="2" fill="none"/>'
            )
        out.append(
            f'<circle cx="{num(sx(row.value))}" cy="{num(cy)}" r="5" fill="{row.colour}">'
            f"<title>{escape(row.label)}: {escape(tick_text(row.value, x.percent))}</title>"
            "</circle>"
        )
    out.append("</svg>")
    return "\n".join(out)
