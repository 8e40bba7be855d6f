"""The attachment profile: two dimensions first, then what they tend to mean, in two registers.

``attachment_profile(score)`` reads an ECR-R or ECR-RS :class:`Score` (the anxiety and
avoidance means, each 1–7) and returns an :class:`AttachmentProfile`:

1. the two dimensions, each with where it sits relative to the scale midpoint of 4 and a
   sentence about it for the patient and for the clinician;
2. what the pattern tends to mean for trust, closeness, stress and the therapy
   relationship, as a :class:`Register` in plain words (``patient``) and in clinical
   words (``clinician``);
3. the four-style picture as an aid only: ``resembles`` names the region the scores
   tend to resemble (via :func:`attune.domain.instruments.styles.describe_quadrant`),
   never a label or a diagnosis.

The midpoint is the middle of the answer scale, not a validated cut-off: taxometric
work found attachment to be dimensional (Fraley, Hudson, Heffernan & Segal 2015). So
when either score lies within :data:`NEAR_MIDPOINT` of the midpoint the profile says the
picture is mixed and suggests no region. Texts and sources: docs/profiles.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from attune.domain.errors import ValidationError
from attune.domain.instruments.model import Score
from attune.domain.instruments.styles import (
    BASIS,
    MIDPOINT,
    SCALE,
    QuadrantDescription,
    Region,
    describe_quadrant,
)
from attune.domain.profiles import attachment_texts as words
from attune.domain.wording import with_article

#: The instruments whose subscales are attachment anxiety and avoidance (means, 1–7).
ATTACHMENT_INSTRUMENTS = ("ecrr", "ecrrs")
#: Scores closer than this to the midpoint are read as "near the middle": a mixed picture.
#: A margin of our choosing, not a published cut-off (docs/profiles.md).
NEAR_MIDPOINT = 0.5

DIMENSION_NAMES = {"anxiety": "Attachment anxiety", "avoidance": "Attachment avoidance"}


class Lean(Enum):
    """Where one dimension sits relative to the midpoint, allowing the margin."""

    LOWER = "lower"
    MIDDLE = "middle"
    HIGHER = "higher"


@dataclass(frozen=True)
class Dimension:
    """One of the two scores, with a sentence about it in each register."""

    key: str
    name: str
    value: float
    lean: Lean
    patient: str
    clinician: str


@dataclass(frozen=True)
class Register:
    """The profile in one register: a summary, the four topics, the aid and the basis."""

    summary: str
    trust: str
    closeness: str
    stress: str
    therapy: str
    style_aid: str
    basis: str

    @property
    def topics(self) -> tuple[tuple[str, str], ...]:
        """(heading, text) pairs in display order."""
        return (
            ("Trust", self.trust),
            ("Closeness", self.closeness),
            ("Under stress", self.stress),
            ("The therapy relationship", self.therapy),
        )


@dataclass(frozen=True)
class AttachmentProfile:
    """An attachment profile. ``resembles`` is None when the picture is mixed."""

    instrument_id: str
    anxiety: Dimension
    avoidance: Dimension
    quadrant: QuadrantDescription
    mixed: bool
    resembles: Region | None
    patient: Register
    clinician: Register

    @property
    def dimensions(self) -> tuple[Dimension, Dimension]:
        return (self.anxiety, self.avoidance)


def lean(value: float, margin: float = NEAR_MIDPOINT) -> Lean:
    """LOWER or HIGHER when the value is at least ``margin`` from the midpoint, else MIDDLE.

    A value exactly on the midpoint is always MIDDLE, whatever the margin.
    """
    distance = value - MIDPOINT
    if distance == 0 or abs(distance) < margin:
        return Lean.MIDDLE
    return Lean.HIGHER if distance > 0 else Lean.LOWER


def _dimension(key: str, value: float, margin: float) -> Dimension:
    side = lean(value, margin)
    patient, clinician = words.DIMENSION_TEXTS[(key, side.value)]
    return Dimension(key, DIMENSION_NAMES[key], value, side, patient, clinician)


def _register(texts: words.Texts, style_aid: str, basis: str) -> Register:
    return Register(
        summary=texts.summary,
        trust=texts.trust,
        closeness=texts.closeness,
        stress=texts.stress,
        therapy=texts.therapy,
        style_aid=style_aid,
        basis=basis,
    )


def _clinician_basis(margin: float) -> str:
    return (
        f"{BASIS} Scores within {margin:g} of the midpoint are read as a mixed picture, a "
        "margin chosen by Attune rather than a published cut-off."
    )


def profile_from_dimensions(
    anxiety: float,
    avoidance: float,
    *,
    instrument_id: str = "ecrr",
    margin: float = NEAR_MIDPOINT,
) -> AttachmentProfile:
    """The profile for a pair of means (1–7). Raises ValidationError naming a bad value."""
    if not 0 <= margin < SCALE[1] - MIDPOINT:
        raise ValidationError(f"margin must be between 0 and 3, got {margin}", field="margin")
    quadrant = describe_quadrant(anxiety, avoidance)  # validates the 1–7 range
    anx = _dimension("anxiety", anxiety, margin)
    avo = _dimension("avoidance", avoidance, margin)
    region = quadrant.region
    basis = _clinician_basis(margin)
    if Lean.MIDDLE in (anx.lean, avo.lean) or region is None:
        patient = _register(words.PATIENT_MIXED, words.PATIENT_NO_AID, words.PATIENT_BASIS)
        clinician = _register(
            words.CLINICIAN_MIXED, words.CLINICIAN_NO_AID.format(margin=f"{margin:g}"), basis
        )
        return AttachmentProfile(instrument_id, anx, avo, quadrant, True, None, patient, clinician)
    patient_name, clinician_name = words.STYLE_NAMES[region]
    patient = _register(
        words.PATIENT_REGION[region],
        words.PATIENT_AID.format(a_name=with_article(patient_name)),
        words.PATIENT_BASIS,
    )
    clinician = _register(
        words.CLINICIAN_REGION[region], words.CLINICIAN_AID.format(name=clinician_name), basis
    )
    return AttachmentProfile(instrument_id, anx, avo, quadrant, False, region, patient, clinician)


def _subscale(subscales: Mapping[str, float | None], key: str, instrument_id: str) -> float:
    value = subscales.get(key)
    if value is None:
        raise ValidationError(
            f"the {instrument_id} response has no {DIMENSION_NAMES[key].lower()} score "
            "(it could not be scored)",
            field=key,
        )
    return value


def attachment_profile(score: Score, *, margin: float = NEAR_MIDPOINT) -> AttachmentProfile:
    """The profile from a scored ECR-R or ECR-RS response."""
    if score.instrument_id not in ATTACHMENT_INSTRUMENTS:
        raise ValidationError(
            f"an attachment profile needs an ECR-R or ECR-RS score, not '{score.instrument_id}'",
            field="instrument_id",
        )
    anxiety = _subscale(score.subscales, "anxiety", score.instrument_id)
    avoidance = _subscale(score.subscales, "avoidance", score.instrument_id)
    return profile_from_dimensions(
        anxiety, avoidance, instrument_id=score.instrument_id, margin=margin
    )
