"""Assigning instruments and working out what is due, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, PermissionDenied, UnknownInstrument, ValidationError
from attune.services import assignments, responses
from attune.services.clock import FixedClock
from factories import ClinicSetup, phq9

MONDAY = date(2026, 1, 5)  # the clock fixture's day


def _due(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> list[tuple[str, date, bool]]:
    found = assignments.due_for_patient(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    return [(d.instrument_id, d.due_on, d.overdue) for d in found]


def test_a_recurring_assignment_is_due_from_its_start(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    made = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 14, None, clock
    )
    assert (made.every_days, made.starts_on, made.next_due_on, made.active) == (
        14,
        MONDAY,
        MONDAY,
        True,
    )
    assert (made.title, made.abbreviation) == ("Patient Health Questionnaire-9", "PHQ-9")
    due = assignments.due_for_patient(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert len(due) == 1
    assert (due[0].assignment_id, due[0].abbreviation, due[0].draft) == (made.id, "PHQ-9", {})
    assert due[0].overdue is False


def test_a_future_start_is_not_due_yet_and_a_missed_day_is_overdue(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    assignments.assign_instrument(
        uow,
        setup.admin_actor,
        setup.patients[0].id,
        "gad7",
        None,
        MONDAY + timedelta(days=2),
        clock,
    )
    assert _due(uow, setup, clock) == []
    clock.advance(timedelta(days=2))
    assert _due(uow, setup, clock) == [("gad7", date(2026, 1, 7), False)]
    clock.advance(timedelta(days=1))
    assert _due(uow, setup, clock) == [("gad7", date(2026, 1, 7), True)]


def test_a_response_finishes_a_one_off(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    made = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", None, None, clock
    )
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(4), clock, made.id
    )
    assert _due(uow, setup, clock) == []
    clock.advance(timedelta(days=30))
    assert _due(uow, setup, clock) == []
    listed = assignments.assignments_for_patient(
        uow, setup.clinician_actor, setup.patients[0].id, clock
    )
    assert [(a.id, a.active) for a in listed] == [(made.id, False)]


def test_a_late_response_moves_the_next_due_date_on_from_the_due_date(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    made = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 14, None, clock
    )
    clock.advance(timedelta(days=3))  # answered on the 8th, three days late
    assert _due(uow, setup, clock) == [("phq9", MONDAY, True)]
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(4), clock, made.id
    )
    assert _due(uow, setup, clock) == []
    clock.set(clock.now() + timedelta(days=10))  # the 18th: not yet
    assert _due(uow, setup, clock) == []
    clock.advance(timedelta(days=1))  # the 19th: due again, two weeks after the 5th
    assert _due(uow, setup, clock) == [("phq9", date(2026, 1, 19), False)]


def test_a_response_given_in_session_counts_for_the_due_assignment(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    made = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 7, None, clock
    )
    submitted = responses.submit_response(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", phq9(5), clock
    )
    assert _due(uow, setup, clock) == []
    with uow:
        stored = uow.responses.get(submitted.response_id)
        again = uow.assignments.get(made.id)
    assert stored is not None and stored.assignment_id == made.id
    assert again is not None and again.next_due_on == MONDAY + timedelta(days=7)


def test_the_due_list_carries_the_saved_draft(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    made = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 14, None, clock
    )
    responses.save_draft(uow, setup.patient_actor(0), made.id, {"q1": 2, "q2": 1}, clock)
    due = assignments.due_for_patient(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert due[0].draft == {"q1": 2, "q2": 1}


@pytest.mark.parametrize("every_days", [0, -3, 367])
def test_every_days_must_be_sensible(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, every_days: int
) -> None:
    with pytest.raises(ValidationError) as raised:
        assignments.assign_instrument(
            uow, setup.clinician_actor, setup.patients[0].id, "phq9", every_days, None, clock
        )
    assert raised.value.field == "every_days"
    with uow:
        event = list(uow.audit.in_order())[-1]
        assert uow.assignments.for_patient(setup.patients[0].id) == []
    assert (event.action, event.outcome) == ("assign_instrument", "failed")
    assert "Repeat every 1 to 366 days" in event.detail


def test_an_unknown_instrument_is_refused_and_audited_as_failed(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with pytest.raises(UnknownInstrument):
        assignments.assign_instrument(
            uow, setup.clinician_actor, setup.patients[0].id, "phq10", 14, None, clock
        )
    with uow:
        events = list(uow.audit.in_order())
    assert [(e.action, e.outcome) for e in events[-1:]] == [("assign_instrument", "failed")]
    assert "phq10" in events[-1].detail


def test_one_active_assignment_per_instrument(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", 14, None, clock
    )
    with pytest.raises(Conflict) as raised:
        assignments.assign_instrument(
            uow, setup.clinician_actor, setup.patients[0].id, "phq9", 7, None, clock
        )
    assert raised.value.field == "instrument_id"


def test_patients_cannot_assign(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> None:
    with pytest.raises(PermissionDenied):
        assignments.assign_instrument(
            uow, setup.patient_actor(0), setup.patients[0].id, "phq9", 14, None, clock
        )
