"""What staff do: the caseload, a patient's record, assigning, acknowledging flags."""

from __future__ import annotations

from fastapi import APIRouter

from attune.services import assignments, records, responses
from attune.web.api.schemas import (
    AcknowledgeIn,
    AssignIn,
    AssignmentOut,
    CaseloadRowOut,
    FlagOut,
    PatientRecordOut,
)
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["clinic"])


@router.get("/caseload", response_model=list[CaseloadRowOut], summary="Caseload")
def caseload(actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[CaseloadRowOut]:
    """The actor's patients (an admin: every patient of the clinic), flagged ones first."""
    return [CaseloadRowOut.model_validate(r) for r in records.caseload(uow, actor, clock)]


@router.get("/patients/{patient_id}", response_model=PatientRecordOut, summary="A patient's record")
def patient_record(
    patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> PatientRecordOut:
    """Score series per instrument, every response's item answers, open flags."""
    return PatientRecordOut.of(records.patient_record(uow, actor, patient_id, clock))


@router.post(
    "/patients/{patient_id}/assignments",
    response_model=AssignmentOut,
    status_code=201,
    summary="Assign an instrument",
)
def assign(
    patient_id: int, body: AssignIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> AssignmentOut:
    """Ask the patient to complete an instrument once, or every every_days days."""
    info = assignments.assign_instrument(
        uow, actor, patient_id, body.instrument_id, body.every_days, body.starts_on, clock
    )
    return AssignmentOut.model_validate(info)


@router.post("/flags/{flag_id}/acknowledge", response_model=FlagOut, summary="Acknowledge a flag")
def acknowledge(
    flag_id: int, body: AcknowledgeIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> FlagOut:
    """Mark a flag as seen and dealt with, with an optional note."""
    return FlagOut.model_validate(responses.acknowledge_flag(uow, actor, flag_id, clock, body.note))
