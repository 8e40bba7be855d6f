"""The full KAP eligibility check: contraindications, conditions and notes, each with its
source, for one program (in the office, at home, or Spravato in the office).

It builds on the preliminary candidacy screen (:mod:`attune.domain.kap.candidacy`): every
finding of the screen becomes a reason here, refined where more is known (whether high
blood pressure is controlled, a psychosis now or in the past). On top come a measured
blood pressure, the level-of-care safety actions, the latest PHQ-9 and open flags, the
program itself, and the at-home requirements. The result lists EVERY reason and is
stamped with the rules version and a digest, so the prescriber's sign-off
(:mod:`attune.domain.kap.signoff`) is recorded against exactly this result.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta

from attune.domain.errors import FormErrors
from attune.domain.intake.model import AttemptHistory, EpisodeHistory, Intake, SelfHarm
from attune.domain.kap.candidacy import Finding, screen
from attune.domain.kap.candidacy import Severity as ScreenSeverity
from attune.domain.kap.eligibility_model import (
    AtHomeAnswers,
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Outcome,
    Reason,
)
from attune.domain.kap.eligibility_rules import EligibilityRules, Severity, load_rules
from attune.domain.kap.eligibility_store import digest_of
from attune.domain.kap.program import Medicine, Program, Setting
from attune.domain.levelofcare.model import Action

Trigger = tuple[str, str]  # (reason code, evidence)

_SCREEN_CODES = {
    "controlled_blood_pressure": "controlled_hypertension",
    "aneurysm_or_brain_bleed": "vascular_contraindication",
    "heart_disease": "heart_disease",
    "pregnancy": "pregnancy",
    "severe_liver_disease": "severe_hepatic_impairment",
    "liver_disease": "hepatic_impairment",
    "current_mania": "current_mania",
    "past_mania": "past_mania",
    "suicidal_thoughts": "suicidal_thoughts",
    "dissociative_misuse": "dissociative_misuse",
    "current_alcohol_use": "current_alcohol_use",
    "current_opioids_use": "current_sedating_substance_use",
    "current_benzodiazepines_use": "current_sedating_substance_use",
    "current_sedatives_use": "current_sedating_substance_use",
    "current_stimulants_use": "current_stimulant_use",
    "medication_benzodiazepine": "interacting_benzodiazepine",
    "medication_other_sedative": "interacting_sedative",
    "medication_opioid": "interacting_opioid",
    "medication_stimulant": "interacting_stimulant",
    "medication_maoi": "interacting_maoi",
    "not_answered": "not_answered",
}


def _from_screen(f: Finding, intake: Intake) -> Trigger:
    """The reason a preliminary-screen finding becomes, refined where the intake says more."""
    evidence = f"{f.reason} ({f.source})"
    if f.code == "uncontrolled_blood_pressure":
        known = intake.medical.blood_pressure_controlled is False
        return ("uncontrolled_hypertension" if known else "hypertension_control_unknown", evidence)
    if f.code == "psychosis":
        now = intake.mental_health.psychosis is EpisodeHistory.CURRENT
        return ("current_psychosis" if now else "psychosis_history", evidence)
    if f.code in _SCREEN_CODES:
        return (_SCREEN_CODES[f.code], evidence)
    if f.severity is ScreenSeverity.CONTRAINDICATION:
        return ("preliminary_screen_contraindication", evidence)
    return ("preliminary_screen_caution", evidence)


def _risk(i: EligibilityInputs, rules: EligibilityRules, today: date) -> list[Trigger]:
    h, out = i.intake.mental_health, []
    if h.suicide_attempts is AttemptHistory.PAST_YEAR:
        out.append(("suicide_attempt_past_year", "Intake: a suicide attempt within the past year"))
    if h.self_harm is SelfHarm.RECENT:
        out.append(("recent_self_harm", "Intake: self-harm in the past three months"))
    for name, value in (
        ("mental_health.suicide_attempts", h.suicide_attempts),
        ("mental_health.self_harm", h.self_harm),
        ("mental_health.suicidal_thoughts_now", h.suicidal_thoughts_now),
    ):
        if value is None:
            out.append(("not_answered", f"Not answered yet ({name})"))
    if "suicidal_ideation" in i.open_flags:
        out.append(("open_suicidal_ideation_flag", "An open suicidal-ideation flag"))
    recent = (
        i.phq9 is not None
        and i.phq9_on is not None
        and (today - i.phq9_on) <= timedelta(days=rules.phq9_recent_days)
    )
    if recent and i.phq9 is not None and "suicidal_ideation" in i.phq9.flags:
        out.append(("phq9_item9_recent", f"PHQ-9 of {i.phq9_on}: item 9 above 'not at all'"))
    if i.program.at_home and not recent:
        seen = f"Latest PHQ-9 on {i.phq9_on}" if i.phq9_on else "No PHQ-9 answered yet"
        out.append(("phq9_not_recent", seen))
    actions = {
        Action.SAME_DAY_SAFETY_ASSESSMENT: "same_day_safety_assessment",
        Action.MEDICALLY_SUPERVISED_WITHDRAWAL: "supervised_withdrawal_first",
    }
    for action in i.safety_actions:
        if action in actions:
            out.append((actions[action], f"Level of care: {action.value.replace('_', ' ')}"))
    return out


def _blood_pressure(bp: BloodPressure | None, rules: EligibilityRules) -> list[Trigger]:
    if bp is None:
        return [("blood_pressure_not_measured", "No measured blood pressure given")]
    seen = f"Measured {bp} at {bp.measured_at:%Y-%m-%d %H:%M %Z}".strip()
    if rules.too_high_above.exceeded_by(bp.systolic, bp.diastolic):
        return [("blood_pressure_too_high", f"{seen}; excluded above {rules.too_high_above}")]
    if rules.raised_above.exceeded_by(bp.systolic, bp.diastolic):
        return [("blood_pressure_raised", f"{seen}; raised above {rules.raised_above}")]
    return []


def _program(p: Program) -> list[Trigger]:
    out: list[Trigger] = []
    if p.medicine is Medicine.ESKETAMINE:
        if p.setting is Setting.AT_HOME:
            out.append(("esketamine_at_home", f"Program requested: {p.id}"))
        out.append(("spravato_rems", f"Program: {p.id}"))
    else:
        out.append(("off_label", f"Program: {p.id}"))
    if p.setting is Setting.IN_OFFICE:
        out.append(("no_driving", f"Program: {p.id}"))
    return out


_INDEX = re.compile(r"^addictions\[(\d+)\]")


def _heavy_drinking(
    i: Intake, findings: tuple[Finding, ...], rules: EligibilityRules
) -> Trigger | None:
    """Heavy drinking now, from the screen's "current alcohol use" findings."""
    unknown = None
    for f in findings:
        match = _INDEX.match(f.source)
        if f.code != "current_alcohol_use" or match is None:
            continue
        a = i.named[int(match.group(1))]
        per_unit = rules.grams_per_unit.get(a.unit.value) if a.unit else None
        if a.amount is None or per_unit is None:
            given = f"{a.amount:g} {a.unit.value}" if a.amount is not None and a.unit else "none"
            unknown = ("at_home_drinking_amount_unknown", f"Alcohol: amount given: {given}")
            continue
        grams = a.amount * per_unit
        if grams >= rules.heavy_drinking_grams:
            return ("at_home_heavy_drinking", f"Alcohol: about {grams:g} g on a drinking day")
    return unknown


