"""The treatment plan as plain frozen data.

A :class:`TreatmentPlan` holds the patient's goals (each in their own words, with a
measurable :class:`Target` on an instrument), the therapy :class:`Modality` choices, the
level of care taken from the level-of-care engine, a preliminary KAP candidacy summary,
aftercare, a review date and its agreement: a plan is a draft until the clinician has
agreed it and the patient has acknowledged it (:mod:`.agreement`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from attune.domain.levelofcare.model import Level


class Comparison(Enum):
    """How a score is compared with a target value."""

    BELOW = "below"
    AT_OR_BELOW = "at-or-below"
    ABOVE = "above"
    AT_OR_ABOVE = "at-or-above"

    def met(self, score: float, target: float) -> bool:
        if self is Comparison.BELOW:
            return score < target
        if self is Comparison.AT_OR_BELOW:
            return score <= target
        if self is Comparison.ABOVE:
            return score > target
        return score >= target

    @property
    def words(self) -> str:
        return self.value.replace("-", " ")

    @property
    def lower_is_better(self) -> bool:
        return self in (Comparison.BELOW, Comparison.AT_OR_BELOW)


@dataclass(frozen=True)
class Target:
    """A measurable target: an instrument's total (or one subscale) compared with a value
    by a date, e.g. PHQ-9 total below 10 by 1 June."""

    instrument_id: str
    comparison: Comparison
    value: float
    by: date
    #: A subscale key (ECR-R "anxiety"); None means the instrument's total.
    subscale: str | None = None


@dataclass(frozen=True)
class Goal:
    """A goal in the patient's own words, with how progress towards it will be measured."""

    text: str
    target: Target


class Modality(Enum):
    """The therapies a plan may combine."""

    CBT = "cbt"
    DBT = "dbt"
    MOTIVATIONAL_INTERVIEWING = "motivational-interviewing"
    TRAUMA_INFORMED = "trauma-informed-therapy"
    EMOTION_REGULATION = "emotion-regulation-training"
    ATTACHMENT_BASED = "attachment-based-therapy"
    GROUP = "group-therapy"
    FAMILY = "family-therapy"

    @property
    def label(self) -> str:
        return MODALITY_LABELS[self]


MODALITY_LABELS: dict[Modality, str] = {
    Modality.CBT: "Cognitive behavioural therapy (CBT)",
    Modality.DBT: "Dialectical behaviour therapy (DBT)",
    Modality.MOTIVATIONAL_INTERVIEWING: "Motivational interviewing",
    Modality.TRAUMA_INFORMED: "Trauma-informed therapy",
    Modality.EMOTION_REGULATION: "Emotional-regulation training",
    Modality.ATTACHMENT_BASED: "Attachment-based therapy",
    Modality.GROUP: "Group therapy",
    Modality.FAMILY: "Family therapy",
}


@dataclass(frozen=True)
class FollowUp:
    """Follow-up appointments every ``every_weeks`` weeks from ``starts_on``; ``occasions``
    None means until the next review."""

    every_weeks: int
    starts_on: date | None = None
    occasions: int | None = None

    @property
    def text(self) -> str:
        every = "every week" if self.every_weeks == 1 else f"every {self.every_weeks} weeks"
        start = f" from {self.starts_on.isoformat()}" if self.starts_on else ""
        count = f", {self.occasions} times" if self.occasions else ""
        return f"Follow-up {every}{start}{count}"


@dataclass(frozen=True)
class Aftercare:
    """Support after (and alongside) treatment, each entry in the clinic's own words."""

    support_groups: tuple[str, ...] = ()
    sober_community: tuple[str, ...] = ()
    follow_up: FollowUp | None = None
    notes: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.support_groups or self.sober_community or self.follow_up or self.notes)


@dataclass(frozen=True)
class KapCandidacySummary:
    """The preliminary KAP candidacy screen from the intake, held as a summary: a status
    (e.g. "no contraindication found", "contraindicated") and the reasons, as given by
    ``attune.domain.kap.candidacy``. The full eligibility check belongs to the KAP program."""

    status: str
    reasons: tuple[str, ...] = ()
    #: What kind of screen this was (e.g. "Preliminary screen from the intake only: …").
    label: str = ""


class PlanStatus(Enum):
    DRAFT = "draft"
    #: Agreed by the clinician and acknowledged by the patient.
    AGREED = "agreed"


@dataclass(frozen=True)
class TreatmentPlan:
    """A plan. ``addresses`` names the problems it is for, in words (e.g. "alcohol")."""

    goals: tuple[Goal, ...]
    review_on: date
    modalities: tuple[Modality, ...] = ()
    level_of_care: Level | None = None
    kap: KapCandidacySummary | None = None
    aftercare: Aftercare = field(default_factory=Aftercare)
    addresses: tuple[str, ...] = ()
    description: str = ""
    status: PlanStatus = PlanStatus.DRAFT
    clinician_agreed_on: date | None = None
    patient_acknowledged_on: date | None = None


LEVEL_LABELS: dict[Level, str] = {
    Level.SELF_MANAGEMENT: "Self-management",
    Level.OUTPATIENT: "Outpatient",
    Level.INTENSIVE_OUTPATIENT: "Intensive outpatient",
    Level.RESIDENTIAL: "Residential",
}
