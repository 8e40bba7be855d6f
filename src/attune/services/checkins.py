"""The daily check-in: saving it, today's view and the history.

A check-in belongs to a day of the patient's own calendar: their time zone
(``patients.timezone``) or, when they have not chosen one, the clinic's. The rules:

* today's check-in may be saved again (replaced) until the patient's local midnight;
* an earlier day that was missed may be filled in once, up to :data:`FILL_IN_DAYS` days
  back; once saved it is never changed (Conflict, saying so plainly);
* a day still to come is refused (ValidationError on ``day``), as is any bad answer
  (FormErrors naming every field).

An answer about thoughts of suicide or self-harm raises an URGENT safety alert for the
clinic in the same transaction as the check-in (services/alert_raising.py), and the
result says ``crisis`` so the edge shows the clinic's crisis resources at once.

Every read or change goes through services/access.py and writes one audit event; raising
a safety alert writes one more (``raise_alert``), as a questionnaire flag does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from attune.domain.errors import Conflict, ValidationError
from attune.domain.intake import from_dict as intake_from_dict
from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import (
    CheckIn,
    Safety,
    StoredCheckIn,
    editable_until,
    is_editable,
    local_day,
    needs_safety_alert,
    validate_checkin,
)
from attune.domain.monitoring.streaks import Streak, streak_of
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor
from attune.services.alert_raising import raise_safety_alert
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.patient_time import patient_timezone, zone_name
from attune.services.patient_time import zone_named as zone_named  # re-exported for the edges
from attune.services.ports import Outcome, UnitOfWork
from attune.services.ports_monitoring import AlertRecord

#: How many days back a missed check-in may still be filled in (yesterday is 1).
FILL_IN_DAYS = 7
#: The longest history one read returns.
MAX_HISTORY_DAYS = 366
#: How far back the streak looks.
STREAK_DAYS = 366
#: The ``source`` of a safety alert raised by a check-in; ``source_id`` is the check-in id.
CHECKIN_SOURCE = "checkin"


@dataclass(frozen=True)
class CheckinSaved:
    stored: StoredCheckIn
    #: False when today's check-in was replaced.
    created: bool
    #: The safety alert that stands for this check-in (raised now or already open).
    safety_alert: AlertRecord | None
    #: Show the clinic's crisis resources at once.
    crisis: bool


@dataclass(frozen=True)
class TodayView:
    patient_id: int
    #: The patient's own date now.
    day: date
    #: The IANA name of the time zone the day is counted in.
    timezone: str
    #: Today's check-in, if there is one.
    existing: StoredCheckIn | None
    #: When today's check-in closes (the patient's next local midnight, as UTC).
    editable_until: datetime
    streak: Streak
    #: The last day with a check-in (today included), if any.
    last_checkin_day: date | None
    #: Yesterday has no check-in (and could still be filled in).
    yesterday_missed: bool
    #: What the patient named in their intake, to offer first when asking about use.
    addictions: tuple[AddictionType, ...]


def _safety_reasons(checkin: CheckIn) -> tuple[str, ...]:
    said = (
        f"In the daily check-in for {checkin.day.isoformat()} the patient said they have had "
        "thoughts of ending their life or of hurting themselves"
    )
    if checkin.safety is Safety.MIGHT_ACT:
        return (f"{said}, and that they feel they might act on them.",)
    return (f"{said}.",)


def _refuse_closed_day(checkin: CheckIn, today: date) -> None:
    if checkin.day == today:
        return
    if checkin.day < today - timedelta(days=FILL_IN_DAYS):
        raise ValidationError(
            f"A missed check-in can be filled in up to {FILL_IN_DAYS} days later; "
            f"{checkin.day.isoformat()} is further back than that.",
            field="day",
        )


def record_checkin(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    checkin: CheckIn,
    clock: Clock = SYSTEM_CLOCK,
) -> CheckinSaved:
    """Save the patient's check-in for ``checkin.day`` (see the module docstring)."""
    return _record(uow, actor, patient_id, lambda _today: checkin, clock, f"day {checkin.day}")


