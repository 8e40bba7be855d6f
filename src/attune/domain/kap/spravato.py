"""The Spravato (esketamine) REMS patient-monitoring record, one per treatment session.

It holds what the SPRAVATO REMS Patient Monitoring Form (outpatient) asks for, grouped
the same way: the patient (with their REMS enrolment), concomitant medicines that may
cause sedation or blood-pressure changes, the healthcare provider who monitored, the
healthcare setting, the treatment (date, dose 56 mg / 84 mg / other, lot), the total
monitoring time, when the patient would otherwise have been ready to leave, whether vital
signs were acceptable, three blood pressures (before administration, about 40 minutes
after, before the session ended), sedation, dissociation, respiratory depression with
the lowest SpO2, serious adverse events, and whether the form has been submitted.

The REMS requires monitoring for at least two hours and submission within seven days
of the treatment (sources in docs/kap.md). :func:`validate` names every missing or wrong
field; :func:`require_complete` raises them together. :mod:`.spravato_form` lays the
record out for printing and lists records not yet submitted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from decimal import Decimal
from enum import Enum

from attune.domain.kap import checks

#: The REMS minimum monitoring time after the first device, in minutes.
MIN_MONITORING_MINUTES = 120
#: The form is due this many days after the treatment date.
SUBMIT_WITHIN_DAYS = 7
#: The "about 40 minutes" reading is accepted from 30 to 50 minutes after administration
#: began: a window of Attune's choosing, not a REMS figure.
FORTY_MINUTE_WINDOW = (30, 50)
#: A typing-mistake guard for an "other" dose, not a dosing limit.
MAX_OTHER_DOSE_MG = Decimal(112)


class Sex(Enum):
    MALE = "male"
    FEMALE = "female"
    OTHER = "other"


class DoseChoice(Enum):
    MG_56 = "56"
    MG_84 = "84"
    OTHER = "other"


class Submission(Enum):
    NOT_SUBMITTED = "not_submitted"
    SUBMITTED = "submitted"


@dataclass(frozen=True)
class RemsPatient:
    first_name: str = ""
    middle_initial: str = ""
    last_name: str = ""
    birth_date: date | None = None
    sex: Sex | None = None
    #: The patient's SPRAVATO REMS enrolment (patient) ID.
    rems_patient_id: str = ""
    first_treatment: bool | None = None
    #: Asked when this is the first treatment: enrolled in the REMS before it?
    enrolled: bool | None = None


@dataclass(frozen=True)
class ConcomitantMedicines:
    """Does the patient take any of these, which may cause sedation or raise blood
    pressure? Each is answered yes or no."""

    benzodiazepines: bool | None = None
    non_benzodiazepine_sedative_hypnotics: bool | None = None
    psychostimulants: bool | None = None
    maois: bool | None = None


MEDICINE_LABELS = (
    ("benzodiazepines", "Benzodiazepines"),
    ("non_benzodiazepine_sedative_hypnotics", "Non-benzodiazepine sedative hypnotics"),
    ("psychostimulants", "Psychostimulants"),
    ("maois", "Monoamine oxidase inhibitors (MAOIs)"),
)


@dataclass(frozen=True)
class MonitoringProvider:
    first_name: str = ""
    last_name: str = ""
    telephone: str = ""
    email: str = ""


@dataclass(frozen=True)
class HealthcareSetting:
    name: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""


@dataclass(frozen=True)
class BloodPressure:
    systolic: int
    diastolic: int
    at: datetime

    @property
    def text(self) -> str:
        return f"{self.systolic}/{self.diastolic} mmHg"


@dataclass(frozen=True)
class SpravatoRecord:
    patient: RemsPatient = field(default_factory=RemsPatient)
    medicines: ConcomitantMedicines = field(default_factory=ConcomitantMedicines)
    provider: MonitoringProvider = field(default_factory=MonitoringProvider)
    setting: HealthcareSetting = field(default_factory=HealthcareSetting)
    dose: DoseChoice | None = None
    #: The dose in mg when ``dose`` is OTHER.
    other_dose_mg: Decimal | None = None
    lot_number: str = ""
    #: When the first device was used.
    administered_at: datetime | None = None
    #: When monitoring was completed (the end of the treatment session).
    monitoring_ended_at: datetime | None = None
    #: When the patient would have been ready to leave, were there no two-hour minimum.
    ready_to_leave_at: datetime | None = None
    vitals_acceptable_before: bool | None = None
    vitals_acceptable_at_end: bool | None = None
    bp_before: BloodPressure | None = None
    bp_40_minutes: BloodPressure | None = None
    bp_at_end: BloodPressure | None = None
    sedation: bool | None = None
    dissociation: bool | None = None
    respiratory_depression: bool | None = None
    #: The lowest SpO2 seen on pulse oximetry during monitoring, in %.
    lowest_spo2: int | None = None
    serious_adverse_event: bool | None = None
    serious_adverse_event_description: str = ""
    submission: Submission = Submission.NOT_SUBMITTED
    submitted_on: date | None = None
    confirmation: str = ""

    @property
    def dose_mg(self) -> Decimal | None:
        if self.dose is DoseChoice.OTHER:
            return self.other_dose_mg
        return None if self.dose is None else Decimal(self.dose.value)

    @property
    def monitoring_minutes(self) -> int | None:
        """Total time from the first device to the end of monitoring (whole minutes)."""
        if self.administered_at is None or self.monitoring_ended_at is None:
            return None
        return checks.minutes_between(self.administered_at, self.monitoring_ended_at)

    @property
    def ready_after_minutes(self) -> int | None:
        """When the patient would have been ready to leave, in minutes from the start."""
        if self.administered_at is None or self.ready_to_leave_at is None:
            return None
        return checks.minutes_between(self.administered_at, self.ready_to_leave_at)


def treatment_date(record: SpravatoRecord, tz: tzinfo | None = None) -> date | None:
    """The treatment date in the clinic's time zone (UTC unless given)."""
    at = record.administered_at
    if at is None or at.tzinfo is None:
        return None
    return (at.astimezone(tz) if tz is not None else at).date()


