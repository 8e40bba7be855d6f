"""At-home KAP in the patient portal: the dosing-day gate, the dose, the sitter's
check-ins every 15 minutes and the check-in after the session.

These are the patient's own entries: only the patient enters them (a sitter uses the
patient's portal session, and their check-ins are recorded ``by: sitter``); staff read
them (the course and session views) but never enter them.

Anything out of range stops the flow, tells the patient or sitter plainly what to do,
and alerts the clinician with a flag (kap_common.alert_clinician, which uses
services/responses.raise_flag, so a concern of the same kind already open is not raised
twice):

* the gate: every unmet item comes back with its instruction and the dose is not
  allowed; a blood pressure out of range also alerts the clinician (``kap_gate_stopped``)
  and, when it is very high, stops the day on the course (``AtHomeGateStopped``): no
  at-home dose that day. Other unmet items (not fasted long enough yet, the sitter not
  there yet, …) can be put right and the gate passed again the same day;
* a sitter check-in with the person not responding, breathing not normal or distressed
  stops the flow (``kap_checkin_stop``); a concern in words alerts without stopping
  (``kap_checkin_alert``); check-ins missed past their grace alert too
  (``kap_checkins_missed``, also when :func:`due_checkins` is read);
* the post-session check-in alerts when the patient does not feel safe, reports an urgent
  side effect, rates how they feel very low or the sitter left early
  (``kap_post_session_alert``); it completes the session.

The patient's local day (for the gate and the dose) is the day in ``tz`` when given,
else the UTC day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from attune.domain.errors import Conflict, StepRefused, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.athome import (
    AtHomeSettings,
    GateAnswers,
    GateResult,
    evaluate_gate,
)
from attune.domain.kap.athome_checkins import (
    PostSessionCheckin,
    SitterCheckin,
    assess_checkin,
    assess_missed,
    assess_post_session,
    checkin_errors,
    missed_checkins,
    next_checkin,
)
from attune.domain.kap.athome_checkins import (
    due_checkins as due_times,
)
from attune.domain.kap.course_model import AtHomeGatePassed, AtHomeGateStopped, DoseRecorded
from attune.domain.kap.course_rules import closed_reasons, dose_blockers
from attune.domain.kap.program import Setting
from attune.domain.kap.record_store import from_json, to_json
from attune.domain.kap.session import SessionRecord
from attune.services.access import Action
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import (
    FLAG_CHECKIN_ALERT,
    FLAG_CHECKIN_STOP,
    FLAG_CHECKINS_MISSED,
    FLAG_GATE_STOPPED,
    FLAG_POST_SESSION,
    LoadedCourse,
    alert_clinician,
    apply_event,
    course_change,
    course_read,
    session_change,
    session_read,
)
from attune.services.kap_views import (
    CheckinView,
    SessionKind,
    SessionStatus,
    SessionView,
    build_session_view,
    checkin_view,
)
from attune.services.ports import KapCheckinRecord, KapGateRecord, KapSessionRecord, UnitOfWork

#: Shown after the post-session check-in when the clinic gives no crisis line.
DEFAULT_CRISIS_LINE = "If you are in danger now, call 911."


@dataclass(frozen=True)
class GateView:
    id: int
    course_id: int
    #: The patient's local day the gate was for.
    day: date
    at: datetime
    result: GateResult
    #: The gate passed and the course allows an at-home dose now.
    may_dose: bool
    #: Why the course does not allow a dose now, beyond the gate (e.g. consent missing).
    blockers: tuple[str, ...]
    #: The day is stopped on the course (no at-home dose that day).
    day_stopped: bool
    #: The clinician was alerted (a flag raised or already open).
    alerted: bool

    @property
    def passed(self) -> bool:
        return self.result.passed


@dataclass(frozen=True)
class DueCheckins:
    session_id: int
    dosed_at: datetime
    #: Check-in times due so far, the next one, and those missed past their grace.
    due: tuple[datetime, ...]
    next_at: datetime | None
    missed: tuple[datetime, ...]
    #: What to do about missed check-ins (empty when none were missed).
    instructions: tuple[str, ...]
    #: Check-ins recorded so far (sitter and post-session), in time order.
    done: tuple[CheckinView, ...]
    #: Sitter check-ins run until this time (the sitter's minimum stay, or the
    #: post-session check-in when that came first).
    until: datetime
    completed: bool


def settings(uow: UnitOfWork) -> AtHomeSettings:
    """The at-home settings in force (the clinic's settings, else the shipped defaults)."""
    return uow.kap_settings.at_home


def _day(moment: datetime, tz: tzinfo | None) -> date:
    return (moment.astimezone(tz) if tz is not None else moment).date()


def _require_at_home(course: LoadedCourse) -> None:
    if not course.program.at_home:
        raise StepRefused(("Only an at-home course has a dosing-day gate and at-home doses.",))
    reasons = closed_reasons(course.state)
    if reasons:
        raise StepRefused(tuple(reasons))


def _very_high(answers: GateAnswers, s: AtHomeSettings) -> bool:
    return (answers.systolic is not None and answers.systolic > s.bp_urgent_systolic) or (
        answers.diastolic is not None and answers.diastolic > s.bp_urgent_diastolic
    )


def _gate_view(
    record: KapGateRecord, course: LoadedCourse, now: datetime, alerted: bool
) -> GateView:
    result = from_json(GateResult, record.result)
    blockers = dose_blockers(
        course.state, now, Setting.AT_HOME, course.program.medicine, record.day
    )
    return GateView(
        id=record.id,
        course_id=course.id,
        day=record.day,
        at=record.at,
        result=result,
        may_dose=result.passed and not blockers,
        blockers=blockers if result.passed else (),
        day_stopped=record.day in course.state.stopped_days,
        alerted=alerted,
    )


def dosing_day_gate(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    answers: GateAnswers,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> GateView:
    """Go through the dosing-day gate (the patient): FormErrors for answers that cannot
    be right; otherwise every unmet item with what to do now (see the module text). A
    pass is recorded on the course for the day (AtHomeGatePassed). StepRefused on a day
    the gate was stopped."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    s = settings(uow)
    with (
        uow,
        course_change(uow, actor, course_id, Action.KAP_DOSING_GATE, clock) as (
            patient,
            course,
        ),
    ):
        _require_at_home(course)
        day = _day(now, tz)
        if day in course.state.stopped_days:
            raise StepRefused(
                (
                    f"The dosing-day gate was stopped on {day}: no at-home dose today. Your "
                    "care team knows and will plan the next step with you.",
                ),
                field="day",
            )
        result = evaluate_gate(answers, now, s, tz)
        alerted = False
        if result.passed:
            course = apply_event(uow, course, AtHomeGatePassed(now, day), actor.user_id, now)
        else:
            if result.alert_needed:
                alert_clinician(
                    uow,
                    actor,
                    patient.id,
                    FLAG_GATE_STOPPED,
                    result.alert_reasons,
                    now,
                    where=f"the dosing-day gate of {day}",
                )
                alerted = True
            if _very_high(answers, s) and day not in course.state.stopped_days:
                stopped = AtHomeGateStopped(now, day, " ".join(result.alert_reasons))
                course = apply_event(uow, course, stopped, actor.user_id, now)
        record = uow.kap.add_gate(
            course_id=course.id,
            day=day,
            at=now,
            passed=result.passed,
            answers=to_json(answers),
            result=to_json(result),
            by=actor.user_id,
        )
        view = _gate_view(record, course, now, alerted)
        uow.commit()
    return view


def todays_gate(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> GateView | None:
    """The latest pass through the gate today (None before the first)."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    with uow:
        _, course = course_read(uow, actor, course_id, Action.VIEW_KAP, clock, "today's gate")
        day = _day(now, tz)
        today = [g for g in uow.kap.gates(course.id) if g.day == day]
        view = _gate_view(today[-1], course, now, False) if today else None
        uow.commit()
    return view


def record_home_dose(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    taken_at: datetime,
    clock: Clock = SYSTEM_CLOCK,
    *,
    tz: tzinfo | None = None,
) -> SessionView:
    """Record the at-home dose the patient took at ``taken_at`` (the patient). StepRefused
    with every reason without that day's passed gate, or when the course forbids a dose.
    Opens the at-home session, whose sitter check-ins are then due every 15 minutes."""
    tz = tz or uow.clinic_timezone
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.RECORD_KAP_HOME_DOSE, clock) as (
            _,
            course,
        ),
    ):
        _require_at_home(course)
        if problem := checks.time_problem(taken_at):
            raise ValidationError(problem, field="taken_at")
        event = DoseRecorded(taken_at, Setting.AT_HOME, course.program.medicine, _day(taken_at, tz))
        course = apply_event(uow, course, event, actor.user_id, now)
        session = uow.kap.add_session(
            course_id=course.id,
            kind=SessionKind.AT_HOME,
            dose_number=len(course.state.doses),
            record=to_json(SessionRecord(started_at=taken_at)),
            status=SessionStatus.OPEN,
            dosed_at=taken_at,
            created_by=actor.user_id,
            created_at=now,
        )
        view = build_session_view(uow, course, session, now)
        uow.commit()
    return view


