"""The REMS record form: every field read into the domain record and back, unreadable
values named by their own field, the submission never taken from the form."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from attune.domain.errors import FormErrors
from attune.domain.kap.spravato import (
    BloodPressure,
    ConcomitantMedicines,
    DoseChoice,
    HealthcareSetting,
    MonitoringProvider,
    RemsPatient,
    Sex,
    SpravatoRecord,
    Submission,
    validate,
)
from attune.web.pages.kap_rems_form import (
    FIELDS,
    control_for,
    form_from_record,
    missing,
    record_from_form,
)

AT = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)


def complete() -> SpravatoRecord:
    return SpravatoRecord(
        patient=RemsPatient("Robin", "J", "Rivers", date(1988, 5, 14), Sex.FEMALE, "R-123", False),
        medicines=ConcomitantMedicines(False, False, True, False),
        provider=MonitoringProvider("Cam", "Clinician", "555-0100", "cam@example.org"),
        setting=HealthcareSetting("Harbour Clinic", "1 Quay St", "", "Portland", "ME", "04101"),
        dose=DoseChoice.MG_84,
        lot_number="SP-77",
        administered_at=AT,
        monitoring_ended_at=AT.replace(hour=16, minute=5),
        ready_to_leave_at=AT.replace(hour=15, minute=30),
        vitals_acceptable_before=True,
        vitals_acceptable_at_end=True,
        bp_before=BloodPressure(128, 82, AT.replace(hour=13, minute=50)),
        bp_40_minutes=BloodPressure(142, 88, AT.replace(minute=40)),
        bp_at_end=BloodPressure(126, 80, AT.replace(hour=16)),
        sedation=True,
        dissociation=True,
        respiratory_depression=False,
        lowest_spo2=96,
        serious_adverse_event=False,
    )


def test_a_complete_record_survives_the_round_trip_through_the_form() -> None:
    record = complete()
    assert validate(record) == ()
    form = form_from_record(record)
    assert set(form) == set(FIELDS)
    assert form["bp_40_minutes.at"] == "2026-01-05T14:40"
    assert form["medicines.psychostimulants"] == "yes"
    assert record_from_form(form) == record


def test_an_other_dose_is_read_exactly_and_only_with_other_chosen() -> None:
    form = form_from_record(complete())
    form.update({"dose": "other", "other_dose_mg": "28,5"})
    assert record_from_form(form).other_dose_mg == Decimal("28.5")
    form["dose"] = "56"
    assert record_from_form(form).other_dose_mg is None


def test_the_submission_comes_from_the_stored_record_never_from_the_form() -> None:
    kept = replace(
        complete(), submission=Submission.SUBMITTED, submitted_on=date(2026, 1, 6), confirmation="C"
    )
    form = form_from_record(kept)
    form["submission"] = "not_submitted"
    read = record_from_form(form, kept)
    assert read.submission is Submission.SUBMITTED and read.confirmation == "C"


def test_unreadable_values_are_each_named_by_their_field() -> None:
    form = form_from_record(complete())
    form.update(
        {
            "patient.birth_date": "14/05/1988",
            "patient.first_treatment": "maybe",
            "lowest_spo2": "ninety",
            "administered_at": "tomorrow",
            "bp_40_minutes.diastolic": "",
            "dose": "112",
        }
    )
    with pytest.raises(FormErrors) as raised:
        record_from_form(form)
    fields = [f for f, _ in raised.value.errors]
    assert fields == [
        "dose",
        "patient.birth_date",
        "patient.first_treatment",
        "administered_at",
        "bp_40_minutes",
        "lowest_spo2",
    ]


def test_an_empty_form_reads_as_an_empty_record_whose_gaps_the_domain_names() -> None:
    record = record_from_form(dict.fromkeys(FIELDS, ""))
    assert record == SpravatoRecord()
    gaps = dict(missing(record))
    assert "patient.first_name" in gaps
    assert "bp_before.systolic" in gaps  # a blood pressure's message sits by its first box
    assert control_for("submission") == ""