def submission_due(record: SpravatoRecord, tz: tzinfo | None = None) -> date | None:
    day = treatment_date(record, tz)
    return None if day is None else day + timedelta(days=SUBMIT_WITHIN_DAYS)


Errors = list[tuple[str, str]]


def _need(errors: Errors, where: str, value: object, message: str) -> None:
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.append((where, message))
    elif isinstance(value, str) and (problem := checks.text_problem(value)):
        errors.append((where, problem))


def _patient(p: RemsPatient, errors: Errors, day: date | None) -> None:
    _need(errors, "patient.first_name", p.first_name, "Enter the patient's first name.")
    _need(errors, "patient.last_name", p.last_name, "Enter the patient's last name.")
    if len(p.middle_initial.strip()) > 1:
        errors.append(("patient.middle_initial", "One letter only."))
    _need(errors, "patient.birth_date", p.birth_date, "Enter the patient's date of birth.")
    if p.birth_date is not None and day is not None and p.birth_date >= day:
        errors.append(("patient.birth_date", "The date of birth must be before the treatment."))
    _need(errors, "patient.sex", p.sex, "Choose the patient's sex as the form asks.")
    _need(errors, "patient.rems_patient_id", p.rems_patient_id, "Enter the REMS patient ID.")
    _need(errors, "patient.first_treatment", p.first_treatment, "Is this the first treatment?")
    if p.first_treatment and p.enrolled is None:
        errors.append(("patient.enrolled", "Was the patient enrolled in the REMS before it?"))
    elif p.first_treatment and p.enrolled is False:
        errors.append(
            (
                "patient.enrolled",
                "The patient must be enrolled in the SPRAVATO REMS before the first treatment.",
            )
        )


def _contacts(record: SpravatoRecord, errors: Errors) -> None:
    for key, label in MEDICINE_LABELS:
        _need(errors, f"medicines.{key}", getattr(record.medicines, key), f"{label}: yes or no?")
    pr, st = record.provider, record.setting
    _need(errors, "provider.first_name", pr.first_name, "Enter the provider's first name.")
    _need(errors, "provider.last_name", pr.last_name, "Enter the provider's last name.")
    _need(errors, "provider.telephone", pr.telephone, "Enter the provider's telephone.")
    _need(errors, "provider.email", pr.email, "Enter the provider's email.")
    if pr.email.strip() and "@" not in pr.email:
        errors.append(("provider.email", "This does not look like an email address."))
    _need(errors, "setting.name", st.name, "Enter the healthcare setting's name.")
    _need(errors, "setting.address_1", st.address_1, "Enter the setting's address.")
    if problem := checks.text_problem(st.address_2, required=False):
        errors.append(("setting.address_2", problem))
    _need(errors, "setting.city", st.city, "Enter the city.")
    _need(errors, "setting.state", st.state, "Enter the state.")
    _need(errors, "setting.zip_code", st.zip_code, "Enter the ZIP code.")


def _treatment(r: SpravatoRecord, errors: Errors) -> None:
    _need(errors, "dose", r.dose, "Choose the dose: 56 mg, 84 mg or another amount.")
    if r.dose is DoseChoice.OTHER:
        mg = r.other_dose_mg
        if mg is None or not mg.is_finite() or not 0 < mg <= MAX_OTHER_DOSE_MG:
            errors.append(
                (
                    "other_dose_mg",
                    f"Enter the dose given in mg (more than 0, at most {MAX_OTHER_DOSE_MG}).",
                )
            )
    _need(errors, "lot_number", r.lot_number, "Enter the lot number.")
    times = (
        ("administered_at", r.administered_at, "Enter when the first device was used."),
        ("monitoring_ended_at", r.monitoring_ended_at, "Enter when monitoring ended."),
        (
            "ready_to_leave_at",
            r.ready_to_leave_at,
            "Enter when the patient would have been ready to leave without the two-hour minimum.",
        ),
    )
    for where, value, message in times:
        _need(errors, where, value, message)
        if value is not None and (problem := checks.time_problem(value)):
            errors.append((where, problem))
    if any(e[0] in {t[0] for t in times} for e in errors):
        return
    total, ready = r.monitoring_minutes, r.ready_after_minutes
    if total is not None and total < MIN_MONITORING_MINUTES:
        errors.append(
            (
                "monitoring_ended_at",
                f"Monitoring lasted {total} minutes; the REMS requires at least "
                f"{MIN_MONITORING_MINUTES} minutes from the first device.",
            )
        )
    if ready is not None and total is not None and not 0 < ready <= total:
        errors.append(
            (
                "ready_to_leave_at",
                "This must be after administration began and no later than the end of monitoring.",
            )
        )


