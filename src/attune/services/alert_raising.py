"""Raising alerts about a patient, inside the caller's transaction.

The caller (a check-in being saved, a flag being raised, the relapse-risk scan) has
already made its access check and writes its own audit event; these functions only add
the alert and queue the emails that tell staff about it. They never commit.

* :func:`raise_alert` adds an alert unless an open one already says the same thing (see
  the de-duplication rules there) and returns the alert that stands.
* :func:`raise_safety_alert` is the one call for suicidal thoughts or self-harm, from a
  check-in answer or a PHQ-9 item 9 above zero: an URGENT alert at once, one open alert
  per source record.
* An alert goes first to the patient's first clinician (``assigned_to``: the lowest user id
  on the patient's caseload that is still active; None when nobody is on the caseload, so
  every admin sees it). If nobody acknowledges it by ``escalate_at`` (minutes set per
  priority in the clinic's risk settings), services/alerts.escalate_overdue passes it on.
* HIGH and URGENT alerts also queue an email to the staff who look after the patient. Email
  is not a private channel, so it says only that an alert waits in Attune, never why.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from attune.domain.monitoring.risk import RiskThresholds
from attune.services.actors import Role
from attune.services.ports import UnitOfWork, User
from attune.services.ports_monitoring import (
    AlertKind,
    AlertRecord,
    AlertStatus,
    MessageKind,
    NewAlert,
    NewMessage,
    Priority,
)

#: The ``source`` of an alert raised by a questionnaire flag; ``source_id`` is the flag's id.
FLAG_SOURCE = "flag"
#: Where staff find their alerts (the clinic's alert inbox page).
INBOX_PATH = "/clinic/alerts"
SAFETY_TITLE = "Thoughts of suicide or self-harm"
#: Priorities that also send an email to the patient's staff when raised.
EMAIL_PRIORITIES = frozenset({Priority.HIGH, Priority.URGENT})


def program_of(uow: UnitOfWork, patient_id: int) -> str | None:
    """The patient's program for risk thresholds: the final level of care of the newest
    recommendation a clinician decided (accepted or overrode), else None."""
    decided = [
        r
        for r in uow.recommendations.for_patient(patient_id)
        if r.decided_at is not None and r.final_level is not None
    ]
    if not decided:
        return None
    latest = max(decided, key=lambda r: (r.decided_at or r.created_at, r.id))
    return latest.final_level


def thresholds_for(uow: UnitOfWork, patient_id: int) -> RiskThresholds:
    """The clinic's risk thresholds for the patient's program."""
    return uow.risk_settings.for_program(program_of(uow, patient_id))


def escalate_at(thresholds: RiskThresholds, priority: Priority, now: datetime) -> datetime | None:
    """When an alert of this priority passes to a second person if nobody has
    acknowledged it (None: it never escalates)."""
    minutes = thresholds.escalation_minutes(priority.name.lower())
    return None if minutes is None else now + timedelta(minutes=minutes)


def first_clinician(uow: UnitOfWork, patient_id: int) -> int | None:
    """The clinician an alert goes to first: the active clinician with the lowest user id
    on the patient's caseload (None when the caseload is empty)."""
    for user_id in uow.patients.clinicians_of(patient_id):
        user = uow.users.get(user_id)
        if user is not None and user.active:
            return user.id
    return None


def staff_to_tell(uow: UnitOfWork, patient_id: int) -> list[User]:
    """The active clinicians on the patient's caseload; when there are none, the active
    admins of the patient's clinic."""
    clinicians = [uow.users.get(user_id) for user_id in uow.patients.clinicians_of(patient_id)]
    active = [u for u in clinicians if u is not None and u.active]
    if active:
        return active
    patient = uow.patients.get(patient_id)
    if patient is None:
        return []
    return [u for u in uow.users.in_clinic(patient.clinic_id) if u.role is Role.ADMIN and u.active]


def _same_concern(open_alert: AlertRecord, alert: NewAlert) -> bool:
    """Whether an open alert already covers a new one (see :func:`raise_alert`)."""
    if open_alert.kind is not alert.kind:
        return False
    if alert.kind is AlertKind.SAFETY:
        # One open safety alert per source record; a changed answer that adds a reason
        # (e.g. "might act on them" after "thoughts") is new information and is raised.
        return (
            open_alert.source == alert.source
            and open_alert.source_id == alert.source_id
            and set(alert.reasons) <= set(open_alert.reasons)
        )
    # Relapse risk and missed check-ins: one open alert of each kind per patient, unless
    # the new one is more urgent than the one standing.
    return open_alert.priority >= alert.priority


