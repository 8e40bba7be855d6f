"""Request and response models of the care-path API: the intake, the level of care, the
cycle, profiles and the treatment plan (part of the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, JsonValue

from attune.domain.formulation import Formulation, FormulationVersion, Part
from attune.domain.intake import to_dict as intake_to_dict
from attune.domain.levelofcare import Change, Recommendation
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    Modality,
    Target,
    TreatmentPlan,
)
from attune.domain.plan import to_dict as plan_to_dict
from attune.services.intake import IntakeView
from attune.services.levelofcare import LevelOfCareView, StoredRecommendation
from attune.services.plans import StoredPlan
from attune.services.profiles import Profiles


class BatteryItemOut(BaseModel):
    instrument_id: str
    abbreviation: str
    reason: str
    status: str = Field(description="not_assigned (until the intake is sent), due or done")


class ProgressOut(BaseModel):
    done: int = Field(description="Sections with every required answer given")
    total: int


class IntakeOut(BaseModel):
    id: int
    patient_id: int
    status: str = Field(description="open or submitted")
    opened_at: datetime
    submitted_at: datetime | None
    answers: dict[str, JsonValue] = Field(
        description="The intake's answers, section by section; null means not answered yet."
    )
    sections_done: list[str]
    progress: ProgressOut
    battery: list[BatteryItemOut]

    @classmethod
    def of(cls, view: IntakeView) -> IntakeOut:
        answers = intake_to_dict(view.intake)
        answers.pop("format", None)
        return cls(
            id=view.id,
            patient_id=view.patient_id,
            status=str(view.status),
            opened_at=view.opened_at,
            submitted_at=view.submitted_at,
            answers=_json(answers),
            sections_done=list(view.sections_done),
            progress=ProgressOut(done=view.progress[0], total=view.progress[1]),
            battery=[
                BatteryItemOut(
                    instrument_id=b.instrument_id,
                    abbreviation=b.abbreviation,
                    reason=b.reason,
                    status=str(b.status),
                )
                for b in view.battery
            ],
        )


def _json(data: dict[str, object]) -> dict[str, JsonValue]:
    """A storage-form dict (already JSON-able) typed as JSON for the response model."""

    def convert(value: object) -> JsonValue:
        if value is None or isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, dict):
            return {str(k): convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        raise TypeError(f"not JSON: {type(value).__name__}")

    return {str(k): convert(v) for k, v in data.items()}


class SectionIn(BaseModel):
    answers: dict[str, JsonValue] = Field(
        description="One section in the intake's JSON form: an object section's keys "
        '(e.g. {"seizures": false, "delirium": false, "other_severe": false}), or '
        '{"addictions": [...]} / {"goals": "..."}. The section is replaced as a whole; '
        "a problem is a 422 naming every field, and nothing is saved."
    )


class DimensionOut(BaseModel):
    dimension: str
    rating: int = Field(ge=0, le=4)
    evidence: list[str]
    reasons: list[str]
    context: list[str]


class SafetyActionOut(BaseModel):
    action: str = Field(
        description="same_day_safety_assessment, medically_supervised_withdrawal or "
        "urgent_psychiatric_assessment"
    )
    reason: str
    evidence: list[str]


class RecommendationBody(BaseModel):
    level: str
    dimensions: list[DimensionOut]
    reasons: list[str]
    safety_actions: list[SafetyActionOut]
    rules_version: str
    missing_information: list[str]

    @classmethod
    def of(cls, r: Recommendation) -> RecommendationBody:
        return cls(
            level=r.level.value,
            dimensions=[
                DimensionOut(
                    dimension=d.dimension.value,
                    rating=d.rating,
                    evidence=list(d.evidence),
                    reasons=list(d.reasons),
                    context=list(d.context),
                )
                for d in r.dimensions
            ],
            reasons=list(r.reasons),
            safety_actions=[
                SafetyActionOut(action=a.action.value, reason=a.reason, evidence=list(a.evidence))
                for a in r.safety_actions
            ],
            rules_version=r.rules_version,
            missing_information=list(r.missing_information),
        )


class RecommendationOut(BaseModel):
    id: int
    patient_id: int
    created_at: datetime
    status: str = Field(description="pending_review, accepted, overridden or superseded")
    recommendation: RecommendationBody
    decided_by: int | None
    decided_at: datetime | None
    final_level: str | None
    rationale: str | None

    @classmethod
    def of(cls, stored: StoredRecommendation) -> RecommendationOut:
        return cls(
            id=stored.id,
            patient_id=stored.patient_id,
            created_at=stored.created_at,
            status=str(stored.status),
            recommendation=RecommendationBody.of(stored.recommendation),
            decided_by=stored.decided_by,
            decided_at=stored.decided_at,
            final_level=stored.final_level.value if stored.final_level else None,
            rationale=stored.rationale,
        )


class ChangeOut(BaseModel):
    level_before: str
    level_after: str
    actions_added: list[str]
    actions_removed: list[str]
    summary: list[str]
    escalated: bool

    @classmethod
    def of(cls, change: Change) -> ChangeOut:
        return cls(
            level_before=change.level_before.value,
            level_after=change.level_after.value,
            actions_added=[a.value for a in change.actions_added],
            actions_removed=[a.value for a in change.actions_removed],
            summary=list(change.summary),
            escalated=change.escalated,
        )


class LevelOfCareOut(BaseModel):
    patient_id: int
    needs_review: bool
    level_in_force: str | None
    current: RecommendationOut | None = Field(description="The newest recommendation")
    accepted: RecommendationOut | None = Field(description="The one in force")
    change: ChangeOut | None = Field(description="What a newer pending one changes")
    history: list[RecommendationOut]
    missing_information: list[str] = Field(
        description="What is still missing now (worked out from the intake and the scores "
        "at this moment; a stored recommendation keeps the list it was made with)"
    )

    @classmethod
    def of(cls, view: LevelOfCareView) -> LevelOfCareOut:
        return cls(
            patient_id=view.patient_id,
            needs_review=view.needs_review,
            level_in_force=view.level_in_force.value if view.level_in_force else None,
            current=RecommendationOut.of(view.current) if view.current else None,
            accepted=RecommendationOut.of(view.accepted) if view.accepted else None,
            change=ChangeOut.of(view.change) if view.change else None,
            history=[RecommendationOut.of(r) for r in view.history],
            missing_information=list(view.missing_information),
        )


class DecisionIn(BaseModel):
    decision: Literal["accept", "override"]
    level: str | None = Field(
        default=None,
        description="For an override: self_management, outpatient, intensive_outpatient "
        "or residential",
    )
    rationale: str = Field(default="", max_length=4000, description="Required to override")


# ---------------------------------------------------------------------------- the plan

ComparisonText = Literal["below", "at-or-below", "above", "at-or-above"]
ModalityText = Literal[
    "cbt",
    "dbt",
    "motivational-interviewing",
    "trauma-informed-therapy",
    "emotion-regulation-training",
    "attachment-based-therapy",
    "group-therapy",
    "family-therapy",
]


class TargetIn(BaseModel):
    instrument_id: str = Field(max_length=64, examples=["phq9"])
    subscale: str | None = Field(default=None, description="A subscale key; null: the total")
    comparison: ComparisonText
    value: float
    by: date


class GoalIn(BaseModel):
    text: str = Field(max_length=2000, description="In the patient's own words")
    target: TargetIn


class FollowUpIn(BaseModel):
    every_weeks: int
    starts_on: date | None = None
    occasions: int | None = None


class AftercareIn(BaseModel):
    support_groups: list[str] = Field(default_factory=list)
    sober_community: list[str] = Field(default_factory=list)
    follow_up: FollowUpIn | None = None
    notes: str = ""


class PlanIn(BaseModel):
    """A draft plan. The level of care and the preliminary KAP summary are filled in from
    the recommendation in force and the intake; agreeing is a separate call."""

    goals: list[GoalIn]
    review_on: date
    modalities: list[ModalityText] = Field(default_factory=list)
    aftercare: AftercareIn = Field(default_factory=AftercareIn)
    addresses: list[str] = Field(default_factory=list)
    description: str = ""

    def to_plan(self) -> TreatmentPlan:
        a = self.aftercare
        return TreatmentPlan(
            goals=tuple(
                Goal(
                    g.text,
                    Target(
                        g.target.instrument_id,
                        Comparison(g.target.comparison),
                        g.target.value,
                        g.target.by,
                        g.target.subscale,
                    ),
                )
                for g in self.goals
            ),
            review_on=self.review_on,
            modalities=tuple(Modality(m) for m in self.modalities),
            aftercare=Aftercare(
                support_groups=tuple(a.support_groups),
                sober_community=tuple(a.sober_community),
                follow_up=(
                    FollowUp(a.follow_up.every_weeks, a.follow_up.starts_on, a.follow_up.occasions)
                    if a.follow_up
                    else None
                ),
                notes=a.notes,
            ),
            addresses=tuple(self.addresses),
            description=self.description,
        )


class PlanOut(BaseModel):
    id: int
    patient_id: int
    version: int
    created_at: datetime
    updated_at: datetime
    plan: dict[str, JsonValue] = Field(
        description="The plan: goals (each with its target), modalities, level_of_care, kap "
        "(the preliminary candidacy summary), aftercare, review_on, status, "
        "clinician_agreed_on, patient_acknowledged_on."
    )

    @classmethod
    def of(cls, stored: StoredPlan) -> PlanOut:
        return cls(
            id=stored.id,
            patient_id=stored.patient_id,
            version=stored.version,
            created_at=stored.created_at,
            updated_at=stored.updated_at,
            plan=_json(plan_to_dict(stored.plan)),
        )


# ---------------------------------------------------------------------------- the cycle

PART_NAMES = (
    "situations",
    "relational",
    "feelings",
    "urge",
    "behaviour",
    "relief",
    "cost",
    "soothes",
    "alternatives",
)


class FormulationIn(BaseModel):
    """The next version of the cycle: each part a list of short entries."""

    situations: list[str] = Field(default_factory=list)
    relational: list[str] = Field(default_factory=list)
    feelings: list[str] = Field(default_factory=list)
    urge: list[str] = Field(default_factory=list)
    behaviour: list[str] = Field(default_factory=list)
    relief: list[str] = Field(default_factory=list)
    cost: list[str] = Field(default_factory=list)
    soothes: list[str] = Field(default_factory=list)
    alternatives: list[str] = Field(default_factory=list)
    author_role: Literal["clinician", "patient", "together"] | None = Field(
        default=None, description="Who wrote it; null: the caller's own role"
    )

    def to_formulation(self) -> Formulation:
        return Formulation(**{name: tuple(getattr(self, name)) for name in PART_NAMES})


class FormulationVersionOut(BaseModel):
    number: int
    created_at: datetime
    author_role: str
    parts: dict[str, list[str]]

    @classmethod
    def of(cls, version: FormulationVersion) -> FormulationVersionOut:
        return cls(
            number=version.number,
            created_at=version.created_at,
            author_role=version.author_role.value,
            parts={p.value: list(version.content.part(p)) for p in Part},
        )


# ---------------------------------------------------------------------------- profiles


class AttachmentOut(BaseModel):
    instrument_id: str
    anxiety: float
    avoidance: float
    mixed: bool = Field(description="True when either score is near the midpoint")
    words_for: str = Field(description="patient (plain words) or clinician (clinical words)")
    summary: str
    topics: dict[str, str]
    style_aid: str = Field(description="The four-style picture: an aid, never a label")
    basis: str


class AttachmentPointOut(BaseModel):
    submitted_at: datetime
    anxiety: float
    avoidance: float


class AddictionEntryOut(BaseModel):
    name: str
    kind: str
    stopped: bool
    status: str = Field(description="completed, not-scored, not-yet-completed or no-screen")
    instrument: str | None
    total: float | None
    band: str | None
    suggests: str


class ProfilesOut(BaseModel):
    patient_id: int
    attachment: AttachmentOut | None
    attachment_history: list[AttachmentPointOut]
    addictions: list[AddictionEntryOut] | None = Field(
        description="Null before an intake was opened"
    )

    @classmethod
    def of(cls, found: Profiles, *, clinician: bool) -> ProfilesOut:
        attachment = None
        a = found.attachment
        if a is not None:
            words = a.clinician if clinician else a.patient
            attachment = AttachmentOut(
                instrument_id=a.instrument_id,
                anxiety=a.anxiety.value,
                avoidance=a.avoidance.value,
                mixed=a.mixed,
                words_for="clinician" if clinician else "patient",
                summary=words.summary,
                topics=dict(words.topics),
                style_aid=words.style_aid,
                basis=words.basis,
            )
        addictions = None
        if found.addiction is not None:
            addictions = [
                AddictionEntryOut(
                    name=e.name,
                    kind=e.kind.value,
                    stopped=e.stopped,
                    status=e.status.value,
                    instrument=e.instrument,
                    total=e.result.total if e.result else None,
                    band=e.result.band if e.result else None,
                    suggests=e.suggests,
                )
                for e in found.addiction.entries
            ]
        return cls(
            patient_id=found.patient_id,
            attachment=attachment,
            attachment_history=[
                AttachmentPointOut(
                    submitted_at=p.submitted_at, anxiety=p.anxiety, avoidance=p.avoidance
                )
                for p in found.attachment_history
            ],
            addictions=addictions,
        )
