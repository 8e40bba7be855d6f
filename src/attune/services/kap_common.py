"""What the KAP services share: loading a course by replaying its events, recording a new
event, reaching a course or a session through the access rule, and alerting the clinician.

A course's state is never read from storage: :func:`load_course` replays the course's
stored events through :func:`attune.domain.kap.course.apply` (docs/adr/0014). A new step
is applied to that state first; a refusal raises :class:`~attune.domain.errors.StepRefused`
with every reason before anything is written, and :func:`course_change` /
:func:`session_change` (built on ``access.patient_action``) roll back whatever the step had
written, audit it as ``failed`` and pass the refusal on.

Every read or change of a patient's KAP data goes through :func:`course_read`,
:func:`course_change`, :func:`session_read` or :func:`session_change`, so it writes exactly
one audit event under its action. A course or session of a patient the actor may not see
looks exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from attune.domain.errors import NotFound
from attune.domain.kap.course import apply
from attune.domain.kap.course_model import CourseState, Event
from attune.domain.kap.course_store import event_from_dict, event_to_dict, replay
from attune.domain.kap.integration_window import WindowSettings
from attune.domain.kap.program import Program
from attune.domain.kap.protocol import Protocol, protocol_from_dict
from attune.services.access import Action, open_patient, patient_action, refuse_missing
from attune.services.actors import Actor
from attune.services.audit import record_event
from attune.services.clock import Clock
from attune.services.ports import KapCourseRecord, KapSessionRecord, Outcome, Patient, UnitOfWork
from attune.services.responses import raise_flag

#: Flag kinds the KAP services raise for the clinician.
FLAG_GATE_STOPPED = "kap_gate_stopped"
FLAG_CHECKIN_STOP = "kap_checkin_stop"
FLAG_CHECKIN_ALERT = "kap_checkin_alert"
FLAG_CHECKINS_MISSED = "kap_checkins_missed"
FLAG_POST_SESSION = "kap_post_session_alert"


def no_such_course(course_id: int) -> NotFound:
    return NotFound(f"There is no KAP course with id {course_id}.", field="course_id")


def no_such_session(session_id: int) -> NotFound:
    return NotFound(f"There is no KAP session with id {session_id}.", field="session_id")


@dataclass(frozen=True)
class LoadedCourse:
    """A stored course with its state rebuilt from its events."""

    record: KapCourseRecord
    protocol: Protocol
    state: CourseState
    #: How many events are stored (the next one is number ``events + 1``).
    events: int

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def patient_id(self) -> int:
        return self.record.patient_id

    @property
    def program(self) -> Program:
        return self.protocol.program

    @property
    def window(self) -> WindowSettings:
        """The integration window of the course's protocol."""
        hour = timedelta(hours=1)
        return WindowSettings(
            self.protocol.integration_opens // hour, self.protocol.integration_closes // hour
        )


def load_course(uow: UnitOfWork, record: KapCourseRecord) -> LoadedCourse:
    """The course with its state replayed from its stored events (ValidationError when a
    stored event can no longer be read or accepted)."""
    protocol = protocol_from_dict(record.protocol)
    stored = uow.kap.events(record.id)
    state = replay(
        protocol.program,
        record.opened_at,
        protocol,
        ((event_from_dict(e.kind, e.data), e.recorded_at) for e in stored),
    )
    return LoadedCourse(record, protocol, state, len(stored))


def apply_event(
    uow: UnitOfWork, course: LoadedCourse, event: Event, recorded_by: int | None, now: datetime
) -> LoadedCourse:
    """Apply ``event`` to the course (StepRefused with every reason, nothing written) and
    store it as the course's next event; the course's cached phase follows."""
    state = apply(course.state, event, now)
    kind, data = event_to_dict(event)
    uow.kap.add_event(
        course_id=course.id,
        seq=course.events + 1,
        kind=kind,
        at=event.at,
        data=data,
        recorded_by=recorded_by,
        recorded_at=now,
    )
    uow.kap.set_course_status(course.id, status=state.phase.value, updated_at=now)
    return LoadedCourse(course.record, course.protocol, state, course.events + 1)


def _detail(base: str, extra: str) -> str:
    return f"{base}; {extra}" if extra else base


def _course_record(
    uow: UnitOfWork, actor: Actor, course_id: int, action: Action, clock: Clock
) -> KapCourseRecord:
    record = uow.kap.course(course_id)
    if record is None:
        refuse_missing(
            uow,
            actor,
            action,
            clock,
            no_such_course(course_id),
            detail=f"no kap course {course_id}",
        )
    return record


