"""Caseloads, patient records and the patient list, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied
from attune.services import assignments, records, responses
from attune.services.clock import FixedClock
from factories import ClinicSetup, make_clinic, phq9


def _history(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> None:
    """Patient 0: PHQ-9 every 14 days (answered twice, last with item 9), GAD-7 once (due)."""
    p0 = setup.patients[0].id
    me = setup.patient_actor(0)
    phq = assignments.assign_instrument(uow, setup.clinician_actor, p0, "phq9", 14, None, clock)
    assignments.assign_instrument(uow, setup.clinician_actor, p0, "gad7", None, None, clock)
    responses.submit_response(uow, me, p0, "phq9", phq9(16), clock, phq.id)
    clock.advance(timedelta(days=14))
    responses.submit_response(uow, me, p0, "phq9", phq9(9, item9=1), clock, phq.id)


def test_a_clinician_sees_their_caseload_only(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    _history(uow, clock, setup)
    clock.advance(timedelta(days=1))
    rows = records.caseload(uow, setup.clinician_actor, clock)
    assert [r.patient_id for r in rows] == [setup.patients[0].id]
    (row,) = rows
    assert [(s.abbreviation, s.total, s.band) for s in row.latest] == [("PHQ-9", 9.0, "Mild")]
    assert row.latest[0].submitted_at == clock.now() - timedelta(days=1)
    assert (row.due_count, row.overdue_count) == (1, 1)  # GAD-7, due since the 5th
    assert [f.kind for f in row.open_flags] == ["suicidal_ideation"]


def test_an_admin_sees_every_patient_flags_first(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    make_clinic(uow, clock, name="Elsewhere", patients=1)
    rows = records.caseload(uow, setup.admin_actor, clock)
    assert [r.display_name for r in rows] == ["Patient 0 (Harbour)", "Patient 1 (Harbour)"]
    responses.submit_response(
        uow, setup.admin_actor, setup.patients[1].id, "phq9", phq9(3, item9=1), clock
    )
    rows = records.caseload(uow, setup.admin_actor, clock)
    assert [r.patient_id for r in rows] == [setup.patients[1].id, setup.patients[0].id]
    assert rows[1].latest == () and rows[1].due_count == 0


def test_the_caseload_read_is_audited_per_patient(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    records.caseload(uow, setup.admin_actor, clock)
    with uow:
        events = list(uow.audit.in_order())[-2:]
    assert sorted((e.action, e.patient_id, e.outcome) for e in events) == [
        ("view_caseload", setup.patients[0].id, "allowed"),
        ("view_caseload", setup.patients[1].id, "allowed"),
    ]


def test_patients_have_no_caseload(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(PermissionDenied):
        records.caseload(uow, setup.patient_actor(0), clock)
    with pytest.raises(PermissionDenied):
        records.clinic_patients(uow, setup.patient_actor(0), clock)


def test_a_patient_record_has_series_responses_and_flags(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    _history(uow, clock, setup)
    record = records.patient_record(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert record.patient.display_name == "Patient 0 (Harbour)"
    assert record.patient.sex == "female"
    assert record.patient.email == setup.email("patient0")
    assert record.patient.clinician_names == (setup.clinician.name,)

    (series,) = record.series
    assert series.abbreviation == "PHQ-9"
    assert [(p.total, p.band) for p in series.points] == [
        (16.0, "Moderately severe"),
        (9.0, "Mild"),
    ]
    assert series.points[0].submitted_at < series.points[1].submitted_at
    assert (series.total_min, series.total_max) == (0.0, 27.0)
    assert [b.minimum for b in series.bands] == [0.0, 5.0, 10.0, 15.0, 20.0]

    newest, oldest = record.responses
    assert newest.submitted_at > oldest.submitted_at
    assert newest.flags == ("suicidal_ideation",)
    assert len(newest.items) == 9
    ninth = newest.items[8]
    assert (ninth.number, ninth.link_id, ninth.code, ninth.weight) == (9, "q9", 1, 1.0)
    assert ninth.label == "Several days"
    assert ninth.text.startswith("Thoughts that you would be better off dead")
    assert [f.kind for f in record.open_flags] == ["suicidal_ideation"]
    assert {a.instrument_id for a in record.assignments} == {"phq9", "gad7"}


def test_a_patient_sees_their_own_record_without_the_clinicians_flags(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    _history(uow, clock, setup)
    mine = records.patient_record(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert len(mine.responses) == 2
    assert mine.open_flags == ()
    with pytest.raises(NotFound):
        records.patient_record(uow, setup.patient_actor(1), setup.patients[0].id, clock)


def test_an_admin_lists_the_clinics_patients(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    make_clinic(uow, clock, name="Elsewhere", patients=1)
    rows = records.clinic_patients(uow, setup.admin_actor, clock)
    assert [(r.display_name, r.clinician_names, r.has_login) for r in rows] == [
        ("Patient 0 (Harbour)", (setup.clinician.name,), True),
        ("Patient 1 (Harbour)", (setup.other_clinician.name,), True),
    ]
    assert [r.patient_id for r in records.clinic_patients(uow, setup.clinician_actor, clock)] == [
        setup.patients[0].id
    ]
    with uow:
        event = list(uow.audit.in_order())[-1]
    assert (event.action, event.actor_user_id, event.detail) == (
        "list_patients",
        setup.clinician.id,
        "listed 1 patient",
    )


def test_the_caseload_shows_both_dimensions_where_an_instrument_has_no_total(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    p0 = setup.patients[0].id
    # ECR-R: items 1–18 anxiety, 19–36 avoidance; answer 6 everywhere, then reverse keys apply.
    answers = {f"q{n}": 6 for n in range(1, 37)}
    responses.submit_response(uow, setup.patient_actor(0), p0, "ecrr", answers, clock)
    (row,) = records.caseload(uow, setup.clinician_actor, clock)
    (latest,) = row.latest
    assert latest.total is None
    keys = dict(latest.subscales)
    assert set(keys) == {"anxiety", "avoidance"}
    # Anxiety: 16 items at 6 and 2 reversed (8 − 6 = 2) → (96 + 4) / 18.
    assert keys["anxiety"] == pytest.approx(100 / 18)
    # Avoidance: 6 items at 6 and 12 reversed at 2 → (36 + 24) / 18.
    assert keys["avoidance"] == pytest.approx(60 / 18)
