"""What the KAP pages show, as plain frozen data, and how it is built from the records.

:class:`CourseView` is a whole course at a glance (kap_course.course_view);
:class:`SessionView` one dosing session with its warnings, what still blocks signing, its
integration and, for Spravato, its REMS record (kap_sessions.session_view). The builders
take an open unit of work whose access check the caller has already made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import StrEnum

from attune.domain.kap import checks
from attune.domain.kap.athome_checkins import Outcome as CheckinOutcome
from attune.domain.kap.course import next_steps, overdue
from attune.domain.kap.course_model import CourseState, NextStep, OverdueIntegration, Phase
from attune.domain.kap.eligibility_model import Eligibility, Outcome
from attune.domain.kap.eligibility_store import eligibility_from_dict
from attune.domain.kap.integration_window import (
    IntegrationNote,
    WindowStatus,
    integration_window,
    window_status,
)
from attune.domain.kap.preparation import (
    ModuleKind,
    SafetyPlan,
    modules_for,
    parts_complete,
    safety_plan_from_dict,
)
from attune.domain.kap.program import Medicine, Program
from attune.domain.kap.protocol import Protocol
from attune.domain.kap.record_store import from_json
from attune.domain.kap.session import (
    SessionRecord,
    SessionWarning,
    can_sign,
    discharge_status,
    resolve_dose,
    session_warnings,
)
from attune.domain.kap.signoff import Decision, SignOff, signoff_from_dict
from attune.domain.kap.spravato import SpravatoRecord, submission_due, validate
from attune.domain.kap.spravato_form import FormLine, form_view
from attune.domain.kap.vitals import VitalsProtocol
from attune.services.kap_common import LoadedCourse
from attune.services.ports import (
    KapCheckinRecord,
    KapConsentRecord,
    KapEligibilityRecord,
    KapRemsRecord,
    KapSessionRecord,
    KapSignOffRecord,
    UnitOfWork,
)


class SessionKind(StrEnum):
    IN_OFFICE = "in_office"
    AT_HOME = "at_home"


class SessionStatus(StrEnum):
    #: In office: being filled in, then signed (and no longer changed).
    DRAFT = "draft"
    SIGNED = "signed"
    #: At home: running (check-ins), then completed by the post-session check-in.
    OPEN = "open"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ModuleStatus:
    key: str
    title: str
    summary: str
    #: The preparation session (part) it belongs to.
    part: int
    kind: ModuleKind
    done_at: datetime | None
    done_by: int | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class ConsentView:
    #: When the consent in force was given (None: none, or withdrawn since).
    given_at: datetime | None
    withdrawn_at: datetime | None
    history: tuple[KapConsentRecord, ...]

    @property
    def in_force(self) -> bool:
        return self.given_at is not None


@dataclass(frozen=True)
class StoredEligibility:
    id: int
    course_id: int
    result: Eligibility
    assessed_by: int
    assessed_at: datetime

    @property
    def outcome(self) -> Outcome:
        return self.result.outcome


@dataclass(frozen=True)
class SignOffView:
    id: int
    course_id: int
    eligibility_id: int
    signoff: SignOff

    @property
    def decision(self) -> Decision:
        return self.signoff.decision

    @property
    def permits_dosing(self) -> bool:
        return self.signoff.permits_dosing

    @property
    def signed_by(self) -> int:
        return self.signoff.prescriber_user_id

    @property
    def signed_at(self) -> datetime:
        return self.signoff.signed_at


@dataclass(frozen=True)
class IntegrationView:
    """The integration session after one dose: its window, where it stands, and what was
    recorded when it was held."""

    session_id: int
    dose_number: int
    dosed_at: datetime
    opens: datetime
    closes: datetime
    status: WindowStatus
    scheduled_at: datetime | None
    completed_at: datetime | None
    note: IntegrationNote | None

    @property
    def overdue(self) -> bool:
        return self.status is WindowStatus.OVERDUE

    @property
    def held(self) -> bool:
        return self.completed_at is not None


@dataclass(frozen=True)
class SessionSummary:
    id: int
    kind: str
    dose_number: int
    #: E.g. "Ketamine 35 mg IV (0.5 mg/kg), lot K-1" or "At home, taken at 10:05 UTC".
    dose_summary: str
    dosed_at: datetime
    status: str
    integration: IntegrationView
    warnings: int
    open_adverse_events: int


@dataclass(frozen=True)
class CourseView:
    id: int
    patient_id: int
    program: Program
    protocol: Protocol
    phase: Phase
    opened_at: datetime
    opened_by: int
    doses_given: int
    doses_planned: int
    preparation: tuple[ModuleStatus, ...]
    #: Preparation sessions counted as held (parts with every module done).
    preparation_held: int
    consent: ConsentView
    #: The newest eligibility check, and the sign-off in force (the newest).
    eligibility: StoredEligibility | None
    sign_off: SignOffView | None
    #: What may happen next and what is blocked and why (the domain's next_steps).
    next_steps: tuple[NextStep, ...]
    overdue: tuple[OverdueIntegration, ...]
    sessions: tuple[SessionSummary, ...]
    open_adverse_events: tuple[str, ...]
    safety_plan: SafetyPlan | None
    stop_reason: str
    #: The state replayed from the events, for anything not summarised above.
    state: CourseState

    @property
    def protocol_name(self) -> str:
        return f"{self.protocol.template} {self.protocol.version}"

    @property
    def active(self) -> bool:
        return self.phase in (Phase.PREPARATION, Phase.DOSING)

    @property
    def preparation_complete(self) -> bool:
        return self.state.preparation_complete


@dataclass(frozen=True)
class RemsView:
    session_id: int
    record: SpravatoRecord
    #: Every field still missing or wrong (empty: ready to submit).
    problems: checks.FieldErrors
    submitted: bool
    due: date | None
    overdue: bool
    lines: tuple[FormLine, ...]

    @property
    def complete(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class CheckinView:
    id: int
    kind: str
    #: "sitter" or "patient".
    by: str
    at: datetime
    stop: bool
    alert: bool
    instructions: tuple[str, ...]
    alert_reasons: tuple[str, ...]


@dataclass(frozen=True)
class SessionView:
    id: int
    course_id: int
    patient_id: int
    kind: str
    dose_number: int
    status: str
    dosed_at: datetime
    medicine: Medicine
    record: SessionRecord
    #: Visible warnings (vital signs out of range, high ratings), in time order.
    warnings: tuple[SessionWarning, ...]
    #: The monitoring protocol and thresholds the record was checked against.
    protocol: VitalsProtocol
    #: Everything that stops an in-office record being signed (empty: it can be signed).
    can_sign: checks.FieldErrors
    #: (key, label, met) for each discharge item.
    discharge: tuple[tuple[str, str, bool | None], ...]
    signed_by: int | None
    signed_at: datetime | None
    integration: IntegrationView
    rems: RemsView | None
    checkins: tuple[CheckinView, ...]

    @property
    def signed(self) -> bool:
        return self.status == SessionStatus.SIGNED

    @property
    def warning_messages(self) -> tuple[str, ...]:
        return tuple(w.message() for w in self.warnings)


# --- builders ------------------------------------------------------------------------------


def vitals_protocol(uow: UnitOfWork) -> VitalsProtocol:
    """The monitoring protocol the sessions are checked against (the clinic's settings)."""
    return uow.kap_settings.vitals


def session_record(record: KapSessionRecord) -> SessionRecord:
    return from_json(SessionRecord, record.record)


def stored_eligibility(record: KapEligibilityRecord) -> StoredEligibility:
    return StoredEligibility(
        record.id,
        record.course_id,
        eligibility_from_dict(record.result),
        record.assessed_by,
        record.assessed_at,
    )


def signoff_view(record: KapSignOffRecord) -> SignOffView:
    return SignOffView(
        record.id, record.course_id, record.eligibility_id, signoff_from_dict(record.content)
    )


def consent_view(history: list[KapConsentRecord]) -> ConsentView:
    given: datetime | None = None
    withdrawn: datetime | None = None
    for entry in history:
        if entry.kind == "given":
            given, withdrawn = entry.at, None
        else:
            given, withdrawn = None, entry.at
    return ConsentView(given, withdrawn, tuple(history))


def dose_summary(session: KapSessionRecord, record: SessionRecord, medicine: Medicine) -> str:
    if session.kind == SessionKind.AT_HOME:
        return f"At home, taken at {session.dosed_at:%H:%M} UTC on {session.dosed_at:%d %b %Y}"
    parts = [medicine.value.capitalize()]
    dose, _ = resolve_dose(record)
    if dose is not None:
        parts.append(f"{checks.plain_decimal(dose.mg)} mg")
    elif record.dose_mg is not None:
        parts.append(f"{checks.plain_decimal(record.dose_mg)} mg")
    if record.route is not None:
        parts.append(record.route.label)
    text = " ".join(parts)
    if dose is not None:
        text += f" ({checks.plain_decimal(dose.mg_per_kg)} mg/kg)"
    if record.lot_number.strip():
        text += f", lot {record.lot_number.strip()}"
    return text


def integration_view(
    uow: UnitOfWork, course: LoadedCourse, session: KapSessionRecord, now: datetime
) -> IntegrationView:
    window = integration_window(session.dosed_at, course.window)
    stored = uow.kap.integration(session.id)
    completed = stored.completed_at if stored is not None else None
    note = (
        from_json(IntegrationNote, stored.note)
        if stored is not None and stored.note is not None
        else None
    )
    return IntegrationView(
        session_id=session.id,
        dose_number=session.dose_number,
        dosed_at=session.dosed_at,
        opens=window.opens,
        closes=window.closes,
        status=window_status(window, now, completed),
        scheduled_at=stored.scheduled_at if stored is not None else None,
        completed_at=completed,
        note=note,
    )


def build_rems_view(stored: KapRemsRecord, today: date, tz: tzinfo | None = None) -> RemsView:
    record = from_json(SpravatoRecord, stored.record)
    due = submission_due(record, tz)
    return RemsView(
        session_id=stored.session_id,
        record=record,
        problems=validate(record, tz),
        submitted=stored.submitted,
        due=due,
        overdue=not stored.submitted and due is not None and today > due,
        lines=form_view(record, tz),
    )


def checkin_view(record: KapCheckinRecord) -> CheckinView:
    outcome = from_json(CheckinOutcome, record.outcome)
    return CheckinView(
        id=record.id,
        kind=record.kind,
        by=record.by,
        at=record.at,
        stop=record.stop,
        alert=record.alert,
        instructions=outcome.instructions,
        alert_reasons=outcome.alert_reasons,
    )


def build_session_view(
    uow: UnitOfWork, course: LoadedCourse, session: KapSessionRecord, now: datetime
) -> SessionView:
    record = session_record(session)
    protocol = vitals_protocol(uow)
    in_office = session.kind == SessionKind.IN_OFFICE
    stored_rems = uow.kap.rems(session.id)
    return SessionView(
        id=session.id,
        course_id=course.id,
        patient_id=course.patient_id,
        kind=session.kind,
        dose_number=session.dose_number,
        status=session.status,
        dosed_at=session.dosed_at,
        medicine=course.program.medicine,
        record=record,
        warnings=session_warnings(record, protocol),
        protocol=protocol,
        can_sign=can_sign(record, protocol) if in_office else (),
        discharge=discharge_status(record, protocol) if in_office else (),
        signed_by=session.signed_by,
        signed_at=session.signed_at,
        integration=integration_view(uow, course, session, now),
        rems=build_rems_view(stored_rems, now.date()) if stored_rems is not None else None,
        checkins=tuple(checkin_view(c) for c in uow.kap.checkins(session.id)),
    )


def _summary(
    uow: UnitOfWork, course: LoadedCourse, session: KapSessionRecord, now: datetime
) -> SessionSummary:
    record = session_record(session)
    return SessionSummary(
        id=session.id,
        kind=session.kind,
        dose_number=session.dose_number,
        dose_summary=dose_summary(session, record, course.program.medicine),
        dosed_at=session.dosed_at,
        status=session.status,
        integration=integration_view(uow, course, session, now),
        warnings=len(session_warnings(record, vitals_protocol(uow))),
        open_adverse_events=sum(not e.resolved for e in record.adverse_events),
    )


def build_course_view(
    uow: UnitOfWork, course: LoadedCourse, now: datetime, tz: tzinfo | None = None
) -> CourseView:
    """The course as of ``now``; ``tz`` is the patient's time zone, for the day of an
    at-home gate (UTC unless given)."""
    state = course.state
    done = {p.module: p for p in uow.kap.preparations(course.id)}
    modules = tuple(
        ModuleStatus(
            key=m.key,
            title=m.title,
            summary=m.summary,
            part=m.part,
            kind=m.kind,
            done_at=done[m.key].done_at if m.key in done else None,
            done_by=done[m.key].done_by if m.key in done else None,
        )
        for m in modules_for(course.program)
    )
    eligibilities = uow.kap.eligibilities(course.id)
    signoffs = uow.kap.signoffs(course.id)
    plan = uow.kap.safety_plan(course.id)
    return CourseView(
        id=course.id,
        patient_id=course.patient_id,
        program=course.program,
        protocol=course.protocol,
        phase=state.phase,
        opened_at=course.record.opened_at,
        opened_by=course.record.opened_by,
        doses_given=len(state.doses),
        doses_planned=course.protocol.dosing_sessions,
        preparation=modules,
        preparation_held=len(parts_complete(course.program, set(done))),
        consent=consent_view(uow.kap.consents(course.id)),
        eligibility=stored_eligibility(eligibilities[-1]) if eligibilities else None,
        sign_off=signoff_view(signoffs[-1]) if signoffs else None,
        next_steps=next_steps(state, now, (now.astimezone(tz) if tz is not None else now).date()),
        overdue=overdue(state, now),
        sessions=tuple(_summary(uow, course, s, now) for s in uow.kap.sessions(course.id)),
        open_adverse_events=state.open_adverse_events,
        safety_plan=safety_plan_from_dict(plan.content) if plan is not None else None,
        stop_reason=state.stop_reason,
        state=state,
    )
