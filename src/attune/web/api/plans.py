"""The treatment plan over the API: read, save a draft, agree, acknowledge, export."""

from __future__ import annotations

from fastapi import APIRouter

from attune.services import plans
from attune.web.api.care_schemas import PlanIn, PlanOut
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["treatment plan"])


@router.get("/patients/{patient_id}/plan", response_model=PlanOut | None, summary="The plan")
def current(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> PlanOut | None:
    """The newest version of the patient's plan, or null before the first is saved."""
    stored = plans.current_plan(uow, actor, patient_id, clock)
    return PlanOut.of(stored) if stored is not None else None


@router.put("/patients/{patient_id}/plan", response_model=PlanOut, summary="Save the plan")
def save(patient_id: int, body: PlanIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> PlanOut:
    """Save a draft (staff). A version already agreed or acknowledged is kept and a new
    version started. Every problem is a 422 listing each field; nothing is saved then."""
    return PlanOut.of(plans.save_plan(uow, actor, patient_id, body.to_plan(), clock))


@router.post("/plans/{plan_id}/agree", response_model=PlanOut, summary="Agree the plan")
def agree(plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> PlanOut:
    """The clinician agrees the newest version (staff; 409 if already agreed)."""
    return PlanOut.of(plans.agree_plan(uow, actor, plan_id, clock))


@router.post("/plans/{plan_id}/acknowledge", response_model=PlanOut, summary="Acknowledge the plan")
def acknowledge(plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> PlanOut:
    """The patient acknowledges the newest version of their plan (the patient only)."""
    return PlanOut.of(plans.acknowledge_plan(uow, actor, plan_id, clock))


@router.get(
    "/plans/{plan_id}/careplan",
    response_model=dict[str, object],
    summary="The plan as a FHIR R4 CarePlan",
)
def careplan(plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> dict[str, object]:
    """One version of the plan as a FHIR R4 CarePlan resource, goals contained."""
    return plans.careplan_json(uow, actor, plan_id, clock)
