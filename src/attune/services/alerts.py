"""Alerts about patients: the clinician's inbox, acknowledging, resolving, escalating.

An alert moves new → acknowledged → resolved, each step with who and when; resolving
needs a note saying what was done. Only staff see or change alerts (services/access.py:
VIEW_ALERTS, ACKNOWLEDGE_ALERT, RESOLVE_ALERT), and every look at a patient's alerts or
change to one writes one audit event.

* :func:`alert_inbox`: the open alerts of every patient the user looks after (an admin:
  the whole clinic), most urgent first: priority, then new before acknowledged, then
  escalated first, then the oldest first.
* :func:`patient_alerts`: one patient's alerts, resolved ones too, newest first.
* :func:`acknowledge_alert` and :func:`resolve_alert`. An alert raised by a questionnaire
  flag (PHQ-9 item 9) acknowledges that flag too, so the two never disagree.
* :func:`escalate_overdue` (a job): a new alert nobody acknowledged by its ``escalate_at``
  passes to a second clinician on the patient's caseload, else to an active admin, who is
  emailed (without health details).

Raising alerts lives in :mod:`attune.services.alert_raising` and the relapse-risk scan in
:mod:`attune.services.relapse_scan`; their public functions are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from attune.domain.errors import Conflict, NotFound, ValidationError
from attune.domain.kap import checks
from attune.services.access import (
    Action,
    open_patient,
    patient_action,
    refuse_missing,
    require_staff,
)
from attune.services.actors import Actor, Role
from attune.services.alert_raising import (
    FLAG_SOURCE,
    notify_staff,
    raise_alert,
    raise_safety_alert,
)
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Outcome, Patient, UnitOfWork, User
from attune.services.ports_monitoring import (
    AlertKind,
    AlertRecord,
    AlertStatus,
    MessageKind,
    Priority,
)
from attune.services.relapse_scan import scan_relapse_risk

__all__ = [
    "AlertView",
    "acknowledge_alert",
    "alert_inbox",
    "alert_view",
    "escalate_overdue",
    "patient_alerts",
    "raise_alert",
    "raise_safety_alert",
    "resolve_alert",
    "scan_relapse_risk",
]

MAX_NOTE_LENGTH = 2000


@dataclass(frozen=True)
class AlertView:
    """One alert as staff see it, with the names of the people involved."""

    id: int
    patient_id: int
    patient_name: str
    kind: AlertKind
    priority: Priority
    title: str
    reasons: tuple[str, ...]
    source: str
    source_id: int | None
    raised_at: datetime
    escalate_at: datetime | None
    score: float | None
    status: AlertStatus
    assigned_to: int | None
    assigned_to_name: str | None
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    acknowledged_by_name: str | None
    resolved_at: datetime | None
    resolved_by: int | None
    resolved_by_name: str | None
    note: str | None
    escalated_at: datetime | None
    escalated_to: int | None
    escalated_to_name: str | None
    #: How long it has been open (or was open, when resolved) at the time of the view.
    age: timedelta
    #: New and past its escalation time.
    overdue: bool

    @property
    def open(self) -> bool:
        return self.status is not AlertStatus.RESOLVED

    @property
    def escalated(self) -> bool:
        return self.escalated_at is not None


def alert_view(
    record: AlertRecord, patient: Patient, names: dict[int, str], now: datetime
) -> AlertView:
    """The view of one alert; ``names`` maps user ids to names (unknown ids show as
    "user N")."""

    def name(user_id: int | None) -> str | None:
        return None if user_id is None else names.get(user_id, f"user {user_id}")

    end = record.resolved_at or now
    return AlertView(
        id=record.id,
        patient_id=record.patient_id,
        patient_name=patient.display_name,
        kind=record.kind,
        priority=record.priority,
        title=record.title,
        reasons=record.reasons,
        source=record.source,
        source_id=record.source_id,
        raised_at=record.raised_at,
        escalate_at=record.escalate_at,
        score=record.score,
        status=record.status,
        assigned_to=record.assigned_to,
        assigned_to_name=name(record.assigned_to),
        acknowledged_at=record.acknowledged_at,
        acknowledged_by=record.acknowledged_by,
        acknowledged_by_name=name(record.acknowledged_by),
        resolved_at=record.resolved_at,
        resolved_by=record.resolved_by,
        resolved_by_name=name(record.resolved_by),
        note=record.note,
        escalated_at=record.escalated_at,
        escalated_to=record.escalated_to,
        escalated_to_name=name(record.escalated_to),
        age=max(end - record.raised_at, timedelta(0)),
        overdue=(
            record.status is AlertStatus.NEW
            and record.escalate_at is not None
            and now >= record.escalate_at
        ),
    )


def urgency_key(view: AlertView) -> tuple[int, bool, bool, datetime, int]:
    """Most urgent first: priority, new before acknowledged, escalated first, oldest first."""
    return (
        -int(view.priority),
        view.status is not AlertStatus.NEW,
        not view.escalated,
        view.raised_at,
        view.id,
    )


def _names(uow: UnitOfWork, clinic_id: int) -> dict[int, str]:
    return {u.id: u.name for u in uow.users.in_clinic(clinic_id)}


def _visible_patients(uow: UnitOfWork, actor: Actor) -> list[Patient]:
    if actor.role is Role.ADMIN:
        return uow.patients.in_clinic(actor.clinic_id)
    return [p for p in uow.patients.on_caseload_of(actor.user_id) if p.clinic_id == actor.clinic_id]


def alert_inbox(uow: UnitOfWork, actor: Actor, clock: Clock = SYSTEM_CLOCK) -> list[AlertView]:
    """The open alerts of every patient the actor looks after (an admin: every patient of
    the clinic), most urgent first (:func:`urgency_key`). Staff only.

    An alert escalated to this user is always about a patient they can see (escalation
    goes to a clinician on the patient's caseload or to an admin). Each patient whose
    alerts are shown gets one ``view_alerts`` audit event.
    """
    require_staff(actor, "see alerts")
    now = clock.now()
    with uow:
        patients = {p.id: p for p in _visible_patients(uow, actor)}
        records = uow.alerts.open_for_patients(sorted(patients))
        names = _names(uow, actor.clinic_id)
        shown: dict[int, Patient] = {}
        for patient_id in sorted({r.patient_id for r in records}):
            shown[patient_id] = open_patient(
                uow, actor, patient_id, Action.VIEW_ALERTS, clock, detail="alert inbox"
            )
        views = [alert_view(r, shown[r.patient_id], names, now) for r in records]
        uow.commit()
    views.sort(key=urgency_key)
    return views


def open_alert_count(uow: UnitOfWork, actor: Actor) -> int:
    """How many open alerts the actor's inbox holds (for a navigation badge; a count only,
    so no audit event). Zero for a patient."""
    if not actor.is_staff:
        return 0
    with uow:
        patients = [p.id for p in _visible_patients(uow, actor)]
        return len(uow.alerts.open_for_patients(patients)) if patients else 0


def patient_alerts(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> list[AlertView]:
    """Every alert of one patient (resolved ones too), newest first. Staff only."""
    now = clock.now()
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_ALERTS, clock)
        names = _names(uow, patient.clinic_id)
        views = [alert_view(r, patient, names, now) for r in uow.alerts.for_patient(patient.id)]
        uow.commit()
    return views


def _no_such_alert(alert_id: int) -> NotFound:
    return NotFound(f"There is no alert with id {alert_id}.", field="alert_id")


def _load(
    uow: UnitOfWork, actor: Actor, alert_id: int, action: Action, clock: Clock
) -> AlertRecord:
    record = uow.alerts.get(alert_id)
    if record is None:
        refuse_missing(
            uow, actor, action, clock, _no_such_alert(alert_id), detail=f"no alert {alert_id}"
        )
    return record


def _close_flag(
    uow: UnitOfWork, record: AlertRecord, user_id: int, now: datetime, note: str | None
) -> None:
    """Acknowledge the questionnaire flag behind an alert, if it is still open."""
    if record.source != FLAG_SOURCE or record.source_id is None:
        return
    flag = uow.flags.get(record.source_id)
    if flag is not None and flag.open:
        uow.flags.acknowledge(flag.id, at=now, by=user_id, note=note)


def acknowledge_alert(
    uow: UnitOfWork, actor: Actor, alert_id: int, clock: Clock = SYSTEM_CLOCK
) -> AlertView:
    """Say the alert has been seen and someone is on it (staff). Conflict when it is not
    new any more (someone acknowledged or resolved it first)."""
    now = clock.now()
    with uow:
        record = _load(uow, actor, alert_id, Action.ACKNOWLEDGE_ALERT, clock)
        try:
            with patient_action(
                uow,
                actor,
                record.patient_id,
                Action.ACKNOWLEDGE_ALERT,
                clock,
                detail=f"alert {alert_id}",
            ) as patient:
                if not uow.alerts.acknowledge(record.id, actor.user_id, now):
                    raise Conflict(_not_new(uow, record.id), field="alert_id")
                _close_flag(uow, record, actor.user_id, now, None)
                fresh = uow.alerts.get(record.id)
                assert fresh is not None
                view = alert_view(fresh, patient, _names(uow, patient.clinic_id), now)
                uow.commit()
        except NotFound as exc:
            raise _no_such_alert(alert_id) from exc
    return view


def _not_new(uow: UnitOfWork, alert_id: int) -> str:
    current = uow.alerts.get(alert_id)
    if current is not None and current.status is AlertStatus.RESOLVED:
        return "This alert has already been resolved."
    return "This alert has already been acknowledged."


def resolve_alert(
    uow: UnitOfWork, actor: Actor, alert_id: int, note: str, clock: Clock = SYSTEM_CLOCK
) -> AlertView:
    """Close the alert with a note of what was done (staff; the note is required). A new
    alert may be resolved directly. Conflict when it is already resolved."""
    note = note.strip()
    if problem := checks.text_problem(note, MAX_NOTE_LENGTH):
        if not note:
            problem = "Say what was done about this alert before resolving it."
        raise ValidationError(problem, field="note")
    now = clock.now()
    with uow:
        record = _load(uow, actor, alert_id, Action.RESOLVE_ALERT, clock)
        try:
            with patient_action(
                uow,
                actor,
                record.patient_id,
                Action.RESOLVE_ALERT,
                clock,
                detail=f"alert {alert_id}",
            ) as patient:
                if not uow.alerts.resolve(record.id, actor.user_id, now, note):
                    raise Conflict("This alert has already been resolved.", field="alert_id")
                _close_flag(uow, record, actor.user_id, now, note)
                fresh = uow.alerts.get(record.id)
                assert fresh is not None
                view = alert_view(fresh, patient, _names(uow, patient.clinic_id), now)
                uow.commit()
        except NotFound as exc:
            raise _no_such_alert(alert_id) from exc
    return view


def escalation_target(uow: UnitOfWork, record: AlertRecord) -> User | None:
    """Who an overdue alert passes to: an active clinician on the patient's caseload other
    than the one it went to first, else an active admin of the clinic (the lowest user
    id in each case), else nobody."""
    patient = uow.patients.get(record.patient_id)
    if patient is None:
        return None
    for user_id in uow.patients.clinicians_of(patient.id):
        user = uow.users.get(user_id)
        if user is not None and user.active and user.id != record.assigned_to:
            return user
    admins = sorted(
        (u for u in uow.users.in_clinic(patient.clinic_id) if u.role is Role.ADMIN and u.active),
        key=lambda u: u.id,
    )
    others = [u for u in admins if u.id != record.assigned_to]
    chosen = others or admins
    return chosen[0] if chosen else None


def escalate_overdue(uow: UnitOfWork, clock: Clock = SYSTEM_CLOCK) -> int:
    """Pass every new alert nobody acknowledged by its ``escalate_at`` to a second person
    (:func:`escalation_target`) and email them; returns how many were escalated.

    Each alert is escalated in its own transaction with a conditional update, so two job
    runners never escalate one alert twice, and a clinician who acknowledges it meanwhile
    wins. An alert with nobody to pass it to stays in the inbox and is tried again on the
    next run.
    """
    now = clock.now()
    with uow:
        due = [r.id for r in uow.alerts.overdue(now)]
    escalated = 0
    for alert_id in due:
        with uow:
            record = uow.alerts.get(alert_id)
            if record is None or record.status is not AlertStatus.NEW:
                continue
            target = escalation_target(uow, record)
            if target is None or not uow.alerts.escalate(record.id, target.id, now):
                continue
            fresh = uow.alerts.get(record.id) or record
            notify_staff(uow, fresh, [target], MessageKind.ESCALATION, now)
            record_event(
                uow,
                at=now,
                actor=None,
                patient_id=record.patient_id,
                action="escalate_alert",
                outcome=Outcome.ALLOWED,
                detail=f"alert {record.id} ({record.kind.value}) to user {target.id}",
            )
            uow.commit()
            escalated += 1
    return escalated
