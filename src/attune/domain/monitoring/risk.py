"""The relapse-risk score: recent days and the patient's own baseline, every point explained.

The score is the sum of ten parts. Each part adds from 0 to its weight
(:class:`~attune.domain.monitoring.risk_settings.RiskWeights`). Four read levels
(:mod:`attune.domain.monitoring.risk_levels`) and need no baseline:

* **recent use** (``recent_lapse``) — days with use reported in the window (the last
  ``window_days`` days, today included), full at ``lapse_full_days``;
* **last use** — days since the last reported use, full at ``last_use_full_days`` or
  fewer, nothing at ``last_use_none_days`` or more;
* **craving level** — mean craving in the window (0–10), from ``craving_level_start``
  to ``craving_level_full``;
* **low mood** — mean mood in the window (0–10), from ``low_mood_start`` down to
  ``low_mood_full``.

Four compare the window with the patient's own baseline (the ``baseline_days`` before
the window), in the baseline's own day-to-day standard deviations (never below
``rating_sd_floor``): nothing below ``rise_start_sd``, everything at ``rise_full_sd``:

* **craving trend** — craving above the baseline;
* **negative affect** — mood going down and stress going up (their mean);
* **loneliness** — loneliness going up;
* **sleep** — fewer hours and poorer quality (their mean).

And two count what was missed: **missed check-ins** (days in the ``window_days`` before
today without a check-in, counted from the first check-in, full at
``missed_full_days``) and **missed sessions** (as told by the caller, full at
``missed_sessions_full``).

The rating parts need ``min_window_checkins`` ratings in the window; the baseline parts
also need ``min_baseline_checkins`` in the baseline, and ``enough_baseline`` says
whether there were. Each part that adds points gives a reason in plain words for a
clinician, with the numbers behind it; the score is exactly the sum of the reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum

import numpy as np

from attune.domain.errors import ValidationError
from attune.domain.monitoring import risk_levels as levels
from attune.domain.monitoring.risk_settings import (
    Escalation,
    RiskSettings,
    RiskThresholds,
    RiskWeights,
    default_risk_settings,
    load_risk_settings,
    parse_risk_settings,
)
from attune.domain.monitoring.series import DailySeries, FloatArray

__all__ = [
    "Escalation",
    "RiskAssessment",
    "RiskComponent",
    "RiskLevel",
    "RiskReason",
    "RiskSettings",
    "RiskThresholds",
    "RiskWeights",
    "assess_risk",
    "default_risk_settings",
    "load_risk_settings",
    "missed_in_a_row",
    "parse_risk_settings",
]


class RiskLevel(Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RiskComponent(StrEnum):
    CRAVING_TREND = "craving_trend"
    NEGATIVE_AFFECT = "negative_affect"
    LONELINESS = "loneliness"
    SLEEP = "sleep"
    MISSED_CHECKINS = "missed_checkins"
    RECENT_LAPSE = "recent_lapse"
    MISSED_SESSIONS = "missed_sessions"
    LAST_USE = "last_use"
    CRAVING_LEVEL = "craving_level"
    LOW_MOOD = "low_mood"


@dataclass(frozen=True)
class RiskReason:
    """One part of the score: what was seen, in words for a clinician, and its points."""

    code: RiskComponent
    text: str
    points: int


@dataclass(frozen=True)
class RiskAssessment:
    today: date
    score: int
    level: RiskLevel
    #: Every part that added points, most points first. ``score == sum(points)``.
    reasons: tuple[RiskReason, ...]
    #: False while the baseline has too few check-ins to compare the ratings against.
    enough_baseline: bool
    #: The most the score can be (the sum of the weights).
    max_score: int
    window_checkins: int
    baseline_checkins: int
    #: Days without a check-in in the window before today.
    missed_days: int
    #: Days without a check-in in a row, ending yesterday.
    missed_in_a_row: int
    #: True when ``missed_in_a_row`` reached the thresholds' missed-check-ins rule.
    missed_alert: bool


_points = levels.points


def _rise_fraction(z: float, t: RiskThresholds) -> float:
    return (z - t.rise_start_sd) / (t.rise_full_sd - t.rise_start_sd)


@dataclass(frozen=True)
class _Shift:
    """A measure's window mean against its baseline (rise in baseline SDs)."""

    recent: float
    usual: float
    z: float


def _shift(
    recent: FloatArray, usual: FloatArray, floor: float, t: RiskThresholds, *, up: bool
) -> _Shift | None:
    recent = recent[~np.isnan(recent)]
    usual = usual[~np.isnan(usual)]
    if recent.size < t.min_window_checkins or usual.size < t.min_baseline_checkins:
        return None
    spread = max(float(np.std(usual, ddof=1)), floor)
    change = float(recent.mean() - usual.mean())
    return _Shift(float(recent.mean()), float(usual.mean()), (change if up else -change) / spread)


def _first_checkin(series: DailySeries, today: date) -> date | None:
    upto = min(series.day_index(today), series.days - 1)
    if upto < 0:
        return None
    hits = np.flatnonzero(series.checked_in[: upto + 1])
    return series.start + timedelta(days=int(hits[0])) if hits.size else None


