"""What the clinician's check-ins page shows, built from the insight service's view.

Pure presentation: the effects grouped into forest plots (ratings and sleep per point
above the patient's usual; triggers and use on days with them against days without;
coping), the uncertainty in words, the daily series as charts with a table, the weekday
patterns and the usual levels. Nothing here computes a statistic; the numbers come from
the insight engine (domain/monitoring/insight.py) through services/insight.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup

from attune.domain.intake.labels import label
from attune.domain.monitoring.checkin import COPING, TRIGGERS, Safety, StoredCheckIn, Use
from attune.domain.monitoring.insight import Effect, Insight
from attune.domain.monitoring.series import DailySeries, FloatArray
from attune.web.charts_daily import DailyLine, DailySeriesChart, daily_chart, daily_table
from attune.web.charts_effects import effects_table, estimable, forest_plot, signed

#: How the usual levels read, in order.
USUAL_NAMES = (
    ("mood", "Mood", "of 10"),
    ("stress", "Stress", "of 10"),
    ("loneliness", "Loneliness", "of 10"),
    ("craving", "Craving", "of 10"),
    ("sleep_hours", "Sleep", "hours"),
    ("sleep_quality", "Sleep quality", "of 4"),
)
CRAVING_PER_POINT = (
    "Change in next-day craving (0 to 10) per point above their usual (sleep: per hour)"
)
CRAVING_PER_DAY = "Change in next-day craving (0 to 10) on days with it, against days without"
USE_PER_POINT = "Change in the chance of using the next day (0 to 1) per point above usual"
USE_PER_DAY = "Change in the chance of using the next day (0 to 1), days with it against without"
COPING_PER_DAY = "Change in next-day craving (0 to 10) on days with it (below 0: lower)"


@dataclass(frozen=True)
class EffectPanel:
    """One forest plot with its table and the uncertainty in words."""

    key: str
    title: str
    svg: Markup
    table: Markup
    clear: tuple[str, ...]
    unclear: tuple[str, ...]
    count: int


@dataclass(frozen=True)
class DailyBlock:
    title: str
    svg: Markup


@dataclass(frozen=True)
class Usual:
    label: str
    value: str


@dataclass(frozen=True)
class AnswerRow:
    """What a check-in said beyond the numbers, for the table of answers."""

    day: date
    uses: str
    triggers: str
    coping: str
    notes: tuple[str, ...]
    safety: str


@dataclass(frozen=True)
class WeekdayRow:
    name: str
    difference: str
    interval: str
    days: int
    use: str
    reading: str


def _by_day(effect: Effect) -> bool:
    """A tag or use: compared on days with it against days without."""
    return effect.is_tag or effect.predictor == "used"


def ordered(effects: Sequence[Effect]) -> list[Effect]:
    """Clear ones first, then the largest estimates; the engine's order breaks ties."""
    ranked = sorted(
        enumerate(effects),
        key=lambda pair: (
            not pair[1].clear,
            -abs(pair[1].estimate) if estimable(pair[1]) else 0.0,
            pair[0],
        ),
    )
    return [effect for _, effect in ranked]


def clear_words(effect: Effect) -> str:
    """A clear effect in a clinician's words, e.g. 'Stress: next-day craving higher by
    0.42 points per point above usual (interval +0.10 to +0.74, 58 pairs of days).'"""
    way = "higher" if effect.estimate > 0 else "lower"
    subject = "next-day craving" if effect.outcome == "craving" else "the chance of next-day use"
    amount = (
        f"{abs(effect.estimate) * 100:.0f} in 100"
        if effect.outcome == "use"
        else f"{abs(effect.estimate):.2f} points"
    )
    if _by_day(effect):
        when = "on days with it than without"
    elif effect.predictor == "sleep_hours":
        when = "per hour above usual"
    else:
        when = "per point above usual"
    return (
        f"{effect.label}: {subject} {way} by {amount} {when} (interval "
        f"{signed(effect.ci_low)} to {signed(effect.ci_high)}, {effect.n} pairs of days)."
    )


def _panel(key: str, title: str, x_label: str, effects: Sequence[Effect]) -> EffectPanel:
    shown = ordered(effects)
    return EffectPanel(
        key=key,
        title=title,
        # charts_effects escapes every piece of text it includes.
        svg=Markup(forest_plot(shown, title=title, x_label=x_label)),
        table=Markup(effects_table(shown, caption=f"{title}: the numbers")),
        clear=tuple(clear_words(e) for e in shown if e.clear and estimable(e)),
        unclear=tuple(e.label for e in shown if not e.clear),
        count=len(shown),
    )


def effect_panels(insight: Insight) -> list[EffectPanel]:
    """The forest plots to show, in order; a group with nothing tested is left out."""
    groups = (
        (
            "craving-ratings",
            "Before next-day craving: ratings and sleep",
            CRAVING_PER_POINT,
            [e for e in insight.craving if not _by_day(e)],
        ),
        (
            "craving-triggers",
            "Before next-day craving: triggers and use",
            CRAVING_PER_DAY,
            [e for e in insight.craving if _by_day(e)],
        ),
        (
            "use-ratings",
            "Before next-day use: ratings, craving and sleep",
            USE_PER_POINT,
            [e for e in insight.use if not _by_day(e)],
        ),
        (
            "use-triggers",
            "Before next-day use: triggers",
            USE_PER_DAY,
            [e for e in insight.use if _by_day(e)],
        ),
        ("coping", "Coping before next-day craving", COPING_PER_DAY, list(insight.coping)),
    )
    return [_panel(key, title, x, effects) for key, title, x, effects in groups if effects]


