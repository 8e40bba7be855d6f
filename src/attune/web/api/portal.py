"""What a patient does: see what is due, save drafts, submit responses."""

from __future__ import annotations

from fastapi import APIRouter

from attune.services import assignments, responses
from attune.web.api.schemas import (
    CrisisOut,
    DraftIn,
    DraftOut,
    DueOut,
    ScoreOut,
    SubmitIn,
    SubmittedOut,
)
from attune.web.deps import ActorDep, ClockDep, SettingsDep, UowDep

router = APIRouter(tags=["questionnaires"])

CRISIS_MESSAGE = (
    "Thank you for answering honestly. If you might act on thoughts of hurting yourself, "
    "or you are not safe right now, please reach out now. Your care team has been told."
)


@router.get("/patients/{patient_id}/due", response_model=list[DueOut], summary="What is due")
def due(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[DueOut]:
    """The questionnaires the patient should complete now, with any draft answers."""
    found = assignments.due_for_patient(uow, actor, patient_id, clock)
    return [DueOut.model_validate(d) for d in found]


@router.put("/assignments/{assignment_id}/draft", response_model=DraftOut, summary="Save a draft")
def save_draft(
    assignment_id: int, body: DraftIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> DraftOut:
    """Merge these answers into the saved draft. A bad answer is refused (422, naming the
    item) and the draft stays as it was."""
    saved = responses.save_draft(uow, actor, assignment_id, body.answers, clock)
    return DraftOut.model_validate(saved)


@router.post(
    "/patients/{patient_id}/responses",
    response_model=SubmittedOut,
    status_code=201,
    summary="Submit a response",
)
def submit(
    patient_id: int,
    body: SubmitIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> SubmittedOut:
    """Score and store a response. crisis true means: show crisis_resources at once."""
    result = responses.submit_response(
        uow,
        actor,
        patient_id,
        body.instrument_id,
        body.answers,
        clock,
        assignment_id=body.assignment_id,
    )
    crisis = (
        CrisisOut(
            message=CRISIS_MESSAGE,
            crisis_line=settings.crisis_line,
            clinic_phone=settings.clinic_phone,
        )
        if result.crisis
        else None
    )
    return SubmittedOut(
        response_id=result.response_id,
        score=ScoreOut.of(result.score),
        crisis=result.crisis,
        crisis_resources=crisis,
    )
