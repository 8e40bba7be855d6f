"""The daily series: one row of numbers per calendar day, NaN where nothing was said."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from attune.domain.errors import ValidationError
from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import COPING, TRIGGERS, CheckIn, Use
from attune.domain.monitoring.series import series_from_arrays, series_from_checkins

D1 = date(2026, 3, 1)


def _checkin(day: date, craving: int = 4, **kwargs: object) -> CheckIn:
    return CheckIn(day=day, mood=6, stress=3, loneliness=2, craving=craving, **kwargs)  # type: ignore[arg-type]


def test_checkins_land_on_their_days_and_missed_days_are_nan() -> None:
    checkins = [
        _checkin(date(2026, 3, 1), craving=2, triggers=("alone",), sleep_hours=7.5),
        _checkin(
            date(2026, 3, 3),
            craving=7,
            uses=(Use(AddictionType.ALCOHOL),),
            coping=("breathwork",),
            sleep_quality=1,
        ),
        _checkin(date(2026, 2, 27)),  # before the start: left out
    ]
    series = series_from_checkins(checkins, D1, date(2026, 3, 4))
    assert series.days == 4
    assert series.end == date(2026, 3, 4)
    assert series.checkins == 2
    assert series.checked_in.tolist() == [True, False, True, False]
    assert series.craving[[0, 2]].tolist() == [2.0, 7.0]
    assert np.isnan(series.craving[[1, 3]]).all()
    assert series.used[[0, 2]].tolist() == [0.0, 1.0]
    assert series.sleep_hours[0] == 7.5 and math.isnan(series.sleep_hours[2])
    assert series.sleep_quality[2] == 1.0 and math.isnan(series.sleep_quality[0])
    assert set(series.triggers) == set(TRIGGERS) and set(series.coping) == set(COPING)
    assert series.triggers["alone"][[0, 2]].tolist() == [1.0, 0.0]
    assert series.coping["breathwork"][[0, 2]].tolist() == [0.0, 1.0]
    assert np.isnan(series.triggers["alone"][1])


def test_arrays_are_read_only() -> None:
    series = series_from_checkins([_checkin(D1)], D1, D1)
    with pytest.raises(ValueError):
        series.craving[0] = 9.0


def test_a_window_reaches_outside_the_series_as_nan() -> None:
    series = series_from_checkins([_checkin(D1, craving=5)], D1, date(2026, 3, 2))
    window = series.window(date(2026, 2, 28), date(2026, 3, 1))
    assert window.start == date(2026, 2, 28) and window.days == 2
    assert window.checked_in.tolist() == [False, True]
    assert np.isnan(window.craving[0]) and window.craving[1] == 5.0
    assert window.measure("trigger:alone").tolist()[1] == 0.0


def test_arrays_from_the_simulator_are_masked_by_checked_in() -> None:
    series = series_from_arrays(
        D1,
        mood=[5, 6, 7],
        stress=[1, 2, 3],
        loneliness=[0, 0, 1],
        craving=[3, 4, 5],
        used=[0, 1, 0],
        checked_in=[True, False, True],
        triggers={"conflict": [1, 1, 0]},
    )
    assert series.craving.tolist()[0] == 3.0 and np.isnan(series.craving[1])
    assert series.triggers["conflict"][[0, 2]].tolist() == [1.0, 0.0]
    assert series.coping["movement"][[0, 2]].tolist() == [0.0, 0.0]
    assert series.checkins == 2


def test_arrays_default_checked_in_to_answered_craving() -> None:
    series = series_from_arrays(
        D1, mood=[5, 5], stress=[1, 1], loneliness=[0, 0], craving=[3, np.nan], used=[0, 0]
    )
    assert series.checked_in.tolist() == [True, False]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"mood": [1, 2]}, "mood"),
        ({"triggers": {"unicorns": [1, 1, 1]}}, "triggers"),
        ({"checked_in": [True]}, "checked_in"),
    ],
)
def test_bad_arrays_name_the_field(kwargs: dict[str, object], field: str) -> None:
    base: dict[str, object] = {
        "mood": [1, 2, 3],
        "stress": [1, 2, 3],
        "loneliness": [1, 2, 3],
        "craving": [1, 2, 3],
        "used": [0, 0, 0],
    }
    with pytest.raises(ValidationError) as caught:
        series_from_arrays(D1, **{**base, **kwargs})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_unknown_measure_is_refused() -> None:
    series = series_from_checkins([], D1, D1)
    with pytest.raises(ValidationError):
        series.measure("trigger:unicorns")
