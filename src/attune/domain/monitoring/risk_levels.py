"""The parts of the relapse-risk score that read levels, not changes from a baseline.

Each function gives ``(points, words)`` for one part, or None when it adds nothing:

* **recent use** — days with use reported in the window, all points at
  ``lapse_full_days``;
* **last use** — days since the last reported use (looking back as far as
  ``last_use_none_days``): all points at ``last_use_full_days`` or fewer, none at
  ``last_use_none_days``, in proportion between;
* **craving level** — mean craving in the window on the 0–10 scale, from
  ``craving_level_start`` to ``craving_level_full``;
* **low mood** — mean mood in the window on the 0–10 scale, from ``low_mood_start``
  down to ``low_mood_full``.

The two rating levels need ``min_window_checkins`` ratings in the window. None of these
parts needs a baseline, so they count from the first week.
"""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np

from attune.domain.monitoring.risk_settings import RiskThresholds
from attune.domain.monitoring.series import DailySeries, FloatArray

Part = tuple[int, str]


def points(weight: int, fraction: float) -> int:
    """``weight`` times ``fraction`` (kept within 0–1), rounded half up."""
    return math.floor(weight * min(max(fraction, 0.0), 1.0) + 0.5)


def recent_use(recent: DailySeries, t: RiskThresholds, label: str) -> Part | None:
    used = recent.used[~np.isnan(recent.used)]
    days_used = int(used.sum())
    if days_used == 0:
        return None
    p = points(t.weights.recent_lapse, days_used / t.lapse_full_days)
    if not p:
        return None
    last = recent.start + timedelta(days=int(np.flatnonzero(recent.used == 1.0)[-1]))
    return (
        p,
        f"Use reported on {days_used} of {used.size} check-ins {label} (most recently "
        f"{last.isoformat()}).",
    )


def last_use(series: DailySeries, today: date, t: RiskThresholds) -> Part | None:
    looked = series.window(today - timedelta(days=t.last_use_none_days), today)
    hits = np.flatnonzero(looked.used == 1.0)
    if not hits.size:
        return None
    last = looked.start + timedelta(days=int(hits[-1]))
    ago = (today - last).days
    span = t.last_use_none_days - t.last_use_full_days
    p = points(t.weights.last_use, (t.last_use_none_days - ago) / span)
    if not p:
        return None
    when = "today" if ago == 0 else "yesterday" if ago == 1 else f"{ago} days ago"
    return p, f"Last reported use was {when} ({last.isoformat()})."


def _window_mean(values: FloatArray, t: RiskThresholds) -> float | None:
    seen = values[~np.isnan(values)]
    return float(seen.mean()) if seen.size >= t.min_window_checkins else None


def craving_level(recent: DailySeries, t: RiskThresholds, label: str) -> Part | None:
    mean = _window_mean(recent.craving, t)
    if mean is None:
        return None
    start, full = t.craving_level_start, t.craving_level_full
    p = points(t.weights.craving_level, (mean - start) / (full - start))
    if not p:
        return None
    return p, f"Craving averaged {mean:.1f} out of 10 {label}."


def low_mood(recent: DailySeries, t: RiskThresholds, label: str) -> Part | None:
    mean = _window_mean(recent.mood, t)
    if mean is None:
        return None
    start, full = t.low_mood_start, t.low_mood_full
    p = points(t.weights.low_mood, (start - mean) / (start - full))
    if not p:
        return None
    return p, f"Mood averaged {mean:.1f} out of 10 {label}."