def family_level(insight: Insight) -> float | None:
    """Each single interval's own coverage (above 95 %: the family is corrected)."""
    levels = [e.level for e in (*insight.craving, *insight.use, *insight.coping)]
    return max(levels) if levels else None


def _values(array: FloatArray) -> tuple[float | None, ...]:
    return tuple(None if math.isnan(v) else float(v) for v in array.tolist())


def _used(series: DailySeries) -> tuple[bool | None, ...]:
    return tuple(
        None if not checked else bool(used == 1.0)
        for checked, used in zip(series.checked_in.tolist(), series.used.tolist(), strict=True)
    )


def daily_blocks(series: DailySeries) -> tuple[list[DailyBlock], Markup]:
    """The charts of the raw series, and one table with every day's numbers."""
    used = _used(series)
    craving = DailyLine("Craving", _values(series.craving))
    mood = DailyLine("Mood", _values(series.mood))
    stress = DailyLine("Stress", _values(series.stress))
    lonely = DailyLine("Loneliness", _values(series.loneliness))
    sleep = DailyLine("Sleep (hours)", _values(series.sleep_hours))
    hours = [v for v in sleep.values if v is not None]
    charts = [
        DailySeriesChart("Craving and use by day", series.start, (craving,), used),
        DailySeriesChart(
            "Mood, stress and loneliness by day", series.start, (mood, stress, lonely), used
        ),
        DailySeriesChart(
            "Hours of sleep by day",
            series.start,
            (sleep,),
            used,
            y_max=float(max(12, math.ceil(max(hours, default=0.0)))),
            y_label="Hours of sleep",
        ),
    ]
    every = DailySeriesChart(
        "Check-ins", series.start, (craving, mood, stress, lonely, sleep), used
    )
    blocks = [DailyBlock(c.title, Markup(daily_chart(c))) for c in charts]
    return blocks, Markup(daily_table(every))


def usual_levels(insight: Insight) -> list[Usual]:
    usual = insight.usual
    levels = [
        Usual(label, f"{usual[key]:.1f} {unit}") for key, label, unit in USUAL_NAMES if key in usual
    ]
    if "use_rate" in usual:
        levels.append(Usual("Use", f"on {usual['use_rate'] * 100:.0f} in 100 check-in days"))
    return levels


def weekday_rows(insight: Insight) -> list[WeekdayRow]:
    """Craving on each weekday against the other days, as text for the table."""
    return [
        WeekdayRow(
            name=w.name,
            difference=signed(w.difference),
            interval=f"{signed(w.ci_low)} to {signed(w.ci_high)}",
            days=w.n,
            use="–" if math.isnan(w.use_rate) else f"{w.use_rate * 100:.0f}%",
            reading=("Higher" if w.difference > 0 else "Lower") if w.clear else "Cannot tell",
        )
        for w in insight.weekday
    ]


def summary(insight: Insight, panels: Sequence[EffectPanel]) -> str:
    """The findings in one sentence for a clinician (the engine's own message is worded
    for the patient)."""
    if not insight.enough_data:
        return (
            f"{insight.checkins} check-in{'' if insight.checkins == 1 else 's'} in this "
            f"period; patterns are looked for from {insight.needed}, so nothing is "
            "estimated yet."
        )
    tested = sum(p.count for p in panels)
    clear = sum(len(p.clear) for p in panels)
    if not tested:
        return f"{insight.checkins} check-ins, but none of the questions could be asked yet."
    return (
        f"{insight.checkins} check-ins: {clear} of {tested} estimates have an interval "
        "that leaves out zero."
    )


SAFETY_WORDS = {
    Safety.NONE: "",
    Safety.THOUGHTS: "Thoughts of ending their life or of self-harm",
    Safety.MIGHT_ACT: "Thoughts, and felt they might act on them",
}


def _short(text: str) -> str:
    """A label without its examples: 'Opioids (heroin, …)' → 'Opioids'."""
    return text.split(" (")[0]


def use_words(use: Use) -> str:
    """'Alcohol, 4 standard drinks', 'Gambling or betting: online poker'."""
    words = _short(label(use.what))
    if use.detail:
        words += f": {use.detail}"
    if use.amount is not None and use.unit is not None:
        words += f", {use.amount:g} {_short(label(use.unit))}"
    return words


def answer_rows(checkins: Sequence[StoredCheckIn]) -> list[AnswerRow]:
    """Each check-in's use, triggers, coping, words and safety answer, newest first."""
    rows = []
    for stored in sorted(checkins, key=lambda s: s.checkin.day, reverse=True):
        c = stored.checkin
        notes = tuple(
            f"{name}: {text}"
            for name, text in (("Triggers", c.trigger_note), ("Note", c.note))
            if text.strip()
        )
        rows.append(
            AnswerRow(
                day=c.day,
                uses="; ".join(use_words(u) for u in c.uses) or "None",
                triggers=", ".join(TRIGGERS.get(t, t) for t in c.triggers),
                coping=", ".join(COPING.get(t, t) for t in c.coping),
                notes=notes,
                safety=SAFETY_WORDS.get(c.safety, c.safety.value),
            )
        )
    return rows
