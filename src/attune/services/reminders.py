"""Daily check-in reminders by email, the patient's time zone, and the email outbox.

A patient chooses whether they want a reminder, at what time of their own day, and their
time zone (none: the clinic's). The jobs runner then calls:

* :func:`queue_due_reminders`: for each enabled reminder whose time has passed on the
  patient's local today, with no check-in yet that day, one email to the patient's login
  address. Its dedupe key ``reminder:{patient_id}:{local date}`` makes a second run (or a
  second runner) queue nothing. Email is not a private channel, so the words say only
  that it is a moment to check in and where; never anything about their health.
* :func:`send_outbox`: sends what is due. Each message is first claimed (committed) so
  no database lock is held while the SMTP server answers and two runners never send one
  message twice; a failure is recorded with its error and tried again later with a
  growing wait (:func:`retry_delay`, at most :data:`MAX_RETRY_DELAY`). Nothing is ever
  dropped: a message stays in the outbox until it is sent. A runner that stops between
  sending and recording it sends it once more after :data:`CLAIM_FOR` (at least once).

Queueing a reminder reads whether the patient checked in, so it writes one audit event
(``queue_reminder``, by ``system``); the patient's own reads and changes of their reminder
go through services/access.py like every other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from attune.domain.errors import ValidationError
from attune.domain.monitoring.checkin import local_day
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.patient_time import patient_timezone, zone_name
from attune.services.ports import Outcome, UnitOfWork
from attune.services.ports_monitoring import (
    Mailer,
    MessageKind,
    NewMessage,
    ReminderPreference,
)

#: The time offered before a patient chooses one (Attune's choice, not a clinical rule).
DEFAULT_TIME = time(19, 0)
CHECKIN_PATH = "/portal/checkin"
REMINDER_PATH = "/portal/checkin/reminder"
REMINDER_SUBJECT = "A moment to check in"
#: How long a sender holds a claimed message before another may try it.
CLAIM_FOR = timedelta(minutes=10)
FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=6)
#: How many reminders one transaction of :func:`queue_due_reminders` handles.
REMINDER_BATCH = 25
#: How many messages one :func:`send_outbox` call sends at most.
SEND_BATCH = 100


@dataclass(frozen=True)
class ReminderView:
    patient_id: int
    enabled: bool
    #: The time of day in the patient's time zone.
    at: time
    #: The patient's own time zone (IANA name), or None: the clinic's.
    timezone: str | None
    #: The time zone in force (theirs, else the clinic's).
    effective_timezone: str
    clinic_timezone: str
    #: The next reminder (UTC), when one is on.
    next_at: datetime | None
    #: None until the patient first saves a choice.
    updated_at: datetime | None


@dataclass(frozen=True)
class SendReport:
    sent: int
    failed: int
    #: Claimed by another runner between reading and claiming.
    skipped: int


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most 6 h."""
    if attempts < 1:
        return FIRST_RETRY_DELAY
    doubling = min(attempts - 1, 20)
    return min(FIRST_RETRY_DELAY * (1 << doubling), MAX_RETRY_DELAY)


def check_timezone(name: str | None) -> str | None:
    """The IANA name, stripped, or None; ValidationError on ``timezone`` when unknown."""
    if name is None or not name.strip():
        return None
    clean = name.strip()
    if clean not in available_timezones():
        raise ValidationError(
            f"Unknown time zone {clean!r}: choose one from the list (such as America/Chicago).",
            field="timezone",
        )
    try:
        ZoneInfo(clean)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            f"Unknown time zone {clean!r}: choose one from the list.", field="timezone"
        ) from None
    return clean


def _view(uow: UnitOfWork, patient_id: int, now: datetime) -> ReminderView:
    preference = uow.monitoring.reminder_of(patient_id)
    own = uow.monitoring.timezone_of(patient_id)
    zone = patient_timezone(uow, patient_id)
    local_now = now.astimezone(zone)
    next_at = None
    if preference is not None and preference.enabled:
        candidate = datetime.combine(local_now.date(), preference.at, tzinfo=zone)
        if candidate <= local_now:
            candidate = datetime.combine(
                local_now.date() + timedelta(days=1), preference.at, tzinfo=zone
            )
        next_at = candidate.astimezone(now.tzinfo)
    return ReminderView(
        patient_id=patient_id,
        enabled=preference.enabled if preference is not None else False,
        at=preference.at if preference is not None else DEFAULT_TIME,
        timezone=own,
        effective_timezone=zone_name(zone),
        clinic_timezone=zone_name(uow.clinic_timezone),
        next_at=next_at,
        updated_at=preference.updated_at if preference is not None else None,
    )


