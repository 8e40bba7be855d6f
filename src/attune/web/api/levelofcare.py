"""The level of care over the API: the recommendation and the clinician's decision."""

from __future__ import annotations

from fastapi import APIRouter

from attune.domain.errors import ValidationError
from attune.domain.levelofcare import Level
from attune.services import levelofcare
from attune.web.api.care_schemas import DecisionIn, LevelOfCareOut, RecommendationOut
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["level of care"])


@router.get(
    "/patients/{patient_id}/level-of-care",
    response_model=LevelOfCareOut,
    summary="The level of care",
)
def level_of_care(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> LevelOfCareOut:
    """The newest recommendation (six dimensions with evidence, reasons, safety actions,
    rules version), the one in force, what a pending one changes, and the history (staff)."""
    return LevelOfCareOut.of(levelofcare.level_of_care(uow, actor, patient_id, clock))


def _level(text: str | None) -> Level | None:
    if text is None or text == "":
        return None
    try:
        return Level(text)
    except ValueError:
        allowed = ", ".join(level.value for level in Level)
        raise ValidationError(f"level: choose one of {allowed}.", field="level") from None


@router.post(
    "/recommendations/{recommendation_id}/decision",
    response_model=RecommendationOut,
    summary="Accept or override a recommendation",
)
def decide(
    recommendation_id: int, body: DecisionIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> RecommendationOut:
    """Accept a pending recommendation, or override it with a level and a rationale
    (both required). Staff only; audited; 409 when it is no longer pending."""
    decided = levelofcare.decide_recommendation(
        uow,
        actor,
        recommendation_id,
        body.decision,
        clock,
        level=_level(body.level),
        rationale=body.rationale,
    )
    return RecommendationOut.of(decided)
