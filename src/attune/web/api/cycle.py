"""Profiles and the cycle over the API."""

from __future__ import annotations

from fastapi import APIRouter

from attune.domain.formulation import AuthorRole
from attune.services import formulation, profiles
from attune.web.api.care_schemas import FormulationIn, FormulationVersionOut, ProfilesOut
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["profiles and cycle"])


@router.get("/patients/{patient_id}/profiles", response_model=ProfilesOut, summary="Profiles")
def patient_profiles(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> ProfilesOut:
    """The attachment profile (two dimensions, then what they tend to mean: in clinical
    words for staff, plain words for the patient) and the addiction profile."""
    found = profiles.patient_profiles(uow, actor, patient_id, clock)
    return ProfilesOut.of(found, clinician=actor.is_staff)


@router.get(
    "/patients/{patient_id}/formulations",
    response_model=list[FormulationVersionOut],
    summary="Every version of the cycle",
)
def versions(
    patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> list[FormulationVersionOut]:
    """Oldest first; earlier versions stay readable."""
    found = formulation.formulation_history(uow, actor, patient_id, clock)
    return [FormulationVersionOut.of(v) for v in found]


@router.post(
    "/patients/{patient_id}/formulations",
    response_model=FormulationVersionOut,
    status_code=201,
    summary="Save the next version of the cycle",
)
def save(
    patient_id: int, body: FormulationIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> FormulationVersionOut:
    """Needs a trigger and the behaviour; every problem is a 422 listing each entry
    (``situations[2]``); the same content as the latest version is a 409."""
    role = AuthorRole(body.author_role) if body.author_role else None
    saved = formulation.save_formulation(
        uow, actor, patient_id, body.to_formulation(), clock, author_role=role
    )
    return FormulationVersionOut.of(saved)