def _require_home_session(session: KapSessionRecord, *, running: bool) -> None:
    if session.kind != SessionKind.AT_HOME:
        raise ValidationError("Check-ins are for at-home sessions.", field="session_id")
    if running and session.status != SessionStatus.OPEN:
        raise Conflict("This session is complete: its check-ins are closed.", field="session_id")


def _window_end(
    session: KapSessionRecord, checkins: list[KapCheckinRecord], s: AtHomeSettings
) -> datetime:
    end = session.dosed_at + timedelta(hours=s.sitter_min_hours)
    posts = [c.at for c in checkins if c.kind == "post_session"]
    return min([end, *posts])


def _sitter_checkins(records: list[KapCheckinRecord]) -> list[SitterCheckin]:
    return [from_json(SitterCheckin, c.answers) for c in records if c.kind == "sitter"]


def _alert_missed(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    session: KapSessionRecord,
    missed: tuple[datetime, ...],
    now: datetime,
) -> tuple[str, ...]:
    outcome = assess_missed(missed)
    if outcome.alert_needed:
        alert_clinician(
            uow,
            actor,
            patient_id,
            FLAG_CHECKINS_MISSED,
            outcome.alert_reasons,
            now,
            where=f"at-home session {session.id}",
        )
    return outcome.instructions


