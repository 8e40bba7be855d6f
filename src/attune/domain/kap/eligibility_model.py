"""What a KAP eligibility check reads and what it returns, as plain frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

from attune.domain.instruments.model import Score
from attune.domain.intake.model import Intake
from attune.domain.kap.eligibility_rules import Severity
from attune.domain.kap.program import Program
from attune.domain.levelofcare.model import Action


class Outcome(Enum):
    ELIGIBLE = "eligible"
    ELIGIBLE_WITH_CONDITIONS = "eligible_with_conditions"
    NOT_ELIGIBLE = "not_eligible"


@dataclass(frozen=True)
class BloodPressure:
    """A blood pressure measured for this check (mmHg), with when it was taken."""

    systolic: int
    diastolic: int
    measured_at: datetime

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic} mmHg"


@dataclass(frozen=True)
class AtHomeAnswers:
    """What the patient confirmed for an at-home program (None = not asked yet)."""

    sober_adult_sitter: bool | None = None
    owns_bp_cuff: bool | None = None
    agrees_no_driving: bool | None = None
    #: No alcohol the day before, the day of and the day after each session.
    agrees_no_alcohol: bool | None = None


@dataclass(frozen=True)
class EligibilityInputs:
    """Everything the check reads. ``phq9`` is the latest PHQ-9 score and ``phq9_on``
    the day it was answered; ``safety_actions`` those of the latest level-of-care
    recommendation; ``open_flags`` the kinds of open flags (e.g. "suicidal_ideation")."""

    intake: Intake
    program: Program
    sex: str | None = None
    blood_pressure: BloodPressure | None = None
    at_home: AtHomeAnswers = field(default_factory=AtHomeAnswers)
    open_flags: tuple[str, ...] = ()
    phq9: Score | None = None
    phq9_on: date | None = None
    safety_actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Reason:
    """One reason: its code, how it weighs, the clinical text, its sources (citations,
    with their ids) and the facts that raised it."""

    code: str
    severity: Severity
    text: str
    sources: tuple[str, ...]
    source_ids: tuple[str, ...]
    evidence: tuple[str, ...] = ()
    overridable: bool = False


@dataclass(frozen=True)
class Eligibility:
    outcome: Outcome
    program: Program
    reasons: tuple[Reason, ...]
    rules_version: str
    assessed_at: datetime
    blood_pressure: BloodPressure | None
    #: sha256 of everything above (see :mod:`attune.domain.kap.eligibility_store`).
    digest: str

    def with_severity(self, severity: Severity) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity is severity)

    @property
    def exclusions(self) -> tuple[Reason, ...]:
        return self.with_severity(Severity.EXCLUDE)

    @property
    def conditions(self) -> tuple[Reason, ...]:
        return self.with_severity(Severity.CONDITION)

    @property
    def notes(self) -> tuple[Reason, ...]:
        return self.with_severity(Severity.NOTE)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)
