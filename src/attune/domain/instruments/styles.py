"""The four-style picture of attachment, offered as a described aid only.

ECR-R and ECR-RS give two continuous scores, attachment anxiety and attachment
avoidance (1–7). Those two dimensions are the result. Clinicians and patients often
find Bartholomew's four-region picture (secure, preoccupied, dismissing, fearful)
helpful, so :func:`describe_quadrant` says where a pair of scores sits relative to the
scale midpoint of 4. The midpoint is a property of the answer scale, not a validated
cut-off: taxometric analyses found attachment differences to be dimensional rather
than categorical (Fraley, Hudson, Heffernan & Segal 2015, J Pers Soc Psychol
109:354–368). The description is never stored as a diagnosis and is never a band.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from attune.domain.errors import ValidationError

MIDPOINT = 4.0
SCALE = (1.0, 7.0)

BASIS = (
    "Relative to the scale midpoint of 4, which is the middle of the answer scale and not "
    "a validated cut-off. Research finds attachment varies along two dimensions rather than "
    "falling into types (Fraley, Hudson, Heffernan & Segal 2015), so read this as a "
    "description of the two scores, not a category."
)


class Region(Enum):
    """Bartholomew's four regions of the anxiety × avoidance plane."""

    SECURE = "secure"
    PREOCCUPIED = "preoccupied"
    DISMISSING = "dismissing"
    FEARFUL = "fearful"


class Side(Enum):
    BELOW = "below"
    AT = "at"
    ABOVE = "above"


_TEXT = {
    Region.SECURE: "Anxiety and avoidance are both below the midpoint: the region usually "
    "drawn as secure.",
    Region.PREOCCUPIED: "Anxiety is above the midpoint and avoidance below it: the region "
    "usually drawn as preoccupied.",
    Region.DISMISSING: "Avoidance is above the midpoint and anxiety below it: the region "
    "usually drawn as dismissing.",
    Region.FEARFUL: "Anxiety and avoidance are both above the midpoint: the region usually "
    "drawn as fearful.",
}


@dataclass(frozen=True)
class QuadrantDescription:
    """Where two attachment scores sit on the picture. ``region`` is None on the midpoint."""

    anxiety: float
    avoidance: float
    anxiety_side: Side
    avoidance_side: Side
    region: Region | None
    text: str
    basis: str = BASIS


def _side(name: str, value: float) -> Side:
    if not SCALE[0] <= value <= SCALE[1]:
        raise ValidationError(f"{name} must be between 1 and 7, got {value}", field=name)
    if value > MIDPOINT:
        return Side.ABOVE
    return Side.BELOW if value < MIDPOINT else Side.AT


def describe_quadrant(anxiety: float, avoidance: float) -> QuadrantDescription:
    """Describe a pair of ECR-R / ECR-RS means (1–7) relative to the scale midpoint 4."""
    anx = _side("anxiety", anxiety)
    avo = _side("avoidance", avoidance)
    region: Region | None = None
    if Side.AT in (anx, avo):
        text = (
            "At least one score sits exactly on the midpoint, so the scores fall on a line "
            "between regions of the picture."
        )
    else:
        region = {
            (Side.BELOW, Side.BELOW): Region.SECURE,
            (Side.ABOVE, Side.BELOW): Region.PREOCCUPIED,
            (Side.BELOW, Side.ABOVE): Region.DISMISSING,
            (Side.ABOVE, Side.ABOVE): Region.FEARFUL,
        }[(anx, avo)]
        text = _TEXT[region]
    return QuadrantDescription(anxiety, avoidance, anx, avo, region, text)