def record_todays_checkin(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    for_day: Callable[[date], CheckIn],
    clock: Clock = SYSTEM_CLOCK,
) -> CheckinSaved:
    """Save a check-in for the patient's own today, worked out in the same transaction:
    ``for_day(today)`` gives the check-in (for a caller that does not know the patient's
    time zone, such as an API call without a ``day``)."""
    return _record(uow, actor, patient_id, for_day, clock, "today")


def _record(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    for_day: Callable[[date], CheckIn],
    clock: Clock,
    detail: str,
) -> CheckinSaved:
    now = clock.now()
    with uow, patient_action(uow, actor, patient_id, Action.RECORD_CHECKIN, clock, detail=detail):
        zone = patient_timezone(uow, patient_id)
        today = local_day(now, zone)
        checkin = for_day(today)
        validate_checkin(checkin, today)
        _refuse_closed_day(checkin, today)
        existing = uow.monitoring.checkin_on(patient_id, checkin.day)
        if existing is not None and not is_editable(checkin.day, now, zone):
            raise Conflict(
                f"The check-in for {checkin.day.isoformat()} is already saved. A past day's "
                "check-in stays as it was saved; today's can be changed until midnight.",
                field="day",
            )
        stored = uow.monitoring.save_checkin(patient_id, checkin, now)
        alert: AlertRecord | None = None
        if needs_safety_alert(checkin):
            alert = raise_safety_alert(
                uow,
                patient_id=patient_id,
                source=CHECKIN_SOURCE,
                source_id=stored.id,
                reasons=_safety_reasons(checkin),
                now=now,
            )
            record_event(
                uow,
                at=now,
                actor=actor,
                patient_id=patient_id,
                action="raise_alert",
                outcome=Outcome.ALLOWED,
                detail=f"safety alert {alert.id} from the check-in for {checkin.day}",
            )
        uow.commit()
    return CheckinSaved(
        stored=stored,
        created=existing is None,
        safety_alert=alert,
        crisis=needs_safety_alert(checkin),
    )


def _addictions(uow: UnitOfWork, patient_id: int) -> tuple[AddictionType, ...]:
    record = uow.intakes.latest_for_patient(patient_id)
    if record is None:
        return ()
    try:
        intake = intake_from_dict(record.answers)
    except ValidationError:
        return ()
    seen: list[AddictionType] = []
    for addiction in intake.named:
        if addiction.what not in seen:
            seen.append(addiction.what)
    return tuple(seen)


def checkin_today(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> TodayView:
    """The patient's day now, today's check-in if any, when it closes, and the streak."""
    now = clock.now()
    with uow:
        open_patient(uow, actor, patient_id, Action.VIEW_CHECKINS, clock, detail="today")
        zone = patient_timezone(uow, patient_id)
        today = local_day(now, zone)
        start = today - timedelta(days=STREAK_DAYS - 1)
        days = uow.monitoring.checkin_days([patient_id], start, today).get(patient_id, [])
        existing = uow.monitoring.checkin_on(patient_id, today)
        addictions = _addictions(uow, patient_id)
        uow.commit()
    return TodayView(
        patient_id=patient_id,
        day=today,
        timezone=zone_name(zone),
        existing=existing,
        editable_until=editable_until(today, zone),
        streak=streak_of(days, today),
        last_checkin_day=days[-1] if days else None,
        yesterday_missed=(today - timedelta(days=1)) not in days,
        addictions=addictions,
    )


def checkin_history(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    clock: Clock = SYSTEM_CLOCK,
    *,
    days: int = 30,
) -> list[StoredCheckIn]:
    """The patient's check-ins of the last ``days`` days (today included), oldest first."""
    if not 1 <= days <= MAX_HISTORY_DAYS:
        raise ValidationError(
            f"Ask for 1 to {MAX_HISTORY_DAYS} days of check-ins (got {days}).", field="days"
        )
    now = clock.now()
    with uow:
        open_patient(
            uow, actor, patient_id, Action.VIEW_CHECKINS, clock, detail=f"last {days} days"
        )
        today = local_day(now, patient_timezone(uow, patient_id))
        found = uow.monitoring.checkins_between(patient_id, today - timedelta(days=days - 1), today)
        uow.commit()
    return found