def _blood_pressure(r: SpravatoRecord, errors: Errors) -> None:
    _need(
        errors,
        "vitals_acceptable_before",
        r.vitals_acceptable_before,
        "Were vital signs acceptable before administration?",
    )
    _need(
        errors,
        "vitals_acceptable_at_end",
        r.vitals_acceptable_at_end,
        "Were vital signs acceptable before the session ended?",
    )
    start, end = r.administered_at, r.monitoring_ended_at
    readings = (
        ("bp_before", r.bp_before, "before administration"),
        ("bp_40_minutes", r.bp_40_minutes, "about 40 minutes after administration"),
        ("bp_at_end", r.bp_at_end, "before the session ended"),
    )
    for where, bp, words in readings:
        if bp is None:
            errors.append((where, f"Enter the blood pressure {words}."))
            continue
        if not 50 <= bp.systolic <= 300 or not 20 <= bp.diastolic < bp.systolic:
            errors.append((where, f"{bp.text} is not a possible reading; please check it."))
        if problem := checks.time_problem(bp.at):
            errors.append((f"{where}.at", problem))
        elif start is None or end is None or start.tzinfo is None or end.tzinfo is None:
            continue
        elif where == "bp_before" and bp.at > start:
            errors.append((f"{where}.at", "This reading must be taken before administration."))
        elif where == "bp_40_minutes":
            low, high = FORTY_MINUTE_WINDOW
            after = checks.minutes_between(start, bp.at)
            if not low <= after <= high:
                errors.append(
                    (
                        f"{where}.at",
                        f"Taken {after} minutes after administration began; it "
                        f"should be about 40 (between {low} and {high}).",
                    )
                )
        elif where == "bp_at_end" and not start < bp.at <= end:
            errors.append((f"{where}.at", "This reading must be taken before the session ended."))


def _observations(r: SpravatoRecord, errors: Errors) -> None:
    _need(errors, "sedation", r.sedation, "Did the patient have sedation?")
    _need(errors, "dissociation", r.dissociation, "Did the patient have dissociation?")
    _need(
        errors,
        "respiratory_depression",
        r.respiratory_depression,
        "Did the patient have respiratory depression?",
    )
    if r.lowest_spo2 is None:
        errors.append(("lowest_spo2", "Enter the lowest SpO2 seen on pulse oximetry."))
    elif not 50 <= r.lowest_spo2 <= 100:
        errors.append(("lowest_spo2", "SpO2 is a percentage from 50 to 100; please check it."))
    _need(
        errors,
        "serious_adverse_event",
        r.serious_adverse_event,
        "Was there a serious adverse event?",
    )
    described = r.serious_adverse_event_description
    if r.serious_adverse_event and not described.strip():
        errors.append(("serious_adverse_event_description", "Describe the serious adverse event."))
    elif problem := checks.text_problem(described, checks.MAX_LONG_TEXT, required=False):
        errors.append(("serious_adverse_event_description", problem))


def _submission(r: SpravatoRecord, errors: Errors, day: date | None) -> None:
    if r.submission is Submission.NOT_SUBMITTED:
        if r.submitted_on is not None or r.confirmation.strip():
            errors.append(("submission", "A record not yet submitted has no submission date."))
        return
    if r.submitted_on is None:
        errors.append(("submitted_on", "Enter the date the form was submitted."))
    elif day is not None and r.submitted_on < day:
        errors.append(("submitted_on", "It cannot be submitted before the treatment date."))
    _need(errors, "confirmation", r.confirmation, "Enter the REMS confirmation number.")


def validate(record: SpravatoRecord, tz: tzinfo | None = None) -> checks.FieldErrors:
    """Every missing or wrong field, in the order of the form."""
    errors: Errors = []
    day = treatment_date(record, tz)
    _patient(record.patient, errors, day)
    _contacts(record, errors)
    _treatment(record, errors)
    _blood_pressure(record, errors)
    _observations(record, errors)
    _submission(record, errors, day)
    return tuple(errors)


def require_complete(record: SpravatoRecord, tz: tzinfo | None = None) -> SpravatoRecord:
    checks.raise_if_any(validate(record, tz))
    return record
