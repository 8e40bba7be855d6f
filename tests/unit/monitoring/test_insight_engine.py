"""The insight engine on small series whose answers are known by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from attune.domain.monitoring.insight import Direction, analyse, top_trigger
from attune.domain.monitoring.series import DailySeries, series_from_arrays
from attune.domain.monitoring.stats import t_quantile

MONDAY = date(2026, 1, 5)
DAYS = 40
#: A fixed, irregular on/off pattern for a tag (neither periodic with the week nor rare).
PATTERN = np.array([1.0 if (i * 5) % 11 < 4 else 0.0 for i in range(DAYS)])
#: Stress that wanders without following the pattern.
STRESS = np.array([float((i * 7) % 9 + 1) for i in range(DAYS)])


def _series(
    craving: np.ndarray,
    *,
    used: np.ndarray | None = None,
    stress: np.ndarray = STRESS,
    triggers: dict[str, np.ndarray] | None = None,
    coping: dict[str, np.ndarray] | None = None,
    start: date = MONDAY,
) -> DailySeries:
    n = craving.size
    return series_from_arrays(
        start,
        mood=np.full(n, 6.0) - (np.arange(n) % 3),
        stress=stress[:n],
        loneliness=(np.arange(n) * 3) % 5 + 2.0,
        craving=craving,
        used=np.zeros(n) if used is None else used,
        triggers=triggers,
        coping=coping,
    )


def _next_day(base: float, push: np.ndarray) -> np.ndarray:
    """Craving tomorrow = base + push today, exactly (day 0 starts at base)."""
    craving = np.full(push.size, base)
    craving[1:] = base + push[:-1]
    return craving


def test_a_trigger_followed_by_three_more_points_is_found_exactly() -> None:
    # Tomorrow's craving is 2 + 3 × (conflict today): the slope is 3 by construction.
    series = _series(_next_day(2.0, 3.0 * PATTERN), triggers={"conflict": PATTERN})
    insight = analyse(series)
    assert insight.enough_data and insight.checkins == DAYS
    effect = next(e for e in insight.craving if e.predictor == "trigger:conflict")
    assert effect.estimate == pytest.approx(3.0)
    assert effect.ci_low == pytest.approx(3.0) and effect.ci_high == pytest.approx(3.0)
    assert effect.clear and effect.direction is Direction.HIGHER
    assert effect.n == DAYS - 1 and effect.lag == 1 and effect.outcome == "craving"
    assert effect.label == "Conflict or an argument"
    assert "Conflict or an argument" in effect.plain and "higher" in effect.plain
    assert "3.0 points" in effect.plain
    assert insight.craving[0] is effect  # the clearest comes first
    assert top_trigger(insight) == "trigger:conflict"


def test_a_state_per_point_above_usual_and_centring_does_not_move_it() -> None:
    # Tomorrow's craving is 1 + 0.5 × stress today.
    series = _series(_next_day(1.0, 0.5 * STRESS))
    effect = next(e for e in analyse(series).craving if e.predictor == "stress")
    assert effect.estimate == pytest.approx(0.5) and effect.clear
    assert "for each extra point of stress" in effect.plain
    # A person whose stress is always 3 points higher has the same day-to-day pattern:
    # the person's usual level is not mistaken for a trigger.
    shifted = _series(_next_day(1.0, 0.5 * STRESS), stress=STRESS + 3.0)
    moved = analyse(shifted)
    assert next(e for e in moved.craving if e.predictor == "stress").estimate == pytest.approx(0.5)
    # The usual level itself, by hand: 7i mod 9 runs through 0…8 four times in 36 days
    # (4 × 36 = 144), then 0, 7, 5, 3 (15); plus 1 a day: (144 + 15 + 40) / 40 = 4.975.
    assert analyse(series).usual["stress"] == pytest.approx(4.975)
    assert moved.usual["stress"] == pytest.approx(7.975)


def test_coping_followed_by_two_points_less_craving() -> None:
    series = _series(_next_day(5.0, -2.0 * PATTERN), coping={"breathwork": PATTERN})
    insight = analyse(series)
    effect = next(e for e in insight.coping if e.predictor == "coping:breathwork")
    assert effect.estimate == pytest.approx(-2.0)
    assert effect.clear and effect.direction is Direction.LOWER
    assert "lower" in effect.plain and "Breathing or breathwork" in effect.plain


def test_what_comes_before_use() -> None:
    # Used tomorrow exactly when "alone" today: the change in the chance is 1 (100 in 100).
    used = _next_day(0.0, PATTERN)
    series = _series(
        np.full(DAYS, 3.0) + (np.arange(DAYS) % 2), used=used, triggers={"alone": PATTERN}
    )
    insight = analyse(series)
    effect = next(e for e in insight.use if e.predictor == "trigger:alone")
    assert effect.estimate == pytest.approx(1.0) and effect.clear
    assert effect.outcome == "use"
    assert "100 more days in every 100" in effect.plain
    assert insight.usual["use_rate"] == pytest.approx(used.mean())


def test_without_use_the_engine_says_so_instead_of_guessing() -> None:
    insight = analyse(_series(_next_day(2.0, 3.0 * PATTERN), triggers={"conflict": PATTERN}))
    assert insight.use == ()
    assert any("No use was reported" in note for note in insight.notes)


def test_too_little_data_is_said_plainly() -> None:
    series = _series(np.full(20, 4.0))
    insight = analyse(series)
    assert not insight.enough_data
    assert insight.checkins == 20 and insight.needed == 21
    assert insight.craving == () and insight.use == () and insight.coping == ()
    assert "20 check-ins" in insight.message and "1 more day " in insight.message
    assert top_trigger(insight) is None
    assert analyse(series, min_checkins=20).enough_data


def test_unanswered_days_are_left_out_of_the_pairs() -> None:
    craving = _next_day(2.0, 3.0 * PATTERN)
    checked = np.ones(DAYS, dtype=bool)
    checked[[5, 17, 30]] = False  # each breaks two pairs (into and out of the day)
    series = series_from_arrays(
        MONDAY,
        mood=np.full(DAYS, 5.0),
        stress=STRESS,
        loneliness=np.full(DAYS, 2.0),
        craving=craving,
        used=np.zeros(DAYS),
        checked_in=checked,
        triggers={"conflict": PATTERN},
    )
    effect = next(e for e in analyse(series).craving if e.predictor == "trigger:conflict")
    assert effect.n == DAYS - 1 - 6
    assert effect.estimate == pytest.approx(3.0)


def test_a_weekday_pattern_by_hand() -> None:
    # 28 days from a Monday. Saturdays: 5, 6, 7, 6 (mean 6); the 24 other days alternate
    # 1 and 3 (mean 2). Difference 4. Pooled variance: (2 + 24) / 26 = 1;
    # se = sqrt(1/4 + 1/24) = 0.540062.
    craving = np.empty(28)
    others = iter([1.0, 3.0] * 12)
    saturdays = iter([5.0, 6.0, 7.0, 6.0])
    for i in range(28):
        craving[i] = (
            next(saturdays) if (MONDAY + timedelta(days=i)).weekday() == 5 else next(others)
        )
    used = np.zeros(28)
    used[5] = 1.0  # the first Saturday
    insight = analyse(_series(craving, used=used))
    saturday = next(w for w in insight.weekday if w.name == "Saturday")
    assert saturday.weekday == 5 and saturday.n == 4
    assert saturday.difference == pytest.approx(4.0)
    half = t_quantile(1 - 0.05 / 14, 26) * 0.540062
    assert saturday.ci_low == pytest.approx(4.0 - half, abs=1e-5)
    assert saturday.ci_high == pytest.approx(4.0 + half, abs=1e-5)
    assert saturday.clear and "Saturdays" in saturday.plain and "higher" in saturday.plain
    assert saturday.use_rate == pytest.approx(0.25)
    assert len(insight.weekday) == 7


def test_intervals_cover_the_family() -> None:
    series = _series(_next_day(2.0, 3.0 * PATTERN), triggers={"conflict": PATTERN})
    insight = analyse(series)
    tested = len(insight.craving)
    assert tested >= 3
    assert all(e.level == pytest.approx(1 - 0.05 / tested) for e in insight.craving)