def _answer(value: bool | None, declined: str, missing: str, what: str) -> list[Trigger]:
    if value is False:
        return [(declined, f"At-home answers: {what}: no")]
    if value is None:
        return [(missing, f"At-home answers: {what}: not asked yet")]
    return []


def _at_home(
    i: EligibilityInputs, findings: tuple[Finding, ...], rules: EligibilityRules
) -> list[Trigger]:
    a, housing = i.at_home, i.intake.situation.stable_housing
    out = _answer(a.sober_adult_sitter, "at_home_no_sitter", "at_home_sitter_unconfirmed", "sitter")
    out += _answer(housing, "at_home_unstable_housing", "at_home_housing_unknown", "housing")
    drinking = _heavy_drinking(i.intake, findings, rules)
    if drinking is not None:
        out.append(drinking)
    out += _answer(
        a.agrees_no_alcohol,
        "at_home_alcohol_agreement_declined",
        "at_home_alcohol_agreement_missing",
        "no alcohol around sessions",
    )
    out += _answer(a.owns_bp_cuff, "at_home_no_bp_cuff", "at_home_bp_cuff_unconfirmed", "cuff")
    out += _answer(
        a.agrees_no_driving,
        "at_home_driving_agreement_declined",
        "at_home_driving_agreement_missing",
        "no driving until the next day",
    )
    return out


