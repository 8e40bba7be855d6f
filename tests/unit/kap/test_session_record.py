"""The in-office session record: dose cross-checks, warnings, and signing only when complete."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from attune.domain.errors import FormErrors
from attune.domain.kap.session import (
    DISCHARGE_ITEMS,
    DischargeChecklist,
    Disposition,
    Dose,
    Route,
    SessionRecord,
    can_sign,
    discharge_status,
    open_adverse_events,
    resolve_dose,
    session_warnings,
    sign,
    validate,
)
from attune.domain.kap.session_events import (
    DISSOCIATION_SCALE,
    SEDATION_SCALE,
    AdverseEvent,
    AdverseEventKind,
    Rating,
    RatingWarning,
    Severity,
)
from attune.domain.kap.vitals import VitalsReading, VitalsWarning, default_protocol

PROTOCOL = default_protocol()
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def reading(minutes: int, systolic: int = 124, spo2: int = 98) -> VitalsReading:
    return VitalsReading(at(minutes), systolic, 80, 74, spo2)


COMPLETE = SessionRecord(
    route=Route.IM,
    dose_mg=Decimal(35),
    weight_kg=Decimal(70),
    mg_per_kg=Decimal("0.5"),
    lot_number="KT-2291",
    started_at=T0,
    ended_at=at(90),
    vitals=tuple(reading(m) for m in (-10, 15, 30, 45, 60, 75, 90)),
    ratings=(Rating(at(20), 1, 2), Rating(at(60), 0, 1)),
    discharge=DischargeChecklist(True, True, True, True, "Sam Ortiz", True),
    disposition=Disposition.DISCHARGED,
)


def fields(items: tuple[tuple[str, str], ...]) -> list[str]:
    return [f for f, _ in items]


def test_a_complete_record_can_be_signed() -> None:
    assert validate(COMPLETE, PROTOCOL) == ()
    assert can_sign(COMPLETE, PROTOCOL) == ()
    signed = sign(COMPLETE, signed_by="dr-lee", at=at(95), protocol=PROTOCOL)
    assert signed.record is COMPLETE
    assert signed.signed_by == "dr-lee"
    assert signed.signed_at == at(95)


def test_an_empty_record_lists_everything_missing() -> None:
    items = can_sign(SessionRecord(), PROTOCOL)
    assert fields(items) == [
        "route",
        "weight_kg",
        "lot_number",
        "started_at",
        "ended_at",
        "disposition",
        "dose_mg",
        "ratings",
    ]


def test_signing_an_incomplete_record_is_refused_naming_each_field() -> None:
    draft = replace(COMPLETE, lot_number="", route=None)
    with pytest.raises(FormErrors) as caught:
        sign(draft, signed_by="", at=at(95), protocol=PROTOCOL)
    assert fields(caught.value.errors) == ["route", "lot_number", "signed_by"]
    assert caught.value.field == "route"


def test_signing_before_the_session_ended_is_refused() -> None:
    with pytest.raises(FormErrors) as caught:
        sign(COMPLETE, signed_by="dr-lee", at=at(80), protocol=PROTOCOL)
    assert fields(caught.value.errors) == ["signed_at"]


# --- dose -------------------------------------------------------------------------------


def test_the_dose_per_kilogram_is_computed_from_mg_and_weight() -> None:
    dose, errors = resolve_dose(replace(COMPLETE, mg_per_kg=None, weight_kg=Decimal("72.5")))
    assert errors == []
    assert dose == Dose(Decimal(35), Decimal("72.5"))
    assert dose.mg_per_kg == Decimal("0.483")


def test_mg_is_computed_from_mg_per_kg_and_weight() -> None:
    dose, errors = resolve_dose(replace(COMPLETE, dose_mg=None, mg_per_kg=Decimal("0.75")))
    assert errors == []
    assert dose is not None and dose.mg == Decimal("52.50")


def test_a_rounded_mg_per_kg_is_accepted() -> None:
    # 36 mg / 72.3 kg = 0.4979… which is 0.50 at two decimals
    record = replace(COMPLETE, dose_mg=Decimal(36), weight_kg=Decimal("72.3"))
    assert resolve_dose(record)[1] == []


def test_an_inconsistent_dose_is_refused_naming_mg_per_kg() -> None:
    record = replace(COMPLETE, dose_mg=Decimal(40))
    dose, errors = resolve_dose(record)
    assert dose is None
    assert errors == [
        (
            "mg_per_kg",
            "0.5 mg/kg × 70 kg = 35 mg, but the dose says 40 mg (0.571 mg/kg). Please check "
            "the dose, the weight and the mg/kg.",
        )
    ]
    assert "mg_per_kg" in fields(can_sign(record, PROTOCOL))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"dose_mg": Decimal(0)}, "dose_mg"),
        ({"dose_mg": Decimal(5000)}, "dose_mg"),
        ({"weight_kg": Decimal(-70)}, "weight_kg"),
        ({"weight_kg": Decimal("NaN")}, "weight_kg"),
        ({"mg_per_kg": Decimal(0)}, "mg_per_kg"),
        ({"dose_mg": None, "mg_per_kg": Decimal(20)}, "mg_per_kg"),
    ],
)
def test_impossible_dose_numbers_are_refused(change: dict[str, object], field: str) -> None:
    record = replace(COMPLETE, **change)  # type: ignore[arg-type]
    assert field in fields(validate(record, PROTOCOL))


# --- times, vitals and ratings ----------------------------------------------------------


def test_times_must_be_aware_and_in_order() -> None:
    naive = replace(COMPLETE, started_at=datetime(2025, 3, 1, 9, 0))
    assert fields(validate(naive, PROTOCOL)) == ["started_at"]
    backwards = replace(COMPLETE, ended_at=at(-5))
    assert "ended_at" in fields(validate(backwards, PROTOCOL))


def test_a_reading_outside_the_session_is_refused() -> None:
    record = replace(COMPLETE, vitals=(*COMPLETE.vitals, reading(200)))
    assert ("vitals[7].at", "This reading is outside the session's times.") in validate(
        record, PROTOCOL
    )


def test_a_missing_baseline_blocks_signing() -> None:
    record = replace(COMPLETE, vitals=COMPLETE.vitals[1:])
    (item,) = can_sign(record, PROTOCOL)
    assert item[0] == "vitals"
    assert "baseline" in item[1]


def test_a_missed_check_blocks_signing_naming_when() -> None:
    record = replace(COMPLETE, vitals=tuple(r for r in COMPLETE.vitals if r.at != at(45)))
    assert can_sign(record, PROTOCOL) == (
        ("vitals", "Readings are due every 15 minutes; none was recorded near 09:45."),
    )


def test_ratings_are_required_and_range_checked() -> None:
    assert fields(can_sign(replace(COMPLETE, ratings=()), PROTOCOL)) == ["ratings"]
    bad = replace(COMPLETE, ratings=(Rating(at(20), 5, -1),))
    assert fields(validate(bad, PROTOCOL)) == ["ratings[0].sedation", "ratings[0].dissociation"]


def test_the_rating_scales_have_five_labelled_points() -> None:
    assert len(SEDATION_SCALE) == len(DISSOCIATION_SCALE) == 5
    assert all(label.strip() for label in SEDATION_SCALE + DISSOCIATION_SCALE)


def test_warnings_cover_vitals_and_ratings_in_time_order() -> None:
    record = replace(
        COMPLETE,
        vitals=(*COMPLETE.vitals[:3], reading(45, systolic=176), *COMPLETE.vitals[4:]),
        ratings=(Rating(at(20), 3, 4), Rating(at(60), 0, 1)),
    )
    warnings = session_warnings(record, PROTOCOL)
    assert [type(w) for w in warnings] == [RatingWarning, RatingWarning, VitalsWarning]
    assert warnings[0].message() == (
        "09:20: sedation rated 3 (Answers only a loud voice or a light touch), at or above "
        "the warning level of 3."
    )
    assert "09:45: systolic blood pressure 176 mmHg" in warnings[2].message()


# --- adverse events ---------------------------------------------------------------------


def test_an_adverse_event_needs_an_action_and_a_sensible_resolution_time() -> None:
    events = (
        AdverseEvent(AdverseEventKind.NAUSEA, Severity.MILD, at(25), "", at(20)),
        AdverseEvent(AdverseEventKind.OTHER, Severity.MODERATE, at(30), "Reassured"),
    )
    errors = fields(validate(replace(COMPLETE, adverse_events=events), PROTOCOL))
    assert errors == [
        "adverse_events[0].action",
        "adverse_events[0].resolved_at",
        "adverse_events[1].description",
    ]


def test_an_open_adverse_event_is_listed_but_does_not_block_signing() -> None:
    headache = AdverseEvent(AdverseEventKind.HEADACHE, Severity.MILD, at(50), "Water, rest")
    nausea = AdverseEvent(AdverseEventKind.NAUSEA, Severity.MILD, at(20), "Ondansetron", at(40))
    record = replace(COMPLETE, adverse_events=(headache, nausea))
    assert open_adverse_events(record) == (headache,)
    assert can_sign(record, PROTOCOL) == ()


# --- discharge --------------------------------------------------------------------------


def test_every_discharge_item_must_be_met() -> None:
    record = replace(
        COMPLETE,
        discharge=DischargeChecklist(True, None, False, True, "", True),
    )
    assert can_sign(record, PROTOCOL) == (
        ("discharge.nausea_controlled", "Not checked yet: nausea controlled."),
        (
            "discharge.walking_steadily",
            "Not yet: walking steadily. Keep monitoring until it is.",
        ),
        ("discharge.escort_name", "Write the escort's name."),
    )


def test_discharge_waits_for_vitals_back_within_thresholds() -> None:
    record = replace(COMPLETE, vitals=(*COMPLETE.vitals[:-1], reading(90, systolic=168)))
    ((field, message),) = can_sign(record, PROTOCOL)
    assert field == "discharge.vitals_within_thresholds"
    assert "10:30: systolic blood pressure 168 mmHg is above the caution threshold" in message
    status = dict((key, met) for key, _, met in discharge_status(record, PROTOCOL))
    assert status["vitals_within_thresholds"] is False
    assert [key for key, _ in DISCHARGE_ITEMS] == list(status)


def test_a_transfer_needs_a_note_instead_of_the_checklist() -> None:
    transfer = replace(
        COMPLETE, disposition=Disposition.TRANSFERRED, discharge=DischargeChecklist()
    )
    assert can_sign(transfer, PROTOCOL) == (
        ("transfer_note", "Say where the patient was transferred and why."),
    )
    noted = replace(transfer, transfer_note="Emergency department, chest pain at 10:20")
    assert can_sign(noted, PROTOCOL) == ()


def test_route_labels_are_readable() -> None:
    assert [r.label for r in Route] == [
        "Intravenous (IV)",
        "Intramuscular (IM)",
        "Sublingual",
        "Intranasal",
    ]
