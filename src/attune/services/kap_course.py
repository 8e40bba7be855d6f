"""The KAP course: opening it, eligibility and the prescriber's sign-off, consent,
preparation (with the safety plan), stopping it and moving it to aftercare.

Who may do what (services/access.py): staff open a course, check eligibility, sign it
off, stop the course and start aftercare; the patient (for their own course) and their
clinicians or an admin may read it, record or withdraw consent, complete preparation
modules and save the safety plan.

Every step that moves the course is first applied to the state replayed from the
course's events (kap_common.load_course); a refusal reaches the caller as
:class:`~attune.domain.errors.StepRefused` with every reason, is audited as ``failed``
and saves nothing. Each function opens the unit of work itself and commits before it
returns; a read writes one ``view_kap`` audit event.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from attune.domain.errors import Conflict, NotFound, StepRefused, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.course import start
from attune.domain.kap.course_model import (
    AftercareStarted,
    ConsentRecorded,
    ConsentWithdrawn,
    CourseStopped,
    EligibilitySignedOff,
    Phase,
    PreparationCompleted,
)
from attune.domain.kap.course_rules import closed_reasons
from attune.domain.kap.eligibility import assess
from attune.domain.kap.eligibility_model import AtHomeAnswers, BloodPressure, EligibilityInputs
from attune.domain.kap.eligibility_store import eligibility_from_dict, eligibility_to_dict
from attune.domain.kap.preparation import (
    ModuleKind,
    SafetyPlan,
    get_module,
    parts_complete,
    safety_plan_errors,
    safety_plan_from_dict,
    safety_plan_to_dict,
)
from attune.domain.kap.program import program as program_named
from attune.domain.kap.protocol import protocol_to_dict
from attune.domain.kap.signoff import Decision, sign_off, signoff_to_dict
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import (
    LoadedCourse,
    apply_event,
    course_change,
    course_read,
    load_course,
)
from attune.services.kap_views import (
    CourseView,
    ModuleStatus,
    SignOffView,
    StoredEligibility,
    build_course_view,
    signoff_view,
    stored_eligibility,
)
from attune.services.levelofcare import (
    accepted_recommendation,
    intake_of,
    latest_responses,
    stored_score,
)
from attune.services.ports import UnitOfWork

__all__ = [
    "CourseView",
    "ModuleStatus",
    "SafetyPlanView",
    "SignOffView",
    "StoredEligibility",
    "assess_eligibility",
    "complete_preparation",
    "course_by_id",
    "course_view",
    "open_course",
    "record_consent",
    "safety_plan",
    "save_safety_plan",
    "sign_off_eligibility",
    "start_aftercare",
    "stop_course",
    "withdraw_consent",
]

ACTIVE = (Phase.PREPARATION, Phase.DOSING)


@dataclass(frozen=True)
class SafetyPlanView:
    course_id: int
    plan: SafetyPlan
    #: What a complete plan still needs, as (field, message); empty when complete.
    missing: checks.FieldErrors
    updated_at: datetime
    #: When the safety-plan preparation module was completed.
    done_at: datetime | None

    @property
    def complete(self) -> bool:
        return not self.missing


# --- opening and reading -------------------------------------------------------------------


def _newest(uow: UnitOfWork, patient_id: int) -> LoadedCourse | None:
    courses = uow.kap.courses_for_patient(patient_id)
    return load_course(uow, courses[-1]) if courses else None


def open_course(
    uow: UnitOfWork, actor: Actor, patient_id: int, program_id: str, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """Open a course of ``program_id`` (in_office, at_home, spravato_in_office) for the
    patient (staff). Conflict while another course is in preparation or dosing;
    StepRefused for esketamine at home; ValidationError for an unknown program."""
    now = clock.now()
    with (
        uow,
        patient_action(
            uow, actor, patient_id, Action.OPEN_KAP_COURSE, clock, detail=f"program {program_id}"
        ) as patient,
    ):
        current = _newest(uow, patient.id)
        if current is not None and current.state.phase in ACTIVE:
            raise Conflict(
                f"{patient.display_name} already has a KAP course under way (opened "
                f"{current.record.opened_at:%d %b %Y}); stop it or finish it first.",
                field="patient_id",
            )
        state = start(program_named(program_id), now)
        record = uow.kap.add_course(
            patient_id=patient.id,
            program=state.program.id,
            protocol=protocol_to_dict(state.protocol),
            status=state.phase.value,
            opened_by=actor.user_id,
            opened_at=now,
        )
        view = build_course_view(uow, load_course(uow, record), now)
        uow.commit()
    return view


def course_view(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> CourseView | None:
    """The patient's newest course (None if none was ever opened); ``tz`` is the
    patient's time zone, for the day of an at-home gate in the next steps."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_KAP, clock)
        course = _newest(uow, patient.id)
        view = build_course_view(uow, course, now, tz) if course is not None else None
        uow.commit()
    return view


