"""The KAP course for the clinician: open a course, its phase, what may happen next and
what is blocked (with every reason), eligibility and the prescriber's sign-off, consent and
preparation, the sessions with their integration, adverse events, stopping the course.

::

    GET  /clinic/patients/{patient_id}/kap                                  the course page
    POST /clinic/patients/{patient_id}/kap                                  open a course
    POST /clinic/patients/{patient_id}/kap/{course_id}/eligibility          assess eligibility
    POST /clinic/patients/{patient_id}/kap/{course_id}/eligibility/{eligibility_id}/sign-off
    POST /clinic/patients/{patient_id}/kap/{course_id}/consent              consent given in person
    POST /clinic/patients/{patient_id}/kap/{course_id}/stop                 stop the course
    POST /clinic/patients/{patient_id}/kap/{course_id}/aftercare            start aftercare

A form that cannot be saved comes back with each message next to its field and the
answers kept (422); a step the course refuses comes back with every reason, and nothing
saved (409). Who may do what is the services' decision; a patient is sent to the portal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import Conflict, DomainError, StepRefused, ValidationError
from attune.domain.kap.course_model import NextStep, Phase, StepKind
from attune.domain.kap.eligibility_model import AtHomeAnswers
from attune.domain.kap.eligibility_rules import Severity
from attune.domain.kap.program import PROGRAMS
from attune.domain.kap.signoff import MIN_RATIONALE
from attune.services import kap_course
from attune.services.actors import Actor
from attune.services.kap_views import CourseView
from attune.services.ports import UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.pages.kap_forms import Reader, errors_of, field_id, posted
from attune.web.templating import render

router = APIRouter(prefix="/clinic/patients/{patient_id}/kap")

PROGRAM_NAMES = {
    "in_office": "Ketamine in the office",
    "at_home": "Ketamine at home",
    "spravato_in_office": "Spravato (esketamine) in the office",
}
PROGRAM_HINTS = {
    "in_office": "Doses given and monitored here, with vital signs and a discharge check.",
    "at_home": "Doses taken at home with a sober sitter, after a dosing-day gate each time.",
    "spravato_in_office": "Esketamine nasal spray under its REMS: here only, never at home.",
}
PHASES = (
    (Phase.PREPARATION, "Preparation"),
    (Phase.DOSING, "Dosing and integration"),
    (Phase.AFTERCARE, "Aftercare"),
)
OUTCOME_NAMES = {
    "eligible": "Eligible",
    "eligible_with_conditions": "Eligible with conditions",
    "not_eligible": "Not eligible",
}
SEVERITY_NAMES = {
    Severity.EXCLUDE: "Rules it out",
    Severity.CONDITION: "Condition",
    Severity.NOTE: "Note",
}
GROUP_NAMES = {
    Severity.EXCLUDE: "Exclusions",
    Severity.CONDITION: "Conditions",
    Severity.NOTE: "Notes",
}
DECISIONS = (
    ("approve", "Approve: go ahead"),
    ("decline", "Decline: do not go ahead"),
    ("override", "Override the exclusions named below, with a rationale"),
)
AT_HOME_QUESTIONS = (
    ("sober_adult_sitter", "A sober adult will sit with them for each session"),
    ("owns_bp_cuff", "They have a working blood-pressure cuff at home"),
    ("agrees_no_driving", "They agree not to drive until the next day after sleep"),
    (
        "agrees_no_alcohol",
        "They agree to no alcohol the day before, the day of and the day after each session",
    ),
)
ASSESS_FIELDS = ("systolic", "diastolic", *(f"at_home.{k}" for k, _ in AT_HOME_QUESTIONS))
SIGN_OFF_FIELDS = ("decision", "note", "rationale")
NOTICES = {
    "opened": "The course is open. Check eligibility next.",
    "assessed": "Eligibility is checked. Every reason is listed below with its source.",
    "signed": "The sign-off is recorded.",
    "consent": "Consent given in person is recorded.",
    "stopped": "The course is stopped. Integration sessions and adverse events can still be "
    "recorded.",
    "aftercare": "The course has moved to aftercare.",
}


def to_portal() -> Response:
    return RedirectResponse("/portal", status_code=303)


def course_url(patient_id: int) -> str:
    return f"/clinic/patients/{patient_id}/kap"


@dataclass(frozen=True)
class StepView:
    """A next step in words, with the page it is done on (if any)."""

    step: NextStep
    title: str
    link: str
    link_text: str


def step_views(view: CourseView) -> list[StepView]:
    """Every next step but "stop" (the stop form is always at the foot of the page)."""
    base = course_url(view.patient_id)
    by_dose = {s.dose_number: s for s in view.sessions}
    found: list[StepView] = []
    for step in view.next_steps:
        n = step.dose_number
        title, link, text = "", "", ""
        if step.kind is StepKind.STOP:
            continue
        if step.kind is StepKind.PREPARATION:
            title = "Preparation: the patient works through the modules in the portal"
            link, text = "#consent-title", "See the modules"
        elif step.kind is StepKind.CONSENT:
            title, link, text = "Consent", "#consent-title", "Record consent"
        elif step.kind is StepKind.SIGN_OFF:
            title, link = "Prescriber's sign-off on eligibility", "#eligibility-title"
            text = "Sign it off" if view.eligibility is not None else "Check eligibility first"
        elif step.kind is StepKind.GATE:
            title = "Dosing-day gate: the patient answers it in the portal on the day"
        elif step.kind is StepKind.DOSE_IN_OFFICE:
            title = f"Dose {n} in the office"
            link = f"{base}/{view.id}/sessions/new"
            text = "Start the session" if step.allowed else "Open the session form"
        elif step.kind is StepKind.DOSE_AT_HOME:
            title = f"Dose {n} at home, after the day's gate (in the portal)"
        elif step.kind is StepKind.INTEGRATION:
            title = f"Integration session after dose {n}"
            session = by_dose.get(n) if n is not None else None
            if session is not None:
                link = f"{base}/sessions/{session.id}#integration-title"
                text = "Schedule or record it"
        elif step.kind is StepKind.AFTERCARE:
            title, link, text = "Aftercare", "#aftercare", ""
        found.append(StepView(step, title, link, text))
    return found


def page(
    request: Request,
    patient_id: int,
    view: CourseView | None,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refused: Sequence[str] = (),
    notice: str = "",
    status_code: int = 200,
) -> Response:
    """The course page; ``form`` names the form whose ``values`` and ``errors`` are shown."""
    result = view.eligibility if view is not None else None
    signed_this = (
        view is not None
        and view.sign_off is not None
        and result is not None
        and view.sign_off.eligibility_id == result.id
    )
    return render(
        request,
        "kap/clinic_course.html",
        {
            "patient_id": patient_id,
            "here": "kap",
            "view": view,
            "steps": step_views(view) if view is not None else [],
            "result": result,
            "signed_this": signed_this,
            "programs": [(p.id, PROGRAM_NAMES[p.id], PROGRAM_HINTS[p.id]) for p in PROGRAMS],
            "program_names": PROGRAM_NAMES,
            "phases": PHASES,
            "outcome_names": OUTCOME_NAMES,
            "severity_names": SEVERITY_NAMES,
            "group_names": GROUP_NAMES,
            "severities": list(Severity),
            "decisions": DECISIONS,
            "at_home_questions": AT_HOME_QUESTIONS,
            "min_rationale": MIN_RATIONALE,
            "form": form,
            "values": values or {},
            "errors": errors or {},
            "refused": tuple(refused),
            "notice": notice,
            "fid": field_id,
        },
        status_code=status_code,
    )


def _again(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    clock: ClockDep,
    error: DomainError,
    form: str,
    values: dict[str, str],
    fallback: str,
) -> Response:
    """The page again after a refused form: its messages by field, or the refusal."""
    view = kap_course.course_view(uow, actor, patient_id, clock)
    if isinstance(error, Conflict):
        reasons = error.reasons if isinstance(error, StepRefused) else (error.message,)
        return page(
            request, patient_id, view, form=form, values=values, refused=reasons, status_code=409
        )
    errors = errors_of(error, fallback)
    return page(request, patient_id, view, form=form, values=values, errors=errors, status_code=422)


@router.get("")
def course_page(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    done: str = "",
) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = kap_course.course_view(uow, actor, patient_id, clock)
    return page(request, patient_id, view, notice=NOTICES.get(done, ""))


def _done(patient_id: int, what: str, anchor: str = "") -> Response:
    return RedirectResponse(f"{course_url(patient_id)}?done={what}{anchor}", status_code=303)


@router.post("")
def open_course(
    request: Request, patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, ("program",))
    try:
        if not values["program"]:
            raise ValidationError("Choose the program.", field="program")
        kap_course.open_course(uow, actor, patient_id, values["program"], clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "open", values, "program")
    return _done(patient_id, "opened")


def read_assessment(
    values: dict[str, str], at_home: bool
) -> tuple[tuple[int, int] | None, AtHomeAnswers | None]:
    """The blood pressure (both numbers, or neither) and, at home, the answers."""
    read = Reader(values)
    systolic = read.whole("systolic", 50, 300)
    diastolic = read.whole("diastolic", 20, 200)
    pressure = None
    if (systolic is None) != (diastolic is None) and not read.errors:
        missing = "diastolic" if diastolic is None else "systolic"
        read.fail(missing, "Blood pressure needs both numbers.")
    elif systolic is not None and diastolic is not None:
        pressure = (systolic, diastolic)
    answers = None
    if at_home:
        answers = AtHomeAnswers(**{k: read.yes_no(f"at_home.{k}") for k, _ in AT_HOME_QUESTIONS})
    read.done()
    return pressure, answers


@router.post("/{course_id}/eligibility")
def assess(
    request: Request,
    patient_id: int,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, (*ASSESS_FIELDS, "program"))
    try:
        pressure, answers = read_assessment(values, values["program"] == "at_home")
        kap_course.assess_eligibility(uow, actor, course_id, pressure, answers, clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "assess", values, "systolic")
    return _done(patient_id, "assessed", "#eligibility-title")


@router.post("/{course_id}/eligibility/{eligibility_id}/sign-off")
def sign_off(
    request: Request,
    patient_id: int,
    course_id: int,
    eligibility_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, SIGN_OFF_FIELDS)
    overridden = tuple(str(v) for v in form.getlist("overridden") if str(v).strip())
    values["overridden"] = " ".join(overridden)
    try:
        if not values["decision"]:
            raise ValidationError("Choose approve, decline or override.", field="decision")
        kap_course.sign_off_eligibility(
            uow,
            actor,
            course_id,
            eligibility_id,
            values["decision"],
            values["note"],
            clock,
            rationale=values["rationale"],
            overridden=overridden,
        )
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "sign", values, "decision")
    return _done(patient_id, "signed", "#eligibility-title")


@router.post("/{course_id}/consent")
def consent(
    request: Request, patient_id: int, course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    try:
        kap_course.record_consent(uow, actor, course_id, clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "consent", {}, "consent")
    return _done(patient_id, "consent", "#consent-title")


@router.post("/{course_id}/stop")
def stop(
    request: Request,
    patient_id: int,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, ("reason",))
    try:
        kap_course.stop_course(uow, actor, course_id, values["reason"], clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "stop", values, "reason")
    return _done(patient_id, "stopped")


@router.post("/{course_id}/aftercare")
def aftercare(
    request: Request, patient_id: int, course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    try:
        kap_course.start_aftercare(uow, actor, course_id, clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, clock, error, "aftercare", {}, "aftercare")
    return _done(patient_id, "aftercare")
