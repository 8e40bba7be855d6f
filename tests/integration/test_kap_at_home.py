"""A whole at-home KAP course through the services: the dosing-day gate, the dose, the
sitter's check-ins and the check-in after; stops and alerts reach the clinician as flags.
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, PermissionDenied, StepRefused
from attune.domain.kap.athome import GateAnswers, GateItem
from attune.domain.kap.athome_checkins import PostSessionCheckin, SideEffect, SitterCheckin
from attune.domain.kap.course_model import Phase, StepKind
from attune.services import kap_course, kap_home, kap_integration
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from factories import ClinicSetup, eligible_course


def _ready(clock: FixedClock, **changes: object) -> GateAnswers:
    now = clock.now()
    base = dict(
        last_ate_at=now - timedelta(hours=5),
        sitter_present=True,
        sitter_name="Alex",
        systolic=124,
        diastolic=80,
        bp_measured_at=now - timedelta(minutes=5),
        phone_charged=True,
        no_driving_agreed=True,
        intention="To be curious about the loneliness",
    )
    base.update(changes)
    return GateAnswers(**base)  # type: ignore[arg-type]


def _flags(uow: SqlUnitOfWork, setup: ClinicSetup) -> list[str]:
    with uow:
        return [f.kind for f in uow.flags.open_for_patient(setup.patients[0].id)]


def _home_dose(uow: SqlUnitOfWork, me: Actor, course_id: int, clock: FixedClock) -> int:
    gate = kap_home.dosing_day_gate(uow, me, course_id, _ready(clock), clock)
    assert gate.passed and gate.may_dose, gate
    clock.advance(timedelta(minutes=5))
    return kap_home.record_home_dose(uow, me, course_id, clock.now(), clock).id


def test_a_whole_at_home_course(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me, staff = setup.patient_actor(0), setup.clinician_actor
    for number in range(1, 7):
        clock.advance(timedelta(days=1))
        session_id = _home_dose(uow, me, course.id, clock)
        dosed = clock.now()
        for minutes in range(15, 241, 15):
            clock.set(dosed + timedelta(minutes=minutes))
            view = kap_home.sitter_checkin(
                uow, me, session_id, SitterCheckin(clock.now(), True, True, False), clock
            )
            assert (view.stop, view.alert, view.by) == (False, False, "sitter")
        clock.advance(timedelta(minutes=10))
        after = PostSessionCheckin(
            clock.now(), 7, (SideEffect.TIREDNESS,), "", True, clock.now() - timedelta(minutes=5)
        )
        post = kap_home.post_session_checkin(uow, me, session_id, after, clock)
        assert not post.alert and post.instructions
        due = kap_home.due_checkins(uow, me, session_id, clock)
        assert due.completed and due.missed == () and len(due.done) == 17
        clock.advance(timedelta(hours=24))
        kap_integration.complete_integration(
            uow, staff, session_id, "", (f"Dose {number}: softer with myself",), (), (), clock
        )
    done = kap_course.start_aftercare(uow, staff, course.id, clock)
    assert done.phase is Phase.AFTERCARE
    assert [s.kind for s in done.sessions] == ["at_home"] * 6
    assert _flags(uow, setup) == []


def test_no_dose_without_that_days_passed_gate(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    with pytest.raises(StepRefused, match=r"gate for .* has not been passed"):
        kap_home.record_home_dose(uow, me, course.id, clock.now(), clock)
    hungry = kap_home.dosing_day_gate(
        uow, me, course.id, _ready(clock, last_ate_at=clock.now() - timedelta(hours=1)), clock
    )
    assert not hungry.passed and not hungry.may_dose and not hungry.alerted
    assert [f.item for f in hungry.result.failures] == [GateItem.FASTING]
    assert "Please wait until" in hungry.result.failures[0].instruction
    with pytest.raises(StepRefused):
        kap_home.record_home_dose(uow, me, course.id, clock.now(), clock)
    before = kap_course.course_view(uow, me, setup.patients[0].id, clock)
    assert before is not None
    steps = {s.kind: s for s in before.next_steps}
    assert steps[StepKind.GATE].allowed and not steps[StepKind.DOSE_AT_HOME].allowed
    # Put right later the same day, the gate passes.
    clock.advance(timedelta(hours=3))
    assert kap_home.dosing_day_gate(uow, me, course.id, _ready(clock), clock).may_dose
    after = kap_course.course_view(uow, me, setup.patients[0].id, clock)
    assert after is not None
    steps = {s.kind: s for s in after.next_steps}
    assert StepKind.GATE not in steps and steps[StepKind.DOSE_AT_HOME].allowed
    assert _flags(uow, setup) == []


def test_a_very_high_blood_pressure_stops_the_day_and_alerts(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    high = kap_home.dosing_day_gate(
        uow, me, course.id, _ready(clock, systolic=190, diastolic=110), clock
    )
    assert not high.passed and high.alerted and high.day_stopped
    assert "call 911" in high.result.failures[0].instruction
    assert _flags(uow, setup) == ["kap_gate_stopped"]
    clock.advance(timedelta(minutes=30))
    with pytest.raises(StepRefused, match="no at-home dose today"):
        kap_home.dosing_day_gate(uow, me, course.id, _ready(clock), clock)
    with pytest.raises(StepRefused, match="stopped"):
        kap_home.record_home_dose(uow, me, course.id, clock.now(), clock)
    view = kap_course.course_view(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and view.doses_given == 0


def test_a_raised_blood_pressure_alerts_but_may_be_measured_again(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    raised = kap_home.dosing_day_gate(
        uow, me, course.id, _ready(clock, systolic=150, diastolic=95), clock
    )
    assert raised.alerted and not raised.day_stopped and not raised.may_dose
    clock.advance(timedelta(minutes=10))
    assert kap_home.dosing_day_gate(uow, me, course.id, _ready(clock), clock).may_dose
    assert _flags(uow, setup) == ["kap_gate_stopped"]


def test_a_check_in_out_of_range_stops_and_alerts(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    session_id = _home_dose(uow, me, course.id, clock)
    clock.advance(timedelta(minutes=15))
    stop = kap_home.sitter_checkin(
        uow, me, session_id, SitterCheckin(clock.now(), False, True, False), clock
    )
    assert stop.stop and stop.alert and stop.instructions[0] == "Call 911 now."
    assert _flags(uow, setup) == ["kap_checkin_stop"]
    session = kap_home.due_checkins(uow, setup.clinician_actor, session_id, clock)
    assert [c.stop for c in session.done] == [True]


def test_missed_check_ins_alert_the_clinician_once(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    session_id = _home_dose(uow, me, course.id, clock)
    clock.advance(timedelta(minutes=25))
    due = kap_home.due_checkins(uow, me, session_id, clock)
    assert len(due.missed) == 1 and due.instructions
    kap_home.due_checkins(uow, me, session_id, clock)
    assert _flags(uow, setup) == ["kap_checkins_missed"]


def test_not_feeling_safe_after_alerts_and_shows_the_crisis_line(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(days=1))
    session_id = _home_dose(uow, me, course.id, clock)
    dosed = clock.now()
    clock.advance(timedelta(hours=5))
    answers = PostSessionCheckin(clock.now(), 2, (), "", False, dosed + timedelta(hours=2))
    post = kap_home.post_session_checkin(
        uow, me, session_id, answers, clock, crisis_line="Call or text 988."
    )
    assert post.stop and post.alert and "Call or text 988." in post.instructions[0]
    assert _flags(uow, setup) == ["kap_post_session_alert"]
    with pytest.raises(Conflict, match="complete"):
        kap_home.post_session_checkin(uow, me, session_id, answers, clock)


def test_only_the_patient_enters_the_at_home_steps(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    with pytest.raises(PermissionDenied):
        kap_home.dosing_day_gate(uow, setup.clinician_actor, course.id, _ready(clock), clock)
    with pytest.raises(FormErrors):
        kap_home.dosing_day_gate(
            uow, setup.patient_actor(0), course.id, _ready(clock, systolic=400), clock
        )


def test_an_in_office_course_has_no_gate(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    with pytest.raises(StepRefused, match="Only an at-home course"):
        kap_home.dosing_day_gate(uow, setup.patient_actor(0), course.id, _ready(clock), clock)
