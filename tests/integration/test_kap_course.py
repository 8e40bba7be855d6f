"""The KAP course through its services: opening, eligibility and sign-off, consent,
preparation with the safety plan, stopping and aftercare. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, StepRefused, ValidationError
from attune.domain.kap.course_model import Phase, StepKind
from attune.domain.kap.eligibility_model import Outcome
from attune.domain.kap.preparation import Contact, SafetyPlan
from attune.services import kap_course
from attune.services.clock import FixedClock
from factories import ClinicSetup, submitted_intake

PLAN = SafetyPlan(
    warning_signs=("I stop answering messages",),
    coping_steps=("A walk by the river", "Slow breathing"),
    people=(Contact("Sam", "555 0100"),),
    crisis_line="Call or text 988",
)


def _course(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, program: str = "in_office"
) -> int:
    return kap_course.open_course(
        uow, setup.clinician_actor, setup.patients[0].id, program, clock
    ).id


def test_a_new_course_starts_in_preparation_with_its_modules(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    assert kap_course.course_view(uow, setup.patient_actor(0), patient, clock) is None
    opened = kap_course.open_course(uow, setup.clinician_actor, patient, "at_home", clock)
    assert opened.phase is Phase.PREPARATION
    assert opened.program.id == "at_home"
    assert opened.protocol_name == "default 1.0.0"
    assert (opened.doses_given, opened.doses_planned) == (0, 6)
    assert [m.key for m in opened.preparation] == [
        "what_to_expect",
        "set_and_setting",
        "at_home_day",
        "intentions",
        "safety_plan",
    ]
    assert {s.kind for s in opened.next_steps} >= {StepKind.CONSENT, StepKind.SIGN_OFF}
    seen = kap_course.course_view(uow, setup.patient_actor(0), patient, clock)
    assert seen is not None and seen.id == opened.id


def test_one_course_at_a_time_and_never_esketamine_at_home(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    _course(uow, setup, clock)
    with pytest.raises(Conflict, match="already has a KAP course"):
        kap_course.open_course(uow, setup.clinician_actor, patient, "in_office", clock)
    with pytest.raises(StepRefused, match="never taken at home"):
        kap_course.open_course(
            uow, setup.admin_actor, setup.patients[1].id, "spravato_at_home", clock
        )
    with pytest.raises(ValidationError, match="No KAP program"):
        kap_course.open_course(uow, setup.admin_actor, setup.patients[1].id, "bath", clock)


def test_eligibility_reads_the_intake_and_the_sign_off_moves_the_course(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    course_id = _course(uow, setup, clock)
    with pytest.raises(Conflict, match="no submitted intake"):
        kap_course.assess_eligibility(uow, staff, course_id, (120, 80), None, clock)
    submitted_intake(uow, setup, clock)
    clock.advance(timedelta(minutes=5))
    checked = kap_course.assess_eligibility(uow, staff, course_id, (120, 80), None, clock)
    assert checked.outcome in (Outcome.ELIGIBLE, Outcome.ELIGIBLE_WITH_CONDITIONS)
    assert checked.result.digest and checked.result.reasons
    with pytest.raises(FormErrors):
        kap_course.sign_off_eligibility(uow, staff, course_id, checked.id, "override", "", clock)
    clock.advance(timedelta(minutes=5))
    signed = kap_course.sign_off_eligibility(
        uow, staff, course_id, checked.id, "approve", "Each condition is met.", clock
    )
    assert signed.permits_dosing and signed.signed_by == staff.user_id
    view = kap_course.course_by_id(uow, setup.patient_actor(0), course_id, clock)
    assert view.sign_off is not None and view.eligibility is not None
    assert view.state.signoff is not None
    assert StepKind.SIGN_OFF not in {s.kind for s in view.next_steps}


def test_only_the_newest_check_can_be_signed(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    submitted_intake(uow, setup, clock)
    course_id = _course(uow, setup, clock)
    first = kap_course.assess_eligibility(uow, staff, course_id, (120, 80), None, clock)
    clock.advance(timedelta(minutes=1))
    kap_course.assess_eligibility(uow, staff, course_id, (190, 100), None, clock)
    with pytest.raises(Conflict, match="newer eligibility check"):
        kap_course.sign_off_eligibility(uow, staff, course_id, first.id, "approve", "ok", clock)
    with pytest.raises(NotFound):
        kap_course.sign_off_eligibility(uow, staff, course_id, 9999, "approve", "ok", clock)


def test_consent_is_given_once_and_can_be_withdrawn(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    course_id = _course(uow, setup, clock)
    given = kap_course.record_consent(uow, me, course_id, clock)
    assert given.consent.in_force
    with pytest.raises(StepRefused, match="already recorded"):
        kap_course.record_consent(uow, me, course_id, clock)
    clock.advance(timedelta(hours=1))
    withdrawn = kap_course.withdraw_consent(uow, me, course_id, clock)
    assert not withdrawn.consent.in_force and withdrawn.consent.withdrawn_at == clock.now()
    assert [c.kind for c in withdrawn.consent.history] == ["given", "withdrawn"]


def test_preparation_parts_count_as_the_protocols_sessions(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    course_id = _course(uow, setup, clock)
    view = kap_course.complete_preparation(uow, me, course_id, "what_to_expect", clock)
    assert view.preparation_held == 0 and len(view.state.preparations) == 0
    view = kap_course.complete_preparation(uow, me, course_id, "set_and_setting", clock)
    assert view.preparation_held == 1 and len(view.state.preparations) == 1
    with pytest.raises(Conflict, match="was completed"):
        kap_course.complete_preparation(uow, me, course_id, "set_and_setting", clock)
    with pytest.raises(NotFound, match="no preparation module 'at_home_day'"):
        kap_course.complete_preparation(uow, me, course_id, "at_home_day", clock)
    view = kap_course.complete_preparation(uow, me, course_id, "intentions", clock)
    with pytest.raises(FormErrors) as missing:
        kap_course.complete_preparation(uow, me, course_id, "safety_plan", clock)
    assert {f for f, _ in missing.value.errors} == {
        "warning_signs",
        "coping_steps",
        "people",
        "crisis_line",
    }
    part_way = kap_course.save_safety_plan(
        uow, me, course_id, SafetyPlan(warning_signs=("Not sleeping",)), clock
    )
    assert not part_way.complete and part_way.done_at is None
    done = kap_course.save_safety_plan(uow, me, course_id, PLAN, clock)
    assert done.complete and done.done_at == clock.now()
    view = kap_course.course_by_id(uow, me, course_id, clock)
    assert view.preparation_complete and view.preparation_held == 2
    assert view.safety_plan == PLAN


def test_a_bad_safety_plan_names_every_field_and_saves_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    course_id = _course(uow, setup, clock)
    bad = SafetyPlan(warning_signs=("",), people=(Contact("Sam", "none"),))
    with pytest.raises(FormErrors) as refused:
        kap_course.save_safety_plan(uow, me, course_id, bad, clock)
    assert {f for f, _ in refused.value.errors} == {"warning_signs[0]", "people[0].phone"}
    assert kap_course.safety_plan(uow, me, course_id, clock) is None


def test_a_stopped_course_takes_no_more_steps_and_a_new_one_can_open(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    course_id = _course(uow, setup, clock)
    with pytest.raises(ValidationError, match="Say why"):
        kap_course.stop_course(uow, staff, course_id, "  ", clock)
    stopped = kap_course.stop_course(uow, staff, course_id, "Moved away", clock)
    assert stopped.phase is Phase.STOPPED and stopped.stop_reason == "Moved away"
    with pytest.raises(StepRefused, match="stopped"):
        kap_course.complete_preparation(uow, setup.patient_actor(0), course_id, "intentions", clock)
    again = _course(uow, setup, clock)
    assert again != course_id


def test_a_refused_step_is_audited_as_failed_and_saves_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    course_id = _course(uow, setup, clock)
    kap_course.record_consent(uow, me, course_id, clock)
    with uow:
        before = len(uow.kap.events(course_id))
    with pytest.raises(StepRefused):
        kap_course.record_consent(uow, me, course_id, clock)
    with uow:
        assert len(uow.kap.events(course_id)) == before
        assert len(uow.kap.consents(course_id)) == 1
        last = list(uow.audit.in_order())[-1]
    assert (last.action, last.outcome) == ("record_kap_consent", "failed")
    assert "already recorded" in last.detail


def test_the_state_is_replayed_and_a_tampered_event_is_refused(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, backend: str
) -> None:
    me = setup.patient_actor(0)
    course_id = _course(uow, setup, clock)
    kap_course.record_consent(uow, me, course_id, clock)
    with uow:
        event = uow.kap.events(course_id)[0]
        # The log is append-only: the database refuses to change an event.
        with pytest.raises(Exception, match="append-only"):
            uow.session.execute(
                text("UPDATE kap_event SET kind = 'consent_withdrawn' WHERE id = :id"),
                {"id": event.id},
            )
        uow.rollback()
        # An event added behind the services' back, out of order, is not trusted.
        uow.kap.add_event(
            course_id=course_id,
            seq=2,
            kind="consent_recorded",
            at=event.at,
            data={"at": event.at.isoformat()},
            recorded_by=None,
            recorded_at=event.recorded_at,
        )
        uow.commit()
    with pytest.raises(ValidationError, match="Stored course event 2"):
        kap_course.course_by_id(uow, setup.clinician_actor, course_id, clock)