def sitter_checkin(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    answers: SitterCheckin,
    clock: Clock = SYSTEM_CLOCK,
) -> CheckinView:
    """Record the sitter's check-in (through the patient's portal session; recorded
    ``by: sitter``). The view says whether to stop, what to do now, and whether the
    clinician was alerted (see the module text)."""
    now = clock.now()
    s = settings(uow)
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_CHECKIN, clock, "sitter") as (
            patient,
            _,
            session,
        ),
    ):
        _require_home_session(session, running=True)
        checks.raise_if_any(checkin_errors(answers, session.dosed_at, now))
        outcome = assess_checkin(answers)
        if outcome.alert_needed:
            kind = FLAG_CHECKIN_STOP if outcome.stop else FLAG_CHECKIN_ALERT
            alert_clinician(
                uow,
                actor,
                patient.id,
                kind,
                outcome.alert_reasons,
                now,
                where=f"at-home session {session.id}, sitter check-in at {answers.at:%H:%M} UTC",
            )
        record = uow.kap.add_checkin(
            session_id=session.id,
            kind="sitter",
            by="sitter",
            at=answers.at,
            answers=to_json(answers),
            stop=outcome.stop,
            alert=outcome.alert_needed,
            outcome=to_json(outcome),
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        records = uow.kap.checkins(session.id)
        end = _window_end(session, records, s)
        missed = missed_checkins(session.dosed_at, now, _sitter_checkins(records), s, end)
        _alert_missed(uow, actor, patient.id, session, missed, now)
        view = checkin_view(record)
        uow.commit()
    return view


def due_checkins(
    uow: UnitOfWork, actor: Actor, session_id: int, clock: Clock = SYSTEM_CLOCK
) -> DueCheckins:
    """The session's check-in times: due so far, the next, missed ones (which alert the
    clinician, once while the flag is open), and those done."""
    now = clock.now()
    s = settings(uow)
    with uow:
        patient, _, session = session_read(
            uow, actor, session_id, Action.VIEW_KAP, clock, "check-ins"
        )
        _require_home_session(session, running=False)
        records = uow.kap.checkins(session.id)
        end = _window_end(session, records, s)
        completed = session.status == SessionStatus.COMPLETED
        missed = missed_checkins(session.dosed_at, now, _sitter_checkins(records), s, end)
        instructions = (
            () if completed else _alert_missed(uow, actor, patient.id, session, missed, now)
        )
        upcoming = next_checkin(session.dosed_at, now, s)
        view = DueCheckins(
            session_id=session.id,
            dosed_at=session.dosed_at,
            due=due_times(session.dosed_at, now, s.checkin_every_minutes, end),
            next_at=upcoming if upcoming <= end and not completed else None,
            missed=missed,
            instructions=instructions,
            done=tuple(checkin_view(c) for c in records),
            until=end,
            completed=completed,
        )
        uow.commit()
    return view


def post_session_checkin(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    answers: PostSessionCheckin,
    clock: Clock = SYSTEM_CLOCK,
    *,
    crisis_line: str = DEFAULT_CRISIS_LINE,
) -> CheckinView:
    """The patient's check-in once the effects have passed (the patient). FormErrors for
    answers that cannot be saved; otherwise what to do and whether the clinician was
    alerted. It completes the session (once). ``crisis_line`` is the clinic's crisis
    resources text (Settings.crisis_line), shown when the patient does not feel safe."""
    now = clock.now()
    s = settings(uow)
    with (
        uow,
        session_change(
            uow, actor, session_id, Action.RECORD_KAP_CHECKIN, clock, "post-session"
        ) as (patient, _, session),
    ):
        _require_home_session(session, running=True)
        if answers.at > now + timedelta(minutes=1):
            raise ValidationError("This is in the future; please check the time.", field="at")
        outcome = assess_post_session(answers, session.dosed_at, s, crisis_line)
        if outcome.alert_needed:
            alert_clinician(
                uow,
                actor,
                patient.id,
                FLAG_POST_SESSION,
                outcome.alert_reasons,
                now,
                where=f"at-home session {session.id}, post-session check-in",
            )
        record = uow.kap.add_checkin(
            session_id=session.id,
            kind="post_session",
            by="patient",
            at=answers.at,
            answers=to_json(answers),
            stop=outcome.stop,
            alert=outcome.alert_needed,
            outcome=to_json(outcome),
            recorded_by=actor.user_id,
            recorded_at=now,
        )
        uow.kap.update_session(
            session.id,
            record=session.record,
            status=SessionStatus.COMPLETED,
            updated_at=now,
        )
        view = checkin_view(record)
        uow.commit()
    return view