def course_by_id(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> CourseView:
    """One course by its id (an older one, say)."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    with uow:
        _, course = course_read(uow, actor, course_id, Action.VIEW_KAP, clock)
        view = build_course_view(uow, course, now, tz)
        uow.commit()
    return view


def _require_active(course: LoadedCourse) -> None:
    reasons = closed_reasons(course.state)
    if reasons:
        raise StepRefused(tuple(reasons))


# --- eligibility and sign-off ---------------------------------------------------------------


def assess_eligibility(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    blood_pressure: tuple[int, int] | None,
    at_home_answers: AtHomeAnswers | None = None,
    clock: Clock = SYSTEM_CLOCK,
    *,
    measured_at: datetime | None = None,
) -> StoredEligibility:
    """Check eligibility for the course's program (staff) from the patient's newest
    submitted intake, their latest PHQ-9, their open flags and the safety actions of the
    level of care in force, with the blood pressure measured now (or at ``measured_at``)
    and, at home, the patient's answers. Every reason is kept with its sources; the
    result is stored with its digest for the sign-off. Conflict without a submitted
    intake; FormErrors for impossible inputs."""
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.ASSESS_KAP_ELIGIBILITY, clock) as (
            patient,
            course,
        ),
    ):
        _require_active(course)
        intake_record = uow.intakes.latest_for_patient(patient.id, submitted_only=True)
        if intake_record is None:
            raise Conflict(
                f"{patient.display_name} has no submitted intake yet: eligibility is checked "
                "against it.",
                field="intake",
            )
        phq9 = latest_responses(uow, patient.id).get("phq9")
        accepted = accepted_recommendation(uow, patient.id)
        bp = None
        if blood_pressure is not None:
            systolic, diastolic = blood_pressure
            bp = BloodPressure(systolic, diastolic, measured_at or now)
        inputs = EligibilityInputs(
            intake=intake_of(intake_record),
            program=course.program,
            sex=patient.sex,
            blood_pressure=bp,
            at_home=at_home_answers or AtHomeAnswers(),
            open_flags=tuple(dict.fromkeys(f.kind for f in uow.flags.open_for_patient(patient.id))),
            phq9=stored_score(uow.instruments, phq9) if phq9 is not None else None,
            phq9_on=phq9.submitted_at.date() if phq9 is not None else None,
            safety_actions=accepted.recommendation.actions if accepted is not None else (),
        )
        result = assess(inputs, now)
        record = uow.kap.add_eligibility(
            course_id=course.id,
            result=eligibility_to_dict(result),
            outcome=result.outcome.value,
            digest=result.digest,
            assessed_by=actor.user_id,
            assessed_at=now,
        )
        uow.commit()
    return stored_eligibility(record)


def _decision(value: Decision | str) -> Decision:
    if isinstance(value, Decision):
        return value
    for d in Decision:
        if d.value == value:
            return d
    raise ValidationError("Choose approve, decline or override.", field="decision")


def sign_off_eligibility(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    eligibility_id: int,
    decision: Decision | str,
    note: str,
    clock: Clock = SYSTEM_CLOCK,
    *,
    rationale: str = "",
    overridden: tuple[str, ...] = (),
) -> SignOffView:
    """The prescriber's decision (approve, decline, override) on the course's newest
    eligibility check (staff; the actor signs as the prescriber). FormErrors names every
    problem with the decision; StepRefused when the course refuses it; Conflict when a
    newer check exists."""
    now = clock.now()
    detail = f"eligibility {eligibility_id}"
    with (
        uow,
        course_change(uow, actor, course_id, Action.SIGN_OFF_KAP_ELIGIBILITY, clock, detail) as (
            _,
            course,
        ),
    ):
        _require_active(course)
        stored = uow.kap.eligibility(eligibility_id)
        if stored is None or stored.course_id != course.id:
            raise NotFound(
                f"There is no eligibility check {eligibility_id} on this course.",
                field="eligibility_id",
            )
        newest = uow.kap.eligibilities(course.id)[-1]
        if newest.id != stored.id:
            raise Conflict(
                f"A newer eligibility check ({newest.id}, {newest.assessed_at:%d %b %Y %H:%M} "
                "UTC) has been made: sign that one.",
                field="eligibility_id",
            )
        result = eligibility_from_dict(stored.result)
        chosen = _decision(decision)
        signoff = sign_off(
            result,
            prescriber_user_id=actor.user_id,
            signed_at=now,
            decision=chosen,
            note=note,
            overridden=tuple(overridden),
            rationale=rationale,
        )
        apply_event(uow, course, EligibilitySignedOff(result, signoff), actor.user_id, now)
        record = uow.kap.add_signoff(
            course_id=course.id,
            eligibility_id=stored.id,
            content=signoff_to_dict(signoff),
            decision=chosen.value,
            signed_by=actor.user_id,
            signed_at=now,
        )
        uow.commit()
    return signoff_view(record)


# --- consent and preparation ----------------------------------------------------------------


def _consent(
    uow: UnitOfWork, actor: Actor, course_id: int, given: bool, clock: Clock
) -> CourseView:
    now = clock.now()
    detail = "consent given" if given else "consent withdrawn"
    with (
        uow,
        course_change(uow, actor, course_id, Action.RECORD_KAP_CONSENT, clock, detail) as (
            _,
            course,
        ),
    ):
        event = ConsentRecorded(now) if given else ConsentWithdrawn(now)
        course = apply_event(uow, course, event, actor.user_id, now)
        uow.kap.add_consent(
            course_id=course.id, kind="given" if given else "withdrawn", at=now, by=actor.user_id
        )
        view = build_course_view(uow, course, now)
        uow.commit()
    return view


def record_consent(
    uow: UnitOfWork, actor: Actor, course_id: int, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """The patient's consent to the course (the patient, or staff recording it for them).
    StepRefused when consent is already in force."""
    return _consent(uow, actor, course_id, True, clock)


def withdraw_consent(
    uow: UnitOfWork, actor: Actor, course_id: int, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """Withdraw consent: no dose until consent is given again."""
    return _consent(uow, actor, course_id, False, clock)


def _mark_done(
    uow: UnitOfWork, actor: Actor, course: LoadedCourse, module_key: str, now: datetime
) -> LoadedCourse:
    """Record a module as done; a part whose modules are now all done counts as a
    preparation session held (PreparationCompleted)."""
    before = set(
        parts_complete(course.program, {p.module for p in uow.kap.preparations(course.id)})
    )
    uow.kap.add_preparation(
        course_id=course.id, module=module_key, done_at=now, done_by=actor.user_id
    )
    done = {p.module for p in uow.kap.preparations(course.id)}
    for part in parts_complete(course.program, done):
        if part not in before:
            event = PreparationCompleted(now, session_id=f"part-{part}")
            course = apply_event(uow, course, event, actor.user_id, now)
    return course


def complete_preparation(
    uow: UnitOfWork, actor: Actor, course_id: int, module_key: str, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """Tick a preparation module as done (the patient, or staff). The safety-plan module
    needs a complete saved plan (FormErrors names what is missing); Conflict when it is
    already done; NotFound for a module the program does not have."""
    now = clock.now()
    detail = f"module {module_key}"
    with (
        uow,
        course_change(uow, actor, course_id, Action.COMPLETE_KAP_PREPARATION, clock, detail) as (
            _,
            course,
        ),
    ):
        _require_active(course)
        module = get_module(module_key, course.program)
        already = next((p for p in uow.kap.preparations(course.id) if p.module == module.key), None)
        if already is not None:
            raise Conflict(
                f"'{module.title}' was completed on {already.done_at:%d %b %Y}.",
                field="module_key",
            )
        if module.kind is ModuleKind.SAFETY_PLAN:
            stored = uow.kap.safety_plan(course.id)
            plan = safety_plan_from_dict(stored.content) if stored is not None else SafetyPlan()
            checks.raise_if_any(safety_plan_errors(plan, complete=True))
        course = _mark_done(uow, actor, course, module.key, now)
        view = build_course_view(uow, course, now)
        uow.commit()
    return view


def _plan_view(uow: UnitOfWork, course: LoadedCourse) -> SafetyPlanView | None:
    stored = uow.kap.safety_plan(course.id)
    if stored is None:
        return None
    plan = safety_plan_from_dict(stored.content)
    done = next((p for p in uow.kap.preparations(course.id) if p.module == "safety_plan"), None)
    return SafetyPlanView(
        course_id=course.id,
        plan=plan,
        missing=safety_plan_errors(plan, complete=True),
        updated_at=stored.updated_at,
        done_at=done.done_at if done is not None else None,
    )


def save_safety_plan(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    plan: SafetyPlan | Mapping[str, object],
    clock: Clock = SYSTEM_CLOCK,
) -> SafetyPlanView:
    """Save the safety plan (the patient, or staff with them), whole: a plan or its JSON
    form (``preparation.safety_plan_to_dict``). It may be saved part-way; what is there is
    checked (FormErrors names every problem, nothing saved). Once complete, the
    safety-plan preparation module is marked done in the same step."""
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.SAVE_KAP_SAFETY_PLAN, clock) as (
            _,
            course,
        ),
    ):
        _require_active(course)
        chosen = plan if isinstance(plan, SafetyPlan) else safety_plan_from_dict(plan)
        checks.raise_if_any(safety_plan_errors(chosen, complete=False))
        uow.kap.put_safety_plan(
            course_id=course.id,
            content=safety_plan_to_dict(chosen),
            updated_at=now,
            updated_by=actor.user_id,
        )
        module = get_module("safety_plan", course.program)
        done = {p.module for p in uow.kap.preparations(course.id)}
        if module.key not in done and not safety_plan_errors(chosen, complete=True):
            course = _mark_done(uow, actor, course, module.key, now)
        view = _plan_view(uow, course)
        assert view is not None
        uow.commit()
    return view


def safety_plan(
    uow: UnitOfWork, actor: Actor, course_id: int, clock: Clock = SYSTEM_CLOCK
) -> SafetyPlanView | None:
    """The course's safety plan (None before one is saved)."""
    with uow:
        _, course = course_read(uow, actor, course_id, Action.VIEW_KAP, clock, "safety plan")
        view = _plan_view(uow, course)
        uow.commit()
    return view


# --- stopping and aftercare -----------------------------------------------------------------


def stop_course(
    uow: UnitOfWork, actor: Actor, course_id: int, reason: str, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """Stop the course (staff) with the reason: no more doses; integration sessions and
    adverse events can still be recorded, and aftercare started."""
    now = clock.now()
    with uow, course_change(uow, actor, course_id, Action.STOP_KAP_COURSE, clock) as (_, course):
        problem = checks.text_problem(reason, checks.MAX_LONG_TEXT)
        if problem:
            raise ValidationError(f"Say why the course is stopped. {problem}", field="reason")
        course = apply_event(uow, course, CourseStopped(now, reason.strip()), actor.user_id, now)
        view = build_course_view(uow, course, now)
        uow.commit()
    return view


def start_aftercare(
    uow: UnitOfWork, actor: Actor, course_id: int, clock: Clock = SYSTEM_CLOCK
) -> CourseView:
    """Move the course to aftercare (staff): after the last dose's integration session,
    or after a stop. StepRefused lists what is still open."""
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.START_KAP_AFTERCARE, clock) as (
            _,
            course,
        ),
    ):
        course = apply_event(uow, course, AftercareStarted(now), actor.user_id, now)
        view = build_course_view(uow, course, now)
        uow.commit()
    return view