def raise_alert(uow: UnitOfWork, alert: NewAlert) -> AlertRecord:
    """Add ``alert`` unless an open alert of the patient already covers it; return the
    alert that stands. Open means new or acknowledged.

    * a safety alert is covered by an open safety alert from the same source record whose
      reasons include all of the new ones;
    * a relapse-risk or missed-check-in alert is covered by an open alert of the same kind
      with the same or a higher priority.

    A new HIGH or URGENT alert queues one email to each person in :func:`staff_to_tell`.
    """
    if not alert.title.strip():
        raise ValueError("an alert needs a title")
    if not alert.reasons or not all(r.strip() for r in alert.reasons):
        raise ValueError("an alert needs at least one reason, each in words")
    if alert.raised_at.tzinfo is None:
        raise ValueError("an alert's time must be timezone-aware")
    for open_alert in uow.alerts.open_for_patient(alert.patient_id, alert.kind):
        if _same_concern(open_alert, alert):
            return open_alert
    added = uow.alerts.add(alert)
    if added.priority in EMAIL_PRIORITIES:
        notify_staff(uow, added, staff_to_tell(uow, added.patient_id), MessageKind.ALERT)
    return added


def notify_staff(
    uow: UnitOfWork,
    alert: AlertRecord,
    staff: list[User],
    kind: MessageKind,
    now: datetime | None = None,
) -> int:
    """Queue one email per staff member about ``alert`` (no health details: only that an
    alert waits and where to find it); returns how many were queued (a repeat is not)."""
    queued = 0
    when = now or alert.raised_at
    for user in staff:
        if kind is MessageKind.ESCALATION:
            subject = "Attune: an alert has been passed to you"
            opening = (
                "An alert about a patient has not been acknowledged in time and has been "
                "passed to you."
            )
        else:
            subject = "Attune: an alert needs your attention"
            opening = "An alert about a patient you look after needs your attention."
        body = (
            f"Hello {user.name},\n\n{opening}\n\n"
            f"Please sign in to Attune and open the alert inbox ({INBOX_PATH}) to see it.\n\n"
            "This email does not say who the alert is about or why, because email is not "
            "a private channel.\n"
        )
        message = NewMessage(
            to_address=user.email,
            subject=subject,
            body=body,
            kind=kind,
            created_at=when,
            patient_id=None,
            user_id=user.id,
            dedupe_key=f"{kind.value}:{alert.id}:{user.id}",
        )
        if uow.monitoring.enqueue(message) is not None:
            queued += 1
    return queued


def raise_safety_alert(
    uow: UnitOfWork,
    *,
    patient_id: int,
    source: str,
    source_id: int | None,
    reasons: tuple[str, ...],
    now: datetime,
) -> AlertRecord:
    """An URGENT alert about suicidal thoughts or self-harm, raised at once.

    ``source`` is what raised it ("checkin", "flag" …) and ``source_id`` that record's id;
    ``reasons`` say what was answered, in plain words. Saving the same answer again (a
    check-in replaced the same day) returns the open alert instead of raising another.
    """
    thresholds = thresholds_for(uow, patient_id)
    return raise_alert(
        uow,
        NewAlert(
            patient_id=patient_id,
            kind=AlertKind.SAFETY,
            priority=Priority.URGENT,
            title=SAFETY_TITLE,
            reasons=reasons,
            source=source,
            source_id=source_id,
            raised_at=now,
            escalate_at=escalate_at(thresholds, Priority.URGENT, now),
            assigned_to=first_clinician(uow, patient_id),
        ),
    )


def acknowledge_flag_alerts(
    uow: UnitOfWork, patient_id: int, flag_id: int, user_id: int, now: datetime
) -> int:
    """Acknowledge the new alerts raised by a questionnaire flag that was just
    acknowledged, so the inbox and the flag agree; returns how many changed."""
    changed = 0
    for alert in uow.alerts.open_for_patient(patient_id, AlertKind.SAFETY):
        if (
            alert.source == FLAG_SOURCE
            and alert.source_id == flag_id
            and alert.status is AlertStatus.NEW
            and uow.alerts.acknowledge(alert.id, user_id, now)
        ):
            changed += 1
    return changed
