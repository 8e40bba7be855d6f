"""The intake's stored form: round trips, JSON-able, strict parsing naming the field."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from intake_builders import BASE, DRINKING

from attune.domain.errors import ValidationError
from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medication,
    MedicationClass,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Pressure,
    PreviousTreatment,
    Readiness,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    WithdrawalHistory,
    from_dict,
    to_dict,
)

maybe_bool = st.none() | st.booleans()
text = st.text(max_size=20)
days = st.dates(min_value=date(1950, 1, 1), max_value=date(2030, 1, 1))
numbers = st.none() | st.floats(min_value=0, max_value=1e6, allow_nan=False).map(
    lambda x: round(x, 3)
)

addictions = st.builds(
    Addiction,
    what=st.sampled_from(AddictionType),
    detail=text,
    stopped=st.booleans(),
    days_per_week=st.none() | st.integers(-3, 10),
    amount=numbers,
    unit=st.none() | st.sampled_from(AmountUnit),
    last_use=st.none() | days,
    years_of_use=numbers,
)
intakes = st.builds(
    Intake,
    addictions=st.none() | st.lists(addictions, max_size=3).map(tuple),
    withdrawal=st.builds(WithdrawalHistory, maybe_bool, maybe_bool, maybe_bool, text),
    medications=st.builds(
        Medications,
        maybe_bool,
        st.lists(
            st.builds(Medication, text, st.frozensets(st.sampled_from(MedicationClass))),
            max_size=3,
        ).map(tuple),
    ),
    medical=st.builds(
        MedicalHistory,
        maybe_bool,
        maybe_bool,
        maybe_bool,
        maybe_bool,
        maybe_bool,
        st.none() | st.sampled_from(LiverDisease),
        st.none() | st.sampled_from(Pregnancy),
        text,
    ),
    mental_health=st.builds(
        MentalHealthHistory,
        st.none() | st.sampled_from(EpisodeHistory),
        st.none() | st.sampled_from(EpisodeHistory),
        st.none() | st.sampled_from(AttemptHistory),
        st.none() | st.sampled_from(SelfHarm),
        maybe_bool,
    ),
    situation=st.builds(
        Situation,
        maybe_bool,
        maybe_bool,
        maybe_bool,
        st.none() | st.frozensets(st.sampled_from(Support)),
        text,
        st.none() | st.frozensets(st.sampled_from(Pressure)),
        text,
    ),
    treatment=st.builds(
        TreatmentHistory,
        maybe_bool,
        st.lists(
            st.builds(
                PreviousTreatment,
                st.sampled_from(TreatmentKind),
                st.none() | st.sampled_from(TreatmentOutcome),
                st.none() | st.integers(1900, 2100),
                text,
            ),
            max_size=2,
        ).map(tuple),
    ),
    readiness=st.builds(
        Readiness, st.none() | st.integers(-1, 12), st.none() | st.sampled_from(Stage)
    ),
    goals=text,
)


@settings(max_examples=200, deadline=None)
@given(intakes)
def test_any_intake_round_trips_through_json(intake: Intake) -> None:
    stored = json.loads(json.dumps(to_dict(intake)))
    assert from_dict(stored) == intake


def test_an_empty_mapping_is_an_intake_with_nothing_answered() -> None:
    assert from_dict({}) == Intake()
    assert from_dict({"format": 1, "addictions": None}) == Intake()


def test_the_stored_form_is_plain_and_readable() -> None:
    stored = to_dict(BASE)
    assert stored["format"] == 1
    assert stored["addictions"] == [
        {
            "what": "alcohol",
            "detail": "wine",
            "stopped": False,
            "days_per_week": 4,
            "amount": 3,
            "unit": "standard_drinks",
            "last_use": "2025-02-27",
            "years_of_use": 6,
        }
    ]
    assert stored["situation"] == {
        "stable_housing": True,
        "lives_alone": False,
        "lives_with_someone_who_uses": False,
        "supports": ["friends"],
        "support_detail": "",
        "pressures": [],
        "pressure_detail": "",
    }


def test_sets_are_stored_sorted_so_equal_intakes_store_equally() -> None:
    a = replace(BASE, situation=replace(BASE.situation, pressures=frozenset(Pressure)))
    assert to_dict(a)["situation"]["pressures"] == ["family", "financial", "legal", "work"]  # type: ignore[index]


def _with(path: str, value: object) -> dict[str, object]:
    stored = json.loads(json.dumps(to_dict(replace(BASE, addictions=(DRINKING,)))))
    target = stored
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[last] = value
    return stored


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("surprise", 1, "surprise"),
        ("medical.blood_type", "O", "medical.blood_type"),
        ("addictions.0.colour", "red", "addictions[0].colour"),
        ("addictions.0.days_per_week", True, "addictions[0].days_per_week"),
        ("addictions.0.days_per_week", 2.5, "addictions[0].days_per_week"),
        ("addictions.0.days_per_week", "3", "addictions[0].days_per_week"),
        ("addictions.0.amount", "lots", "addictions[0].amount"),
        ("addictions.0.amount", float("inf"), "addictions[0].amount"),
        ("addictions.0.amount", False, "addictions[0].amount"),
        ("addictions.0.last_use", "27/02/2025", "addictions[0].last_use"),
        ("addictions.0.last_use", "2025-02-30", "addictions[0].last_use"),
        ("addictions.0.last_use", 20250227, "addictions[0].last_use"),
        ("addictions.0.what", "chocolate", "addictions[0].what"),
        ("addictions.0.what", None, "addictions[0].what"),
        ("addictions.0.unit", "buckets", "addictions[0].unit"),
        ("addictions", {"what": "alcohol"}, "addictions"),
        ("addictions", ["alcohol"], "addictions[0]"),
        ("withdrawal.seizures", "no", "withdrawal.seizures"),
        ("withdrawal", [], "withdrawal"),
        ("medical.pregnancy", "maybe", "medical.pregnancy"),
        ("situation.supports", "family", "situation.supports"),
        ("situation.supports", ["family", "neighbours"], "situation.supports[1]"),
        (
            "medications.items",
            [{"name": "x", "classes": ["antibiotic"]}],
            "medications.items[0].classes[0]",
        ),
        ("treatment.items", [{"kind": "retreat"}], "treatment.items[0].kind"),
        ("treatment.items", [{"kind": "residential", "year": "2019"}], "treatment.items[0].year"),
        ("readiness.ruler", 7.0, "readiness.ruler"),
        ("goals", 5, "goals"),
        ("format", 2, "format"),
    ],
)
def test_bad_stored_values_are_refused_naming_the_field(
    path: str, value: object, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        from_dict(_with(path, value))
    assert caught.value.field == field
    assert field in caught.value.message


def test_a_non_object_is_refused() -> None:
    with pytest.raises(ValidationError, match="expected an object"):
        from_dict([])  # type: ignore[arg-type]


def test_a_fractional_year_of_use_is_kept() -> None:
    half = replace(BASE, addictions=(replace(DRINKING, years_of_use=0.5),))
    assert from_dict(to_dict(half)).named[0].years_of_use == 0.5
    assert from_dict(to_dict(half)).named[0].last_use == date(2025, 3, 1) - timedelta(days=2)
