"""What is observed during an in-office session: sedation and dissociation ratings, and
adverse events.

Both rating scales run 0–4 and are Attune's own observer scales with our own labels,
not a published instrument (docs/kap.md): they record what the clinician sees, simply
and the same way every time. Warning levels come from the clinic's
:class:`~attune.domain.kap.vitals.VitalsProtocol`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import Enum

from attune.domain.kap import checks
from attune.domain.kap.vitals import Level, VitalsProtocol

#: Attune's own observer scales, 0–4 (not a published instrument; docs/kap.md).
SEDATION_SCALE = (
    "Awake and alert",
    "Calm and a little drowsy; answers a normal voice straight away",
    "Drowsy; answers a normal voice, but slowly",
    "Answers only a loud voice or a light touch",
    "Hard to rouse; little or no answer even to a firm touch",
)
DISSOCIATION_SCALE = (
    "None noticed",
    "Mild: some change in perception; easily in contact",
    "Moderate: clearly altered; can still talk and follow",
    "Strong: absorbed in the experience; hard to talk with",
    "Very strong: cannot engage, or is distressed by it",
)


@dataclass(frozen=True)
class Rating:
    """Sedation and dissociation observed at one time."""

    at: datetime
    sedation: int
    dissociation: int
    note: str = ""


class AdverseEventKind(Enum):
    NAUSEA = "nausea"
    VOMITING = "vomiting"
    RAISED_BLOOD_PRESSURE = "raised_blood_pressure"
    FAST_HEART_RATE = "fast_heart_rate"
    LOW_OXYGEN = "low_oxygen"
    SLOWED_BREATHING = "slowed_breathing"
    OVERSEDATION = "oversedation"
    ANXIETY_OR_AGITATION = "anxiety_or_agitation"
    DISTRESSING_DISSOCIATION = "distressing_dissociation"
    HEADACHE = "headache"
    DIZZINESS = "dizziness"
    ALLERGIC_REACTION = "allergic_reaction"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Severity(Enum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


@dataclass(frozen=True)
class AdverseEvent:
    kind: AdverseEventKind
    severity: Severity
    onset: datetime
    #: What was done (e.g. "ondansetron 4 mg sublingual; lights dimmed").
    action: str
    resolved_at: datetime | None = None
    description: str = ""

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


@dataclass(frozen=True)
class RatingWarning:
    rating_index: int
    at: datetime
    scale: str
    value: int
    warn_at: int
    level: Level = Level.CAUTION

    def message(self, tz: tzinfo | None = None) -> str:
        words = (SEDATION_SCALE if self.scale == "sedation" else DISSOCIATION_SCALE)[self.value]
        return (
            f"{checks.clock(self.at, tz)}: {self.scale} rated {self.value} ({words}), at or "
            f"above the warning level of {self.warn_at}."
        )


def event_errors(
    ratings: Sequence[Rating], adverse_events: Sequence[AdverseEvent]
) -> list[tuple[str, str]]:
    """Why ratings or adverse events cannot be saved, each named by its field."""
    errors: list[tuple[str, str]] = []
    for i, rating in enumerate(ratings):
        where = f"ratings[{i}]"
        if problem := checks.time_problem(rating.at):
            errors.append((f"{where}.at", problem))
        for scale in ("sedation", "dissociation"):
            if not 0 <= getattr(rating, scale) <= 4:
                errors.append((f"{where}.{scale}", "Ratings run from 0 to 4."))
        if problem := checks.text_problem(rating.note, required=False):
            errors.append((f"{where}.note", problem))
    for i, event in enumerate(adverse_events):
        where = f"adverse_events[{i}]"
        if problem := checks.time_problem(event.onset):
            errors.append((f"{where}.onset", problem))
        if problem := checks.text_problem(event.action):
            errors.append((f"{where}.action", "Say what was done. " + problem))
        needs_text = event.kind is AdverseEventKind.OTHER
        if problem := checks.text_problem(event.description, required=needs_text):
            errors.append((f"{where}.description", problem))
        resolved = event.resolved_at
        if resolved is not None and (problem := checks.time_problem(resolved)):
            errors.append((f"{where}.resolved_at", problem))
        elif resolved is not None and event.onset.tzinfo is not None and resolved < event.onset:
            errors.append((f"{where}.resolved_at", "It cannot resolve before it began."))
    return errors


def rating_warnings(
    ratings: Sequence[Rating], protocol: VitalsProtocol
) -> tuple[RatingWarning, ...]:
    """A warning for each rating at or above the protocol's warning level."""
    found: list[RatingWarning] = []
    for i, rating in enumerate(ratings):
        for scale, warn_at in (
            ("sedation", protocol.sedation_warn_at),
            ("dissociation", protocol.dissociation_warn_at),
        ):
            value = getattr(rating, scale)
            if warn_at <= value <= 4:
                found.append(RatingWarning(i, rating.at, scale, value, warn_at))
    return tuple(found)
