"""The Spravato REMS patient-monitoring record as an HTML form, and back: pure helpers.

Field names are the record's own field paths (``patient.first_name``, ``bp_40_minutes``,
``medicines.maois``), the names :func:`attune.domain.kap.spravato.validate` uses, so every
message lands next to its control. A blood pressure is three controls
(``bp_before.systolic``, ``bp_before.diastolic``, ``bp_before.at``) and is kept only when
both numbers and its time are given; a partly entered one is named, not dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from attune.domain.kap.spravato import (
    MEDICINE_LABELS,
    BloodPressure,
    ConcomitantMedicines,
    DoseChoice,
    HealthcareSetting,
    MonitoringProvider,
    RemsPatient,
    Sex,
    SpravatoRecord,
)
from attune.domain.kap.spravato import validate as validate_record
from attune.web.pages.kap_forms import Reader, local_input, yes_no_input

PATIENT = (
    "patient.first_name",
    "patient.middle_initial",
    "patient.last_name",
    "patient.birth_date",
    "patient.sex",
    "patient.rems_patient_id",
    "patient.first_treatment",
    "patient.enrolled",
)
MEDICINES = tuple(f"medicines.{key}" for key, _ in MEDICINE_LABELS)
PROVIDER = ("provider.first_name", "provider.last_name", "provider.telephone", "provider.email")
SETTING = (
    "setting.name",
    "setting.address_1",
    "setting.address_2",
    "setting.city",
    "setting.state",
    "setting.zip_code",
)
TREATMENT = (
    "dose",
    "other_dose_mg",
    "lot_number",
    "administered_at",
    "monitoring_ended_at",
    "ready_to_leave_at",
)
PRESSURES = ("bp_before", "bp_40_minutes", "bp_at_end")
VITALS = (
    "vitals_acceptable_before",
    "vitals_acceptable_at_end",
    *(f"{bp}.{part}" for bp in PRESSURES for part in ("systolic", "diastolic", "at")),
)
OBSERVED = (
    "sedation",
    "dissociation",
    "respiratory_depression",
    "lowest_spo2",
    "serious_adverse_event",
    "serious_adverse_event_description",
)
FIELDS = (*PATIENT, *MEDICINES, *PROVIDER, *SETTING, *TREATMENT, *VITALS, *OBSERVED)

SEX_CHOICES = tuple((s.value, s.value.capitalize()) for s in Sex)
DOSE_CHOICES = (("56", "56 mg"), ("84", "84 mg"), ("other", "Another amount"))
BP_LABELS = {
    "bp_before": "Before administration",
    "bp_40_minutes": "About 40 minutes after administration",
    "bp_at_end": "Before the session ended",
}


def _pressure(read: Reader, name: str) -> BloodPressure | None:
    systolic = read.whole(f"{name}.systolic", 20, 300)
    diastolic = read.whole(f"{name}.diastolic", 10, 250)
    at = read.moment(f"{name}.at")
    given = [read.text(f"{name}.{part}") != "" for part in ("systolic", "diastolic", "at")]
    if not any(given):
        return None
    if systolic is None or diastolic is None or at is None:
        if all(given):
            return None  # each unreadable value is already named
        read.fail(name, "Enter both numbers and the time of the reading, or leave all three empty.")
        return None
    return BloodPressure(systolic, diastolic, at)


def record_from_form(form: Mapping[str, str], kept: SpravatoRecord | None = None) -> SpravatoRecord:
    """The record the form describes; FormErrors names every value that cannot be read.
    The submission (status, date, confirmation) is carried over from ``kept``."""
    read = Reader(form)
    sex = read.choice("patient.sex", (s.value for s in Sex), "Choose one of the options.")
    dose = read.choice("dose", (d.value for d in DoseChoice), "Choose 56 mg, 84 mg or another.")
    patient = RemsPatient(
        first_name=read.text("patient.first_name"),
        middle_initial=read.text("patient.middle_initial"),
        last_name=read.text("patient.last_name"),
        birth_date=read.day("patient.birth_date"),
        sex=Sex(sex) if sex else None,
        rems_patient_id=read.text("patient.rems_patient_id"),
        first_treatment=read.yes_no("patient.first_treatment"),
        enrolled=read.yes_no("patient.enrolled"),
    )
    medicines = ConcomitantMedicines(
        **{key: read.yes_no(f"medicines.{key}") for key, _ in MEDICINE_LABELS}
    )
    provider = MonitoringProvider(
        **{
            key: read.text(f"provider.{key}")
            for key in ("first_name", "last_name", "telephone", "email")
        }
    )
    setting = HealthcareSetting(
        **{name.removeprefix("setting."): read.text(name) for name in SETTING}
    )
    record = SpravatoRecord(
        patient=patient,
        medicines=medicines,
        provider=provider,
        setting=setting,
        dose=DoseChoice(dose) if dose else None,
        other_dose_mg=read.decimal("other_dose_mg") if dose == DoseChoice.OTHER.value else None,
        lot_number=read.text("lot_number"),
        administered_at=read.moment("administered_at"),
        monitoring_ended_at=read.moment("monitoring_ended_at"),
        ready_to_leave_at=read.moment("ready_to_leave_at"),
        vitals_acceptable_before=read.yes_no("vitals_acceptable_before"),
        vitals_acceptable_at_end=read.yes_no("vitals_acceptable_at_end"),
        bp_before=_pressure(read, "bp_before"),
        bp_40_minutes=_pressure(read, "bp_40_minutes"),
        bp_at_end=_pressure(read, "bp_at_end"),
        sedation=read.yes_no("sedation"),
        dissociation=read.yes_no("dissociation"),
        respiratory_depression=read.yes_no("respiratory_depression"),
        lowest_spo2=read.whole("lowest_spo2", 0, 100),
        serious_adverse_event=read.yes_no("serious_adverse_event"),
        serious_adverse_event_description=read.text("serious_adverse_event_description"),
    )
    read.done()
    if kept is not None:
        record = _with_submission(record, kept)
    return record


def _with_submission(record: SpravatoRecord, kept: SpravatoRecord) -> SpravatoRecord:
    return replace(
        record,
        submission=kept.submission,
        submitted_on=kept.submitted_on,
        confirmation=kept.confirmation,
    )


def form_from_record(record: SpravatoRecord) -> dict[str, str]:
    """The form's values for a stored record (every field, empty when not recorded)."""
    p, pr, st = record.patient, record.provider, record.setting
    values: dict[str, str] = {
        "patient.first_name": p.first_name,
        "patient.middle_initial": p.middle_initial,
        "patient.last_name": p.last_name,
        "patient.birth_date": p.birth_date.isoformat() if p.birth_date else "",
        "patient.sex": p.sex.value if p.sex else "",
        "patient.rems_patient_id": p.rems_patient_id,
        "patient.first_treatment": yes_no_input(p.first_treatment),
        "patient.enrolled": yes_no_input(p.enrolled),
        "provider.first_name": pr.first_name,
        "provider.last_name": pr.last_name,
        "provider.telephone": pr.telephone,
        "provider.email": pr.email,
        "dose": record.dose.value if record.dose else "",
        "other_dose_mg": "" if record.other_dose_mg is None else str(record.other_dose_mg),
        "lot_number": record.lot_number,
        "administered_at": local_input(record.administered_at),
        "monitoring_ended_at": local_input(record.monitoring_ended_at),
        "ready_to_leave_at": local_input(record.ready_to_leave_at),
        "vitals_acceptable_before": yes_no_input(record.vitals_acceptable_before),
        "vitals_acceptable_at_end": yes_no_input(record.vitals_acceptable_at_end),
        "sedation": yes_no_input(record.sedation),
        "dissociation": yes_no_input(record.dissociation),
        "respiratory_depression": yes_no_input(record.respiratory_depression),
        "lowest_spo2": "" if record.lowest_spo2 is None else str(record.lowest_spo2),
        "serious_adverse_event": yes_no_input(record.serious_adverse_event),
        "serious_adverse_event_description": record.serious_adverse_event_description,
    }
    for key, _ in MEDICINE_LABELS:
        values[f"medicines.{key}"] = yes_no_input(getattr(record.medicines, key))
    for name in SETTING:
        values[name] = getattr(st, name.removeprefix("setting."))
    for name in PRESSURES:
        bp: BloodPressure | None = getattr(record, name)
        values[f"{name}.systolic"] = "" if bp is None else str(bp.systolic)
        values[f"{name}.diastolic"] = "" if bp is None else str(bp.diastolic)
        values[f"{name}.at"] = "" if bp is None else local_input(bp.at)
    return values


def control_for(field: str) -> str:
    """The control a validation message belongs next to (``bp_before`` -> its systolic;
    ``bp_before.at`` stays; ``submission`` and unknown names go to the top)."""
    if field in PRESSURES:
        return f"{field}.systolic"
    return field if field in FIELDS else ""


def missing(record: SpravatoRecord) -> tuple[tuple[str, str], ...]:
    """What the record still lacks or gets wrong, each by its control (for the page)."""
    return tuple((control_for(f) or f, m) for f, m in validate_record(record))
