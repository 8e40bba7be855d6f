"""Vital-sign thresholds, warnings, the monitoring schedule and the protocol as data."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import InvalidDefinition
from attune.domain.kap.vitals import (
    PLAUSIBLE,
    Direction,
    Level,
    Metric,
    Threshold,
    VitalsReading,
    default_protocol,
    due_times,
    has_baseline,
    missing_due_times,
    parse_protocol,
    protocol_as_dict,
    reading_errors,
    timeline_warnings,
    warnings_for,
    within_thresholds,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
PROTOCOL = default_protocol()
NORMAL = VitalsReading(T0, systolic=122, diastolic=78, heart_rate=72, spo2=98)


def test_the_default_protocol_is_marked_as_clinic_configurable_and_cites_its_sources() -> None:
    assert "Clinic-configurable defaults" in PROTOCOL.basis
    assert PROTOCOL.every_minutes == 15
    notes = {t.note for t in PROTOCOL.thresholds}
    assert any("ACC/AHA" in n for n in notes)
    assert any("BTS" in n for n in notes)
    assert all(t.note for t in PROTOCOL.thresholds)


def test_a_normal_reading_raises_no_warning_and_is_within_thresholds() -> None:
    assert warnings_for(NORMAL, PROTOCOL.thresholds) == ()
    assert within_thresholds(NORMAL, PROTOCOL)


def test_an_incomplete_reading_is_not_within_thresholds() -> None:
    assert not within_thresholds(replace(NORMAL, spo2=None), PROTOCOL)


def test_a_warning_names_the_reading_the_threshold_and_the_time() -> None:
    reading = replace(NORMAL, at=T0 + timedelta(minutes=35), systolic=172)
    (warning,) = warnings_for(reading, PROTOCOL.thresholds, index=3)
    assert warning.reading_index == 3
    assert warning.metric is Metric.SYSTOLIC
    assert warning.value == 172
    assert warning.threshold.value == 160
    assert warning.level is Level.CAUTION
    assert warning.message() == (
        "09:35: systolic blood pressure 172 mmHg is above the caution threshold of 160 mmHg."
    )
    assert warning.message(ZoneInfo("America/New_York")).startswith("04:35:")


def test_only_the_strongest_breached_threshold_is_reported() -> None:
    reading = replace(NORMAL, systolic=190, diastolic=80, spo2=88)
    warnings = warnings_for(reading, PROTOCOL.thresholds)
    assert [(w.metric, w.level) for w in warnings] == [
        (Metric.SYSTOLIC, Level.URGENT),
        (Metric.SPO2, Level.URGENT),
    ]
    assert warnings[1].message() == (
        "09:00: oxygen saturation 88% is below the urgent threshold of 90%."
    )


def test_low_readings_warn_through_below_thresholds() -> None:
    reading = replace(NORMAL, systolic=85, diastolic=50, heart_rate=45)
    metrics = {
        (w.metric, w.threshold.direction) for w in warnings_for(reading, PROTOCOL.thresholds)
    }
    assert metrics == {(Metric.SYSTOLIC, Direction.BELOW), (Metric.HEART_RATE, Direction.BELOW)}


def test_a_threshold_value_itself_is_not_a_breach() -> None:
    assert warnings_for(replace(NORMAL, systolic=160), PROTOCOL.thresholds) == ()
    assert warnings_for(replace(NORMAL, spo2=94), PROTOCOL.thresholds) == ()
    assert len(warnings_for(replace(NORMAL, spo2=93), PROTOCOL.thresholds)) == 1


def test_the_timeline_lists_warnings_in_time_order_with_their_reading_index() -> None:
    later = replace(NORMAL, at=T0 + timedelta(minutes=30), heart_rate=118)
    earlier = replace(NORMAL, at=T0 + timedelta(minutes=15), systolic=175)
    warnings = timeline_warnings([NORMAL, later, earlier], PROTOCOL)
    assert [(w.reading_index, w.metric) for w in warnings] == [
        (2, Metric.SYSTOLIC),
        (1, Metric.HEART_RATE),
    ]


def _level(reading: VitalsReading, metric: Metric, direction: Direction) -> int:
    found = [
        w.level.rank
        for w in warnings_for(reading, PROTOCOL.thresholds)
        if w.metric is metric and w.threshold.direction is direction
    ]
    return found[0] if found else 0


@settings(max_examples=200, deadline=None)
@given(
    metric=st.sampled_from(list(Metric)),
    data=st.data(),
)
def test_warnings_are_monotonic_in_the_reading(metric: Metric, data: st.DataObject) -> None:
    """A reading further out of range never gives a weaker warning in that direction."""
    low, high = PLAUSIBLE[metric]
    a = data.draw(st.integers(low, high))
    b = data.draw(st.integers(a, high))
    lower, higher = replace(NORMAL, **{metric.value: a}), replace(NORMAL, **{metric.value: b})
    assert _level(higher, metric, Direction.ABOVE) >= _level(lower, metric, Direction.ABOVE)
    assert _level(lower, metric, Direction.BELOW) >= _level(higher, metric, Direction.BELOW)


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(st.integers(100, 200), min_size=1, max_size=4),
    reading=st.integers(50, 300),
)
def test_any_threshold_set_is_monotonic(values: list[int], reading: int) -> None:
    thresholds = [
        Threshold(Metric.SYSTOLIC, Direction.ABOVE, v, Level.CAUTION if i % 2 else Level.URGENT)
        for i, v in enumerate(values)
    ]
    below = warnings_for(replace(NORMAL, systolic=reading), thresholds)
    above = warnings_for(replace(NORMAL, systolic=reading + 1), thresholds)
    rank = [max((w.level.rank for w in ws), default=0) for ws in (below, above)]
    assert rank[1] >= rank[0]


def test_reading_errors_name_each_field() -> None:
    bad = VitalsReading(datetime(2025, 3, 1, 9, 0), systolic=80, diastolic=95, spo2=101)
    errors = dict(reading_errors(bad, "vitals[2]"))
    assert set(errors) == {"vitals[2].at", "vitals[2].spo2", "vitals[2].diastolic"}
    assert "swapped" in errors["vitals[2].diastolic"]
    assert "101%" in errors["vitals[2].spo2"]
    empty = dict(reading_errors(VitalsReading(T0), "vitals[0]"))
    assert "no values" in empty["vitals[0]"]
    half = dict(reading_errors(VitalsReading(T0, systolic=120), "v"))
    assert half == {"v.diastolic": "Blood pressure needs both numbers."}
    assert reading_errors(NORMAL, "v") == []


def test_due_times_run_every_interval_until_the_end() -> None:
    times = due_times(T0, T0 + timedelta(minutes=50), 15)
    assert times == tuple(T0 + timedelta(minutes=m) for m in (15, 30, 45))
    assert due_times(T0, T0 + timedelta(minutes=10), 15) == ()


def test_missing_due_times_allow_the_grace_either_side() -> None:
    readings = [
        replace(NORMAL, at=T0 + timedelta(minutes=14)),
        replace(NORMAL, at=T0 + timedelta(minutes=36)),  # 6 minutes late for 30
        replace(NORMAL, at=T0 + timedelta(minutes=49)),  # 4 minutes late for 45
    ]
    missing = missing_due_times(readings, T0, T0 + timedelta(minutes=60), PROTOCOL)
    assert missing == (T0 + timedelta(minutes=30), T0 + timedelta(minutes=60))


def test_the_baseline_must_be_complete_and_taken_shortly_before_dosing() -> None:
    assert has_baseline([replace(NORMAL, at=T0 - timedelta(minutes=10))], T0, PROTOCOL)
    assert not has_baseline([replace(NORMAL, at=T0 - timedelta(minutes=31))], T0, PROTOCOL)
    assert not has_baseline([replace(NORMAL, at=T0 + timedelta(minutes=1))], T0, PROTOCOL)
    assert not has_baseline([replace(NORMAL, at=T0, spo2=None)], T0, PROTOCOL)


def test_the_protocol_round_trips_through_its_json_form() -> None:
    data = json.loads(json.dumps(protocol_as_dict(PROTOCOL)))
    assert parse_protocol(data) == PROTOCOL


def test_a_clinic_can_change_a_threshold() -> None:
    data = protocol_as_dict(PROTOCOL)
    thresholds = data["thresholds"]
    assert isinstance(thresholds, list)
    thresholds[0] = {"metric": "systolic", "direction": "above", "value": 150, "level": "caution"}
    stricter = parse_protocol(data)
    assert warnings_for(replace(NORMAL, systolic=155), stricter.thresholds)
    assert not warnings_for(replace(NORMAL, systolic=155), PROTOCOL.thresholds)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"thresholds": []}, "thresholds"),
        ({"every_minutes": 0}, "every_minutes"),
        ({"grace_minutes": 8}, "grace_minutes"),
        ({"colour": "red"}, "root"),
        ({"sedation_warn_at": 5}, "sedation_warn_at"),
        (
            {
                "thresholds": [
                    {"metric": "temperature", "direction": "above", "value": 1, "level": "caution"}
                ]
            },
            "thresholds[0]",
        ),
        (
            {
                "thresholds": [
                    {"metric": "spo2", "direction": "below", "value": 120, "level": "caution"}
                ]
            },
            "thresholds[0].value",
        ),
        (
            {
                "thresholds": [
                    {
                        "metric": "spo2",
                        "direction": "below",
                        "value": 90,
                        "level": "caution",
                        "note": 3,
                    }
                ]
            },
            "thresholds[0].note",
        ),
    ],
)
def test_a_bad_protocol_file_names_where(change: dict[str, object], where: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_protocol({**protocol_as_dict(PROTOCOL), **change})
    assert caught.value.field == where
    assert caught.value.message.startswith(f"vitals protocol, {where}:")
