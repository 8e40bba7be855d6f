"""The preliminary KAP candidacy screen: every contraindication and caution, with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medication,
    MedicationClass,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    SelfHarm,
)
from attune.domain.kap import PRELIMINARY, Category, Outcome, Severity, screen

TODAY = date(2025, 3, 1)
CLEAR = Intake(
    addictions=(
        Addiction(AddictionType.GAMBLING, days_per_week=3, last_use=TODAY, years_of_use=4),
    ),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
)


def codes(intake: Intake, **kw: object) -> dict[str, tuple[Severity, Category, str]]:
    result = screen(intake, today=TODAY, **kw)  # type: ignore[arg-type]
    return {f.code: (f.severity, f.category, f.source) for f in result.findings}


def medical(**changes: object) -> Intake:
    return replace(CLEAR, medical=replace(CLEAR.medical, **changes))  # type: ignore[arg-type]


def mental(**changes: object) -> Intake:
    return replace(CLEAR, mental_health=replace(CLEAR.mental_health, **changes))  # type: ignore[arg-type]


def test_a_clear_intake_finds_nothing_but_is_still_labelled_preliminary() -> None:
    result = screen(CLEAR, today=TODAY, sex="female")
    assert result.outcome is Outcome.NO_CONTRAINDICATIONS_FOUND
    assert result.findings == ()
    assert result.label == PRELIMINARY
    assert "preliminary" in result.label.lower()
    assert "prescriber's sign-off come with the KAP program" in result.label


C, W = Severity.CONTRAINDICATION, Severity.CAUTION


@pytest.mark.parametrize(
    ("intake", "code", "severity", "category", "source"),
    [
        (
            medical(high_blood_pressure=True, blood_pressure_controlled=False),
            "uncontrolled_blood_pressure",
            C,
            Category.CARDIOVASCULAR,
            "medical.blood_pressure_controlled",
        ),
        (
            medical(high_blood_pressure=True, blood_pressure_controlled=None),
            "uncontrolled_blood_pressure",
            C,
            Category.CARDIOVASCULAR,
            "medical.blood_pressure_controlled",
        ),
        (
            medical(high_blood_pressure=True, blood_pressure_controlled=True),
            "controlled_blood_pressure",
            W,
            Category.CARDIOVASCULAR,
            "medical.high_blood_pressure",
        ),
        (
            medical(aneurysm_or_brain_bleed=True),
            "aneurysm_or_brain_bleed",
            C,
            Category.CARDIOVASCULAR,
            "medical.aneurysm_or_brain_bleed",
        ),
        (
            medical(heart_disease=True),
            "heart_disease",
            W,
            Category.CARDIOVASCULAR,
            "medical.heart_disease",
        ),
        (medical(pregnancy=Pregnancy.YES), "pregnancy", C, Category.PREGNANCY, "medical.pregnancy"),
        (
            medical(pregnancy=Pregnancy.POSSIBLY),
            "pregnancy",
            C,
            Category.PREGNANCY,
            "medical.pregnancy",
        ),
        (
            medical(liver_disease=LiverDisease.SEVERE),
            "severe_liver_disease",
            C,
            Category.LIVER,
            "medical.liver_disease",
        ),
        (
            medical(liver_disease=LiverDisease.PRESENT),
            "liver_disease",
            W,
            Category.LIVER,
            "medical.liver_disease",
        ),
        (
            mental(psychosis=EpisodeHistory.CURRENT),
            "psychosis",
            C,
            Category.PSYCHIATRIC,
            "mental_health.psychosis",
        ),
        (
            mental(psychosis=EpisodeHistory.PAST),
            "psychosis",
            C,
            Category.PSYCHIATRIC,
            "mental_health.psychosis",
        ),
        (
            mental(mania=EpisodeHistory.CURRENT),
            "current_mania",
            C,
            Category.PSYCHIATRIC,
            "mental_health.mania",
        ),
        (
            mental(mania=EpisodeHistory.PAST),
            "past_mania",
            W,
            Category.PSYCHIATRIC,
            "mental_health.mania",
        ),
        (
            mental(suicidal_thoughts_now=True),
            "suicidal_thoughts",
            W,
            Category.SAFETY,
            "mental_health.suicidal_thoughts_now",
        ),
    ],
)
def test_each_finding_has_its_severity_category_and_source(
    intake: Intake, code: str, severity: Severity, category: Category, source: str
) -> None:
    found = codes(intake, sex="female")
    assert found == {code: (severity, category, source)}
    result = screen(intake, today=TODAY, sex="female")
    assert result.findings[0].reason.strip()
    expected = Outcome.CONTRAINDICATIONS_FOUND if severity is C else Outcome.CAUTIONS
    assert result.outcome is expected


@pytest.mark.parametrize("what", [AddictionType.KETAMINE, AddictionType.DISSOCIATIVES])
def test_misuse_of_ketamine_or_other_dissociatives_is_a_contraindication(
    what: AddictionType,
) -> None:
    for stopped in (False, True):
        use = Addiction(what, stopped=stopped, last_use=date(2023, 1, 1), years_of_use=2)
        result = screen(replace(CLEAR, addictions=(use,)), today=TODAY, sex="male")
        assert result.outcome is Outcome.CONTRAINDICATIONS_FOUND
        finding = result.contraindications[0]
        assert finding.code == "dissociative_misuse"
        assert finding.category is Category.SUBSTANCE_USE
        assert finding.source == "addictions[0].what"


@pytest.mark.parametrize(
    ("cls", "words"),
    [
        (MedicationClass.BENZODIAZEPINE, "blunt"),
        (MedicationClass.OTHER_SEDATIVE, "slow breathing"),
        (MedicationClass.OPIOID, "slow breathing"),
        (MedicationClass.STIMULANT, "blood pressure"),
        (MedicationClass.MAOI, "blood pressure"),
    ],
)
def test_interacting_medicines_are_flagged_with_why(cls: MedicationClass, words: str) -> None:
    meds = Medications(True, (Medication("medicine x", frozenset({cls})),))
    result = screen(replace(CLEAR, medications=meds), today=TODAY, sex="male")
    assert result.outcome is Outcome.CAUTIONS
    (finding,) = result.findings
    assert finding.code == f"medication_{cls.value}"
    assert finding.category is Category.MEDICATION
    assert finding.source == "medications.items[0].classes"
    assert finding.reason.startswith("medicine x: ")
    assert words in finding.reason


def test_a_medicine_in_two_classes_gives_two_findings() -> None:
    both = Medication("combo", frozenset({MedicationClass.OPIOID, MedicationClass.STIMULANT}))
    result = screen(replace(CLEAR, medications=Medications(True, (both,))), today=TODAY, sex="male")
    assert {f.code for f in result.findings} == {"medication_opioid", "medication_stimulant"}


@pytest.mark.parametrize(
    "what",
    [
        AddictionType.ALCOHOL,
        AddictionType.BENZODIAZEPINES,
        AddictionType.SEDATIVES,
        AddictionType.OPIOIDS,
        AddictionType.STIMULANTS,
    ],
)
def test_current_use_of_interacting_substances_is_a_caution(what: AddictionType) -> None:
    use = Addiction(
        what,
        days_per_week=3,
        amount=1,
        unit=AmountUnit.USES,
        last_use=TODAY - timedelta(days=3),
        years_of_use=2,
    )
    result = screen(replace(CLEAR, addictions=(use,)), today=TODAY, sex="male")
    assert [f.code for f in result.findings] == [f"current_{what.value}_use"]
    assert result.outcome is Outcome.CAUTIONS
    stopped = replace(use, stopped=True)
    assert screen(replace(CLEAR, addictions=(stopped,)), today=TODAY, sex="male").findings == ()
    old = replace(use, last_use=TODAY - timedelta(days=60))
    assert screen(replace(CLEAR, addictions=(old,)), today=TODAY, sex="male").findings == ()


def test_unanswered_questions_are_cautions_never_silence() -> None:
    result = screen(Intake(), today=TODAY)
    assert result.outcome is Outcome.CAUTIONS
    assert {f.source for f in result.findings} == {
        "medical.high_blood_pressure",
        "medical.aneurysm_or_brain_bleed",
        "medical.heart_disease",
        "medical.liver_disease",
        "mental_health.psychosis",
        "mental_health.mania",
        "medications.takes_any",
        "addictions",
        "medical.pregnancy",
    }
    assert all(f.category is Category.NOT_ANSWERED for f in result.findings)
    men = screen(Intake(), today=TODAY, sex="male")
    assert "medical.pregnancy" not in {f.source for f in men.findings}


def test_several_findings_are_all_listed_and_contraindications_win() -> None:
    many = replace(
        medical(pregnancy=Pregnancy.YES, heart_disease=True),
        mental_health=replace(CLEAR.mental_health, mania=EpisodeHistory.PAST),
    )
    result = screen(many, today=TODAY, sex="female")
    assert result.outcome is Outcome.CONTRAINDICATIONS_FOUND
    assert [f.code for f in result.contraindications] == ["pregnancy"]
    assert [f.code for f in result.cautions] == ["heart_disease", "past_mania"]
