"""What precedes craving and use, as an accessible inline SVG forest plot.

A sibling of :mod:`attune.web.charts` for daily self-monitoring (the daily series itself
is drawn by :mod:`attune.web.charts_daily`). :func:`forest_plot` draws estimated effects
(what precedes next-day craving or use, which coping precedes lower craving) as points
with their 95% intervals around a labelled zero line. An effect whose interval excludes
zero is drawn filled, one whose interval crosses zero hollow, so the uncertainty reads in
grey too; every row also carries its numbers in words.

:func:`effects_table` gives the same numbers as an HTML table. Both are pure (the same
input gives the same text), escape every piece of text and use presentation attributes
only (no inline style or script), so they pass a strict Content-Security-Policy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Protocol

from attune.web.charts import AXIS_COLOUR, LINE_COLOUR, TEXT_COLOUR

ZERO_COLOUR = "#6b6b6b"


class EffectLike(Protocol):
    """The parts of an insight effect the forest plot draws (``Effect`` has them)."""

    @property
    def label(self) -> str: ...
    @property
    def estimate(self) -> float: ...
    @property
    def ci_low(self) -> float: ...
    @property
    def ci_high(self) -> float: ...
    @property
    def n(self) -> int: ...
    @property
    def clear(self) -> bool: ...


def num(value: float) -> str:
    """Coordinates with at most one decimal, so output is short and stable."""
    text = f"{value:.1f}"
    return "0" if text == "-0.0" else text[:-2] if text.endswith(".0") else text


def signed(value: float) -> str:
    """An estimate with two decimals and its sign: '+0.42', '−0.10' (a real minus)."""
    text = f"{abs(value):.2f}"
    if text == "0.00":
        return "0.00"
    return ("+" if value > 0 else "\u2212") + text


def estimable(effect: EffectLike) -> bool:
    """Whether the estimate and both ends of its interval are numbers."""
    return all(math.isfinite(v) for v in (effect.estimate, effect.ci_low, effect.ci_high))


def interval(effect: EffectLike) -> str:
    """'+0.42 (95% interval +0.10 to +0.74; 58 days)'."""
    if not estimable(effect):
        return f"not estimable ({effect.n} days)"
    return (
        f"{signed(effect.estimate)} (95% interval {signed(effect.ci_low)} to "
        f"{signed(effect.ci_high)}; {effect.n} days)"
    )


def slug_of(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def nice_step(span: float) -> float:
    """A round tick step (1, 2 or 5 × a power of ten) giving about four ticks over span."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * power:
            return float(factor * power)
    return float(10 * power)  # pragma: no cover (the loop always returns)


def effect_range(effects: Sequence[EffectLike]) -> tuple[float, float, float]:
    """The x range (low, high) of a forest plot and its tick step: it always includes
    zero and every interval, widened to whole ticks."""
    values = [0.0]
    for e in effects:
        values.extend(v for v in (e.ci_low, e.ci_high, e.estimate) if math.isfinite(v))
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = -1.0, 1.0
    step = nice_step(high - low)
    low = math.floor(low / step - 1e-9) * step
    high = math.ceil(high / step + 1e-9) * step
    if high - low < 2 * step:  # at least a tick either side of zero where possible
        low, high = min(low, -step), max(high, step)
    return low, high, step


