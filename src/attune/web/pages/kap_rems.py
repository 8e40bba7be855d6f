"""The Spravato REMS patient-monitoring record for the clinician: the form, a printable
page, the PDF, marking it submitted, and the clinic's records not yet submitted.

::

    GET  /clinic/patients/{patient_id}/kap/sessions/{session_id}/rems            the form
    POST /clinic/patients/{patient_id}/kap/sessions/{session_id}/rems            save it
    GET  /clinic/patients/{patient_id}/kap/sessions/{session_id}/rems/print      printable
    GET  /clinic/patients/{patient_id}/kap/sessions/{session_id}/rems.pdf        PDF
    POST /clinic/patients/{patient_id}/kap/sessions/{session_id}/rems/submitted  mark submitted
    GET  /clinic/kap/rems                              records not yet submitted (overdue first)
    POST /clinic/kap/rems/{session_id}/submitted       mark submitted from the list

The record may be saved part-filled: what is still missing is listed with a link to each
field. It is marked submitted only when complete, with the confirmation number; after that
it is not changed again.
"""

from __future__ import annotations

from datetime import date
from itertools import groupby

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import Conflict, DomainError, NotFound, ValidationError
from attune.domain.kap.spravato import MEDICINE_LABELS
from attune.domain.kap.spravato_form import NOT_RECORDED, FormLine
from attune.services import kap_sessions
from attune.services.actors import Actor
from attune.services.clock import Clock
from attune.services.kap_views import SessionView
from attune.services.ports import UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.pages import kap_rems_form as rf
from attune.web.pages.kap_clinic import to_portal
from attune.web.pages.kap_forms import Reader, errors_of, field_id, posted
from attune.web.pages.kap_session import session_url
from attune.web.templating import render

router = APIRouter()

SESSION = "/clinic/patients/{patient_id}/kap/sessions/{session_id}"
SUBMIT_FIELDS = ("confirmation", "submitted_on")
NOTICES = {
    "saved": "The REMS record is saved.",
    "submitted": "The record is marked submitted.",
}


def _rems_view(view: SessionView, patient_id: int) -> SessionView:
    if view.patient_id != patient_id:
        raise NotFound(f"There is no KAP session with id {view.id}.", field="session_id")
    if view.rems is None:
        raise NotFound(
            "This session has no Spravato REMS record (only Spravato sessions have one).",
            field="session_id",
        )
    return view


def _page(
    request: Request,
    patient_id: int,
    view: SessionView,
    clock: Clock,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    submit_values: dict[str, str] | None = None,
    submit_errors: dict[str, str] | None = None,
    refused: tuple[str, ...] = (),
    notice: str = "",
    status_code: int = 200,
) -> Response:
    view = _rems_view(view, patient_id)
    assert view.rems is not None
    rems = view.rems
    url = session_url(patient_id, view.id)
    return render(
        request,
        "kap/rems.html",
        {
            "patient_id": patient_id,
            "here": "kap",
            "view": view,
            "rems": rems,
            "url": url,
            "values": values if values is not None else rf.form_from_record(rems.record),
            "errors": errors or {},
            "missing": [(rf.control_for(f) or "rems-title", f, m) for f, m in rems.problems],
            "submit_values": submit_values
            or {"confirmation": "", "submitted_on": clock.now().date().isoformat()},
            "submit_errors": submit_errors or {},
            "refused": refused,
            "notice": notice,
            "medicines": MEDICINE_LABELS,
            "sexes": rf.SEX_CHOICES,
            "doses": rf.DOSE_CHOICES,
            "pressures": rf.BP_LABELS,
            "fid": field_id,
        },
        status_code=status_code,
    )


@router.get(SESSION + "/rems")
def rems_page(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    done: str = "",
) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = kap_sessions.session_view(uow, actor, session_id, clock)
    return _page(request, patient_id, view, clock, notice=NOTICES.get(done, ""))


def _again(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    session_id: int,
    clock: Clock,
    error: DomainError,
    *,
    values: dict[str, str] | None = None,
    submit_values: dict[str, str] | None = None,
) -> Response:
    """The page again after a refused save (``values``) or submission (``submit_values``)."""
    view = kap_sessions.session_view(uow, actor, session_id, clock)
    if isinstance(error, Conflict):
        return _page(
            request,
            patient_id,
            view,
            clock,
            values=values,
            submit_values=submit_values,
            refused=(error.message,),
            status_code=409,
        )
    found = errors_of(error, "rems")
    if submit_values is not None:
        return _page(
            request,
            patient_id,
            view,
            clock,
            values=values,
            submit_values=submit_values,
            submit_errors=found,
            status_code=422,
        )
    errors = {rf.control_for(f) or f: m for f, m in found.items()}
    return _page(
        request,
        patient_id,
        view,
        clock,
        values=values,
        submit_values=submit_values,
        errors=errors,
        status_code=422,
    )


