"""A whole in-office KAP course driven through the services, and the in-office session
record: vitals, ratings, adverse events, discharge and the signature. SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import FormErrors, StepRefused
from attune.domain.kap.course_model import Phase
from attune.domain.kap.session import DischargeChecklist
from attune.domain.kap.session_events import AdverseEvent, AdverseEventKind, Rating, Severity
from attune.domain.kap.vitals import VitalsReading
from attune.services import kap_course, kap_integration, kap_sessions
from attune.services.clock import FixedClock
from attune.services.kap_sessions import SessionView
from factories import ClinicSetup, eligible_course

CALM = DischargeChecklist(
    alert_and_oriented=True,
    nausea_controlled=True,
    walking_steadily=True,
    escort_present=True,
    escort_name="Jo",
    no_driving_acknowledged=True,
)


def _dose(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, course_id: int) -> SessionView:
    """Dose now and monitor for an hour: readings every 15 minutes, a rating, discharge,
    signature (the clock ends one hour and a few minutes after the dose)."""
    staff = setup.clinician_actor
    start = clock.now()
    session = kap_sessions.start_session(
        uow, staff, course_id, "im", "35", None, "70", "K-1", start, clock
    )
    kap_sessions.record_vitals(
        uow, staff, session.id, VitalsReading(start - timedelta(minutes=5), 124, 78, 72, 98), clock
    )
    for minutes in (15, 30, 45, 60):
        clock.set(start + timedelta(minutes=minutes))
        kap_sessions.record_vitals(
            uow, staff, session.id, VitalsReading(clock.now(), 128, 80, 74, 97), clock
        )
    kap_sessions.record_rating(
        uow, staff, session.id, Rating(start + timedelta(minutes=20), 1, 2), clock
    )
    clock.advance(timedelta(minutes=2))
    kap_sessions.update_discharge(uow, staff, session.id, CALM, clock.now(), clock)
    clock.advance(timedelta(minutes=1))
    return kap_sessions.sign_session(uow, staff, session.id, clock)


def test_a_whole_in_office_course(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    assert course.preparation_complete and course.consent.in_force
    assert course.sign_off is not None and course.sign_off.permits_dosing
    staff = setup.clinician_actor
    for number in range(1, 7):
        clock.advance(timedelta(days=1))
        signed = _dose(uow, setup, clock, course.id)
        assert signed.signed and signed.dose_number == number
        assert signed.integration.status.value == "not_yet_open"
        clock.advance(timedelta(hours=30))
        held = kap_integration.complete_integration(
            uow,
            staff,
            signed.id,
            "Talked it through.",
            ("I felt held",),
            ("Call my sister",),
            (),
            clock,
        )
        assert held.held and held.note is not None
    done = kap_course.start_aftercare(uow, staff, course.id, clock)
    assert done.phase is Phase.AFTERCARE and done.doses_given == 6
    assert [s.status for s in done.sessions] == ["signed"] * 6


def test_no_next_dose_before_the_integration_and_nothing_saved(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    _dose(uow, setup, clock, course.id)
    clock.advance(timedelta(days=3))
    with pytest.raises(StepRefused) as refused:
        kap_sessions.start_session(
            uow, setup.clinician_actor, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
        )
    assert any("integration session after dose 1" in r for r in refused.value.reasons)
    view = kap_course.course_view(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and view.doses_given == 1 and len(view.sessions) == 1
    assert [o.dose_number for o in view.overdue] == [1]


def test_a_record_cannot_be_signed_until_complete(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    staff = setup.clinician_actor
    session = kap_sessions.start_session(
        uow, staff, course.id, "iv", None, "0.5", "70", "", clock.now(), clock
    )
    assert session.record.dose_mg is None and session.can_sign
    with pytest.raises(FormErrors) as refused:
        kap_sessions.sign_session(uow, staff, session.id, clock)
    fields = {f for f, _ in refused.value.errors}
    assert {"lot_number", "ended_at", "disposition", "vitals", "ratings"} <= fields


def test_an_open_adverse_event_blocks_the_next_dose_until_closed(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    staff = setup.clinician_actor
    session = kap_sessions.start_session(
        uow, staff, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
    )
    clock.advance(timedelta(minutes=10))
    event = AdverseEvent(AdverseEventKind.HEADACHE, Severity.MILD, clock.now(), "Water and rest")
    opened = kap_sessions.open_adverse_event(uow, staff, session.id, event, clock)
    view = kap_course.course_view(uow, staff, setup.patients[0].id, clock)
    assert view is not None and view.open_adverse_events == (f"s{session.id}-ae1",)
    clock.advance(timedelta(hours=30))
    kap_integration.complete_integration(uow, staff, session.id, "", ("Rest helps",), (), (), clock)
    clock.advance(timedelta(days=1))
    with pytest.raises(StepRefused, match="adverse event is still open"):
        kap_sessions.start_session(
            uow, staff, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
        )
    closed = kap_sessions.close_adverse_event(uow, staff, opened.id, 0, clock.now(), clock)
    assert closed.record.adverse_events[0].resolved
    second = kap_sessions.start_session(
        uow, staff, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
    )
    assert second.dose_number == 2
