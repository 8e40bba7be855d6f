"""The relapse-risk score on a series whose every point is worked out by hand."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from attune.domain.errors import ValidationError
from attune.domain.monitoring.risk import (
    RiskComponent,
    RiskLevel,
    assess_risk,
    default_risk_settings,
    missed_in_a_row,
)
from attune.domain.monitoring.series import DailySeries, series_from_arrays

START = date(2026, 2, 2)
TODAY = START + timedelta(days=34)
SETTINGS = default_risk_settings()
DEFAULT = SETTINGS.default


def _series() -> DailySeries:
    """Days 0–27: the baseline. Days 28–34: the window (day 34 is today).

    * craving alternates 2, 4 in the baseline (mean 3, sd sqrt(28/27) = 1.01835) and is
      4 on every window day: rise (4 - 3) / 1.01835 = 0.98198 sd;
    * mood is 6 in the baseline (sd 0, so the floor of 1 is used) and 5 in the window:
      down 1 sd; stress stays 3: up 0 sd; negative affect (1 + 0) / 2 = 0.5 sd;
    * loneliness stays 2; sleep is not answered;
    * no check-in on days 32 and 33 (yesterday and the day before);
    * use today only (none in the baseline).
    """
    days = 35
    craving = np.where(np.arange(days) % 2 == 0, 2.0, 4.0)
    craving[28:] = 4.0
    mood = np.full(days, 6.0)
    mood[28:] = 5.0
    used = np.zeros(days)
    used[34] = 1.0
    checked = np.ones(days, dtype=bool)
    checked[[32, 33]] = False
    return series_from_arrays(
        START,
        mood=mood,
        stress=np.full(days, 3.0),
        loneliness=np.full(days, 2.0),
        craving=craving,
        used=used,
        checked_in=checked,
    )


def test_every_point_by_hand() -> None:
    result = assess_risk(_series(), TODAY, missed_sessions=1, thresholds=DEFAULT)
    points = {r.code: r.points for r in result.reasons}
    # Craving trend: (0.98198 - 0.5) / (2.0 - 0.5) = 0.32132 of 5 points = 1.6 -> 2.
    assert points[RiskComponent.CRAVING_TREND] == 2
    # Negative affect: 0.5 sd is where points start: 0.
    assert RiskComponent.NEGATIVE_AFFECT not in points
    assert RiskComponent.LONELINESS not in points and RiskComponent.SLEEP not in points
    # Recent use: 1 day; full at 3: 1/3 of 35 = 11.7 -> 12.
    assert points[RiskComponent.RECENT_LAPSE] == 12
    # Last use today: within 2 days, all 5.
    assert points[RiskComponent.LAST_USE] == 5
    # Craving level 4.0: (4 - 2) / (6 - 2) = 0.5 of 5 = 2.5 -> 3.
    assert points[RiskComponent.CRAVING_LEVEL] == 3
    # Mood 5.0: (6 - 5) / (6 - 2) = 0.25 of 20 = 5.
    assert points[RiskComponent.LOW_MOOD] == 5
    # Missed: 2 of the 7 days before today; full at 4: 2/4 of 10 = 5.
    assert points[RiskComponent.MISSED_CHECKINS] == 5
    # One missed session; full at 2: 1/2 of 10 = 5.
    assert points[RiskComponent.MISSED_SESSIONS] == 5
    assert result.score == 37 == sum(points.values())
    assert result.level is RiskLevel.MEDIUM  # 30 <= 37 < 55
    assert result.enough_baseline
    assert result.max_score == 100
    assert result.window_checkins == 5 and result.baseline_checkins == 28
    assert result.missed_days == 2 and result.missed_in_a_row == 2
    assert not result.missed_alert  # the default rule is 3 in a row
    assert [r.points for r in result.reasons] == sorted(
        (r.points for r in result.reasons), reverse=True
    )


def test_reasons_carry_the_numbers_behind_them() -> None:
    result = assess_risk(_series(), TODAY, missed_sessions=1, thresholds=DEFAULT)
    text = {r.code: r.text for r in result.reasons}
    assert "Craving averaged 4.0" in text[RiskComponent.CRAVING_TREND]
    assert "against 3.0" in text[RiskComponent.CRAVING_TREND]
    assert "1 of 5 check-ins" in text[RiskComponent.RECENT_LAPSE]
    assert TODAY.isoformat() in text[RiskComponent.RECENT_LAPSE]
    assert "2 of the 7 days before today" in text[RiskComponent.MISSED_CHECKINS]
    assert "Last reported use was today" in text[RiskComponent.LAST_USE]
    assert "Craving averaged 4.0 out of 10" in text[RiskComponent.CRAVING_LEVEL]
    assert "Mood averaged 5.0 out of 10" in text[RiskComponent.LOW_MOOD]
    assert "1 planned session missed" in text[RiskComponent.MISSED_SESSIONS]


def test_a_program_has_its_own_thresholds() -> None:
    iop = SETTINGS.for_program("intensive_outpatient")
    result = assess_risk(_series(), TODAY, missed_sessions=1, thresholds=iop)
    assert result.score == 37  # same weights
    assert result.level is RiskLevel.MEDIUM  # 25 <= 37 < 50
    assert result.missed_alert  # intensive outpatient: 2 in a row
    three = assess_risk(_series(), TODAY, missed_sessions=3, thresholds=DEFAULT)
    # Three missed sessions: full 10 points -> 42.
    assert three.score == 42


def test_without_a_baseline_only_what_needs_none_counts() -> None:
    series = _series().window(START + timedelta(days=25), TODAY)  # 3 baseline check-ins
    result = assess_risk(series, TODAY, thresholds=DEFAULT)
    assert not result.enough_baseline
    codes = {r.code for r in result.reasons}
    assert codes == {
        RiskComponent.RECENT_LAPSE,
        RiskComponent.LAST_USE,
        RiskComponent.CRAVING_LEVEL,
        RiskComponent.LOW_MOOD,
        RiskComponent.MISSED_CHECKINS,
    }
    assert result.score == sum(r.points for r in result.reasons)


def test_last_use_fades_with_the_days_since() -> None:
    days = 60
    used = np.zeros(days)
    used[20] = 1.0  # 39 days before today
    series = series_from_arrays(
        START,
        mood=np.full(days, 6.0),
        stress=np.full(days, 3.0),
        loneliness=np.full(days, 2.0),
        craving=np.full(days, 2.0),
        used=used,
    )
    today = START + timedelta(days=59)
    result = assess_risk(series, today, thresholds=DEFAULT)
    # (56 - 39) / (56 - 2) = 0.315 of 5 = 1.57 -> 2; nothing else changed.
    assert [(r.code, r.points) for r in result.reasons] == [(RiskComponent.LAST_USE, 2)]
    assert "39 days ago" in result.reasons[0].text
    later = assess_risk(series, today + timedelta(days=17), thresholds=DEFAULT)
    assert RiskComponent.LAST_USE not in {r.code for r in later.reasons}


def test_a_steady_patient_scores_zero() -> None:
    days = 40
    series = series_from_arrays(
        START,
        mood=np.full(days, 6.0),
        stress=np.full(days, 3.0),
        loneliness=np.full(days, 2.0),
        craving=np.full(days, 2.0),
        used=np.zeros(days),
    )
    result = assess_risk(series, START + timedelta(days=39), thresholds=DEFAULT)
    assert result.score == 0 and result.reasons == () and result.level is RiskLevel.LOW


def test_a_sharp_rise_is_high() -> None:
    days = 35
    craving = np.where(np.arange(days) % 2 == 0, 2.0, 4.0)
    craving[28:] = 9.0
    mood = np.where(np.arange(days) % 2 == 0, 5.0, 7.0)
    mood[28:] = 1.0
    stress = np.where(np.arange(days) % 2 == 0, 2.0, 4.0)
    stress[28:] = 9.0
    used = np.zeros(days)
    used[33:] = 1.0
    series = series_from_arrays(
        START,
        mood=mood,
        stress=stress,
        loneliness=np.full(days, 2.0),
        craving=craving,
        used=used,
    )
    result = assess_risk(series, TODAY, thresholds=DEFAULT)
    # Craving trend 5 + negative affect 10 + recent use 2/3 of 35 (23) + last use 5
    # + craving level 5 + low mood 20 (all full but recent use) = 68.
    assert result.score == 68 and result.level is RiskLevel.HIGH


def test_missed_days_before_the_first_check_in_do_not_count() -> None:
    days = 10
    checked = np.zeros(days, dtype=bool)
    checked[8] = True  # first check-in the day before today
    series = series_from_arrays(
        START,
        mood=np.full(days, 5.0),
        stress=np.full(days, 5.0),
        loneliness=np.full(days, 5.0),
        craving=np.full(days, 5.0),
        used=np.zeros(days),
        checked_in=checked,
    )
    today = START + timedelta(days=9)
    result = assess_risk(series, today, thresholds=DEFAULT)
    assert result.missed_days == 0 and result.missed_in_a_row == 0
    assert missed_in_a_row(series, today + timedelta(days=3)) == 3
    assert (
        missed_in_a_row(
            series_from_arrays(START, mood=[], stress=[], loneliness=[], craving=[], used=[]), today
        )
        == 0
    )


def test_negative_missed_sessions_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        assess_risk(_series(), TODAY, missed_sessions=-1, thresholds=DEFAULT)
    assert caught.value.field == "missed_sessions"
