"""The patient's KAP course in the portal: where they are, preparation, the safety plan
and consent. Phone first; every page works without JavaScript.

::

    GET  /portal/kap                                   where you are and what comes next
    GET  /portal/kap/preparation/{module}              one preparation module to read
    POST /portal/kap/{course}/preparation/{module}     "I have read this": mark it done
    GET  /portal/kap/safety-plan                       the safety plan form
    POST /portal/kap/{course}/safety-plan              save it (complete: the module is done)
    GET  /portal/kap/consent                           what consent means; give or withdraw
    POST /portal/kap/{course}/consent                  give consent (the box must be ticked)
    POST /portal/kap/{course}/consent/withdraw         withdraw it

The journal is in :mod:`.kap_journal`, the dosing day in :mod:`.kap_home`.
Staff are sent to the clinic's pages. A problem is shown next to its field with what the
patient wrote kept, and nothing of that request is saved.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors, NotFound, ValidationError
from attune.domain.kap.preparation import ModuleKind, get_module
from attune.services import kap_course
from attune.services.actors import Actor
from attune.services.kap_views import CourseView
from attune.web.deps import ActorDep, ClockDep, FormDep, SettingsDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages import kap_portal_view as views
from attune.web.pages.care_common import guarded
from attune.web.templating import render

router = APIRouter()

YES = "yes"


def patient_or_redirect(actor: Actor) -> Response | None:
    """Staff are sent to the clinic's pages: these pages are the patient's own."""
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    return None


def errors_of(error: DomainError) -> tuple[tuple[str, str], ...]:
    if isinstance(error, FormErrors):
        return error.errors
    return ((error.field or "", error.message),)


def _no_course() -> NotFound:
    return NotFound(
        "You don't have a KAP course. If you and your care team decide on one, it will "
        "appear here.",
        field="course_id",
    )


def my_course(actor: Actor, uow: UowDep, clock: ClockDep) -> CourseView:
    """The patient's newest course (NotFound, said kindly, when there is none)."""
    assert actor.patient_id is not None
    view = kap_course.course_view(uow, actor, actor.patient_id, clock)
    if view is None:
        raise _no_course()
    return view


# ---------------------------------------------------------------------------- overview


