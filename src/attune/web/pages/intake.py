"""The intake: the patient fills it in over one or several sittings; the clinician opens
it and reads the answers.

Portal (phone first, no JavaScript needed)::

    GET  /portal/intake                              the sections, progress, "send"
    GET  /portal/intake/{intake_id}/{section}        one section's form
    POST /portal/intake/{intake_id}/{section}        save it (then the next section)
    POST /portal/intake/{intake_id}/submit           send it to the clinician

Clinic::

    GET  /clinic/patients/{patient_id}/intake        status, progress, battery, answers
    POST /clinic/patients/{patient_id}/intake        open an intake

Each section is saved on its own; a problem is shown next to its field with everything
the patient typed kept on the page, and nothing of that request is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors, NotFound
from attune.domain.intake import SECTIONS, Section
from attune.services import intake as intakes
from attune.services.actors import Actor
from attune.services.intake import IntakeView
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages import intake_form as forms
from attune.web.pages.care_common import guarded
from attune.web.templating import render

router = APIRouter()


@dataclass(frozen=True)
class GroupText:
    """A repeating group's heading and row name for the patient, and its clinical name."""

    title: str
    row: str
    hint: str = ""
    clinic: str = ""


GROUP_TEXTS = {
    "addictions": GroupText("Your list", "Number", clinic="Addictions named"),
    "medications.items": GroupText(
        "Your medicines", "Medicine", "Only if you take medicines regularly.", "Medicines"
    ),
    "treatment.items": GroupText(
        "The help you had", "Earlier help", "Only if you have had help before.", "Earlier treatment"
    ),
}


def _patient_id(actor: Actor) -> int | None:
    return actor.patient_id if not actor.is_staff else None


def _section_or_404(key: str) -> Section:
    try:
        return forms.section(key)
    except KeyError:
        raise NotFound(f"The intake has no section '{key}'.", field="section") from None


def _errors_of(error: DomainError) -> tuple[tuple[str, str], ...]:
    if isinstance(error, FormErrors):
        return error.errors
    return ((error.field or "", error.message),)


def _position(key: str) -> tuple[int, str | None]:
    keys = forms.section_keys()
    index = keys.index(key)
    return index + 1, keys[index + 1] if index + 1 < len(keys) else None


def section_page(
    request: Request,
    *,
    intake_id: int,
    sec: Section,
    raw: forms.RawValues,
    counts: Mapping[str, int],
    errors: tuple[tuple[str, str], ...] = (),
    progress: tuple[int, int] | None = None,
    extra_rows: Mapping[str, int] | None = None,
    notice: str = "",
    crisis: bool = False,
    status_code: int = 200,
) -> Response:
    """One section's form: the given values, each error by its field, and a summary."""
    by_field = forms.error_map(errors)
    blocks = forms.section_view(sec, raw, counts, by_field, extra_rows=extra_rows)
    names = [
        f.name
        for b in blocks
        for f in ([b] if isinstance(b, forms.FieldView) else [f for r in b.rows for f in r.fields])
    ]
    number, next_key = _position(sec.key)
    return render(
        request,
        "portal/intake_section.html",
        {
            "intake_id": intake_id,
            "section": sec,
            "number": number,
            "total": len(SECTIONS),
            "next_key": next_key or "",
            "progress": progress,
            "blocks": blocks,
            "group_texts": GROUP_TEXTS,
            "nothing_to_add": bool(raw.get(forms.NONE_BOX)),
            "error_list": [(forms.anchor_for(name, names), message) for name, message in errors],
            "notice": notice,
            "crisis": crisis,
            "sent": False,
        },
        status_code=status_code,
    )


def thoughts_of_ending_life(view: IntakeView | None) -> bool:
    """The saved answer says the patient has thoughts of ending their life now."""
    return view is not None and view.intake.mental_health.suicidal_thoughts_now is True


def _overview(
    request: Request,
    view: IntakeView | None,
    *,
    errors: tuple[tuple[str, str], ...] = (),
    notice: str = "",
    sent: bool = False,
    status_code: int = 200,
) -> Response:
    problems = []
    for sec in SECTIONS:
        messages = [m for f, m in errors if forms.section_of(f) == sec.key]
        if messages:
            problems.append((sec.key, sec.title, messages))
    pending = view is not None and any(b.status == "due" for b in view.battery)
    answers = []
    if view is not None and view.status == "submitted":
        answers = [(sec, forms.answers_view(view.intake, sec)) for sec in SECTIONS]
    return render(
        request,
        "portal/intake.html",
        {
            "view": view,
            "sections": SECTIONS,
            "problems": problems,
            "problems_count": len(errors),
            "notice": notice,
            "sent": sent,
            "pending": pending,
            "crisis": thoughts_of_ending_life(view),
            "answers": answers,
            "group_texts": GROUP_TEXTS,
        },
        status_code=status_code,
    )