def course_read(
    uow: UnitOfWork, actor: Actor, course_id: int, action: Action, clock: Clock, detail: str = ""
) -> tuple[Patient, LoadedCourse]:
    """Open a course for reading (inside ``with uow``): one audit event; NotFound for a
    course the actor may not see."""
    record = _course_record(uow, actor, course_id, action, clock)
    try:
        patient = open_patient(
            uow,
            actor,
            record.patient_id,
            action,
            clock,
            detail=_detail(f"kap course {course_id}", detail),
        )
    except NotFound as exc:
        raise no_such_course(course_id) from exc
    return patient, load_course(uow, record)


@contextmanager
def course_change(
    uow: UnitOfWork, actor: Actor, course_id: int, action: Action, clock: Clock, detail: str = ""
) -> Iterator[tuple[Patient, LoadedCourse]]:
    """Open a course for a change (inside ``with uow``): the course is read again under a
    row lock once access is granted; a DomainError in the body rolls back, is audited as
    ``failed`` and goes on up."""
    record = _course_record(uow, actor, course_id, action, clock)
    with ExitStack() as stack:
        try:
            patient = stack.enter_context(
                patient_action(
                    uow,
                    actor,
                    record.patient_id,
                    action,
                    clock,
                    detail=_detail(f"kap course {course_id}", detail),
                )
            )
        except NotFound as exc:
            raise no_such_course(course_id) from exc
        fresh = uow.kap.course(course_id, for_update=True)
        if fresh is None:
            raise no_such_course(course_id)
        yield patient, load_course(uow, fresh)


def _session_record(
    uow: UnitOfWork, actor: Actor, session_id: int, action: Action, clock: Clock
) -> tuple[KapSessionRecord, KapCourseRecord]:
    session = uow.kap.session(session_id)
    course = uow.kap.course(session.course_id) if session is not None else None
    if session is None or course is None:
        refuse_missing(
            uow,
            actor,
            action,
            clock,
            no_such_session(session_id),
            detail=f"no kap session {session_id}",
        )
    return session, course


def session_read(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    action: Action,
    clock: Clock,
    detail: str = "",
) -> tuple[Patient, LoadedCourse, KapSessionRecord]:
    """Open a session for reading (inside ``with uow``): one audit event."""
    session, course = _session_record(uow, actor, session_id, action, clock)
    try:
        patient = open_patient(
            uow,
            actor,
            course.patient_id,
            action,
            clock,
            detail=_detail(f"kap session {session_id}", detail),
        )
    except NotFound as exc:
        raise no_such_session(session_id) from exc
    return patient, load_course(uow, course), session


@contextmanager
def session_change(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    action: Action,
    clock: Clock,
    detail: str = "",
) -> Iterator[tuple[Patient, LoadedCourse, KapSessionRecord]]:
    """Open a session for a change: the course row is locked and the session read again."""
    _, course = _session_record(uow, actor, session_id, action, clock)
    with ExitStack() as stack:
        try:
            patient = stack.enter_context(
                patient_action(
                    uow,
                    actor,
                    course.patient_id,
                    action,
                    clock,
                    detail=_detail(f"kap session {session_id}", detail),
                )
            )
        except NotFound as exc:
            raise no_such_session(session_id) from exc
        fresh_course = uow.kap.course(course.id, for_update=True)
        fresh = uow.kap.session(session_id, for_update=True)
        if fresh_course is None or fresh is None:
            raise no_such_session(session_id)
        yield patient, load_course(uow, fresh_course), fresh


def alert_clinician(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    kind: str,
    reasons: tuple[str, ...],
    now: datetime,
    *,
    where: str,
) -> int:
    """Raise a flag for the patient's clinicians (services/responses.raise_flag: a concern
    of the same kind already open is not raised twice) and audit it; returns its id."""
    message = " ".join(reasons) + f" ({where})"
    flag, new = raise_flag(uow, patient_id=patient_id, kind=kind, message=message, now=now)
    record_event(
        uow,
        at=now,
        actor=actor,
        patient_id=patient_id,
        action="raise_flag",
        outcome=Outcome.ALLOWED,
        detail=f"{kind} from {where}" + ("" if new else f" (flag {flag.id} already open)"),
    )
    return flag.id
