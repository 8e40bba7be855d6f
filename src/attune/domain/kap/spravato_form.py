"""The Spravato REMS record laid out for printing, its submission, and what is still due.

:func:`form_view` gives the record as ordered :class:`FormLine` rows (section, label,
value) in plain text, which the web prints as a page and a PDF writer can lay out the
same way; nothing in it is HTML. :func:`mark_submitted` records a submission (only of a
complete record, and only once). :func:`unsubmitted` lists the records not yet
submitted, soonest due first, with whether each is overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, tzinfo
from typing import Generic, TypeVar

from attune.domain.errors import Conflict
from attune.domain.kap import checks
from attune.domain.kap.spravato import (
    MEDICINE_LABELS,
    MIN_MONITORING_MINUTES,
    BloodPressure,
    DoseChoice,
    SpravatoRecord,
    Submission,
    submission_due,
    treatment_date,
    validate,
)

NOT_RECORDED = "Not recorded"
K = TypeVar("K")


@dataclass(frozen=True)
class FormLine:
    section: str
    label: str
    value: str


def _yes_no(value: bool | None) -> str:
    return NOT_RECORDED if value is None else ("Yes" if value else "No")


def _text(value: str) -> str:
    return value.strip() or NOT_RECORDED


def _date(value: date | None) -> str:
    return NOT_RECORDED if value is None else value.strftime("%m/%d/%Y")


def _time(value: datetime | None, tz: tzinfo | None) -> str:
    return NOT_RECORDED if value is None else checks.clock(value, tz)


def _bp(value: BloodPressure | None, tz: tzinfo | None) -> str:
    return NOT_RECORDED if value is None else f"{value.text} at {checks.clock(value.at, tz)}"


def _dose(record: SpravatoRecord) -> str:
    if record.dose is None:
        return NOT_RECORDED
    if record.dose is DoseChoice.OTHER:
        mg = record.other_dose_mg
        return NOT_RECORDED if mg is None else f"Other: {checks.plain_decimal(mg)} mg"
    return f"{record.dose.value} mg"


def _join(separator: str, *parts: str) -> str:
    return separator.join(p.strip() for p in parts if p.strip())


def _minutes(value: int | None) -> str:
    return NOT_RECORDED if value is None else f"{value} minutes"


def form_view(record: SpravatoRecord, tz: tzinfo | None = None) -> tuple[FormLine, ...]:
    """Every field of the form, in the form's order, as plain text."""
    p, pr, st = record.patient, record.provider, record.setting
    name = _join(" ", p.first_name, p.middle_initial, p.last_name)
    rows: list[tuple[str, str, str]] = [
        ("Patient", "Name", name or NOT_RECORDED),
        ("Patient", "Date of birth", _date(p.birth_date)),
        ("Patient", "Sex", NOT_RECORDED if p.sex is None else p.sex.value.capitalize()),
        ("Patient", "REMS patient ID", _text(p.rems_patient_id)),
        ("Patient", "First treatment", _yes_no(p.first_treatment)),
    ]
    if p.first_treatment:
        rows.append(("Patient", "Enrolled in the REMS before this treatment", _yes_no(p.enrolled)))
    section = "Medicines that may cause sedation or blood-pressure changes"
    rows += [
        (section, label, _yes_no(getattr(record.medicines, key))) for key, label in MEDICINE_LABELS
    ]
    provider = _join(" ", pr.first_name, pr.last_name)
    rows += [
        ("Provider who monitored", "Name", provider or NOT_RECORDED),
        ("Provider who monitored", "Telephone", _text(pr.telephone)),
        ("Provider who monitored", "Email", _text(pr.email)),
        ("Healthcare setting", "Name", _text(st.name)),
        (
            "Healthcare setting",
            "Address",
            _text(_join(", ", st.address_1, st.address_2)),
        ),
        (
            "Healthcare setting",
            "City, state, ZIP",
            _text(_join(", ", st.city, _join(" ", st.state, st.zip_code))),
        ),
        ("Treatment", "Treatment date", _date(treatment_date(record, tz))),
        ("Treatment", "Dose administered", _dose(record)),
        ("Treatment", "Lot number", _text(record.lot_number)),
        ("Treatment", "First device used at", _time(record.administered_at, tz)),
        ("Treatment", "Monitoring ended at", _time(record.monitoring_ended_at, tz)),
        (
            "Treatment",
            f"Total monitoring time (at least {MIN_MONITORING_MINUTES} minutes)",
            _minutes(record.monitoring_minutes),
        ),
        (
            "Treatment",
            "Would have been ready to leave without the two-hour minimum, after",
            _minutes(record.ready_after_minutes),
        ),
        (
            "Vital signs",
            "Acceptable before administration",
            _yes_no(record.vitals_acceptable_before),
        ),
        (
            "Vital signs",
            "Acceptable before the session ended",
            _yes_no(record.vitals_acceptable_at_end),
        ),
        ("Vital signs", "Blood pressure before administration", _bp(record.bp_before, tz)),
        ("Vital signs", "Blood pressure about 40 minutes after", _bp(record.bp_40_minutes, tz)),
        ("Vital signs", "Blood pressure before the session ended", _bp(record.bp_at_end, tz)),
        ("Observed during monitoring", "Sedation", _yes_no(record.sedation)),
        ("Observed during monitoring", "Dissociation", _yes_no(record.dissociation)),
        (
            "Observed during monitoring",
            "Respiratory depression",
            _yes_no(record.respiratory_depression),
        ),
        (
            "Observed during monitoring",
            "Lowest SpO2 (pulse oximetry)",
            NOT_RECORDED if record.lowest_spo2 is None else f"{record.lowest_spo2}%",
        ),
        (
            "Observed during monitoring",
            "Serious adverse event",
            _yes_no(record.serious_adverse_event),
        ),
    ]
    if record.serious_adverse_event:
        rows.append(
            (
                "Observed during monitoring",
                "Serious adverse event: what happened",
                _text(record.serious_adverse_event_description),
            )
        )
    due = submission_due(record, tz)
    if record.submission is Submission.SUBMITTED:
        status = (
            f"Submitted on {_date(record.submitted_on)}, confirmation {_text(record.confirmation)}"
        )
    else:
        status = "Not submitted" + ("" if due is None else f" (due by {_date(due)})")
    rows.append(("Submission", "Status", status))
    return tuple(FormLine(*row) for row in rows)


def mark_submitted(
    record: SpravatoRecord, *, on: date, confirmation: str, tz: tzinfo | None = None
) -> SpravatoRecord:
    """The record marked submitted. Refused (FormErrors) while anything is missing, and
    (Conflict) when it was already submitted."""
    if record.submission is Submission.SUBMITTED:
        raise Conflict(
            f"This record was already submitted on {_date(record.submitted_on)}.",
            field="submission",
        )
    done = replace(
        record, submission=Submission.SUBMITTED, submitted_on=on, confirmation=confirmation
    )
    checks.raise_if_any(validate(done, tz))
    return done


@dataclass(frozen=True)
class Pending(Generic[K]):
    key: K
    record: SpravatoRecord
    due: date | None
    overdue: bool


def unsubmitted(
    records: Iterable[tuple[K, SpravatoRecord]], today: date, tz: tzinfo | None = None
) -> tuple[Pending[K], ...]:
    """Records not yet submitted, soonest due first (records with no date last)."""
    pending = [
        Pending(key, record, due, due is not None and today > due)
        for key, record in records
        if record.submission is Submission.NOT_SUBMITTED
        for due in (submission_due(record, tz),)
    ]
    return tuple(sorted(pending, key=lambda p: (p.due is None, p.due or today)))
