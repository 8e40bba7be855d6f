"""The attachment profile: dimensions first, two registers, the four-style picture as an aid."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import ValidationError
from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.model import Score
from attune.domain.instruments.styles import Region
from attune.domain.profiles.attachment import (
    Lean,
    attachment_profile,
    lean,
    profile_from_dimensions,
)
from attune.domain.profiles.attachment_texts import CLINICIAN_REGION, PATIENT_REGION

QUADRANTS = [
    (2.0, 2.0, Region.SECURE, "secure", "secure"),
    (6.0, 2.0, Region.PREOCCUPIED, "anxious-preoccupied", "preoccupied"),
    (2.0, 6.0, Region.DISMISSING, "dismissive-avoidant", "dismissing"),
    (6.0, 6.0, Region.FEARFUL, "fearful-avoidant", "fearful"),
]

LABEL_WORDS = ("you are a ", "you are an ", "your style is", "insecure", "disorder", "diagnosed")


def _all_patient_text(anxiety: float, avoidance: float) -> str:
    profile = profile_from_dimensions(anxiety, avoidance)
    reg = profile.patient
    parts = [reg.summary, reg.style_aid, reg.basis, *(text for _, text in reg.topics)]
    parts += [d.patient for d in profile.dimensions]
    return " ".join(parts)


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "region", "patient_name", "clinical_name"), QUADRANTS
)
def test_each_quadrant_gets_its_region_texts_in_both_registers(
    anxiety: float, avoidance: float, region: Region, patient_name: str, clinical_name: str
) -> None:
    profile = profile_from_dimensions(anxiety, avoidance)
    assert not profile.mixed
    assert profile.resembles is region
    assert profile.quadrant.region is region
    assert profile.patient.trust == PATIENT_REGION[region].trust
    assert profile.patient.therapy == PATIENT_REGION[region].therapy
    assert profile.clinician.stress == CLINICIAN_REGION[region].stress
    assert profile.clinician.closeness == CLINICIAN_REGION[region].closeness
    # The four-style name is offered as a resemblance, never as a label.
    assert f"{patient_name} pattern" in profile.patient.style_aid
    assert "tend to resemble" in profile.patient.style_aid
    assert "not a label" in profile.patient.style_aid
    assert "not a diagnosis" in profile.patient.style_aid
    assert f"{clinical_name} prototype" in profile.clinician.style_aid
    assert "not a classification" in profile.clinician.style_aid


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "phrase"),
    [
        (2.0, 2.0, "what is often called a secure pattern"),
        (6.0, 2.0, "what is often called an anxious-preoccupied pattern"),
        (2.0, 6.0, "what is often called a dismissive-avoidant pattern"),
        (6.0, 6.0, "what is often called a fearful-avoidant pattern"),
    ],
)
def test_the_aid_puts_a_or_an_by_the_name_that_follows(
    anxiety: float, avoidance: float, phrase: str
) -> None:
    text = _all_patient_text(anxiety, avoidance)
    assert phrase in profile_from_dimensions(anxiety, avoidance).patient.style_aid
    # Nowhere in the patient's texts does "a" stand before a vowel.
    assert re.search(r"\b[Aa] [aeiou]", text) is None, text


@pytest.mark.parametrize(
    ("anxiety", "avoidance", "region", "patient_name", "clinical_name"), QUADRANTS
)
def test_the_registers_differ_and_the_topics_are_all_there(
    anxiety: float, avoidance: float, region: Region, patient_name: str, clinical_name: str
) -> None:
    profile = profile_from_dimensions(anxiety, avoidance)
    headings = [h for h, _ in profile.patient.topics]
    assert headings == ["Trust", "Closeness", "Under stress", "The therapy relationship"]
    for (_, plain), (_, clinical) in zip(
        profile.patient.topics, profile.clinician.topics, strict=True
    ):
        assert plain and clinical and plain != clinical
    # Patient words speak to the person; clinical words use the field's terms.
    assert "you" in profile.patient.trust.lower()
    assert "model" in profile.clinician.summary or "security" in profile.clinician.summary


def test_texts_are_distinct_across_regions() -> None:
    for texts in (PATIENT_REGION, CLINICIAN_REGION):
        for topic in ("summary", "trust", "closeness", "stress", "therapy"):
            values = {getattr(t, topic) for t in texts.values()}
            assert len(values) == 4, topic


def test_the_dimensions_come_first_with_their_own_words() -> None:
    profile = profile_from_dimensions(6.2, 1.5)
    anxiety, avoidance = profile.dimensions
    assert (anxiety.key, anxiety.name, anxiety.value, anxiety.lean) == (
        "anxiety",
        "Attachment anxiety",
        6.2,
        Lean.HIGHER,
    )
    assert (avoidance.key, avoidance.value, avoidance.lean) == ("avoidance", 1.5, Lean.LOWER)
    assert "worry" in anxiety.patient and "hyperactivating" in anxiety.clinician
    assert "leaning on others" in avoidance.patient


@pytest.mark.parametrize(
    ("anxiety", "avoidance"), [(4.0, 4.0), (4.4, 6.5), (1.5, 3.6), (3.51, 4.49), (6.9, 4.2)]
)
def test_near_the_midpoint_the_picture_is_mixed_and_no_region_is_offered(
    anxiety: float, avoidance: float
) -> None:
    profile = profile_from_dimensions(anxiety, avoidance)
    assert profile.mixed
    assert profile.resembles is None
    assert "mixed" in profile.patient.summary
    assert "do not suggest any" in profile.patient.style_aid
    assert "within 0.5 of the midpoint" in profile.clinician.style_aid
    # The clear dimension is still described on its own.
    for dim in profile.dimensions:
        expected = lean(dim.value)
        assert dim.lean is expected


def test_the_margin_is_exclusive_and_can_be_changed() -> None:
    assert lean(3.5) is Lean.LOWER and lean(4.5) is Lean.HIGHER
    assert lean(3.51) is Lean.MIDDLE and lean(4.49) is Lean.MIDDLE
    assert lean(4.0, 0.0) is Lean.MIDDLE
    assert profile_from_dimensions(4.2, 3.9, margin=0.1).resembles is Region.PREOCCUPIED
    assert profile_from_dimensions(4.2, 3.9).mixed
    with pytest.raises(ValidationError) as err:
        profile_from_dimensions(5, 5, margin=-1)
    assert err.value.field == "margin"


def test_both_registers_say_the_midpoint_is_not_a_validated_cut_off() -> None:
    for anxiety, avoidance in ((2, 2), (4, 4)):
        profile = profile_from_dimensions(anxiety, avoidance)
        assert "not a validated cut-off" in profile.clinician.basis
        assert "Fraley" in profile.clinician.basis
        assert "not a dividing line that research has tested" in profile.patient.basis
        assert "not a diagnosis" in profile.patient.basis


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(
    st.floats(min_value=1, max_value=7, allow_nan=False),
    st.floats(min_value=1, max_value=7, allow_nan=False),
)
def test_patient_words_never_label_the_person(anxiety: float, avoidance: float) -> None:
    text = _all_patient_text(anxiety, avoidance).lower()
    for word in LABEL_WORDS:
        assert word not in text
    for name in ("anxious-preoccupied", "dismissive-avoidant", "fearful-avoidant"):
        # A style name only ever appears inside the "tend to resemble" sentence.
        if name in text:
            assert re.search(r"tend to resemble what is often called an? " + name, text)


def test_out_of_range_scores_are_refused_naming_the_dimension() -> None:
    with pytest.raises(ValidationError) as err:
        profile_from_dimensions(7.5, 2)
    assert err.value.field == "anxiety"
    with pytest.raises(ValidationError) as err:
        profile_from_dimensions(2, 0.5)
    assert err.value.field == "avoidance"


def test_built_from_a_real_ecr_r_score_and_an_ecr_rs_score() -> None:
    ecrr = get_instrument("ecrr")
    # Answer 7 on every item: reversed items then weigh 1, the rest 7.
    result = score(ecrr, dict.fromkeys(ecrr.item_ids, 7))
    profile = attachment_profile(result)
    assert profile.instrument_id == "ecrr"
    assert profile.anxiety.value == result.subscales["anxiety"]
    assert profile.avoidance.value == result.subscales["avoidance"]

    ecrrs = get_instrument("ecrrs")
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 7, "q6": 7, "q7": 7, "q8": 7, "q9": 7}
    profile = attachment_profile(score(ecrrs, answers))
    assert (profile.anxiety.value, profile.avoidance.value) == (7.0, 7.0)
    assert profile.resembles is Region.FEARFUL


def test_other_or_unscored_responses_are_refused() -> None:
    with pytest.raises(ValidationError) as err:
        attachment_profile(Score("phq9", 12.0))
    assert err.value.field == "instrument_id"
    unscored = Score("ecrr", None, subscales={"anxiety": None, "avoidance": None})
    with pytest.raises(ValidationError) as err:
        attachment_profile(unscored)
    assert err.value.field == "anxiety"
    assert "could not be scored" in err.value.message
