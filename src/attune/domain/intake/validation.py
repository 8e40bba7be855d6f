"""Check an intake: missing answers, numbers out of range, answers that contradict.

:func:`validate` collects every problem (never stops at the first), each as a
:class:`FieldError` naming the field path the web shows it next to:
``addictions[0].days_per_week``, ``medical.pregnancy``, ``readiness.ruler``, …

``complete=False`` checks a saved sitting: ranges and contradictions only, so the
patient can stop half-way and nothing is lost. ``complete=True`` (submitting) also lists
every required answer still missing. Messages speak to the patient, plainly and kindly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from attune.domain.errors import FormErrors
from attune.domain.intake.model import (
    Addiction,
    AmountUnit,
    Intake,
    Kind,
    Pregnancy,
    Respondent,
)

#: Days per week is the average over this many past days (the question says so).
FREQUENCY_WINDOW_DAYS = 30
MAX_TEXT = 2000
MAX_YEARS_WITHOUT_AGE = 100
EARLIEST_TREATMENT_YEAR = 1900


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


class _Errors:
    def __init__(self, complete: bool) -> None:
        self.complete = complete
        self.items: list[FieldError] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(FieldError(field, message))

    def missing(self, field: str, value: object, message: str) -> None:
        if self.complete and (value is None or (isinstance(value, str) and not value.strip())):
            self.add(field, message)

    def text(self, field: str, value: str) -> None:
        if len(value) > MAX_TEXT:
            self.add(field, f"Please keep this under {MAX_TEXT} characters.")


def validate(
    intake: Intake, respondent: Respondent, *, complete: bool = True
) -> tuple[FieldError, ...]:
    """Every problem with the intake, in form order; empty when all is well."""
    errors = _Errors(complete)
    _addictions(intake, respondent, errors)
    _withdrawal(intake, errors)
    _medications(intake, errors)
    _medical(intake, respondent, errors)
    _mental_health(intake, errors)
    _situation(intake, errors)
    _treatment(intake, respondent, errors)
    _readiness(intake, errors)
    errors.missing("goals", intake.goals, "Please tell us, in your own words, what you hope for.")
    errors.text("goals", intake.goals)
    return tuple(errors.items)


def require_valid(intake: Intake, respondent: Respondent, *, complete: bool = True) -> None:
    """Raise :class:`FormErrors` listing every problem, if there is any."""
    found = validate(intake, respondent, complete=complete)
    if found:
        raise FormErrors(tuple((e.field, e.message) for e in found))


def _addictions(intake: Intake, respondent: Respondent, errors: _Errors) -> None:
    if intake.addictions is None:
        errors.missing(
            "addictions",
            None,
            "Please add what you would like help with, or say there is nothing to add.",
        )
        return
    seen: set[object] = set()
    for index, addiction in enumerate(intake.addictions):
        where = f"addictions[{index}]"
        key = (
            (addiction.what, addiction.detail.strip().lower())
            if addiction.what.is_other
            else (addiction.what)
        )
        if key in seen:
            errors.add(f"{where}.what", f"'{addiction.name}' is listed twice; please keep one.")
        seen.add(key)
        _addiction(addiction, where, respondent, errors)


def _addiction(a: Addiction, where: str, respondent: Respondent, errors: _Errors) -> None:
    if a.what.is_other:
        errors.missing(f"{where}.detail", a.detail, "Please say what it is.")
    errors.text(f"{where}.detail", a.detail)
    _frequency(a, where, respondent, errors)
    _amount(a, where, errors)
    _last_use(a, where, respondent, errors)
    _years(a, where, respondent, errors)


def _frequency(a: Addiction, where: str, respondent: Respondent, errors: _Errors) -> None:
    field = f"{where}.days_per_week"
    if a.days_per_week is None:
        if not a.stopped:
            errors.missing(field, None, "Please say on how many days a week, from 0 to 7.")
        return
    if not 0 <= a.days_per_week <= 7:
        errors.add(field, "Please enter a number of days from 0 to 7.")
        return
    if a.stopped and a.days_per_week > 0:
        errors.add(
            field,
            f"You said you have stopped {a.name}, but also that you use it "
            f"{a.days_per_week} day(s) a week. Please check which is right.",
        )
    window = respondent.today - timedelta(days=FREQUENCY_WINDOW_DAYS)
    if a.days_per_week > 0 and a.last_use is not None and a.last_use < window:
        errors.add(
            field,
            f"Days a week is about the past {FREQUENCY_WINDOW_DAYS} days, but the last use was "
            f"{a.last_use.isoformat()}. Please check either answer.",
        )


def _amount(a: Addiction, where: str, errors: _Errors) -> None:
    if a.amount is None:
        if a.kind is Kind.SUBSTANCE and not a.stopped:
            errors.missing(f"{where}.amount", None, "Please say about how much on a typical day.")
    elif a.amount < 0:
        errors.add(f"{where}.amount", "The amount cannot be below 0.")
    elif a.unit is AmountUnit.HOURS and a.amount > 24:
        errors.add(f"{where}.amount", "A day has 24 hours; please enter 24 or fewer.")
    if a.amount is not None and a.unit is None:
        errors.missing(f"{where}.unit", None, "Please choose the unit of the amount.")


def _last_use(a: Addiction, where: str, respondent: Respondent, errors: _Errors) -> None:
    field = f"{where}.last_use"
    if a.last_use is None:
        errors.missing(field, None, "Please give the date you last used (a guess is fine).")
        return
    if a.last_use > respondent.today:
        errors.add(field, "The date of last use is in the future; please check it.")
    elif respondent.date_of_birth is not None and a.last_use < respondent.date_of_birth:
        errors.add(field, "The date of last use is before the date of birth; please check it.")


def _years(a: Addiction, where: str, respondent: Respondent, errors: _Errors) -> None:
    field = f"{where}.years_of_use"
    years = a.years_of_use
    if years is None:
        errors.missing(field, None, "Please say for about how many years (a guess is fine).")
        return
    age = respondent.age
    limit = age if age is not None else MAX_YEARS_WITHOUT_AGE
    if years < 0:
        errors.add(field, "The number of years cannot be below 0.")
    elif years > limit:
        errors.add(field, f"Please enter {limit} years or fewer (it cannot be more than your age).")
    elif respondent.date_of_birth is not None and a.last_use is not None:
        age_at_last_use = (a.last_use - respondent.date_of_birth).days / 365.25
        plausible_date = respondent.date_of_birth <= a.last_use <= respondent.today
        if plausible_date and years > age_at_last_use + 1:
            errors.add(
                field,
                f"{years:g} years of use up to {a.last_use.isoformat()} would mean starting "
                "before birth; please check the years or the date of last use.",
            )


def _withdrawal(intake: Intake, errors: _Errors) -> None:
    w = intake.withdrawal
    errors.missing("withdrawal.seizures", w.seizures, "Please answer yes or no.")
    errors.missing("withdrawal.delirium", w.delirium, "Please answer yes or no.")
    errors.missing("withdrawal.other_severe", w.other_severe, "Please answer yes or no.")
    if w.other_severe:
        errors.missing("withdrawal.other_detail", w.other_detail, "Please say what happened.")
    errors.text("withdrawal.other_detail", w.other_detail)


def _medications(intake: Intake, errors: _Errors) -> None:
    m = intake.medications
    errors.missing("medications.takes_any", m.takes_any, "Please answer yes or no.")
    if m.takes_any is False and m.items:
        errors.add(
            "medications.items",
            "You said you take no medicines but listed some. Please check which is right.",
        )
    if m.takes_any and not m.items:
        errors.missing("medications.items", None, "Please list the medicines you take.")
    for index, medication in enumerate(m.items):
        field = f"medications.items[{index}].name"
        errors.missing(field, medication.name, "Please give the medicine's name.")
        errors.text(field, medication.name)


def _medical(intake: Intake, respondent: Respondent, errors: _Errors) -> None:
    m = intake.medical
    for name, value in (
        ("high_blood_pressure", m.high_blood_pressure),
        ("heart_disease", m.heart_disease),
        ("aneurysm_or_brain_bleed", m.aneurysm_or_brain_bleed),
        ("epilepsy", m.epilepsy),
        ("liver_disease", m.liver_disease),
    ):
        errors.missing(f"medical.{name}", value, "Please answer this question.")
    if m.high_blood_pressure:
        errors.missing(
            "medical.blood_pressure_controlled",
            m.blood_pressure_controlled,
            "Please say whether your blood pressure is under control.",
        )
    elif m.high_blood_pressure is False and m.blood_pressure_controlled is not None:
        errors.add(
            "medical.blood_pressure_controlled",
            "You said you do not have high blood pressure; please leave this empty or check "
            "the answer above.",
        )
    if respondent.sex != "male":
        errors.missing("medical.pregnancy", m.pregnancy, "Please answer this question.")
    elif m.pregnancy in (Pregnancy.YES, Pregnancy.POSSIBLY):
        errors.add(
            "medical.pregnancy",
            "Pregnancy is marked, but the patient record gives the sex as male. Please check "
            "this answer, or ask the clinic to correct the record.",
        )
    errors.text("medical.other", m.other)


def _mental_health(intake: Intake, errors: _Errors) -> None:
    h = intake.mental_health
    for name, value in (
        ("psychosis", h.psychosis),
        ("mania", h.mania),
        ("suicide_attempts", h.suicide_attempts),
        ("self_harm", h.self_harm),
        ("suicidal_thoughts_now", h.suicidal_thoughts_now),
    ):
        errors.missing(f"mental_health.{name}", value, "Please answer this question.")


def _situation(intake: Intake, errors: _Errors) -> None:
    s = intake.situation
    for name, value in (
        ("stable_housing", s.stable_housing),
        ("lives_alone", s.lives_alone),
        ("lives_with_someone_who_uses", s.lives_with_someone_who_uses),
        ("supports", s.supports),
        ("pressures", s.pressures),
    ):
        errors.missing(f"situation.{name}", value, "Please answer this question.")
    if s.lives_alone and s.lives_with_someone_who_uses:
        errors.add(
            "situation.lives_with_someone_who_uses",
            "You said you live alone and also with someone who uses. Please check which is right.",
        )
    errors.text("situation.support_detail", s.support_detail)
    errors.text("situation.pressure_detail", s.pressure_detail)


def _treatment(intake: Intake, respondent: Respondent, errors: _Errors) -> None:
    t = intake.treatment
    errors.missing("treatment.had_treatment", t.had_treatment, "Please answer yes or no.")
    if t.had_treatment is False and t.items:
        errors.add(
            "treatment.items",
            "You said you have had no treatment before but listed some. Please check which "
            "is right.",
        )
    if t.had_treatment and not t.items:
        errors.missing("treatment.items", None, "Please add the treatment you had before.")
    born = respondent.date_of_birth.year if respondent.date_of_birth else EARLIEST_TREATMENT_YEAR
    for index, item in enumerate(t.items):
        where = f"treatment.items[{index}]"
        errors.missing(f"{where}.outcome", item.outcome, "Please say how it went.")
        if item.year is not None and not born <= item.year <= respondent.today.year:
            errors.add(
                f"{where}.year",
                f"Please enter a year from {born} to {respondent.today.year}.",
            )
        errors.text(f"{where}.detail", item.detail)


def _readiness(intake: Intake, errors: _Errors) -> None:
    r = intake.readiness
    if r.ruler is None:
        errors.missing("readiness.ruler", None, "Please choose a number from 0 to 10.")
    elif not 0 <= r.ruler <= 10:
        errors.add("readiness.ruler", "Please choose a number from 0 to 10.")
    errors.missing("readiness.stage", r.stage, "Please choose the sentence closest to you.")
