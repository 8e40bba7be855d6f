"""The Spravato REMS monitoring record: every field, the two-hour rule, the form view,
submission and the list of records still to submit."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from attune.domain.errors import Conflict, FormErrors
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
    require_complete,
    submission_due,
    treatment_date,
    validate,
)
from attune.domain.kap.spravato_form import NOT_RECORDED, form_view, mark_submitted, unsubmitted

T0 = datetime(2025, 3, 4, 15, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


COMPLETE = SpravatoRecord(
    patient=RemsPatient("Ana", "M", "Reyes", date(1988, 6, 2), Sex.FEMALE, "P-20331", False),
    medicines=ConcomitantMedicines(False, False, True, False),
    provider=MonitoringProvider("Jo", "Park", "555-0100", "jo.park@clinic.example.org"),
    setting=HealthcareSetting("Harbour Clinic", "1 Quay St", "", "Portland", "ME", "04101"),
    dose=DoseChoice.MG_56,
    lot_number="ESK-778",
    administered_at=T0,
    monitoring_ended_at=at(125),
    ready_to_leave_at=at(90),
    vitals_acceptable_before=True,
    vitals_acceptable_at_end=True,
    bp_before=BloodPressure(128, 82, at(-10)),
    bp_40_minutes=BloodPressure(142, 88, at(41)),
    bp_at_end=BloodPressure(126, 80, at(120)),
    sedation=True,
    dissociation=True,
    respiratory_depression=False,
    lowest_spo2=96,
    serious_adverse_event=False,
)


def fields(record: SpravatoRecord) -> list[str]:
    return [f for f, _ in validate(record)]


def test_a_complete_record_has_no_errors() -> None:
    assert validate(COMPLETE) == ()
    assert require_complete(COMPLETE) is COMPLETE
    assert COMPLETE.monitoring_minutes == 125
    assert COMPLETE.ready_after_minutes == 90
    assert COMPLETE.dose_mg == Decimal(56)


def test_an_empty_record_names_every_field_the_form_asks_for() -> None:
    assert fields(SpravatoRecord()) == [
        "patient.first_name",
        "patient.last_name",
        "patient.birth_date",
        "patient.sex",
        "patient.rems_patient_id",
        "patient.first_treatment",
        "medicines.benzodiazepines",
        "medicines.non_benzodiazepine_sedative_hypnotics",
        "medicines.psychostimulants",
        "medicines.maois",
        "provider.first_name",
        "provider.last_name",
        "provider.telephone",
        "provider.email",
        "setting.name",
        "setting.address_1",
        "setting.city",
        "setting.state",
        "setting.zip_code",
        "dose",
        "lot_number",
        "administered_at",
        "monitoring_ended_at",
        "ready_to_leave_at",
        "vitals_acceptable_before",
        "vitals_acceptable_at_end",
        "bp_before",
        "bp_40_minutes",
        "bp_at_end",
        "sedation",
        "dissociation",
        "respiratory_depression",
        "lowest_spo2",
        "serious_adverse_event",
    ]
    with pytest.raises(FormErrors) as caught:
        require_complete(SpravatoRecord())
    assert caught.value.field == "patient.first_name"


def test_monitoring_under_two_hours_is_refused() -> None:
    short = replace(
        COMPLETE, monitoring_ended_at=at(119), bp_at_end=BloodPressure(126, 80, at(115))
    )
    assert validate(short) == (
        (
            "monitoring_ended_at",
            "Monitoring lasted 119 minutes; the REMS requires at least 120 minutes from the "
            "first device.",
        ),
    )
    assert validate(replace(short, monitoring_ended_at=at(120))) == ()


def test_the_ready_to_leave_time_lies_within_monitoring() -> None:
    assert fields(replace(COMPLETE, ready_to_leave_at=at(130))) == ["ready_to_leave_at"]
    assert fields(replace(COMPLETE, ready_to_leave_at=at(0))) == ["ready_to_leave_at"]
    assert fields(replace(COMPLETE, ready_to_leave_at=datetime(2025, 3, 4, 16, 0))) == [
        "ready_to_leave_at"
    ]


def test_a_first_treatment_needs_prior_enrolment() -> None:
    first = replace(COMPLETE, patient=replace(COMPLETE.patient, first_treatment=True))
    assert fields(first) == ["patient.enrolled"]
    not_enrolled = replace(first, patient=replace(first.patient, enrolled=False))
    assert "must be enrolled" in dict(validate(not_enrolled))["patient.enrolled"]
    enrolled = replace(first, patient=replace(first.patient, enrolled=True))
    assert validate(enrolled) == ()


def test_an_other_dose_needs_its_value() -> None:
    other = replace(COMPLETE, dose=DoseChoice.OTHER)
    assert fields(other) == ["other_dose_mg"]
    given = replace(other, other_dose_mg=Decimal(28))
    assert validate(given) == ()
    assert given.dose_mg == Decimal(28)


def test_the_blood_pressures_are_taken_at_their_times() -> None:
    late = replace(COMPLETE, bp_40_minutes=BloodPressure(140, 88, at(55)))
    assert validate(late) == (
        (
            "bp_40_minutes.at",
            "Taken 55 minutes after administration began; it should be about 40 (between 30 "
            "and 50).",
        ),
    )
    after = replace(COMPLETE, bp_before=BloodPressure(128, 82, at(2)))
    assert fields(after) == ["bp_before.at"]
    end = replace(COMPLETE, bp_at_end=BloodPressure(126, 80, at(130)))
    assert fields(end) == ["bp_at_end.at"]
    swapped = replace(COMPLETE, bp_before=BloodPressure(80, 128, at(-10)))
    assert fields(swapped) == ["bp_before"]


def test_spo2_and_a_serious_adverse_event_description() -> None:
    assert fields(replace(COMPLETE, lowest_spo2=101)) == ["lowest_spo2"]
    sae = replace(COMPLETE, serious_adverse_event=True)
    assert validate(sae) == (
        ("serious_adverse_event_description", "Describe the serious adverse event."),
    )


def test_contacts_are_checked() -> None:
    record = replace(
        COMPLETE,
        provider=replace(COMPLETE.provider, email="jo.park"),
        patient=replace(COMPLETE.patient, middle_initial="MJ", birth_date=date(2025, 3, 5)),
    )
    assert fields(record) == ["patient.middle_initial", "patient.birth_date", "provider.email"]


def test_the_treatment_date_and_due_date_follow_the_clinic_time_zone() -> None:
    late_evening = replace(COMPLETE, administered_at=datetime(2025, 3, 5, 2, 30, tzinfo=UTC))
    new_york = ZoneInfo("America/New_York")
    assert treatment_date(late_evening) == date(2025, 3, 5)
    assert treatment_date(late_evening, new_york) == date(2025, 3, 4)
    assert submission_due(late_evening, new_york) == date(2025, 3, 11)
    assert submission_due(SpravatoRecord()) is None


def test_the_form_view_lists_every_field_in_order_as_plain_text() -> None:
    view = form_view(COMPLETE)
    lines = {(line.section, line.label): line.value for line in view}
    assert lines[("Patient", "Name")] == "Ana M Reyes"
    assert lines[("Patient", "Date of birth")] == "06/02/1988"
    assert lines[("Patient", "REMS patient ID")] == "P-20331"
    assert (
        lines[("Medicines that may cause sedation or blood-pressure changes", "Psychostimulants")]
        == "Yes"
    )
    assert lines[("Healthcare setting", "City, state, ZIP")] == "Portland, ME 04101"
    assert lines[("Treatment", "Dose administered")] == "56 mg"
    assert lines[("Treatment", "Total monitoring time (at least 120 minutes)")] == "125 minutes"
    assert lines[("Vital signs", "Blood pressure about 40 minutes after")] == "142/88 mmHg at 15:41"
    assert lines[("Observed during monitoring", "Lowest SpO2 (pulse oximetry)")] == "96%"
    assert lines[("Submission", "Status")] == "Not submitted (due by 03/11/2025)"
    assert view[0].section == "Patient" and view[-1].section == "Submission"
    assert all("<" not in line.value for line in view)


def test_the_form_view_of_an_empty_record_says_not_recorded() -> None:
    view = form_view(SpravatoRecord())
    assert {line.value for line in view} == {NOT_RECORDED, "Not submitted"}


def test_marking_submitted_needs_a_complete_record_and_happens_once() -> None:
    done = mark_submitted(COMPLETE, on=date(2025, 3, 6), confirmation="RX-55102")
    assert done.submission is Submission.SUBMITTED
    assert dict((line.label, line.value) for line in form_view(done))["Status"] == (
        "Submitted on 03/06/2025, confirmation RX-55102"
    )
    with pytest.raises(Conflict):
        mark_submitted(done, on=date(2025, 3, 7), confirmation="RX-55103")
    with pytest.raises(FormErrors) as caught:
        mark_submitted(replace(COMPLETE, lot_number=""), on=date(2025, 3, 6), confirmation="")
    assert [f for f, _ in caught.value.errors] == ["lot_number", "confirmation"]
    with pytest.raises(FormErrors) as early:
        mark_submitted(COMPLETE, on=date(2025, 3, 1), confirmation="RX-1")
    assert early.value.field == "submitted_on"


def test_a_draft_cannot_carry_a_submission_date() -> None:
    assert fields(replace(COMPLETE, submitted_on=date(2025, 3, 6))) == ["submission"]


def test_unsubmitted_lists_soonest_due_first_and_flags_overdue() -> None:
    older = replace(COMPLETE, administered_at=T0 - timedelta(days=9))
    newer = replace(COMPLETE, administered_at=T0 + timedelta(days=1))
    sent = mark_submitted(COMPLETE, on=date(2025, 3, 5), confirmation="RX-1")
    pending = unsubmitted(
        [("b", newer), ("s", sent), ("x", SpravatoRecord()), ("a", older)], today=date(2025, 3, 5)
    )
    assert [(p.key, p.due, p.overdue) for p in pending] == [
        ("a", date(2025, 3, 2), True),
        ("b", date(2025, 3, 12), False),
        ("x", None, False),
    ]