def _tick_text(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    text = f"{abs(value):.{decimals}f}"
    if float(text) == 0:
        return "0"
    return ("\u2212" if value < 0 else "+") + text


def describe_effects(title: str, effects: Sequence[EffectLike]) -> str:
    """What the forest plot shows, in words, for its ``<desc>``."""
    if not effects:
        return f"{title}: nothing to show yet."
    clear = [e for e in effects if e.clear]
    parts = [
        f"{title}: {len(effects)} estimates with 95% intervals; "
        f"{len(clear)} with an interval that excludes zero."
    ]
    parts.extend(f"{e.label}: {interval(e)}." for e in effects)
    return " ".join(parts)


def forest_plot(
    effects: Sequence[EffectLike],
    *,
    title: str,
    x_label: str,
    width: int = 720,
    row_height: int = 30,
) -> str:
    """Each effect as a point with its 95% interval, one row each, around a zero line.

    Filled squares: the interval excludes zero. Hollow: it crosses zero (no clear sign
    either way). The right-hand column repeats the estimate, interval and days in words.
    """
    left, right, top, bottom = 220, 200, 12, 48
    plot_width = width - left - right
    height = top + bottom + row_height * max(1, len(effects))
    low, high, step = effect_range(effects)

    def x(value: float) -> float:
        clamped = min(max(value, low), high)
        return left + plot_width * (clamped - low) / (high - low)

    slug = slug_of(title)
    parts = [
        f'<svg class="chart chart--forest" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{slug}-title chart-{slug}-desc" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="chart-{slug}-title">{escape(title)}</title>',
        f'<desc id="chart-{slug}-desc">{escape(describe_effects(title, effects))}</desc>',
    ]
    base = height - bottom
    ticks = [low + step * i for i in range(round((high - low) / step) + 1)]
    for tick in ticks:
        tx = num(x(tick))
        parts.append(
            f'<line x1="{tx}" y1="{top}" x2="{tx}" y2="{base}" stroke="#e3e3e3"/>'
            f'<text x="{tx}" y="{base + 16}" text-anchor="middle" font-size="12" '
            f'fill="{TEXT_COLOUR}">{_tick_text(tick, step)}</text>'
        )
    zero = num(x(0.0))
    parts.append(
        f'<line class="forest-zero" x1="{zero}" y1="{top}" x2="{zero}" y2="{base}" '
        f'stroke="{ZERO_COLOUR}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        f'<line x1="{left}" y1="{base}" x2="{left + plot_width}" y2="{base}" '
        f'stroke="{AXIS_COLOUR}"/>'
        f'<text class="chart-axis-label" x="{num(left + plot_width / 2)}" y="{height - 8}" '
        f'text-anchor="middle" font-size="12" fill="{TEXT_COLOUR}">{escape(x_label)}</text>'
    )
    if not effects:
        parts.append(
            f'<text x="{num(left + plot_width / 2)}" y="{top + row_height / 2 + 4}" '
            f'text-anchor="middle" font-size="13" fill="{TEXT_COLOUR}">'
            "Nothing to show yet</text>"
        )
    for index, effect in enumerate(effects):
        cy = top + row_height * index + row_height / 2
        if not estimable(effect):
            parts.append(
                f'<g class="forest-row"><text x="{left - 10}" y="{num(cy)}" dy="4" '
                f'text-anchor="end" font-size="13" fill="{TEXT_COLOUR}">'
                f"{escape(_clip(effect.label, 30))}</text>"
                f'<text x="{left + 8}" y="{num(cy)}" dy="4" font-size="12" '
                f'fill="{TEXT_COLOUR}">Not enough variation to estimate</text></g>'
            )
            continue
        fill = LINE_COLOUR if effect.clear else "#ffffff"
        words = "interval excludes zero" if effect.clear else "interval crosses zero"
        parts.append(
            f'<g class="forest-row{" forest-row--clear" if effect.clear else ""}">'
            f"<title>{escape(effect.label)}: {escape(interval(effect))}, {words}</title>"
            f'<text x="{left - 10}" y="{num(cy)}" dy="4" text-anchor="end" font-size="13" '
            f'fill="{TEXT_COLOUR}">{escape(_clip(effect.label, 30))}</text>'
            f'<line class="forest-ci" x1="{num(x(effect.ci_low))}" y1="{num(cy)}" '
            f'x2="{num(x(effect.ci_high))}" y2="{num(cy)}" stroke="{LINE_COLOUR}" '
            'stroke-width="2"/>'
            + "".join(
                f'<line x1="{num(x(end))}" y1="{num(cy - 5)}" x2="{num(x(end))}" '
                f'y2="{num(cy + 5)}" stroke="{LINE_COLOUR}" stroke-width="2"/>'
                for end in (effect.ci_low, effect.ci_high)
            )
            + f'<rect class="forest-point" x="{num(x(effect.estimate) - 5)}" '
            f'y="{num(cy - 5)}" width="10" height="10" fill="{fill}" '
            f'stroke="{LINE_COLOUR}" stroke-width="2"/>'
            f'<text x="{left + plot_width + 12}" y="{num(cy)}" dy="4" font-size="12" '
            f'fill="{TEXT_COLOUR}">{escape(_short_interval(effect))}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short_interval(effect: EffectLike) -> str:
    return (
        f"{signed(effect.estimate)} [{signed(effect.ci_low)}, {signed(effect.ci_high)}] "
        f"n={effect.n}"
    )


def _clip(text: str, limit: int) -> str:
    """Long labels are shortened on the chart (the table and the title keep them whole)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026"


def effects_table(effects: Sequence[EffectLike], *, caption: str) -> str:
    """The same numbers as a table: what, estimate, 95% interval, days, clear or not."""
    rows = [
        f'<tr><th scope="row">{escape(e.label)}</th><td class="num">{signed(e.estimate)}</td>'
        f'<td class="num">{signed(e.ci_low)} to {signed(e.ci_high)}</td>'
        f'<td class="num">{e.n}</td>'
        f"<td>{'Excludes zero' if e.clear else 'Crosses zero: unclear'}</td></tr>"
        if estimable(e)
        else f'<tr><th scope="row">{escape(e.label)}</th><td class="num">–</td>'
        f'<td class="num">–</td><td class="num">{e.n}</td>'
        "<td>Not enough variation to estimate</td></tr>"
        for e in effects
    ]
    if not rows:
        rows = ['<tr><td colspan="5">Nothing to show yet</td></tr>']
    return (
        f'<table class="chart-table effects-table"><caption>{escape(caption)}</caption>'
        '<thead><tr><th scope="col">What</th><th scope="col" class="num">Estimate</th>'
        '<th scope="col" class="num">95% interval</th><th scope="col" class="num">Days</th>'
        '<th scope="col">Interval</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
