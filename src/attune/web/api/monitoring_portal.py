"""The patient's daily check-in over the API: what the check-in pages do, for an app.

::

    POST /checkins      save a check-in (201 a new day; 200 today's replaced)
    GET  /checkins      the last ``days`` days (default 30), today's date and the streak
    GET  /reminder      the reminder time and the time zone
    PUT  /reminder      change them

All of them act on the logged-in patient's own record: a check-in is the patient's own
word, so staff get a 403 here (their side reads check-ins on the insight pages and
through the clinician's API). Answers that cannot be used are a 422 naming each field
(``errors`` lists every one); changing an earlier day that is already saved is a 409.
A safety answer (anything but ``none``) alerts the care team at once and the answer
carries ``crisis: true`` with the clinic's crisis resources, to show straight away.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from attune.domain.errors import PermissionDenied
from attune.domain.monitoring.streaks import streak_words
from attune.services import checkins, reminders
from attune.services.actors import Actor
from attune.web.api.monitoring_portal_schemas import (
    CheckinIn,
    CheckinOut,
    CheckinSavedOut,
    CheckinsOut,
    ReminderIn,
    ReminderOut,
)
from attune.web.api.portal import CRISIS_MESSAGE
from attune.web.api.schemas import CrisisOut
from attune.web.deps import ActorDep, ClockDep, SettingsDep, UowDep

router = APIRouter(tags=["daily check-in"])


def _own(actor: Actor) -> int:
    """The logged-in patient's id; staff are refused (the check-in is the patient's own)."""
    if actor.is_staff or actor.patient_id is None:
        raise PermissionDenied(
            "The daily check-in is the patient's own. Staff read check-ins on the patient's "
            "insight page or through /patients/{patient_id}/insight.",
            field="patient_id",
        )
    return actor.patient_id


def _reminder_out(view: reminders.ReminderView) -> ReminderOut:
    return ReminderOut(
        enabled=view.enabled,
        at=view.at.strftime("%H:%M"),
        timezone=view.timezone,
        effective_timezone=view.effective_timezone,
        updated_at=view.updated_at,
    )


@router.post(
    "/checkins",
    response_model=CheckinSavedOut,
    status_code=201,
    summary="Save a daily check-in",
    responses={200: {"model": CheckinSavedOut, "description": "Today's check-in replaced"}},
)
def save_checkin(
    body: CheckinIn,
    response: Response,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> CheckinSavedOut:
    """Save the check-in for ``day`` (omitted: the patient's today). Today's may be sent
    again until the patient's midnight (200, replaced); a missed earlier day may be filled
    in once (201), never changed after (409). ``GET /checkins`` gives the streak and when
    today's check-in closes."""
    patient_id = _own(actor)
    if body.day is None:
        saved = checkins.record_todays_checkin(uow, actor, patient_id, body.to_domain, clock)
    else:
        saved = checkins.record_checkin(uow, actor, patient_id, body.to_domain(body.day), clock)
    if not saved.created:
        response.status_code = 200
    crisis = (
        CrisisOut(
            message=CRISIS_MESSAGE,
            crisis_line=settings.crisis_line,
            clinic_phone=settings.clinic_phone,
        )
        if saved.crisis
        else None
    )
    return CheckinSavedOut(
        checkin=CheckinOut.of(saved.stored),
        created=saved.created,
        crisis=saved.crisis,
        crisis_resources=crisis,
    )


@router.get("/checkins", response_model=CheckinsOut, summary="My recent check-ins")
def list_checkins(
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    days: int = Query(default=30, description="How many days back, today included (1-366)"),
) -> CheckinsOut:
    """The patient's check-ins of the last ``days`` days, oldest first, with their own
    date now, when today's check-in closes and the streak in words."""
    patient_id = _own(actor)
    found = checkins.checkin_history(uow, actor, patient_id, clock, days=days)
    today = checkins.checkin_today(uow, actor, patient_id, clock)
    return CheckinsOut(
        today=today.day,
        timezone=today.timezone,
        editable_until=today.editable_until,
        checked_in_today=today.existing is not None,
        streak=streak_words(today.streak),
        checkins=[CheckinOut.of(s) for s in found],
    )


@router.get("/reminder", response_model=ReminderOut, summary="My check-in reminder")
def get_reminder(actor: ActorDep, uow: UowDep, clock: ClockDep) -> ReminderOut:
    """Whether a daily reminder email is on, its local time, and the time zone (the
    patient's own, or null for the clinic's). Off at 19:00 until the patient chooses."""
    return _reminder_out(reminders.reminder_view(uow, actor, _own(actor), clock))


@router.put("/reminder", response_model=ReminderOut, summary="Change my check-in reminder")
def put_reminder(body: ReminderIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> ReminderOut:
    """Turn the daily reminder on or off, set its local time and the time zone (an unknown
    time zone is a 422 naming ``timezone``)."""
    view = reminders.set_reminder(
        uow,
        actor,
        _own(actor),
        enabled=body.enabled,
        at=body.at,
        timezone=body.timezone,
        clock=clock,
    )
    return _reminder_out(view)