def reminder_view(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> ReminderView:
    """The patient's reminder choice and time zone (off at 19:00 until they choose)."""
    with uow:
        open_patient(uow, actor, patient_id, Action.VIEW_CHECKINS, clock, detail="reminder")
        view = _view(uow, patient_id, clock.now())
        uow.commit()
    return view


def set_reminder(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    *,
    enabled: bool,
    at: time,
    timezone: str | None,
    clock: Clock = SYSTEM_CLOCK,
) -> ReminderView:
    """Save the reminder choice and the patient's time zone (None: the clinic's)."""
    now = clock.now()
    with (
        uow,
        patient_action(
            uow,
            actor,
            patient_id,
            Action.SET_REMINDER,
            clock,
            detail=f"{'on' if enabled else 'off'} at {at.strftime('%H:%M')}",
        ),
    ):
        zone = check_timezone(timezone)
        if at.tzinfo is not None:
            raise ValidationError(
                "Give the time of day without a time zone; the time zone is chosen apart.",
                field="at",
            )
        uow.monitoring.set_timezone(patient_id, zone)
        uow.monitoring.save_reminder(
            ReminderPreference(
                patient_id=patient_id,
                enabled=enabled,
                at=at.replace(second=0, microsecond=0),
                updated_at=now,
            )
        )
        view = _view(uow, patient_id, now)
        uow.commit()
    return view


def set_timezone(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    timezone: str | None,
    clock: Clock = SYSTEM_CLOCK,
) -> ReminderView:
    """Save only the patient's time zone (None: the clinic's)."""
    now = clock.now()
    with (
        uow,
        patient_action(
            uow,
            actor,
            patient_id,
            Action.SET_REMINDER,
            clock,
            detail=f"time zone {timezone or 'of the clinic'}",
        ),
    ):
        uow.monitoring.set_timezone(patient_id, check_timezone(timezone))
        view = _view(uow, patient_id, now)
        uow.commit()
    return view


def reminder_body() -> str:
    """The reminder's words: warm, and nothing about the patient's health."""
    return (
        "Hello,\n\n"
        "This is the daily reminder you asked for: when you have a moment, it takes about "
        "half a minute to check in.\n\n"
        f"Sign in to your clinic's portal and open {CHECKIN_PATH}.\n\n"
        f"You can change the time of this reminder, or turn it off, at {REMINDER_PATH}.\n"
    )


def queue_due_reminders(uow: UnitOfWork, clock: Clock = SYSTEM_CLOCK) -> int:
    """Queue today's reminder for every patient whose time has come and who has not
    checked in today; returns how many were queued (none twice).

    Reminders are handled :data:`REMINDER_BATCH` at a time, each batch in its own short
    transaction, so a long list never holds the database (on SQLite: its write lock)
    while patients are checking in."""
    now = clock.now()
    with uow:
        preferences = uow.monitoring.enabled_reminders()
    queued = 0
    for first in range(0, len(preferences), REMINDER_BATCH):
        queued += _queue_batch(uow, preferences[first : first + REMINDER_BATCH], now)
    return queued


def _queue_batch(uow: UnitOfWork, batch: list[ReminderPreference], now: datetime) -> int:
    queued = 0
    with uow:
        due: list[tuple[ReminderPreference, date]] = []
        for preference in batch:
            zone = patient_timezone(uow, preference.patient_id)
            if now.astimezone(zone).time() >= preference.at:
                due.append((preference, local_day(now, zone)))
        if not due:
            return 0
        done = uow.monitoring.checkin_days(
            [p.patient_id for p, _ in due], min(d for _, d in due), max(d for _, d in due)
        )
        for preference, today in due:
            if today in done.get(preference.patient_id, ()):
                continue
            patient = uow.patients.get(preference.patient_id)
            user = uow.users.get(patient.user_id) if patient and patient.user_id else None
            if user is None or not user.active:
                continue
            message = NewMessage(
                to_address=user.email,
                subject=REMINDER_SUBJECT,
                body=reminder_body(),
                kind=MessageKind.REMINDER,
                created_at=now,
                patient_id=preference.patient_id,
                user_id=user.id,
                dedupe_key=f"reminder:{preference.patient_id}:{today.isoformat()}",
            )
            if uow.monitoring.enqueue(message) is not None:
                record_event(
                    uow,
                    at=now,
                    actor=None,
                    patient_id=preference.patient_id,
                    action="queue_reminder",
                    outcome=Outcome.ALLOWED,
                    detail=f"check-in reminder for {today.isoformat()}",
                )
                queued += 1
        uow.commit()
    return queued


def send_outbox(
    uow: UnitOfWork, mailer: Mailer, clock: Clock = SYSTEM_CLOCK, *, limit: int = SEND_BATCH
) -> SendReport:
    """Send the emails that are due (see the module docstring)."""
    now = clock.now()
    with uow:
        due = uow.monitoring.outbox_due(now, limit)
        claimed = [m for m in due if uow.monitoring.claim(m.id, m.next_attempt_at, now + CLAIM_FOR)]
        uow.commit()
    sent = failed = 0
    for message in claimed:
        try:
            mailer.send(to_address=message.to_address, subject=message.subject, body=message.body)
        except OSError as exc:  # smtplib.SMTPException is an OSError too
            error = f"{type(exc).__name__}: {exc}".strip()
            with uow:
                uow.monitoring.mark_failed(
                    message.id, error, clock.now() + retry_delay(message.attempts + 1)
                )
                uow.commit()
            failed += 1
            continue
        with uow:
            uow.monitoring.mark_sent(message.id, clock.now())
            uow.commit()
        sent += 1
    return SendReport(sent=sent, failed=failed, skipped=len(due) - len(claimed))