def _check(i: EligibilityInputs, assessed_at: datetime) -> None:
    errors: list[tuple[str, str]] = []
    if assessed_at.utcoffset() is None:
        errors.append(("assessed_at", "The time of the check must be timezone-aware."))
    bp = i.blood_pressure
    if bp is not None:
        if not 50 <= bp.systolic <= 300:
            errors.append(("blood_pressure.systolic", "Systolic pressure must be 50-300 mmHg."))
        if not 20 <= bp.diastolic <= 200:
            errors.append(("blood_pressure.diastolic", "Diastolic pressure must be 20-200 mmHg."))
        if bp.diastolic >= bp.systolic:
            errors.append(("blood_pressure.diastolic", "Diastolic must be below systolic."))
        if bp.measured_at.utcoffset() is None:
            errors.append(("blood_pressure.measured_at", "The time must be timezone-aware."))
        elif assessed_at.utcoffset() is not None and bp.measured_at > assessed_at:
            errors.append(("blood_pressure.measured_at", "The measurement is after the check."))
    if i.phq9 is not None and i.phq9.instrument_id != "phq9":
        errors.append(("phq9", f"Expected a PHQ-9 score, not {i.phq9.instrument_id}."))
    if (i.phq9 is None) != (i.phq9_on is None):
        errors.append(("phq9_on", "Give the PHQ-9 score together with the day it was answered."))
    if errors:
        raise FormErrors(tuple(errors))


_ORDER = {Severity.EXCLUDE: 0, Severity.CONDITION: 1, Severity.NOTE: 2}


def reasons_for(
    triggers: list[Trigger], program: Program, rules: EligibilityRules
) -> tuple[Reason, ...]:
    """One reason per code (evidence merged), exclusions first, then in rules order."""
    evidence: dict[str, list[str]] = {}
    for code, seen in triggers:
        evidence.setdefault(code, [])
        if seen not in evidence[code]:
            evidence[code].append(seen)
    position = {r.code: n for n, r in enumerate(rules.reasons)}
    out = []
    for code, seen_list in evidence.items():
        rule = rules.reason(code)
        out.append(
            Reason(
                code=code,
                severity=rule.severity_for(program.at_home),
                text=rule.text,
                sources=tuple(rules.source(s).citation for s in rule.sources),
                source_ids=rule.sources,
                evidence=tuple(seen_list),
                overridable=rule.overridable,
            )
        )
    return tuple(sorted(out, key=lambda r: (_ORDER[r.severity], position[r.code])))


def outcome_of(reasons: tuple[Reason, ...]) -> Outcome:
    if any(r.severity is Severity.EXCLUDE for r in reasons):
        return Outcome.NOT_ELIGIBLE
    if any(r.severity is Severity.CONDITION for r in reasons):
        return Outcome.ELIGIBLE_WITH_CONDITIONS
    return Outcome.ELIGIBLE


def assess(
    inputs: EligibilityInputs, assessed_at: datetime, rules: EligibilityRules | None = None
) -> Eligibility:
    """The eligibility result for ``inputs.program``; raises FormErrors for bad inputs."""
    _check(inputs, assessed_at)
    rules = rules or load_rules()
    today = assessed_at.date()
    findings = screen(inputs.intake, today=today, sex=inputs.sex).findings
    triggers = [_from_screen(f, inputs.intake) for f in findings]
    triggers += _risk(inputs, rules, today)
    triggers += _blood_pressure(inputs.blood_pressure, rules)
    triggers += _program(inputs.program)
    if inputs.program.at_home:
        triggers += _at_home(inputs, findings, rules)
    reasons = reasons_for(triggers, inputs.program, rules)
    result = Eligibility(
        outcome=outcome_of(reasons),
        program=inputs.program,
        reasons=reasons,
        rules_version=rules.version,
        assessed_at=assessed_at,
        blood_pressure=inputs.blood_pressure,
        digest="",
    )
    return replace(result, digest=digest_of(result))


__all__ = [
    "AtHomeAnswers",
    "BloodPressure",
    "Eligibility",
    "EligibilityInputs",
    "Outcome",
    "Reason",
    "assess",
    "outcome_of",
    "reasons_for",
]
