"""At-home KAP in the patient portal: the dosing day, step by step.

::

    GET  /portal/kap/home                                the day: the checklist's result, the
                                                         dose, the session under way
    GET  /portal/kap/home/gate                           the dosing-day checklist
    POST /portal/kap/{course}/gate                       check it (then back to the day)
    POST /portal/kap/{course}/dose                       "I have taken my dose"
    GET  /portal/kap/home/sessions/{session}             the sitter's check-ins, the next one due
    POST /portal/kap/home/sessions/{session}/checkins    a sitter check-in
    GET  /portal/kap/home/sessions/{session}/after       the check-in after the session
    POST /portal/kap/home/sessions/{session}/after       save it

Anything out of range STOPS the flow: the page shows, first and plainly, what to do now
(the domain's instructions), says that the care team has been told (the services raise
the clinician's flag), and offers no dose. Every page works without JavaScript;
``static/js/kap_home.js`` only counts down to the next check-in. The sitter uses the
patient's portal session on the same phone.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, NotFound
from attune.domain.kap.athome import GateItem
from attune.services import kap_home
from attune.services.actors import Actor
from attune.services.kap_home import DueCheckins
from attune.services.kap_views import CheckinView, CourseView
from attune.web.deps import ActorDep, ClockDep, FormDep, SettingsDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages import kap_home_forms as forms
from attune.web.pages import kap_portal_view as views
from attune.web.pages.care_common import guarded
from attune.web.pages.kap_forms import posted
from attune.web.pages.kap_portal import errors_of, my_course, patient_or_redirect
from attune.web.templating import render

router = APIRouter()

EMERGENCY = "Call 911 now."

GATE_TITLES = {
    GateItem.FASTING: "Eating",
    GateItem.SITTER: "Your sitter",
    GateItem.BLOOD_PRESSURE: "Blood pressure",
    GateItem.PHONE: "Your phone",
    GateItem.NO_DRIVING: "No driving",
    GateItem.INTENTION: "Your intention",
}


def minutes_until(moment: datetime, now: datetime) -> int:
    """Whole minutes from now until ``moment`` (rounded up; 0 once it has come)."""
    seconds = (moment - now).total_seconds()
    return max(0, int(-(-seconds // 60)))


def _course_at_home(actor: Actor, uow: UowDep, clock: ClockDep) -> CourseView:
    view = my_course(actor, uow, clock)
    if not view.program.at_home:
        raise NotFound(
            "Your course is in the clinic, so there is no dosing day at home. Your care team "
            "will book each session with you.",
            field="course_id",
        )
    return view


# ---------------------------------------------------------------------------- the day


@router.get("/portal/kap/home")
def dosing_day(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    view = _course_at_home(actor, uow, clock)
    gate = kap_home.todays_gate(uow, actor, view.id, clock)
    now = clock.now()
    dosing = next(s for s in views.journey(view, now) if s.key == "dosing")
    return render(
        request,
        "kap/home_day.html",
        {
            "view": view,
            "gate": gate,
            "titles": GATE_TITLES,
            "dosing": dosing,
            "session": views.open_home_session(view),
            "emergency": EMERGENCY,
        },
    )


def _gate_page(
    request: Request,
    view: CourseView,
    values: Mapping[str, str],
    errors: tuple[tuple[str, str], ...] = (),
    *,
    status_code: int = 200,
) -> Response:
    by_field: dict[str, str] = {}
    for name, message in errors:
        key = forms.form_field(name)
        by_field[key] = f"{by_field[key]} {message}" if key in by_field else message
    return render(
        request,
        "kap/home_gate.html",
        {
            "view": view,
            "values": {name: values.get(name, "") for name in forms.GATE_FORM},
            "errors": {name: by_field.get(name, "") for name in forms.GATE_FORM},
            "error_list": [(forms.form_field(n), m) for n, m in errors],
            "fasted_choices": forms.FASTED_CHOICES,
            "measured_choices": forms.MEASURED_CHOICES,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/home/gate")
def gate_form(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    view = _course_at_home(actor, uow, clock)
    return _gate_page(request, view, {"bp_measured": "0"})


@router.post("/portal/kap/{course_id}/gate")
def check_gate(
    request: Request,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    values = posted(form, forms.GATE_FORM)

    def again(error: DomainError, status: int) -> Response:
        view = _course_at_home(actor, uow, clock)
        if view.id != course_id:
            raise NotFound(f"There is no KAP course with id {course_id}.", field="course_id")
        return _gate_page(request, view, values, errors_of(error), status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    answers = forms.read_gate(values, clock.now())
    kap_home.dosing_day_gate(uow, actor, course_id, answers, clock)
    return RedirectResponse("/portal/kap/home#today", status_code=303)


@router.post("/portal/kap/{course_id}/dose")
def take_dose(
    request: Request, course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    session = kap_home.record_home_dose(uow, actor, course_id, clock.now(), clock)
    return RedirectResponse(f"/portal/kap/home/sessions/{session.id}?started=1", status_code=303)


# ---------------------------------------------------------------------------- the session


def _latest(due: DueCheckins, checkin_id: int | None) -> CheckinView | None:
    if checkin_id is None:
        return None
    return next((c for c in due.done if c.id == checkin_id), None)


def _session_page(
    request: Request,
    actor: Actor,
    due: DueCheckins,
    now: datetime,
    *,
    result: CheckinView | None = None,
    started: bool = False,
    values: Mapping[str, str] | None = None,
    errors: tuple[tuple[str, str], ...] = (),
    status_code: int = 200,
) -> Response:
    by_field = dict(errors)
    sitter = [c for c in due.done if c.kind == "sitter"]
    after = next((c for c in due.done if c.kind == "post_session"), None)
    return render(
        request,
        "kap/home_session.html",
        {
            "due": due,
            "now": now,
            "patient_name": actor.name,
            "result": result,
            "started": started,
            "sitter_checkins": sitter,
            "after": after,
            "minutes_to_next": minutes_until(due.next_at, now) if due.next_at else None,
            "values": {name: (values or {}).get(name, "") for name in forms.SITTER_FORM},
            "errors": {name: by_field.get(name, "") for name in forms.SITTER_FORM},
            "error_list": list(errors),
            "emergency": EMERGENCY,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/home/sessions/{session_id}")
def session_page(
    request: Request,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    checkin: int | None = None,
    started: str = "",
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    due = kap_home.due_checkins(uow, actor, session_id, clock)
    return _session_page(
        request,
        actor,
        due,
        clock.now(),
        result=_latest(due, checkin),
        started=bool(started),
    )


@router.post("/portal/kap/home/sessions/{session_id}/checkins")
def record_checkin(
    request: Request,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    values = posted(form, forms.SITTER_FORM)

    def again(error: DomainError, status: int) -> Response:
        due = kap_home.due_checkins(uow, actor, session_id, clock)
        return _session_page(
            request,
            actor,
            due,
            clock.now(),
            values=values,
            errors=errors_of(error),
            status_code=status,
        )

    rerender_form_on_error(request, guarded(request, again))
    answers = forms.read_sitter_checkin(values, clock.now())
    saved = kap_home.sitter_checkin(uow, actor, session_id, answers, clock)
    return RedirectResponse(
        f"/portal/kap/home/sessions/{session_id}?checkin={saved.id}#result", status_code=303
    )


def _after_page(
    request: Request,
    session_id: int,
    due: DueCheckins,
    values: Mapping[str, str],
    ticked: tuple[str, ...] = (),
    errors: tuple[tuple[str, str], ...] = (),
    *,
    status_code: int = 200,
) -> Response:
    by_field: dict[str, str] = {}
    for name, message in errors:
        key = "sitter_stayed" if name == "sitter_stayed_until" else name
        by_field[key] = f"{by_field[key]} {message}" if key in by_field else message
    return render(
        request,
        "kap/home_after.html",
        {
            "session_id": session_id,
            "due": due,
            "values": {name: values.get(name, "") for name in forms.POST_FORM},
            "ticked": ticked,
            "errors": {name: by_field.get(name, "") for name in (*forms.POST_FORM, "side_effects")},
            "error_count": len(errors),
            "side_effects": forms.SIDE_EFFECTS,
            "sitter_choices": forms.SITTER_CHOICES,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/home/sessions/{session_id}/after")
def after_form(
    request: Request, session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    due = kap_home.due_checkins(uow, actor, session_id, clock)
    if due.completed:
        return RedirectResponse(f"/portal/kap/home/sessions/{session_id}", status_code=303)
    return _after_page(request, session_id, due, {})


@router.post("/portal/kap/home/sessions/{session_id}/after")
def record_after(
    request: Request,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
    settings: SettingsDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    values = posted(form, forms.POST_FORM)
    ticked = tuple(v for v in form.getlist("side_effects") if isinstance(v, str))

    def again(error: DomainError, status: int) -> Response:
        due = kap_home.due_checkins(uow, actor, session_id, clock)
        return _after_page(
            request, session_id, due, values, ticked, errors_of(error), status_code=status
        )

    rerender_form_on_error(request, guarded(request, again))
    due = kap_home.due_checkins(uow, actor, session_id, clock)
    answers = forms.read_post_session(values, ticked, clock.now(), due.dosed_at)
    saved = kap_home.post_session_checkin(
        uow, actor, session_id, answers, clock, crisis_line=settings.crisis_line
    )
    return RedirectResponse(
        f"/portal/kap/home/sessions/{session_id}?checkin={saved.id}#result", status_code=303
    )