@router.get("/portal/kap")
def course_home(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, done: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    assert actor.patient_id is not None
    view = kap_course.course_view(uow, actor, actor.patient_id, clock)
    notices = {
        "consent": "Thank you. Your consent is recorded.",
        "withdrawn": "Your consent is withdrawn. Nothing more happens in the course unless "
        "you choose to give it again, and your care continues as before.",
        "module": "Done. That part of your preparation is ticked off.",
    }
    return render(
        request,
        "kap/portal_course.html",
        {
            "view": view,
            "steps": views.journey(view, clock.now()) if view is not None else (),
            "phase_text": views.phase_text(view) if view is not None else "",
            "program_text": views.program_text(view) if view is not None else "",
            "home_session": views.open_home_session(view) if view is not None else None,
            "link_for": views.module_link,
            "notice": notices.get(done, ""),
        },
    )


# ---------------------------------------------------------------------------- preparation


def _module_page(
    request: Request,
    view: CourseView,
    module_key: str,
    *,
    error: str = "",
    status_code: int = 200,
) -> Response:
    module = get_module(module_key, view.program)
    status = next(m for m in view.preparation if m.key == module.key)
    keys = [m.key for m in view.preparation]
    position = keys.index(module.key)
    following = view.preparation[position + 1] if position + 1 < len(keys) else None
    return render(
        request,
        "kap/portal_module.html",
        {
            "view": view,
            "module": module,
            "status": status,
            "number": position + 1,
            "total": len(keys),
            "following": following,
            "link_for": views.module_link,
            "safety_plan": module.kind is ModuleKind.SAFETY_PLAN,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/preparation/{module_key}")
def module_page(
    request: Request, module_key: str, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    return _module_page(request, my_course(actor, uow, clock), module_key)


@router.post("/portal/kap/{course_id}/preparation/{module_key}")
def complete_module(
    request: Request,
    course_id: int,
    module_key: str,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect

    def again(error: DomainError, status: int) -> Response:
        view = my_course(actor, uow, clock)
        if view.id != course_id:
            raise _no_course()
        return _module_page(request, view, module_key, error=error.message, status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    if form.get("confirmed") != YES:
        raise ValidationError(
            "Please tick the box to say you have read this. There is no rush.", field="confirmed"
        )
    kap_course.complete_preparation(uow, actor, course_id, module_key, clock)
    return RedirectResponse("/portal/kap?done=module", status_code=303)


# ---------------------------------------------------------------------------- safety plan


def _plan_page(
    request: Request,
    view: CourseView,
    form: views.PlanForm,
    *,
    errors: tuple[tuple[str, str], ...] = (),
    notice: str = "",
    missing: tuple[tuple[str, str], ...] = (),
    done_at: object = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "kap/portal_safety_plan.html",
        {
            "view": view,
            "form": form,
            "errors": views.plan_errors(errors),
            "error_count": len(errors),
            "notice": notice,
            "missing": [message for _, message in missing],
            "done_at": done_at,
        },
        status_code=status_code,
    )


@router.get("/portal/kap/safety-plan")
def safety_plan_page(
    request: Request,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    saved: str = "",
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    view = my_course(actor, uow, clock)
    stored = kap_course.safety_plan(uow, actor, view.id, clock)
    form = views.plan_form(stored.plan if stored is not None else None, settings.crisis_line)
    notice = ""
    if saved and stored is not None:
        notice = (
            "Saved. Your safety plan is complete, and that part of your preparation is done."
            if stored.complete
            else "Saved. You can come back and add the rest whenever you like."
        )
    return _plan_page(
        request,
        view,
        form,
        notice=notice,
        missing=stored.missing if stored is not None else (),
        done_at=stored.done_at if stored is not None else None,
    )


@router.post("/portal/kap/{course_id}/safety-plan")
def save_safety_plan(
    request: Request,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    posted = views.posted_plan(form.multi_items())

    def again(error: DomainError, status: int) -> Response:
        view = my_course(actor, uow, clock)
        if view.id != course_id:
            raise _no_course()
        return _plan_page(request, view, posted, errors=errors_of(error), status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    kap_course.save_safety_plan(uow, actor, course_id, views.read_safety_plan(posted), clock)
    return RedirectResponse("/portal/kap/safety-plan?saved=1", status_code=303)


# ---------------------------------------------------------------------------- consent


def _consent_page(
    request: Request, view: CourseView, *, error: str = "", status_code: int = 200
) -> Response:
    return render(
        request,
        "kap/portal_consent.html",
        {"view": view, "program_text": views.program_text(view), "error": error},
        status_code=status_code,
    )


@router.get("/portal/kap/consent")
def consent_page(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    return _consent_page(request, my_course(actor, uow, clock))


@router.post("/portal/kap/{course_id}/consent")
def give_consent(
    request: Request,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect

    def again(error: DomainError, status: int) -> Response:
        view = my_course(actor, uow, clock)
        if view.id != course_id:
            raise _no_course()
        return _consent_page(request, view, error=error.message, status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    if form.get("agree") != YES:
        raise ValidationError(
            "Please tick the box if you agree. If you are not sure, that is fine: talk it "
            "through with your care team first.",
            field="agree",
        )
    kap_course.record_consent(uow, actor, course_id, clock)
    return RedirectResponse("/portal/kap?done=consent", status_code=303)


@router.post("/portal/kap/{course_id}/consent/withdraw")
def withdraw_consent(
    request: Request, course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    kap_course.withdraw_consent(uow, actor, course_id, clock)
    return RedirectResponse("/portal/kap?done=withdrawn", status_code=303)
