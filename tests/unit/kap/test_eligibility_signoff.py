"""The prescriber's sign-off on an eligibility result, and the storage form of both."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.intake import (
    Addiction,
    AddictionType,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    SelfHarm,
    Situation,
)
from attune.domain.kap.eligibility import (
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Outcome,
    assess,
)
from attune.domain.kap.eligibility_store import eligibility_from_dict, eligibility_to_dict
from attune.domain.kap.program import IN_OFFICE, SPRAVATO_AT_HOME, Program
from attune.domain.kap.signoff import (
    MIN_RATIONALE,
    Decision,
    sign_off,
    signoff_from_dict,
    signoff_to_dict,
)

NOW = datetime(2025, 3, 1, 10, tzinfo=UTC)
LATER = NOW + timedelta(hours=2)
RATIONALE = (
    "Single drug-induced episode ten years ago, none since; psychiatrist agrees; family watch."
)
CLEAR = Intake(
    addictions=(),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
    situation=Situation(stable_housing=True),
)


def result(intake: Intake = CLEAR, program: Program = IN_OFFICE, bp: int = 120) -> Eligibility:
    inputs = EligibilityInputs(
        intake, program, sex="female", blood_pressure=BloodPressure(bp, 80, NOW)
    )
    return assess(inputs, NOW)


ELIGIBLE = result()
WITH_CONDITIONS = result(bp=150)
PAST_PSYCHOSIS = replace(CLEAR.mental_health, psychosis=EpisodeHistory.PAST)
PSYCHOSIS_HISTORY = result(replace(CLEAR, mental_health=PAST_PSYCHOSIS))
KETAMINE_PAST = (Addiction(AddictionType.KETAMINE, stopped=True),)
TWO_SOFT = result(replace(CLEAR, addictions=KETAMINE_PAST, mental_health=PAST_PSYCHOSIS))
HARD = result(replace(CLEAR, medical=replace(CLEAR.medical, aneurysm_or_brain_bleed=True)))


def fields(error: FormErrors) -> list[str]:
    return [f for f, _ in error.errors]


def test_the_fixtures_have_the_outcomes_the_tests_need() -> None:
    assert ELIGIBLE.outcome is Outcome.ELIGIBLE
    assert WITH_CONDITIONS.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS
    assert PSYCHOSIS_HISTORY.outcome is Outcome.NOT_ELIGIBLE
    assert {r.code for r in TWO_SOFT.exclusions} == {"psychosis_history", "dissociative_misuse"}
    assert HARD.outcome is Outcome.NOT_ELIGIBLE


def test_approving_an_eligible_result_permits_dosing_and_names_the_result() -> None:
    s = sign_off(ELIGIBLE, prescriber_user_id=7, signed_at=LATER, decision=Decision.APPROVE)
    assert s.permits_dosing
    assert s.is_for(ELIGIBLE) and not s.is_for(WITH_CONDITIONS)
    assert (s.eligibility_digest, s.program, s.outcome) == (
        ELIGIBLE.digest,
        IN_OFFICE,
        Outcome.ELIGIBLE,
    )


def test_approving_with_conditions_needs_a_note_on_how_they_are_met() -> None:
    with pytest.raises(FormErrors) as caught:
        sign_off(WITH_CONDITIONS, prescriber_user_id=7, signed_at=LATER, decision=Decision.APPROVE)
    assert fields(caught.value) == ["note"]
    s = sign_off(
        WITH_CONDITIONS,
        prescriber_user_id=7,
        signed_at=LATER,
        decision=Decision.APPROVE,
        note="Blood pressure re-measured on the day; dose only below 140/90.",
    )
    assert s.permits_dosing


def test_a_signature_cannot_make_a_not_eligible_result_eligible() -> None:
    with pytest.raises(FormErrors) as caught:
        sign_off(
            PSYCHOSIS_HISTORY,
            prescriber_user_id=7,
            signed_at=LATER,
            decision=Decision.APPROVE,
            note="ok",
        )
    assert fields(caught.value) == ["decision"]
    assert "cannot make it eligible" in caught.value.errors[0][1]


def test_an_override_of_soft_exclusions_needs_each_named_and_a_rationale() -> None:
    with pytest.raises(FormErrors) as caught:
        sign_off(
            TWO_SOFT,
            prescriber_user_id=7,
            signed_at=LATER,
            decision=Decision.OVERRIDE,
            overridden=("psychosis_history",),
            rationale="too short",
        )
    assert fields(caught.value) == ["overridden", "rationale"]
    s = sign_off(
        TWO_SOFT,
        prescriber_user_id=7,
        signed_at=LATER,
        decision=Decision.OVERRIDE,
        overridden=("psychosis_history", "dissociative_misuse"),
        rationale=RATIONALE,
    )
    assert s.permits_dosing
    assert s.overridden == ("dissociative_misuse", "psychosis_history")
    assert len(RATIONALE) >= MIN_RATIONALE


@pytest.mark.parametrize("hard", [HARD, result(program=SPRAVATO_AT_HOME), result(bp=200)])
def test_hard_exclusions_can_never_be_overridden(hard: Eligibility) -> None:
    codes = tuple(r.code for r in hard.exclusions)
    with pytest.raises(FormErrors) as caught:
        sign_off(
            hard,
            prescriber_user_id=7,
            signed_at=LATER,
            decision=Decision.OVERRIDE,
            overridden=codes,
            rationale=RATIONALE,
        )
    assert fields(caught.value) == ["decision"]
    assert "can never be overridden" in caught.value.errors[0][1]


def test_an_override_needs_something_to_override() -> None:
    with pytest.raises(FormErrors) as caught:
        sign_off(
            ELIGIBLE,
            prescriber_user_id=7,
            signed_at=LATER,
            decision=Decision.OVERRIDE,
            rationale=RATIONALE,
        )
    assert fields(caught.value) == ["decision"]


def test_a_decline_never_permits_dosing_and_takes_no_override_fields() -> None:
    s = sign_off(HARD, prescriber_user_id=7, signed_at=LATER, decision=Decision.DECLINE)
    assert not s.permits_dosing
    with pytest.raises(FormErrors) as caught:
        sign_off(
            ELIGIBLE,
            prescriber_user_id=7,
            signed_at=LATER,
            decision=Decision.DECLINE,
            rationale=RATIONALE,
        )
    assert fields(caught.value) == ["overridden"]


def test_who_and_when_are_checked() -> None:
    with pytest.raises(FormErrors) as caught:
        sign_off(
            ELIGIBLE,
            prescriber_user_id=0,
            signed_at=NOW - timedelta(seconds=1),
            decision=Decision.APPROVE,
            note="\x00",
        )
    assert fields(caught.value) == ["prescriber_user_id", "signed_at", "note"]
    with pytest.raises(FormErrors) as naive:
        sign_off(
            ELIGIBLE,
            prescriber_user_id=7,
            signed_at=datetime(2025, 3, 2),
            decision=Decision.APPROVE,
        )
    assert fields(naive.value) == ["signed_at"]


def test_results_and_sign_offs_round_trip_through_their_stored_form() -> None:
    for r in (ELIGIBLE, WITH_CONDITIONS, TWO_SOFT, HARD, result(program=SPRAVATO_AT_HOME)):
        assert eligibility_from_dict(eligibility_to_dict(r)) == r
    s = sign_off(
        TWO_SOFT,
        prescriber_user_id=7,
        signed_at=LATER,
        decision=Decision.OVERRIDE,
        overridden=("psychosis_history", "dissociative_misuse"),
        rationale=RATIONALE,
    )
    assert signoff_from_dict(signoff_to_dict(s)) == s


def test_an_altered_stored_result_is_refused() -> None:
    data = eligibility_to_dict(HARD)
    data["outcome"] = "eligible"
    with pytest.raises(ValidationError) as caught:
        eligibility_from_dict(data)
    assert caught.value.field == "digest"
    data = eligibility_to_dict(HARD)
    data["reasons"] = []
    with pytest.raises(ValidationError, match="digest"):
        eligibility_from_dict(data)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("format", 2),
        ("outcome", "maybe"),
        ("program", "at_sea"),
        ("assessed_at", "2025-03-01T10:00"),
        ("reasons", {}),
    ],
)
def test_a_malformed_stored_result_names_the_field(key: str, value: object) -> None:
    data = eligibility_to_dict(ELIGIBLE)
    data[key] = value
    with pytest.raises(ValidationError) as caught:
        eligibility_from_dict(data)
    assert caught.value.field == key


def test_a_malformed_stored_sign_off_names_the_field() -> None:
    s = sign_off(ELIGIBLE, prescriber_user_id=7, signed_at=LATER, decision=Decision.APPROVE)
    for key, value in (
        ("decision", "maybe"),
        ("signed_at", "yesterday"),
        ("prescriber_user_id", True),
    ):
        data = signoff_to_dict(s)
        data[key] = value
        with pytest.raises(ValidationError) as caught:
            signoff_from_dict(data)
        assert caught.value.field == key
