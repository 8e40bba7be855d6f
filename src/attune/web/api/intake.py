"""The intake over the API: open one, read it, save a section, submit it."""

from __future__ import annotations

from fastapi import APIRouter

from attune.services import intake as intakes
from attune.web.api.care_schemas import IntakeOut, SectionIn
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["intake"])


@router.get(
    "/patients/{patient_id}/intake",
    response_model=IntakeOut | None,
    summary="The patient's intake",
)
def current(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> IntakeOut | None:
    """The newest intake (open or submitted), or null when none was ever opened."""
    view = intakes.current_intake(uow, actor, patient_id, clock)
    return IntakeOut.of(view) if view is not None else None


@router.post(
    "/patients/{patient_id}/intake",
    response_model=IntakeOut,
    status_code=201,
    summary="Open an intake",
)
def open_intake(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> IntakeOut:
    """Staff open an empty intake for the patient to fill in (409 if one is open)."""
    return IntakeOut.of(intakes.open_intake(uow, actor, patient_id, clock))


@router.put(
    "/intakes/{intake_id}/sections/{section_key}",
    response_model=IntakeOut,
    summary="Save one intake section",
)
def save_section(
    intake_id: int,
    section_key: str,
    body: SectionIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> IntakeOut:
    """Replace one section's answers (addictions, withdrawal, medications, medical,
    mental_health, situation, treatment, readiness or goals). Missing answers are fine
    until the intake is submitted; numbers out of range and contradictions are a 422
    listing every field in ``errors``, and nothing of the request is saved."""
    view = intakes.save_intake_section(uow, actor, intake_id, section_key, body.answers, clock)
    return IntakeOut.of(view)


@router.post("/intakes/{intake_id}/submit", response_model=IntakeOut, summary="Submit an intake")
def submit(intake_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> IntakeOut:
    """Send the intake: every missing or contradictory answer is a 422 listing each
    field; on success the questionnaire battery is assigned and the level of care is
    worked out for the clinician's review."""
    return IntakeOut.of(intakes.submit_intake(uow, actor, intake_id, clock))
