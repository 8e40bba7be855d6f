"""A preliminary KAP candidacy screen from the intake.

It lists what the intake already shows that would rule ketamine out (a contraindication)
or needs the prescriber's attention first (a caution), each with its reason. It is
deliberately cautious: a question not answered is itself a caution. It is never the
eligibility decision: the full check and the prescriber's sign-off come with the KAP
program. Sources for each item are in docs/levelofcare.md ("KAP candidacy screen").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from attune.domain.intake.model import (
    AddictionType,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicationClass,
    Pregnancy,
)

PRELIMINARY = (
    "Preliminary screen from the intake only: the full eligibility check and the "
    "prescriber's sign-off come with the KAP program."
)


class Severity(Enum):
    CONTRAINDICATION = "contraindication"
    CAUTION = "caution"


class Category(Enum):
    CARDIOVASCULAR = "cardiovascular"
    PREGNANCY = "pregnancy"
    PSYCHIATRIC = "psychiatric"
    SUBSTANCE_USE = "substance_use"
    LIVER = "liver"
    MEDICATION = "medication"
    SAFETY = "safety"
    NOT_ANSWERED = "not_answered"


class Outcome(Enum):
    NO_CONTRAINDICATIONS_FOUND = "no_contraindications_found"
    CAUTIONS = "cautions"
    CONTRAINDICATIONS_FOUND = "contraindications_found"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    category: Category
    reason: str
    #: The intake field the finding comes from.
    source: str


@dataclass(frozen=True)
class Screen:
    outcome: Outcome
    findings: tuple[Finding, ...]
    label: str = PRELIMINARY

    @property
    def contraindications(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.CONTRAINDICATION)

    @property
    def cautions(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.CAUTION)


C, W = Severity.CONTRAINDICATION, Severity.CAUTION

_MEDICATION_REASONS: dict[MedicationClass, str] = {
    MedicationClass.BENZODIAZEPINE: (
        "A benzodiazepine: it adds to sedation and can blunt ketamine's effect; any change "
        "needs a gradual plan with the prescriber."
    ),
    MedicationClass.OTHER_SEDATIVE: (
        "A sedative: together with ketamine it adds to sedation and can slow breathing."
    ),
    MedicationClass.OPIOID: (
        "An opioid: together with ketamine it adds to sedation and can slow breathing."
    ),
    MedicationClass.STIMULANT: (
        "A stimulant: together with ketamine it can raise blood pressure and heart rate further."
    ),
    MedicationClass.MAOI: (
        "An MAOI: together with ketamine blood pressure can rise; it needs close monitoring."
    ),
}

_DISSOCIATIVES = (AddictionType.KETAMINE, AddictionType.DISSOCIATIVES)
_SEDATIVE_USE = (AddictionType.BENZODIAZEPINES, AddictionType.SEDATIVES, AddictionType.OPIOIDS)
_RECENT_DAYS = 30


def _medical(intake: Intake) -> list[Finding]:
    m, out = intake.medical, []
    if m.high_blood_pressure and m.blood_pressure_controlled is not True:
        out.append(
            Finding(
                "uncontrolled_blood_pressure",
                C,
                Category.CARDIOVASCULAR,
                "High blood pressure that is not "
                + (
                    "under control"
                    if m.blood_pressure_controlled is False
                    else "known to be under control"
                )
                + ": ketamine raises blood pressure.",
                "medical.blood_pressure_controlled",
            )
        )
    elif m.high_blood_pressure:
        out.append(
            Finding(
                "controlled_blood_pressure",
                W,
                Category.CARDIOVASCULAR,
                "High blood pressure, under control: blood pressure is checked before and during "
                "each session.",
                "medical.high_blood_pressure",
            )
        )
    if m.aneurysm_or_brain_bleed:
        out.append(
            Finding(
                "aneurysm_or_brain_bleed",
                C,
                Category.CARDIOVASCULAR,
                "A history of aneurysm, malformation of blood vessels in the brain or bleeding in "
                "the brain: a rise in blood pressure could be dangerous.",
                "medical.aneurysm_or_brain_bleed",
            )
        )
    if m.heart_disease:
        out.append(
            Finding(
                "heart_disease",
                W,
                Category.CARDIOVASCULAR,
                "A heart condition: the prescriber needs to judge whether a rise in blood pressure "
                "and heart rate is safe; serious heart disease can rule ketamine out.",
                "medical.heart_disease",
            )
        )
    if m.pregnancy in (Pregnancy.YES, Pregnancy.POSSIBLY):
        out.append(
            Finding(
                "pregnancy",
                C,
                Category.PREGNANCY,
                "Pregnant or possibly pregnant: ketamine treatment is not recommended in pregnancy "
                "(a possible pregnancy needs ruling out first).",
                "medical.pregnancy",
            )
        )
    if m.liver_disease is LiverDisease.SEVERE:
        out.append(
            Finding(
                "severe_liver_disease",
                C,
                Category.LIVER,
                "Severe liver disease or cirrhosis: the liver clears ketamine, and ketamine can "
                "itself harm the liver.",
                "medical.liver_disease",
            )
        )
    elif m.liver_disease is LiverDisease.PRESENT:
        out.append(
            Finding(
                "liver_disease",
                W,
                Category.LIVER,
                "A liver condition: the prescriber checks liver tests first.",
                "medical.liver_disease",
            )
        )
    return out


def _mental_health(intake: Intake) -> list[Finding]:
    h, out = intake.mental_health, []
    if h.psychosis in (EpisodeHistory.CURRENT, EpisodeHistory.PAST):
        now = h.psychosis is EpisodeHistory.CURRENT
        out.append(
            Finding(
                "psychosis",
                C,
                Category.PSYCHIATRIC,
                ("Current psychosis" if now else "A history of psychosis when not using anything")
                + ": ketamine can bring on or worsen psychotic symptoms.",
                "mental_health.psychosis",
            )
        )
    if h.mania is EpisodeHistory.CURRENT:
        out.append(
            Finding(
                "current_mania",
                C,
                Category.PSYCHIATRIC,
                "Current mania: ketamine can make it worse; mood needs to settle first.",
                "mental_health.mania",
            )
        )
    elif h.mania is EpisodeHistory.PAST:
        out.append(
            Finding(
                "past_mania",
                W,
                Category.PSYCHIATRIC,
                "Past mania or hypomania: the prescriber weighs the risk of a switch into mania.",
                "mental_health.mania",
            )
        )
    if h.suicidal_thoughts_now:
        out.append(
            Finding(
                "suicidal_thoughts",
                W,
                Category.SAFETY,
                "Current suicidal thoughts: safety is assessed and a safety plan agreed first.",
                "mental_health.suicidal_thoughts_now",
            )
        )
    return out


def _substances(intake: Intake, today: date | None) -> list[Finding]:
    out = []
    for index, a in enumerate(intake.named):
        source = f"addictions[{index}].what"
        if a.what in _DISSOCIATIVES:
            out.append(
                Finding(
                    "dissociative_misuse",
                    C,
                    Category.SUBSTANCE_USE,
                    f"Misuse of {a.name}: ketamine treatment could rekindle it.",
                    source,
                )
            )
        recent = not a.stopped and (
            today is None or a.last_use is None or a.last_use >= today - timedelta(_RECENT_DAYS)
        )
        if recent and a.what in (*_SEDATIVE_USE, AddictionType.ALCOHOL, AddictionType.STIMULANTS):
            effect = (
                "raises blood pressure and heart rate further"
                if a.what is AddictionType.STIMULANTS
                else "adds to sedation and can slow breathing"
            )
            out.append(
                Finding(
                    f"current_{a.what.value}_use",
                    W,
                    Category.SUBSTANCE_USE,
                    f"Current {a.name} use: together with ketamine it {effect}.",
                    source,
                )
            )
    return out


def _medications(intake: Intake) -> list[Finding]:
    out = []
    for index, med in enumerate(intake.medications.items):
        for cls, reason in _MEDICATION_REASONS.items():
            if cls in med.classes:
                out.append(
                    Finding(
                        f"medication_{cls.value}",
                        W,
                        Category.MEDICATION,
                        f"{med.name}: {reason}",
                        f"medications.items[{index}].classes",
                    )
                )
    return out


def _needed(i: Intake) -> tuple[tuple[str, object], ...]:
    """The answers the screen depends on, by field."""
    return (
        ("medical.high_blood_pressure", i.medical.high_blood_pressure),
        ("medical.aneurysm_or_brain_bleed", i.medical.aneurysm_or_brain_bleed),
        ("medical.heart_disease", i.medical.heart_disease),
        ("medical.liver_disease", i.medical.liver_disease),
        ("mental_health.psychosis", i.mental_health.psychosis),
        ("mental_health.mania", i.mental_health.mania),
        ("medications.takes_any", i.medications.takes_any),
        ("addictions", i.addictions),
    )


def _unanswered(intake: Intake, sex: str | None) -> list[Finding]:
    out = [
        Finding(
            "not_answered",
            W,
            Category.NOT_ANSWERED,
            "Not answered yet: the screen cannot rule this out.",
            field,
        )
        for field, value in _needed(intake)
        if value is None
    ]
    if sex != "male" and intake.medical.pregnancy is None:
        out.append(
            Finding(
                "not_answered",
                W,
                Category.NOT_ANSWERED,
                "Not answered yet: the screen cannot rule this out.",
                "medical.pregnancy",
            )
        )
    return out


def screen(intake: Intake, *, today: date | None = None, sex: str | None = None) -> Screen:
    """The preliminary screen. ``today`` (injected) limits "current use" to the past 30
    days; ``sex`` from the patient record decides whether pregnancy must be answered."""
    findings = (
        _medical(intake)
        + _mental_health(intake)
        + _substances(intake, today)
        + _medications(intake)
        + _unanswered(intake, sex)
    )
    if any(f.severity is C for f in findings):
        outcome = Outcome.CONTRAINDICATIONS_FOUND
    elif findings:
        outcome = Outcome.CAUTIONS
    else:
        outcome = Outcome.NO_CONTRAINDICATIONS_FOUND
    return Screen(outcome, tuple(findings))