def missed_in_a_row(series: DailySeries, today: date) -> int:
    """Days without a check-in in a row, ending yesterday (before the first check-in: 0)."""
    first = _first_checkin(series, today)
    if first is None:
        return 0
    count = 0
    day = today - timedelta(days=1)
    while day >= first:
        i = series.day_index(day)
        if 0 <= i < series.days and series.checked_in[i]:
            break
        count += 1
        day -= timedelta(days=1)
    return count


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _rating_reasons(
    recent: DailySeries, usual: DailySeries, t: RiskThresholds, label: str
) -> list[RiskReason]:
    reasons: list[RiskReason] = []
    w = t.weights
    floor = t.rating_sd_floor
    crave = _shift(recent.craving, usual.craving, floor, t, up=True)
    if crave and (p := _points(w.craving_trend, _rise_fraction(crave.z, t))):
        reasons.append(
            RiskReason(
                RiskComponent.CRAVING_TREND,
                f"Craving averaged {_fmt(crave.recent)} {label}, against {_fmt(crave.usual)} "
                f"in the baseline ({crave.z:.1f} times the usual day-to-day spread higher).",
                p,
            )
        )
    mood = _shift(recent.mood, usual.mood, floor, t, up=False)
    stress = _shift(recent.stress, usual.stress, floor, t, up=True)
    if mood and stress:
        z = (mood.z + stress.z) / 2
        if p := _points(w.negative_affect, _rise_fraction(z, t)):
            reasons.append(
                RiskReason(
                    RiskComponent.NEGATIVE_AFFECT,
                    f"Mood averaged {_fmt(mood.recent)} {label} (baseline {_fmt(mood.usual)}) "
                    f"and stress {_fmt(stress.recent)} (baseline {_fmt(stress.usual)}): "
                    f"on average {z:.1f} times the usual spread worse.",
                    p,
                )
            )
    lonely = _shift(recent.loneliness, usual.loneliness, floor, t, up=True)
    if lonely and (p := _points(w.loneliness, _rise_fraction(lonely.z, t))):
        reasons.append(
            RiskReason(
                RiskComponent.LONELINESS,
                f"Loneliness averaged {_fmt(lonely.recent)} {label}, against "
                f"{_fmt(lonely.usual)} in the baseline ({lonely.z:.1f} times the usual "
                "spread higher).",
                p,
            )
        )
    sleep_parts = [
        (name, s)
        for name, s in (
            ("hours", _shift(recent.sleep_hours, usual.sleep_hours, t.sleep_sd_floor, t, up=False)),
            (
                "quality (0–4)",
                _shift(recent.sleep_quality, usual.sleep_quality, t.sleep_sd_floor, t, up=False),
            ),
        )
        if s is not None
    ]
    if sleep_parts:
        z = sum(s.z for _, s in sleep_parts) / len(sleep_parts)
        if p := _points(w.sleep, _rise_fraction(z, t)):
            said = " and ".join(
                f"sleep {name} averaged {_fmt(s.recent)} (baseline {_fmt(s.usual)})"
                for name, s in sleep_parts
            )
            reasons.append(
                RiskReason(
                    RiskComponent.SLEEP,
                    f"{said[0].upper()}{said[1:]} {label}: {z:.1f} times the usual spread worse.",
                    p,
                )
            )
    return reasons


def assess_risk(
    series: DailySeries,
    today: date,
    *,
    missed_sessions: int = 0,
    thresholds: RiskThresholds,
) -> RiskAssessment:
    """Today's relapse-risk score for one patient, with every reason."""
    if missed_sessions < 0:
        raise ValidationError("Missed sessions cannot be negative.", field="missed_sessions")
    t = thresholds
    window_start = today - timedelta(days=t.window_days - 1)
    recent = series.window(window_start, today)
    usual = series.window(
        window_start - timedelta(days=t.baseline_days), window_start - timedelta(days=1)
    )
    enough = usual.checkins >= t.min_baseline_checkins
    label = f"over the last {t.window_days} days"
    reasons = _rating_reasons(recent, usual, t, label) if enough else []
    for code, part in (
        (RiskComponent.RECENT_LAPSE, levels.recent_use(recent, t, label)),
        (RiskComponent.LAST_USE, levels.last_use(series, today, t)),
        (RiskComponent.CRAVING_LEVEL, levels.craving_level(recent, t, label)),
        (RiskComponent.LOW_MOOD, levels.low_mood(recent, t, label)),
    ):
        if part is not None:
            reasons.append(RiskReason(code, part[1], part[0]))

    first = _first_checkin(series, today)
    before = series.window(today - timedelta(days=t.window_days), today - timedelta(days=1))
    counted = np.ones(before.days, dtype=bool)
    if first is None:
        counted[:] = False
    else:
        skip = min(max((first - before.start).days, 0), before.days)
        counted[:skip] = False
    missed = int((counted & ~before.checked_in).sum())
    if p := _points(t.weights.missed_checkins, missed / t.missed_full_days):
        reasons.append(
            RiskReason(
                RiskComponent.MISSED_CHECKINS,
                f"No check-in on {missed} of the {int(counted.sum())} days before today"
                + ("." if counted.all() else " (counted from the first check-in)."),
                p,
            )
        )
    if p := _points(t.weights.missed_sessions, missed_sessions / t.missed_sessions_full):
        reasons.append(
            RiskReason(
                RiskComponent.MISSED_SESSIONS,
                f"{missed_sessions} planned session{'s' if missed_sessions != 1 else ''} "
                "missed or overdue.",
                p,
            )
        )
    reasons.sort(key=lambda r: -r.points)  # stable: equal points keep the order above
    score = sum(r.points for r in reasons)
    level = (
        RiskLevel.HIGH
        if score >= t.high
        else RiskLevel.MEDIUM
        if score >= t.medium
        else RiskLevel.LOW
    )
    in_a_row = missed_in_a_row(series, today)
    return RiskAssessment(
        today=today,
        score=score,
        level=level,
        reasons=tuple(reasons),
        enough_baseline=enough,
        max_score=t.weights.total,
        window_checkins=recent.checkins,
        baseline_checkins=usual.checkins,
        missed_days=missed,
        missed_in_a_row=in_a_row,
        missed_alert=in_a_row >= t.missed_alert_days,
    )
