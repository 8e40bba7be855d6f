"""Intake validation: every missing answer, out-of-range number and contradiction, by field."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from intake_builders import BASE, DRINKING, MAN_40, TODAY, WOMAN_40, with_addiction

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.intake import (
    SECTIONS,
    Addiction,
    AddictionType,
    AmountUnit,
    Intake,
    Medication,
    MedicationClass,
    Medications,
    Pregnancy,
    PreviousTreatment,
    Readiness,
    Respondent,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    from_dict,
    require_valid,
    to_dict,
    validate,
)


def fields(intake: Intake, respondent: Respondent = WOMAN_40, complete: bool = True) -> list[str]:
    return [e.field for e in validate(intake, respondent, complete=complete)]


def test_a_complete_consistent_intake_has_no_errors() -> None:
    assert validate(BASE, WOMAN_40) == ()
    assert validate(replace(BASE, medical=replace(BASE.medical, pregnancy=None)), MAN_40) == ()
    require_valid(BASE, WOMAN_40)


def test_an_empty_intake_lists_every_required_answer() -> None:
    assert set(fields(Intake())) == {
        "addictions",
        "withdrawal.seizures",
        "withdrawal.delirium",
        "withdrawal.other_severe",
        "medications.takes_any",
        "medical.high_blood_pressure",
        "medical.heart_disease",
        "medical.aneurysm_or_brain_bleed",
        "medical.epilepsy",
        "medical.liver_disease",
        "medical.pregnancy",
        "mental_health.psychosis",
        "mental_health.mania",
        "mental_health.suicide_attempts",
        "mental_health.self_harm",
        "mental_health.suicidal_thoughts_now",
        "situation.stable_housing",
        "situation.lives_alone",
        "situation.lives_with_someone_who_uses",
        "situation.supports",
        "situation.pressures",
        "treatment.had_treatment",
        "readiness.ruler",
        "readiness.stage",
        "goals",
    }


def test_a_saved_sitting_is_not_asked_for_missing_answers() -> None:
    assert fields(Intake(), complete=False) == []
    half = Intake(addictions=(Addiction(AddictionType.GAMBLING),))
    assert fields(half, complete=False) == []


def test_no_addictions_named_is_a_valid_answer() -> None:
    assert validate(replace(BASE, addictions=()), WOMAN_40) == ()


def test_pregnancy_is_not_required_when_the_record_says_male() -> None:
    intake = replace(BASE, medical=replace(BASE.medical, pregnancy=None))
    assert "medical.pregnancy" not in fields(intake, MAN_40)
    assert "medical.pregnancy" in fields(intake, WOMAN_40)
    unknown_sex = Respondent(today=TODAY)
    assert "medical.pregnancy" in fields(intake, unknown_sex)


@pytest.mark.parametrize(
    ("intake", "field"),
    [
        (with_addiction(days_per_week=None), "addictions[0].days_per_week"),
        (with_addiction(last_use=None), "addictions[0].last_use"),
        (with_addiction(years_of_use=None), "addictions[0].years_of_use"),
        (with_addiction(amount=None, unit=None), "addictions[0].amount"),
        (with_addiction(unit=None), "addictions[0].unit"),
        (
            replace(
                BASE,
                addictions=(
                    Addiction(
                        AddictionType.OTHER_SUBSTANCE,
                        days_per_week=1,
                        amount=1,
                        unit=AmountUnit.USES,
                        last_use=TODAY,
                        years_of_use=1,
                    ),
                ),
            ),
            "addictions[0].detail",
        ),
        (
            replace(BASE, withdrawal=replace(BASE.withdrawal, other_severe=True)),
            "withdrawal.other_detail",
        ),
        (replace(BASE, medications=Medications(takes_any=True)), "medications.items"),
        (
            replace(BASE, medications=Medications(True, (Medication(" "),))),
            "medications.items[0].name",
        ),
        (
            replace(BASE, medical=replace(BASE.medical, high_blood_pressure=True)),
            "medical.blood_pressure_controlled",
        ),
        (replace(BASE, treatment=TreatmentHistory(had_treatment=True)), "treatment.items"),
        (
            replace(
                BASE,
                treatment=TreatmentHistory(True, (PreviousTreatment(TreatmentKind.COUNSELLING),)),
            ),
            "treatment.items[0].outcome",
        ),
        (replace(BASE, goals="   "), "goals"),
    ],
)
def test_each_missing_required_answer_is_named(intake: Intake, field: str) -> None:
    assert fields(intake) == [field]
    assert fields(intake, complete=False) == []


def test_a_behaviour_needs_no_amount_and_a_stopped_habit_no_frequency() -> None:
    gaming = Addiction(AddictionType.GAMING, days_per_week=6, last_use=TODAY, years_of_use=3)
    stopped = replace(DRINKING, stopped=True, days_per_week=None, amount=None, unit=None)
    assert validate(replace(BASE, addictions=(gaming, stopped)), WOMAN_40) == ()


@pytest.mark.parametrize(
    ("intake", "field", "words"),
    [
        (with_addiction(days_per_week=8), "addictions[0].days_per_week", "0 to 7"),
        (with_addiction(days_per_week=-1), "addictions[0].days_per_week", "0 to 7"),
        (with_addiction(years_of_use=-0.5), "addictions[0].years_of_use", "below 0"),
        (with_addiction(years_of_use=41), "addictions[0].years_of_use", "40 years or fewer"),
        (with_addiction(amount=-2), "addictions[0].amount", "below 0"),
        (with_addiction(amount=30, unit=AmountUnit.HOURS), "addictions[0].amount", "24"),
        (
            replace(BASE, readiness=Readiness(ruler=11, stage=BASE.readiness.stage)),
            "readiness.ruler",
            "0 to 10",
        ),
        (
            replace(BASE, readiness=Readiness(ruler=-1, stage=BASE.readiness.stage)),
            "readiness.ruler",
            "0 to 10",
        ),
        (
            replace(
                BASE,
                treatment=TreatmentHistory(
                    True,
                    (
                        PreviousTreatment(
                            TreatmentKind.RESIDENTIAL, TreatmentOutcome.HELPED, year=2026
                        ),
                    ),
                ),
            ),
            "treatment.items[0].year",
            "1985 to 2025",
        ),
        (
            replace(
                BASE,
                treatment=TreatmentHistory(
                    True,
                    (
                        PreviousTreatment(
                            TreatmentKind.RESIDENTIAL, TreatmentOutcome.HELPED, year=1970
                        ),
                    ),
                ),
            ),
            "treatment.items[0].year",
            "1985 to 2025",
        ),
        (replace(BASE, goals="x" * 2001), "goals", "2000 characters"),
    ],
)
def test_out_of_range_numbers_are_named(intake: Intake, field: str, words: str) -> None:
    errors = validate(intake, WOMAN_40, complete=False)
    assert [e.field for e in errors] == [field]
    assert words in errors[0].message


def test_years_without_a_birth_date_are_capped_at_a_hundred() -> None:
    no_birth = Respondent(today=TODAY, sex="female")
    assert fields(with_addiction(years_of_use=100), no_birth) == []
    assert fields(with_addiction(years_of_use=101), no_birth) == ["addictions[0].years_of_use"]


@pytest.mark.parametrize(
    ("intake", "respondent", "field", "words"),
    [
        (with_addiction(last_use=date(2025, 3, 2)), WOMAN_40, "addictions[0].last_use", "future"),
        (
            with_addiction(last_use=date(1984, 1, 1), days_per_week=0),
            WOMAN_40,
            "addictions[0].last_use",
            "before the date of birth",
        ),
        (
            with_addiction(stopped=True, days_per_week=3),
            WOMAN_40,
            "addictions[0].days_per_week",
            "stopped",
        ),
        (
            with_addiction(last_use=date(2024, 12, 1)),
            WOMAN_40,
            "addictions[0].days_per_week",
            "past 30 days",
        ),
        (
            with_addiction(last_use=date(2000, 1, 1), years_of_use=20, days_per_week=0),
            WOMAN_40,
            "addictions[0].years_of_use",
            "before birth",
        ),
        (
            replace(BASE, medical=replace(BASE.medical, pregnancy=Pregnancy.YES)),
            MAN_40,
            "medical.pregnancy",
            "male",
        ),
        (
            replace(BASE, medical=replace(BASE.medical, pregnancy=Pregnancy.POSSIBLY)),
            MAN_40,
            "medical.pregnancy",
            "male",
        ),
        (
            replace(BASE, medical=replace(BASE.medical, blood_pressure_controlled=True)),
            WOMAN_40,
            "medical.blood_pressure_controlled",
            "do not have high blood pressure",
        ),
        (
            replace(BASE, medications=Medications(False, (Medication("sertraline"),))),
            WOMAN_40,
            "medications.items",
            "no medicines",
        ),
        (
            replace(
                BASE,
                situation=replace(
                    BASE.situation, lives_alone=True, lives_with_someone_who_uses=True
                ),
            ),
            WOMAN_40,
            "situation.lives_with_someone_who_uses",
            "live alone",
        ),
        (
            replace(
                BASE,
                treatment=TreatmentHistory(
                    False, (PreviousTreatment(TreatmentKind.COUNSELLING, TreatmentOutcome.HELPED),)
                ),
            ),
            WOMAN_40,
            "treatment.items",
            "no treatment",
        ),
        (
            replace(BASE, addictions=(DRINKING, replace(DRINKING, detail="beer"))),
            WOMAN_40,
            "addictions[1].what",
            "twice",
        ),
    ],
)
def test_each_contradiction_is_named(
    intake: Intake, respondent: Respondent, field: str, words: str
) -> None:
    for complete in (True, False):
        errors = validate(intake, respondent, complete=complete)
        assert [e.field for e in errors] == [field]
        assert words in errors[0].message


def test_two_different_other_substances_are_not_duplicates() -> None:
    other = Addiction(
        AddictionType.OTHER_SUBSTANCE,
        "kratom",
        days_per_week=2,
        amount=1,
        unit=AmountUnit.GRAMS,
        last_use=TODAY,
        years_of_use=1,
    )
    two = replace(BASE, addictions=(other, replace(other, detail="poppers")))
    assert validate(two, WOMAN_40) == ()
    same = replace(BASE, addictions=(other, replace(other, detail=" Kratom ")))
    assert fields(same) == ["addictions[1].what"]


def test_every_problem_is_collected_not_only_the_first() -> None:
    bad = replace(
        with_addiction(days_per_week=9, last_use=date(2026, 1, 1), years_of_use=-1),
        readiness=Readiness(ruler=12, stage=None),
        medical=replace(BASE.medical, pregnancy=Pregnancy.YES),
    )
    found = fields(bad, MAN_40)
    assert found == [
        "addictions[0].days_per_week",
        "addictions[0].last_use",
        "addictions[0].years_of_use",
        "medical.pregnancy",
        "readiness.ruler",
        "readiness.stage",
    ]


def test_require_valid_raises_form_errors_listing_every_field() -> None:
    bad = replace(with_addiction(days_per_week=9), readiness=Readiness(ruler=12, stage=None))
    with pytest.raises(FormErrors) as caught:
        require_valid(bad, WOMAN_40)
    error = caught.value
    assert isinstance(error, ValidationError)
    assert error.field == "addictions[0].days_per_week"
    assert [f for f, _ in error.errors] == [
        "addictions[0].days_per_week",
        "readiness.ruler",
        "readiness.stage",
    ]
    assert "3 answers need attention" in error.message


def test_require_valid_with_one_problem_gives_its_message() -> None:
    with pytest.raises(FormErrors) as caught:
        require_valid(with_addiction(days_per_week=9), WOMAN_40)
    assert caught.value.message == "Please enter a number of days from 0 to 7."


def test_form_errors_needs_at_least_one_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        FormErrors(())


def test_every_error_field_is_a_question_the_web_renders() -> None:
    """Error fields (indices written as []) name questions, or a whole repeating list."""
    worst = replace(
        Intake(
            addictions=(
                Addiction(AddictionType.OTHER_BEHAVIOUR, amount=1, last_use=date(2030, 1, 1)),
                Addiction(AddictionType.OTHER_BEHAVIOUR, amount=-1, days_per_week=9),
            ),
            medications=Medications(True, (Medication("", frozenset({MedicationClass.MAOI})),)),
            treatment=TreatmentHistory(
                True, (PreviousTreatment(TreatmentKind.MEDICATION, year=1800),)
            ),
        ),
        medical=replace(BASE.medical, high_blood_pressure=True, pregnancy=Pregnancy.YES),
        withdrawal=replace(BASE.withdrawal, other_severe=True),
    )
    known = {q.field for s in SECTIONS for q in s.questions} | {
        "addictions",
        "medications.items[]",
        "treatment.items[]",
    }
    errors = validate(worst, MAN_40)
    assert len(errors) > 20
    for error in errors:
        assert re.sub(r"\[\d+\]", "[]", error.field) in known, error.field
        assert error.message.strip()


def test_age_counts_whole_years_up_to_the_last_birthday() -> None:
    assert Respondent(today=TODAY, date_of_birth=date(1985, 6, 1)).age == 39
    assert Respondent(today=TODAY, date_of_birth=date(1985, 3, 1)).age == 40
    assert Respondent(today=TODAY).age is None


@pytest.mark.parametrize("name", ["supports", "pressures"])
def test_none_ticked_is_an_answer_and_nothing_ticked_is_not(name: str) -> None:
    nobody = replace(BASE, situation=replace(BASE.situation, **{name: frozenset()}))
    untouched = replace(BASE, situation=replace(BASE.situation, **{name: None}))
    assert validate(nobody, WOMAN_40) == ()
    assert fields(untouched) == [f"situation.{name}"]
    # Stored apart: "none" as an empty list, "not answered" as null.
    assert to_dict(nobody)["situation"][name] == []  # type: ignore[index]
    assert to_dict(untouched)["situation"][name] is None  # type: ignore[index]
    assert from_dict(to_dict(nobody)) == nobody
    assert from_dict(to_dict(untouched)) == untouched