@router.get("/portal/intake")
def portal_intake(
    request: Request,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    saved: str = "",
    sent: str = "",
) -> Response:
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    view = intakes.current_intake(uow, actor, patient_id, clock)
    notice = ""
    if saved:
        notice = (
            "Saved. Every section is finished: send your answers whenever you are ready."
            if view is not None and view.complete
            else "Saved. You can come back to the rest whenever you like."
        )
    return _overview(request, view, notice=notice, sent=bool(sent))


def _open_view(view: IntakeView | None, intake_id: int) -> IntakeView:
    if view is None or view.id != intake_id:
        raise NotFound("This intake is not waiting for you.", field="intake_id")
    return view


@router.get("/portal/intake/{intake_id}/{section_key}")
def portal_section(
    request: Request,
    intake_id: int,
    section_key: str,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    more: int = 0,
    group: str = "",
) -> Response:
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    sec = _section_or_404(section_key)
    view = _open_view(intakes.current_intake(uow, actor, patient_id, clock), intake_id)
    if view.status != "open":
        return RedirectResponse("/portal/intake", status_code=303)
    raw, counts = forms.raw_from_intake(view.intake, sec)
    extra = {group: max(0, min(more, 5))} if group else None
    return section_page(
        request,
        intake_id=intake_id,
        sec=sec,
        raw=raw,
        counts=counts,
        progress=view.progress,
        extra_rows=extra,
        crisis=thoughts_of_ending_life(view),
    )


@router.post("/portal/intake/{intake_id}/submit")
def portal_submit(
    request: Request,
    intake_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> Response:
    """Send the intake: every missing or contradictory answer is listed by section."""
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)

    def again(error: DomainError, status: int) -> Response:
        view = intakes.current_intake(uow, actor, patient_id, clock)
        return _overview(request, view, errors=_errors_of(error), status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    intakes.submit_intake(uow, actor, intake_id, clock)
    return RedirectResponse("/portal/intake?sent=1", status_code=303)


@router.post("/portal/intake/{intake_id}/{section_key}")
def portal_save_section(
    request: Request,
    intake_id: int,
    section_key: str,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    sec = _section_or_404(section_key)
    raw, counts = forms.raw_from_form(sec, form.multi_items())

    def again(error: DomainError, status: int) -> Response:
        return section_page(
            request,
            intake_id=intake_id,
            sec=sec,
            raw=raw,
            counts=counts,
            errors=_errors_of(error),
            status_code=status,
        )

    rerender_form_on_error(request, again)
    answers = forms.parse_section(sec, raw, counts)
    intakes.save_intake_section(uow, actor, intake_id, sec.key, answers, clock)
    action = form.get("action")
    base = f"/portal/intake/{intake_id}"
    if isinstance(action, str) and action.startswith("add:"):
        group = action.removeprefix("add:")
        return RedirectResponse(
            f"{base}/{sec.key}?group={group}&more=1#{forms.field_id(group)}", status_code=303
        )
    _, next_key = _position(sec.key)
    if action == "next" and next_key:
        return RedirectResponse(f"{base}/{next_key}", status_code=303)
    return RedirectResponse("/portal/intake?saved=1", status_code=303)


# ---------------------------------------------------------------------------- clinic


@router.get("/clinic/patients/{patient_id}/intake")
def clinic_intake(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    opened: str = "",
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal", status_code=303)
    view = intakes.current_intake(uow, actor, patient_id, clock)
    sections = []
    if view is not None:
        for sec in SECTIONS:
            sections.append(
                (sec, sec.key in view.sections_done, forms.answers_view(view.intake, sec))
            )
    return render(
        request,
        "clinic/intake.html",
        {
            "patient_id": patient_id,
            "view": view,
            "sections": sections,
            "notice": "The intake is open: the patient can now fill it in from the portal."
            if opened
            else "",
            "here": "intake",
            "group_texts": GROUP_TEXTS,
        },
    )


@router.post("/clinic/patients/{patient_id}/intake")
def clinic_open_intake(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal", status_code=303)
    intakes.open_intake(uow, actor, patient_id, clock)
    return RedirectResponse(f"/clinic/patients/{patient_id}/intake?opened=1", status_code=303)
