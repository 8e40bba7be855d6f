"""The daily check-in in the patient portal: today's form, the page after saving, and
the reminder.

::

    GET  /portal/checkin[?day=YYYY-MM-DD]   today's check-in (filled in to change it until
                                            the patient's midnight), or a missed earlier day
    POST /portal/checkin                    save it (then the page after saving)
    GET  /portal/checkin/saved?day=…        thanks; streak words; support after a lapse;
                                            the clinic's crisis resources after a safety answer
    GET  /portal/checkin/reminder           the reminder time and the time zone
    POST /portal/checkin/reminder           save them

Phone first and done in about thirty seconds: four rows of 0–10, "did you use?", the
safety question, and optional tags, sleep and words. One plain HTML form that works
without JavaScript; CSS (``:has()``) shows the follow-up parts as answers are chosen.
A problem is shown next to its question with every answer kept, and nothing is saved.
Staff are sent to the clinic's pages: a check-in is the patient's own word.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors, NotFound, ValidationError
from attune.domain.intake.labels import label
from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import COPING, TRIGGERS, CheckIn, Safety, StoredCheckIn
from attune.domain.monitoring.streaks import streak_words
from attune.services import checkins, reminders
from attune.services.actors import Actor
from attune.services.clock import Clock
from attune.services.ports import UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages import checkin_form as forms
from attune.web.pages.care_common import guarded
from attune.web.pages.kap_portal import errors_of, patient_or_redirect
from attune.web.templating import render

router = APIRouter()

#: Time zones offered on the reminder page (the system's IANA list, sorted).
TIMEZONES = (
    "UTC",
    *sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/")),
)


def _own(actor: Actor) -> int:
    assert actor.patient_id is not None
    return actor.patient_id


def _weekday(day: date) -> str:
    return day.strftime("%A")


def _hours_left(until: datetime, now: datetime) -> str:
    """'midnight tonight (in about 5 hours)'; 'midnight tonight (in under an hour)'."""
    hours = int((until - now).total_seconds() // 3600)
    if hours < 1:
        return "midnight tonight (in under an hour)"
    return f"midnight tonight (in about {hours} hour{'' if hours == 1 else 's'})"


def _day_asked(text: str, today: date) -> date:
    if not text:
        return today
    try:
        asked = date.fromisoformat(text)
    except ValueError:
        raise ValidationError("Give the day as a date such as 2026-11-21.", field="day") from None
    if asked > today:
        raise ValidationError("A check-in cannot be for a day that has not come yet.", field="day")
    return asked


def _stored_on(
    uow: UnitOfWork, actor: Actor, clock: Clock, day: date, today: date
) -> StoredCheckIn | None:
    """The check-in saved for an earlier ``day``, if any."""
    back = (today - day).days + 1
    if back > checkins.MAX_HISTORY_DAYS:
        return None
    history = checkins.checkin_history(uow, actor, _own(actor), clock, days=back)
    return next((s for s in history if s.checkin.day == day), None)


def _use_hint(own: tuple[AddictionType, ...]) -> str:
    if not own:
        return "Anything you are working on: a drink, a drug, a bet, a habit."
    names = [label(a).split(" (")[0] for a in own]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"{listed}, or anything else you are working on."


def _form_page(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    day_text: str,
    state: forms.FormState | None = None,
    errors: tuple[tuple[str, str], ...] = (),
    *,
    status_code: int = 200,
) -> Response:
    today_view = checkins.checkin_today(uow, actor, _own(actor), clock)
    today = today_view.day
    day = _day_asked(day_text, today)
    is_today = day == today
    existing = today_view.existing if is_today else _stored_on(uow, actor, clock, day, today)
    if not is_today and existing is not None and state is None:
        return RedirectResponse(f"/portal/checkin/saved?day={day.isoformat()}", status_code=303)
    if state is None:
        state = forms.saved_state(existing.checkin) if existing is not None else forms.FormState()
    own = today_view.addictions
    yesterday = today - timedelta(days=1)
    # Offered once there is a history to keep up (never on someone's very first day).
    missed = is_today and today_view.yesterday_missed and today_view.last_checkin_day is not None
    return render(
        request,
        "portal/checkin.html",
        {
            "day": day,
            "weekday": _weekday(day),
            "is_today": is_today,
            "existing": existing is not None,
            "closes": _hours_left(today_view.editable_until, clock.now()) if is_today else "",
            "state": state,
            "errors": forms.errors_by_field(errors),
            "error_list": forms.error_summary(errors),
            "ratings": forms.RATING_QUESTIONS,
            "addictions": forms.addiction_choices(own),
            "use_hint": _use_hint(own),
            "default_units": {a.value: forms.default_unit(a).value for a in AddictionType},
            "others": {a.value for a in AddictionType if a.is_other},
            "units": forms.UNIT_CHOICES,
            "triggers": forms.TRIGGER_CHOICES,
            "coping": forms.COPING_CHOICES,
            "sleep_hours": forms.SLEEP_HOURS_CHOICES,
            "sleep_quality": forms.SLEEP_QUALITY_CHOICES,
            "safety_choices": forms.SAFETY_CHOICES,
            "missed_day": yesterday if missed else None,
            "missed_word": "yesterday",
        },
        status_code=status_code,
    )


@router.get("/portal/checkin")
def checkin_page(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, day: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    return _form_page(request, uow, actor, clock, day)


@router.post("/portal/checkin")
def save_checkin(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    lists = {name: form.getlist(name) for name in forms.LISTS}
    state = forms.posted_state(form, lists)
    day_text = str(form.get("day") or "").strip()

    def again(error: DomainError, status: int) -> Response:
        return _form_page(
            request, uow, actor, clock, day_text, state, errors_of(error), status_code=status
        )

    # guarded: a form whose day cannot be read is answered with the error page itself.
    rerender_form_on_error(request, guarded(request, again))
    today = checkins.checkin_today(uow, actor, _own(actor), clock).day
    day = _day_asked(day_text, today)
    checkin = forms.read_checkin(state, day, today)
    saved = checkins.record_checkin(uow, actor, _own(actor), checkin, clock)
    return RedirectResponse(
        f"/portal/checkin/saved?day={saved.stored.checkin.day.isoformat()}", status_code=303
    )


def _summary(checkin: CheckIn) -> list[tuple[str, str]]:
    rows = [
        ("Mood", f"{checkin.mood} / 10"),
        ("Stress", f"{checkin.stress} / 10"),
        ("Alone or cut off", f"{checkin.loneliness} / 10"),
        ("Cravings", f"{checkin.craving} / 10"),
    ]
    quality = {int(c.value): c.label.lower() for c in forms.SLEEP_QUALITY_CHOICES}
    if checkin.sleep_hours is not None or checkin.sleep_quality is not None:
        words = [f"{checkin.sleep_hours:g} hours"] if checkin.sleep_hours is not None else []
        if checkin.sleep_quality is not None:
            words.append(quality[checkin.sleep_quality])
        rows.append(("Sleep", ", ".join(words)))
    return rows


@router.get("/portal/checkin/saved")
def saved_page(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, day: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    today_view = checkins.checkin_today(uow, actor, _own(actor), clock)
    asked = _day_asked(day, today_view.day)
    if asked == today_view.day:
        stored = today_view.existing
    else:
        stored = _stored_on(uow, actor, clock, asked, today_view.day)
    if stored is None:
        raise NotFound(
            "There is no check-in for that day yet. You can fill it in now.", field="day"
        )
    checkin = stored.checkin
    is_today = asked == today_view.day
    return render(
        request,
        "portal/checkin_saved.html",
        {
            "checkin": checkin,
            "is_today": is_today,
            "today_done": today_view.existing is not None,
            "weekday": _weekday(asked),
            "crisis": checkin.safety is not Safety.NONE,
            "might_act": checkin.safety is Safety.MIGHT_ACT,
            "streak": streak_words(today_view.streak),
            "summary": _summary(checkin),
            "triggers": [TRIGGERS[t] for t in checkin.triggers],
            "coping": [COPING[c] for c in checkin.coping],
            "closes": _hours_left(today_view.editable_until, clock.now()) if is_today else "",
        },
    )


# ---------------------------------------------------------------------------- reminder

REMINDER_FORM = ("enabled", "at", "timezone")


def _next_words(view: reminders.ReminderView) -> str:
    """'Your next reminder: Tuesday 6 January at 07:30 (Europe/London).', or ''."""
    if not view.enabled or view.next_at is None:
        return ""
    try:
        local = view.next_at.astimezone(ZoneInfo(view.effective_timezone))
    except (ZoneInfoNotFoundError, ValueError):
        local = view.next_at
    return (
        f"Your next reminder: {local:%A} {local.day} {local:%B} at {local:%H:%M} "
        f"({view.effective_timezone}), unless you have checked in by then."
    )


def _reminder_page(
    request: Request,
    view: reminders.ReminderView,
    values: dict[str, str] | None = None,
    errors: tuple[tuple[str, str], ...] = (),
    *,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    shown = values or {
        "enabled": "yes" if view.enabled else "",
        "at": view.at.strftime("%H:%M"),
        "timezone": view.timezone or "",
    }
    return render(
        request,
        "portal/checkin_reminder.html",
        {
            "view": view,
            "values": shown,
            "errors": dict(errors),
            "error_list": list(errors),
            "timezones": TIMEZONES,
            "notice": notice,
            "next_reminder": _next_words(view),
        },
        status_code=status_code,
    )


@router.get("/portal/checkin/reminder")
def reminder_page(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, saved: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    view = reminders.reminder_view(uow, actor, _own(actor), clock)
    notice = "Saved. We will use these from now on." if saved else ""
    return _reminder_page(request, view, notice=notice)


def read_reminder(values: dict[str, str]) -> tuple[bool, time, str | None]:
    """Whether the reminder is on, its time, and the chosen time zone (None: the clinic's).
    FormErrors naming the field for a time or zone that cannot be read."""
    problems: list[tuple[str, str]] = []
    at = time(19, 0)
    try:
        at = time.fromisoformat(values["at"]) if values["at"] else at
    except ValueError:
        problems.append(("at", "Give the time as hours and minutes, such as 19:30."))
    if not values["at"] and values["enabled"] == "yes":
        problems.append(("at", "Choose the time you would like the reminder."))
    zone = values["timezone"] or None
    if zone is not None and zone not in TIMEZONES:
        problems.append(("timezone", "Choose your time zone from the list."))
    if problems:
        raise FormErrors(tuple(problems))
    return values["enabled"] == "yes", at.replace(second=0, microsecond=0), zone


@router.post("/portal/checkin/reminder")
def save_reminder(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    values = {name: str(form.get(name) or "").strip() for name in REMINDER_FORM}

    def again(error: DomainError, status: int) -> Response:
        view = reminders.reminder_view(uow, actor, _own(actor), clock)
        return _reminder_page(request, view, values, errors_of(error), status_code=status)

    rerender_form_on_error(request, again)
    enabled, at, zone = read_reminder(values)
    reminders.set_reminder(
        uow, actor, _own(actor), enabled=enabled, at=at, timezone=zone, clock=clock
    )
    return RedirectResponse("/portal/checkin/reminder?saved=1", status_code=303)
