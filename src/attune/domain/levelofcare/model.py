"""What a level-of-care recommendation is, as plain frozen data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum

from attune.domain.instruments.model import Score
from attune.domain.intake.model import Intake


class Level(Enum):
    """The tiers of care, least to most intensive. Compare with ``rank``."""

    SELF_MANAGEMENT = "self_management"
    OUTPATIENT = "outpatient"
    INTENSIVE_OUTPATIENT = "intensive_outpatient"
    RESIDENTIAL = "residential"

    @property
    def rank(self) -> int:
        return list(Level).index(self)

    def __lt__(self, other: Level) -> bool:
        return self.rank < other.rank

    def __le__(self, other: Level) -> bool:
        return self.rank <= other.rank

    def __gt__(self, other: Level) -> bool:
        return self.rank > other.rank

    def __ge__(self, other: Level) -> bool:
        return self.rank >= other.rank


class Dimension(Enum):
    """The six risk dimensions, each rated 0 (no risk found) to 4 (severe risk)."""

    WITHDRAWAL = "withdrawal"
    BIOMEDICAL = "biomedical"
    EMOTIONAL = "emotional"
    READINESS = "readiness"
    RELAPSE = "relapse"
    ENVIRONMENT = "environment"


class Action(Enum):
    """Safety actions that cannot wait, separate from the level."""

    SAME_DAY_SAFETY_ASSESSMENT = "same_day_safety_assessment"
    MEDICALLY_SUPERVISED_WITHDRAWAL = "medically_supervised_withdrawal"
    URGENT_PSYCHIATRIC_ASSESSMENT = "urgent_psychiatric_assessment"


MIN_RATING = 0
MAX_RATING = 4


@dataclass(frozen=True)
class Inputs:
    """What the engine reads: the intake, the latest score per instrument id, open flag
    kinds (e.g. "suicidal_ideation"), and today's date (injected, for "recent use")."""

    intake: Intake
    today: date
    scores: Mapping[str, Score] = field(default_factory=dict)
    open_flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class DimensionRating:
    """One dimension's rating with the facts it used (``evidence``) and what the
    rating suggests (``reasons``). ``context`` holds facts shown for understanding that
    do not change the rating."""

    dimension: Dimension
    rating: int
    evidence: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    context: tuple[str, ...] = ()


@dataclass(frozen=True)
class SafetyAction:
    action: Action
    reason: str
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recommendation:
    level: Level
    dimensions: tuple[DimensionRating, ...]
    reasons: tuple[str, ...]
    safety_actions: tuple[SafetyAction, ...]
    rules_version: str
    #: Information the rules would use that is not there yet (an instrument not scored).
    missing_information: tuple[str, ...] = ()

    def rating(self, dimension: Dimension) -> int:
        for d in self.dimensions:
            if d.dimension is dimension:
                return d.rating
        raise KeyError(dimension)

    @property
    def ratings(self) -> dict[Dimension, int]:
        return {d.dimension: d.rating for d in self.dimensions}

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a.action for a in self.safety_actions)


@dataclass(frozen=True)
class DimensionChange:
    dimension: Dimension
    before: int
    after: int


@dataclass(frozen=True)
class Change:
    """What differs between two recommendations, for the clinician to review."""

    level_before: Level
    level_after: Level
    dimensions: tuple[DimensionChange, ...]
    actions_added: tuple[Action, ...]
    actions_removed: tuple[Action, ...]
    rules_version_before: str
    rules_version_after: str
    summary: tuple[str, ...]

    @property
    def level_changed(self) -> bool:
        return self.level_before is not self.level_after

    @property
    def escalated(self) -> bool:
        """True when care should become more intensive or a new safety action appeared."""
        return self.level_after > self.level_before or bool(self.actions_added)
