"""The patient portal: what is due, answering a questionnaire, and the thank-you page.

Phone-sized first. The answer page is one plain HTML form (it works without JavaScript);
``static/js/attune.js`` adds a draft save after each choice and a copy in localStorage.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, NotFound, ValidationError
from attune.domain.instruments import Instrument, InstrumentLibrary
from attune.services import assignments, portal, records, responses
from attune.services.actors import Actor
from attune.services.assignments import DueInstrument
from attune.services.responses import CRISIS_FLAG
from attune.web.csrf import CSRF_FIELD
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep, get_instruments
from attune.web.errors import rerender_form_on_error
from attune.web.templating import render

router = APIRouter(prefix="/portal")

#: Form fields of the answer page that are not answers.
NON_ANSWER_FIELDS = frozenset({CSRF_FIELD, "instrument_id", "action"})


@dataclass(frozen=True)
class DueCard:
    assignment_id: int
    title: str
    abbreviation: str
    description: str
    due_on: date
    overdue: bool
    every_days: int | None
    answered: int
    item_count: int


def _patient_id(actor: Actor) -> int | None:
    return actor.patient_id if not actor.is_staff else None


def _card(instruments: InstrumentLibrary, due: DueInstrument) -> DueCard:
    instrument = instruments.get(due.instrument_id)
    return DueCard(
        assignment_id=due.assignment_id,
        title=due.title,
        abbreviation=due.abbreviation,
        description=instrument.description,
        due_on=due.due_on,
        overdue=due.overdue,
        every_days=due.every_days,
        answered=sum(1 for v in due.draft.values() if v is not None),
        item_count=len(instrument.items),
    )


@router.get("")
def home(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    start = portal.portal_home(uow, actor, patient_id, clock)
    # The intake waiting for the patient, if any, is shown above the questionnaires.
    return render(
        request,
        "portal/home.html",
        {
            "due": [_card(get_instruments(request), d) for d in start.due],
            "intake": start.intake,
            "kap": start.kap,
        },
    )


def parse_answers(form: FormData) -> dict[str, int | None]:
    """Answers from the posted form: item linkId -> published code (empty means unanswered)."""
    answers: dict[str, int | None] = {}
    for key, value in form.multi_items():
        if key in NON_ANSWER_FIELDS:
            continue
        text = value.strip() if isinstance(value, str) else ""
        if text == "":
            answers[key] = None
            continue
        try:
            answers[key] = int(text)
        except ValueError:
            raise ValidationError(
                f"Item {key}: '{text[:20]}' is not one of the answers offered.", field=key
            ) from None
    return answers


def _answer_page(
    request: Request,
    *,
    instrument: Instrument,
    assignment_id: int,
    answers: Mapping[str, int | None],
    error: DomainError | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    errors: dict[str, str] = {}
    if error is not None and error.field and error.field in instrument.item_ids:
        errors[error.field] = error.message
    return render(
        request,
        "portal/answer.html",
        {
            "instrument": instrument,
            "assignment_id": assignment_id,
            "answers": dict(answers),
            "answered": sum(
                1 for k, v in answers.items() if v is not None and k in instrument.item_ids
            ),
            "errors": errors,
            "form_error": error.message if error is not None else "",
            "error_field": error.field if error is not None and errors else "",
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/answer/{assignment_id}")
def answer_page(
    request: Request,
    assignment_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    saved: str = "",
) -> Response:
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    due = assignments.due_for_patient(uow, actor, patient_id, clock)
    entry = next((d for d in due if d.assignment_id == assignment_id), None)
    if entry is None:
        raise NotFound(
            "This questionnaire is not waiting for you. It may already be done.",
            field="assignment_id",
        )
    notice = (
        "Your answers are saved. You can come back and finish whenever you like." if saved else ""
    )
    return _answer_page(
        request,
        instrument=get_instruments(request).get(entry.instrument_id),
        assignment_id=assignment_id,
        answers=entry.draft,
        notice=notice,
    )


@router.post("/answer/{assignment_id}")
def answer(
    request: Request,
    assignment_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    """Submit the answers (or, with "Save and finish later", keep them as a draft)."""
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    instrument_id = form.get("instrument_id")
    instrument = get_instruments(request).get(
        instrument_id if isinstance(instrument_id, str) else ""
    )
    answers: dict[str, int | None] = {}

    def again(error: DomainError, status: int) -> Response:
        kept = answers or {
            k: int(v) if isinstance(v, str) and v.strip().isdigit() else None
            for k, v in form.multi_items()
            if k not in NON_ANSWER_FIELDS
        }
        return _answer_page(
            request,
            instrument=instrument,
            assignment_id=assignment_id,
            answers=kept,
            error=error,
            status_code=status,
        )

    rerender_form_on_error(request, again)
    answers = parse_answers(form)
    if form.get("action") == "save":
        responses.save_draft(uow, actor, assignment_id, answers, clock)
        return RedirectResponse(f"/portal/answer/{assignment_id}?saved=1", status_code=303)
    submitted = responses.submit_response(
        uow, actor, patient_id, instrument.id, answers, clock, assignment_id=assignment_id
    )
    # Post/redirect/get: reloading the thank-you page never sends the answers twice.
    return RedirectResponse(
        f"/portal/done/{submitted.response_id}?assignment={assignment_id}", status_code=303
    )


@router.get("/done/{response_id}")
def done(
    request: Request,
    response_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    assignment: int | None = None,
) -> Response:
    """Thank you; crisis resources first when an answer suggests suicidal thoughts; the
    result in plain words where the instrument has bands (never a diagnosis)."""
    patient_id = _patient_id(actor)
    if patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    record = records.patient_record(uow, actor, patient_id, clock)
    view = next((r for r in record.responses if r.id == response_id), None)
    if view is None:
        raise NotFound("We could not find those answers.", field="response_id")
    instrument = get_instruments(request).get(view.instrument_id)
    # The stored band label (rules such as AUDIT's may have raised it) gives the meaning.
    meaning = next((b.meaning for b in instrument.bands if b.label == view.band), "")
    return render(
        request,
        "portal/thanks.html",
        {
            "assignment_id": assignment if assignment is not None else "",
            "instrument": instrument,
            "crisis": CRISIS_FLAG in view.flags,
            "show_result": instrument.has_total and bool(instrument.bands),
            "total": view.total,
            "max_total": instrument.total_range[1],
            "band": view.band,
            "band_meaning": meaning,
        },
    )