@router.post(SESSION + "/rems")
def save_rems(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, rf.FIELDS)
    try:
        record = rf.record_from_form(values)
        kap_sessions.update_rems(uow, actor, session_id, record, clock)
    except (ValidationError, Conflict) as error:
        return _again(request, uow, actor, patient_id, session_id, clock, error, values=values)
    return RedirectResponse(
        f"{session_url(patient_id, session_id)}/rems?done=saved", status_code=303
    )


def _submitted_on(values: dict[str, str]) -> date:
    read = Reader(values)
    day = read.day("submitted_on")
    if day is None and not read.errors:
        read.fail("submitted_on", "Enter the date the form was submitted.")
    read.done()
    assert day is not None
    return day


@router.post(SESSION + "/rems/submitted")
def mark_submitted(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, SUBMIT_FIELDS)
    try:
        day = _submitted_on(values)
        kap_sessions.mark_rems_submitted(uow, actor, session_id, values["confirmation"], day, clock)
    except (ValidationError, Conflict) as error:
        return _again(
            request, uow, actor, patient_id, session_id, clock, error, submit_values=values
        )
    return RedirectResponse(
        f"{session_url(patient_id, session_id)}/rems?done=submitted", status_code=303
    )


def sections(lines: tuple[FormLine, ...]) -> list[tuple[str, list[FormLine]]]:
    return [(name, list(group)) for name, group in groupby(lines, key=lambda line: line.section)]


@router.get(SESSION + "/rems/print")
def printable(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = _rems_view(kap_sessions.session_view(uow, actor, session_id, clock), patient_id)
    assert view.rems is not None
    rems = view.rems
    url = session_url(patient_id, session_id)
    pending = "" if rems.submitted else "Not submitted yet"
    if not rems.submitted and rems.due is not None:
        pending += f" (due by {rems.due.day} {rems.due:%B %Y})"
    return render(
        request,
        "kap/rems_print.html",
        {
            "session_id": session_id,
            "sections": sections(rems.lines),
            "not_recorded": NOT_RECORDED,
            "problems": rems.problems,
            "pending": pending,
            "back": f"{url}/rems",
            "pdf_url": f"{url}/rems.pdf",
        },
    )


@router.get(SESSION + "/rems.pdf")
def pdf(
    patient_id: int, session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    body = kap_sessions.rems_pdf(uow, actor, session_id, clock)
    return Response(
        body,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="spravato-rems-session-{session_id}.pdf"'
        },
    )


# --- the clinic's records not yet submitted ------------------------------------------------


def _list(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    clock: Clock,
    *,
    row: int | None = None,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    pending = kap_sessions.unsubmitted_rems(uow, actor, clock)
    today = clock.now().date().isoformat()
    return render(
        request,
        "kap/rems_list.html",
        {
            "pending": pending,
            "row": row,
            "values": values or {},
            "errors": errors or {},
            "today": today,
            "notice": notice,
            "fid": field_id,
        },
        status_code=status_code,
    )


@router.get("/clinic/kap/rems")
def rems_list(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, done: int | None = None
) -> Response:
    if not actor.is_staff:
        return to_portal()
    notice = f"The record of session {done} is marked submitted." if done is not None else ""
    return _list(request, uow, actor, clock, notice=notice)


@router.post("/clinic/kap/rems/{session_id}/submitted")
def list_mark_submitted(
    request: Request,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, SUBMIT_FIELDS)
    try:
        day = _submitted_on(values)
        kap_sessions.mark_rems_submitted(uow, actor, session_id, values["confirmation"], day, clock)
    except (ValidationError, Conflict) as error:
        status = 409 if isinstance(error, Conflict) else 422
        return _list(
            request,
            uow,
            actor,
            clock,
            row=session_id,
            values=values,
            errors=errors_of(error, "confirmation"),
            status_code=status,
        )
    return RedirectResponse(f"/clinic/kap/rems?done={session_id}", status_code=303)
