"""The full KAP eligibility check: every rule, its severity per program, and its source."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from attune.domain.errors import FormErrors
from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.model import Score
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
    Situation,
)
from attune.domain.kap.candidacy import Category, Finding
from attune.domain.kap.candidacy import Severity as ScreenSeverity
from attune.domain.kap.eligibility import (
    AtHomeAnswers,
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Outcome,
    _from_screen,
    assess,
)
from attune.domain.kap.eligibility_rules import Severity, load_rules
from attune.domain.kap.program import (
    AT_HOME,
    IN_OFFICE,
    SPRAVATO_AT_HOME,
    SPRAVATO_IN_OFFICE,
    Program,
)
from attune.domain.levelofcare import Action

NOW = datetime(2025, 3, 1, 10, 0, tzinfo=UTC)
TODAY = NOW.date()
NORMAL_BP = BloodPressure(122, 78, NOW - timedelta(minutes=5))
READY_AT_HOME = AtHomeAnswers(True, True, True, True)
CLEAR = Intake(
    addictions=(
        Addiction(AddictionType.GAMBLING, days_per_week=3, last_use=TODAY, years_of_use=4),
    ),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
    situation=Situation(stable_housing=True),
)


def phq9(item9: int) -> Score:
    instrument = get_instrument("phq9")
    answers = {i: 1 for i in instrument.item_ids}
    answers["q9"] = item9
    return score(instrument, answers)


def check(intake: Intake = CLEAR, program: Program = IN_OFFICE, **changes: object) -> Eligibility:
    fields: dict[str, object] = {"sex": "female", "blood_pressure": NORMAL_BP}
    if program.at_home:
        fields.update(at_home=READY_AT_HOME, phq9=phq9(0), phq9_on=TODAY)
    fields.update(changes)
    return assess(EligibilityInputs(intake, program, **fields), NOW)  # type: ignore[arg-type]


def severities(result: Eligibility) -> dict[str, Severity]:
    return {r.code: r.severity for r in result.reasons}


def medical(**changes: object) -> Intake:
    return replace(CLEAR, medical=replace(CLEAR.medical, **changes))  # type: ignore[arg-type]


def mental(**changes: object) -> Intake:
    return replace(CLEAR, mental_health=replace(CLEAR.mental_health, **changes))  # type: ignore[arg-type]


E, C, N = Severity.EXCLUDE, Severity.CONDITION, Severity.NOTE


def test_a_clear_intake_is_eligible_in_the_office_with_its_notes() -> None:
    result = check()
    assert result.outcome is Outcome.ELIGIBLE
    assert severities(result) == {"no_driving": N, "off_label": N}
    assert result.rules_version == "1.0.0"
    assert result.program is IN_OFFICE
    assert len(result.digest) == 64


def test_a_clear_intake_is_eligible_at_home_when_every_requirement_is_met() -> None:
    result = check(program=AT_HOME)
    assert result.outcome is Outcome.ELIGIBLE
    assert severities(result) == {"off_label": N}


@pytest.mark.parametrize(
    ("intake", "code"),
    [
        (medical(aneurysm_or_brain_bleed=True), "vascular_contraindication"),
        (
            medical(high_blood_pressure=True, blood_pressure_controlled=False),
            "uncontrolled_hypertension",
        ),
        (medical(pregnancy=Pregnancy.YES), "pregnancy"),
        (medical(pregnancy=Pregnancy.POSSIBLY), "pregnancy"),
        (medical(liver_disease=LiverDisease.SEVERE), "severe_hepatic_impairment"),
        (mental(psychosis=EpisodeHistory.CURRENT), "current_psychosis"),
        (mental(psychosis=EpisodeHistory.PAST), "psychosis_history"),
        (mental(mania=EpisodeHistory.CURRENT), "current_mania"),
        (
            replace(CLEAR, addictions=(Addiction(AddictionType.KETAMINE, stopped=True),)),
            "dissociative_misuse",
        ),
        (
            replace(CLEAR, addictions=(Addiction(AddictionType.DISSOCIATIVES, stopped=True),)),
            "dissociative_misuse",
        ),
    ],
)
@pytest.mark.parametrize("program", [IN_OFFICE, AT_HOME, SPRAVATO_IN_OFFICE])
def test_each_contraindication_excludes_in_every_program(
    intake: Intake, code: str, program: Program
) -> None:
    result = check(intake, program)
    assert result.outcome is Outcome.NOT_ELIGIBLE
    assert severities(result)[code] is E
    reason = next(r for r in result.reasons if r.code == code)
    assert reason.sources and all(s.strip() for s in reason.sources)
    assert reason.evidence


@pytest.mark.parametrize(
    ("intake", "code"),
    [
        (
            medical(high_blood_pressure=True, blood_pressure_controlled=True),
            "controlled_hypertension",
        ),
        (medical(high_blood_pressure=True), "hypertension_control_unknown"),
        (medical(heart_disease=True), "heart_disease"),
        (medical(liver_disease=LiverDisease.PRESENT), "hepatic_impairment"),
        (mental(mania=EpisodeHistory.PAST), "past_mania"),
    ],
)
def test_cautions_of_the_screen_become_conditions(intake: Intake, code: str) -> None:
    result = check(intake)
    assert result.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS
    assert severities(result)[code] is C


def test_only_the_hard_exclusions_are_final_and_two_can_be_overridden() -> None:
    rules = load_rules()
    overridable = {r.code for r in rules.reasons if r.overridable}
    assert overridable == {"psychosis_history", "dissociative_misuse"}
    assert all(rules.reason(c).severity is E for c in overridable)


@pytest.mark.parametrize(
    ("systolic", "diastolic", "code"),
    [
        (140, 90, None),
        (141, 80, "blood_pressure_raised"),
        (130, 91, "blood_pressure_raised"),
        (180, 100, "blood_pressure_raised"),
        (181, 90, "blood_pressure_too_high"),
        (150, 101, "blood_pressure_too_high"),
    ],
)
def test_measured_blood_pressure_against_the_configured_thresholds(
    systolic: int, diastolic: int, code: str | None
) -> None:
    result = check(blood_pressure=BloodPressure(systolic, diastolic, NOW))
    codes = severities(result)
    bp_codes = {c for c in codes if c.startswith("blood_pressure")}
    assert bp_codes == (set() if code is None else {code})
    if code == "blood_pressure_too_high":
        assert result.outcome is Outcome.NOT_ELIGIBLE
        assert "above 180/100 mmHg" in next(r for r in result.reasons if r.code == code).evidence[0]
    elif code:
        assert result.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS


def test_thresholds_are_read_from_the_rules() -> None:
    rules = load_rules()
    stricter = replace(rules, raised_above=replace(rules.raised_above, systolic=120))
    inputs = EligibilityInputs(CLEAR, IN_OFFICE, blood_pressure=NORMAL_BP)
    assert "blood_pressure_raised" in assess(inputs, NOW, stricter).codes
    assert "blood_pressure_raised" not in assess(inputs, NOW, rules).codes


def test_no_measured_blood_pressure_is_a_condition() -> None:
    result = check(blood_pressure=None)
    assert severities(result)["blood_pressure_not_measured"] is C


@pytest.mark.parametrize(
    ("cls", "code", "why"),
    [
        (MedicationClass.BENZODIAZEPINE, "interacting_benzodiazepine", "blunt"),
        (MedicationClass.OTHER_SEDATIVE, "interacting_sedative", "slow breathing"),
        (MedicationClass.OPIOID, "interacting_opioid", "slow breathing"),
        (MedicationClass.STIMULANT, "interacting_stimulant", "raise blood pressure"),
        (MedicationClass.MAOI, "interacting_maoi", "blood pressure may rise"),
    ],
)
def test_interacting_medicines_are_flagged_with_why(
    cls: MedicationClass, code: str, why: str
) -> None:
    intake = replace(
        CLEAR, medications=Medications(True, (Medication("Medicine A", frozenset({cls})),))
    )
    result = check(intake)
    reason = next(r for r in result.reasons if r.code == code)
    assert reason.severity is C
    assert why in reason.text
    assert any("Medicine A" in e for e in reason.evidence)


def test_two_medicines_of_one_class_give_one_reason_with_both_as_evidence() -> None:
    benzo = frozenset({MedicationClass.BENZODIAZEPINE})
    meds = Medications(True, (Medication("Lorazepam", benzo), Medication("Diazepam", benzo)))
    result = check(replace(CLEAR, medications=meds))
    reasons = [r for r in result.reasons if r.code == "interacting_benzodiazepine"]
    assert len(reasons) == 1
    assert len(reasons[0].evidence) == 2


@pytest.mark.parametrize(
    ("what", "code"),
    [
        (AddictionType.ALCOHOL, "current_alcohol_use"),
        (AddictionType.OPIOIDS, "current_sedating_substance_use"),
        (AddictionType.BENZODIAZEPINES, "current_sedating_substance_use"),
        (AddictionType.SEDATIVES, "current_sedating_substance_use"),
        (AddictionType.STIMULANTS, "current_stimulant_use"),
    ],
)
def test_current_substance_use_is_a_condition(what: AddictionType, code: str) -> None:
    use = Addiction(
        what, days_per_week=2, amount=2, unit=AmountUnit.STANDARD_DRINKS, last_use=TODAY
    )
    result = check(replace(CLEAR, addictions=(use,)))
    assert severities(result)[code] is C


RISKS = [
    (mental(suicidal_thoughts_now=True), {}, "suicidal_thoughts"),
    (mental(suicide_attempts=AttemptHistory.PAST_YEAR), {}, "suicide_attempt_past_year"),
    (mental(self_harm=SelfHarm.RECENT), {}, "recent_self_harm"),
    (CLEAR, {"open_flags": ("suicidal_ideation",)}, "open_suicidal_ideation_flag"),
    (CLEAR, {"phq9": phq9(1), "phq9_on": TODAY - timedelta(days=14)}, "phq9_item9_recent"),
    (
        CLEAR,
        {"safety_actions": (Action.SAME_DAY_SAFETY_ASSESSMENT,)},
        "same_day_safety_assessment",
    ),
    (
        CLEAR,
        {"safety_actions": (Action.MEDICALLY_SUPERVISED_WITHDRAWAL,)},
        "supervised_withdrawal_first",
    ),
]


@pytest.mark.parametrize(("intake", "extra", "code"), RISKS)
def test_current_risk_is_a_condition_in_the_office_and_excludes_at_home(
    intake: Intake, extra: dict[str, object], code: str
) -> None:
    in_office = check(intake, IN_OFFICE, **extra)
    assert severities(in_office)[code] is C
    assert in_office.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS
    at_home = check(intake, AT_HOME, **extra)
    assert severities(at_home)[code] is E
    assert at_home.outcome is Outcome.NOT_ELIGIBLE


def test_a_suicide_attempt_longer_ago_is_not_a_reason() -> None:
    result = check(mental(suicide_attempts=AttemptHistory.LONGER_AGO), AT_HOME)
    assert result.outcome is Outcome.ELIGIBLE


def test_a_phq9_flag_older_than_two_weeks_is_not_recent() -> None:
    old = TODAY - timedelta(days=15)
    in_office = check(phq9=phq9(2), phq9_on=old)
    assert "phq9_item9_recent" not in in_office.codes
    at_home = check(program=AT_HOME, phq9=phq9(2), phq9_on=old)
    assert severities(at_home)["phq9_not_recent"] is C
    assert "phq9_not_recent" in check(program=AT_HOME, phq9=None, phq9_on=None).codes


def test_unanswered_risk_questions_are_conditions() -> None:
    result = check(mental(suicide_attempts=None, self_harm=None))
    reason = next(r for r in result.reasons if r.code == "not_answered")
    assert reason.severity is C
    assert any("suicide_attempts" in e for e in reason.evidence)
    assert any("self_harm" in e for e in reason.evidence)


@pytest.mark.parametrize(
    ("answers", "declined", "missing"),
    [
        ("sober_adult_sitter", "at_home_no_sitter", "at_home_sitter_unconfirmed"),
        ("owns_bp_cuff", "at_home_no_bp_cuff", "at_home_bp_cuff_unconfirmed"),
        (
            "agrees_no_driving",
            "at_home_driving_agreement_declined",
            "at_home_driving_agreement_missing",
        ),
        (
            "agrees_no_alcohol",
            "at_home_alcohol_agreement_declined",
            "at_home_alcohol_agreement_missing",
        ),
    ],
)
def test_each_at_home_requirement(answers: str, declined: str, missing: str) -> None:
    no = check(program=AT_HOME, at_home=replace(READY_AT_HOME, **{answers: False}))
    assert severities(no)[declined] is E
    assert no.outcome is Outcome.NOT_ELIGIBLE
    unknown = check(program=AT_HOME, at_home=replace(READY_AT_HOME, **{answers: None}))
    assert severities(unknown)[missing] is C
    assert unknown.outcome is Outcome.ELIGIBLE_WITH_CONDITIONS
    assert (
        declined
        not in check(program=IN_OFFICE, at_home=replace(READY_AT_HOME, **{answers: False})).codes
    )


def test_housing_at_home() -> None:
    unstable = replace(CLEAR, situation=Situation(stable_housing=False))
    assert severities(check(unstable, AT_HOME))["at_home_unstable_housing"] is E
    unknown = replace(CLEAR, situation=Situation(stable_housing=None))
    assert severities(check(unknown, AT_HOME))["at_home_housing_unknown"] is C
    assert check(unstable, IN_OFFICE).outcome is Outcome.ELIGIBLE


def drinker(amount: float | None, unit: AmountUnit | None) -> Intake:
    use = Addiction(
        AddictionType.ALCOHOL, days_per_week=2, amount=amount, unit=unit, last_use=TODAY
    )
    return replace(CLEAR, addictions=(use,))


def test_heavy_drinking_excludes_at_home_only() -> None:
    heavy = drinker(6, AmountUnit.STANDARD_DRINKS)
    assert severities(check(heavy, AT_HOME))["at_home_heavy_drinking"] is E
    assert severities(check(drinker(60, AmountUnit.GRAMS), AT_HOME))["at_home_heavy_drinking"] is E
    assert "at_home_heavy_drinking" not in check(heavy, IN_OFFICE).codes
    lighter = check(drinker(5, AmountUnit.STANDARD_DRINKS), AT_HOME)
    assert "at_home_heavy_drinking" not in lighter.codes
    assert severities(lighter)["current_alcohol_use"] is C
    unknown = check(drinker(3, AmountUnit.USES), AT_HOME)
    assert severities(unknown)["at_home_drinking_amount_unknown"] is C


def test_stopped_drinking_is_not_heavy_drinking() -> None:
    stopped = replace(CLEAR, addictions=(Addiction(AddictionType.ALCOHOL, stopped=True),))
    assert check(stopped, AT_HOME).outcome is Outcome.ELIGIBLE


def test_esketamine_at_home_is_refused_with_its_reason() -> None:
    result = check(program=SPRAVATO_AT_HOME)
    assert result.outcome is Outcome.NOT_ELIGIBLE
    reason = result.exclusions[0]
    assert reason.code == "esketamine_at_home"
    assert not reason.overridable
    assert "REMS" in reason.text
    assert any("REMS" in s for s in reason.sources)
    assert not SPRAVATO_AT_HOME.offered


def test_spravato_in_the_office_carries_the_rems_note() -> None:
    result = check(program=SPRAVATO_IN_OFFICE)
    assert result.outcome is Outcome.ELIGIBLE
    assert severities(result) == {"spravato_rems": N, "no_driving": N}


def test_exclusions_come_first_then_conditions_then_notes() -> None:
    intake = medical(aneurysm_or_brain_bleed=True, heart_disease=True)
    order = [r.severity for r in check(intake).reasons]
    assert order == sorted(order, key=[E, C, N].index)


def test_an_unknown_screen_finding_is_not_dropped() -> None:
    contra = Finding("new_thing", ScreenSeverity.CONTRAINDICATION, Category.MEDICATION, "x", "y")
    caution = Finding("new_thing", ScreenSeverity.CAUTION, Category.MEDICATION, "x", "y")
    assert _from_screen(contra, CLEAR)[0] == "preliminary_screen_contraindication"
    assert _from_screen(caution, CLEAR)[0] == "preliminary_screen_caution"


def test_the_digest_follows_the_content() -> None:
    a, b = check(), check()
    assert a.digest == b.digest
    assert check(blood_pressure=BloodPressure(121, 78, NOW)).digest != a.digest
    later = assess(
        EligibilityInputs(CLEAR, IN_OFFICE, blood_pressure=NORMAL_BP), NOW + timedelta(1)
    )
    assert (
        later.digest
        != assess(EligibilityInputs(CLEAR, IN_OFFICE, blood_pressure=NORMAL_BP), NOW).digest
    )


def test_bad_inputs_are_all_named() -> None:
    bad_bp = BloodPressure(80, 90, NOW + timedelta(hours=1))
    with pytest.raises(FormErrors) as caught:
        assess(EligibilityInputs(CLEAR, IN_OFFICE, blood_pressure=bad_bp, phq9=phq9(0)), NOW)
    fields = [f for f, _ in caught.value.errors]
    assert fields == ["blood_pressure.diastolic", "blood_pressure.measured_at", "phq9_on"]
    with pytest.raises(FormErrors) as naive:
        assess(EligibilityInputs(CLEAR, IN_OFFICE), datetime(2025, 3, 1))
    assert naive.value.field == "assessed_at"
    gad7 = score(get_instrument("gad7"), dict.fromkeys(get_instrument("gad7").item_ids, 0))
    with pytest.raises(FormErrors) as wrong:
        assess(EligibilityInputs(CLEAR, IN_OFFICE, phq9=gad7, phq9_on=TODAY), NOW)
    assert wrong.value.field == "phq9"
    with pytest.raises(FormErrors) as ranges:
        assess(EligibilityInputs(CLEAR, IN_OFFICE, blood_pressure=BloodPressure(400, 10, NOW)), NOW)
    assert [f for f, _ in ranges.value.errors] == [
        "blood_pressure.systolic",
        "blood_pressure.diastolic",
    ]
