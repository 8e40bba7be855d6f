"""The structured intake: what a new patient tells the clinic, as plain frozen data.

Public API (all pure; no I/O)::

    Intake                      the whole intake; every answer may be None (not answered yet)
      .addictions               tuple[Addiction, ...] | None   (None = not answered, () = none)
      .withdrawal               WithdrawalHistory(seizures, delirium, other_severe, other_detail)
      .medications              Medications(takes_any, items: tuple[Medication(name, classes)])
      .medical                  MedicalHistory(high_blood_pressure, blood_pressure_controlled,
                                heart_disease, aneurysm_or_brain_bleed, epilepsy,
                                liver_disease: LiverDisease, pregnancy: Pregnancy, other)
      .mental_health            MentalHealthHistory(psychosis, mania: EpisodeHistory,
                                suicide_attempts: AttemptHistory, self_harm: SelfHarm,
                                suicidal_thoughts_now)
      .situation                Situation(stable_housing, lives_alone,
                                lives_with_someone_who_uses, supports: frozenset[Support],
                                pressures: frozenset[Pressure], ...)
      .treatment                TreatmentHistory(had_treatment, items: PreviousTreatment(kind,
                                outcome, year, detail))
      .readiness                Readiness(ruler 0-10, stage: Stage)
      .goals                    the patient's own words
      .uses(*AddictionType)     the named addictions of those types
    Addiction(what: AddictionType, detail, stopped, days_per_week 0-7, amount, unit: AmountUnit,
              last_use: date, years_of_use)      .kind -> Kind (substance/behaviour/distraction)
    Respondent(today, date_of_birth, sex)        facts from the patient record; today injected

    validate(intake, respondent, complete=True) -> tuple[FieldError(field, message), ...]
        every missing required answer (only when complete=True), out-of-range number and
        contradiction, each named by its field path, e.g. "addictions[0].days_per_week",
        "medical.pregnancy", "readiness.ruler"
    require_valid(intake, respondent, complete=True) -> None   raises FormErrors (all of them)

    default_battery(addictions) -> tuple[BatteryEntry(instrument_id, reason), ...]
        which instruments apply, each with the reason

    SECTIONS: tuple[Section(key, title, intro, questions: tuple[Question, ...]), ...]
        the question texts and answer choices as data, for the web to render
    choices(enum_type) -> tuple[Choice(value, label), ...]     label(member) -> str
    question(field) -> Question

    to_dict(intake) -> dict (JSON-able)   from_dict(mapping) -> Intake (strict; raises
        ValidationError naming the field on an unknown key, a wrong type or a bad value)
"""

from attune.domain.intake.battery import BatteryEntry, default_battery
from attune.domain.intake.labels import LABELS, Choice, choices, label
from attune.domain.intake.model import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    Kind,
    LiverDisease,
    MedicalHistory,
    Medication,
    MedicationClass,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Pressure,
    PreviousTreatment,
    Readiness,
    Respondent,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    WithdrawalHistory,
)
from attune.domain.intake.questions import SECTIONS, AnswerType, Question, Section, question
from attune.domain.intake.serialise import from_dict, to_dict
from attune.domain.intake.validation import FieldError, require_valid, validate

__all__ = [
    "LABELS",
    "SECTIONS",
    "Addiction",
    "AddictionType",
    "AmountUnit",
    "AnswerType",
    "AttemptHistory",
    "BatteryEntry",
    "Choice",
    "EpisodeHistory",
    "FieldError",
    "Intake",
    "Kind",
    "LiverDisease",
    "MedicalHistory",
    "Medication",
    "MedicationClass",
    "Medications",
    "MentalHealthHistory",
    "Pregnancy",
    "Pressure",
    "PreviousTreatment",
    "Question",
    "Readiness",
    "Respondent",
    "Section",
    "SelfHarm",
    "Situation",
    "Stage",
    "Support",
    "TreatmentHistory",
    "TreatmentKind",
    "TreatmentOutcome",
    "WithdrawalHistory",
    "choices",
    "default_battery",
    "from_dict",
    "label",
    "question",
    "require_valid",
    "to_dict",
    "validate",
]
