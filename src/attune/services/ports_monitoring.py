"""Ports for daily monitoring: check-ins, reminder times, the email outbox and alerts.

Kept beside :mod:`attune.services.ports` (which the unit of work lives in) so that file
does not grow further. The database adapter implements :class:`Monitoring` and
:class:`Alerts` (``uow.monitoring`` and ``uow.alerts``); :class:`Mailer` is the process
boundary to an SMTP server, built only at the edges (the jobs runner).

Every state change of an alert is a conditional update that returns whether it happened,
so two clinicians acknowledging at once (or two job runners escalating) cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import IntEnum, StrEnum
from typing import Protocol

from attune.domain.monitoring.checkin import CheckIn, StoredCheckIn


@dataclass(frozen=True)
class ReminderPreference:
    """When a patient wants their daily check-in reminder, in their own time zone."""

    patient_id: int
    enabled: bool
    at: time
    updated_at: datetime


class MessageKind(StrEnum):
    REMINDER = "reminder"
    ALERT = "alert"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class NewMessage:
    """An email to send. ``dedupe_key`` (e.g. ``reminder:7:2026-11-22``) makes queueing the
    same message twice a no-op, so several job runners never send it twice."""

    to_address: str
    subject: str
    body: str
    kind: MessageKind
    created_at: datetime
    patient_id: int | None = None
    user_id: int | None = None
    dedupe_key: str | None = None


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    to_address: str
    subject: str
    body: str
    kind: MessageKind
    patient_id: int | None
    user_id: int | None
    dedupe_key: str | None
    created_at: datetime
    next_attempt_at: datetime
    attempts: int
    sent_at: datetime | None
    last_error: str | None


class AlertKind(StrEnum):
    #: Suicidal thoughts or self-harm: a check-in answer or PHQ-9 item 9 above zero.
    SAFETY = "safety"
    #: The relapse-risk score against the patient's own baseline crossed its threshold.
    RELAPSE_RISK = "relapse_risk"
    #: Several check-ins missed in a row.
    MISSED_CHECKINS = "missed_checkins"


class Priority(IntEnum):
    """Higher is more urgent; the inbox sorts by this first."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    URGENT = 4


class AlertStatus(StrEnum):
    NEW = "new"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


@dataclass(frozen=True)
class NewAlert:
    patient_id: int
    kind: AlertKind
    priority: Priority
    #: One line for the inbox, e.g. "Relapse risk is high".
    title: str
    #: Every reason, in plain words, most important first. Never empty.
    reasons: tuple[str, ...]
    #: What raised it: "checkin", "response", "flag" or "risk_scan".
    source: str
    source_id: int | None
    raised_at: datetime
    #: When it escalates to a second clinician if nobody has acknowledged it.
    escalate_at: datetime | None
    #: The relapse-risk score when that raised it.
    score: float | None = None
    #: The clinician it goes to first (None: everyone who can see the patient).
    assigned_to: int | None = None


@dataclass(frozen=True)
class AlertRecord:
    id: int
    patient_id: int
    kind: AlertKind
    priority: Priority
    title: str
    reasons: tuple[str, ...]
    source: str
    source_id: int | None
    raised_at: datetime
    escalate_at: datetime | None
    score: float | None
    assigned_to: int | None
    status: AlertStatus
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    resolved_at: datetime | None
    resolved_by: int | None
    note: str | None
    escalated_at: datetime | None
    escalated_to: int | None


class Monitoring(Protocol):
    """Check-ins (one per patient per local day), patients' time zones and reminder times,
    and the email outbox."""

    def save_checkin(self, patient_id: int, checkin: CheckIn, now: datetime) -> StoredCheckIn:
        """Insert the day's check-in, or replace that day's (keeping ``created_at``)."""
        ...

    def checkin_on(self, patient_id: int, day: date) -> StoredCheckIn | None: ...
    def checkins_between(self, patient_id: int, start: date, end: date) -> list[StoredCheckIn]:
        """Both ends included, oldest first."""
        ...

    def checkin_days(
        self, patient_ids: Sequence[int], start: date, end: date
    ) -> dict[int, list[date]]:
        """The days each patient checked in (both ends included); absent ids have none."""
        ...

    def timezone_of(self, patient_id: int) -> str | None:
        """The patient's IANA time zone, or None to use the clinic's."""
        ...

    def set_timezone(self, patient_id: int, timezone: str | None) -> None: ...
    def reminder_of(self, patient_id: int) -> ReminderPreference | None: ...
    def save_reminder(self, preference: ReminderPreference) -> None: ...
    def enabled_reminders(self) -> list[ReminderPreference]:
        """Every enabled reminder of every clinic (the jobs runner serves them all)."""
        ...

    def enqueue(self, message: NewMessage) -> OutboxMessage | None:
        """Queue an email; None (and nothing queued) when its ``dedupe_key`` is taken."""
        ...

    def outbox_due(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        """Unsent messages whose next attempt is due, oldest first."""
        ...

    def claim(self, message_id: int, seen: datetime, until: datetime) -> bool:
        """Hold an unsent message for one sender until ``until`` (its next attempt moves
        there); False when another sender claimed or sent it since it was read with
        ``next_attempt_at == seen``. The claim is committed before sending, so a slow SMTP
        server never holds a database lock and two runners never send one message twice."""
        ...

    def mark_sent(self, message_id: int, now: datetime) -> None: ...
    def mark_failed(self, message_id: int, error: str, next_attempt_at: datetime) -> None:
        """Count the attempt, keep the error, try again at ``next_attempt_at``."""
        ...

    def outbox_for_patient(self, patient_id: int, limit: int = 50) -> list[OutboxMessage]: ...


class Alerts(Protocol):
    """Alerts about patients. State changes are conditional and say whether they applied."""

    def add(self, alert: NewAlert) -> AlertRecord: ...
    def get(self, alert_id: int) -> AlertRecord | None: ...
    def open_for_patient(self, patient_id: int, kind: AlertKind | None = None) -> list[AlertRecord]:
        """New or acknowledged alerts of one patient, newest first."""
        ...

    def for_patient(self, patient_id: int, limit: int = 100) -> list[AlertRecord]:
        """Every alert of one patient (resolved too), newest first."""
        ...

    def open_for_patients(self, patient_ids: Sequence[int]) -> list[AlertRecord]:
        """New or acknowledged alerts of these patients (the inbox sorts them)."""
        ...

    def overdue(self, now: datetime) -> list[AlertRecord]:
        """New alerts, not yet escalated, whose ``escalate_at`` has passed (all clinics)."""
        ...

    def acknowledge(self, alert_id: int, user_id: int, now: datetime) -> bool:
        """new → acknowledged; False when it was not new."""
        ...

    def resolve(self, alert_id: int, user_id: int, now: datetime, note: str) -> bool:
        """new or acknowledged → resolved with the note; False when already resolved."""
        ...

    def escalate(self, alert_id: int, to_user_id: int, now: datetime) -> bool:
        """Record the escalation of a new alert; False when it was acknowledged or
        escalated meanwhile."""
        ...


class Mailer(Protocol):
    """Sends one email; raises OSError (or smtplib.SMTPException) when it cannot."""

    def send(self, *, to_address: str, subject: str, body: str) -> None: ...
