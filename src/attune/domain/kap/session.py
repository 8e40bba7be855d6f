"""The in-office KAP session record, and the rule that it cannot be signed until complete.

A :class:`SessionRecord` is filled in during the session and may be incomplete while it
is a draft: route, dose (mg, the patient's weight, and mg/kg cross-checked), lot number,
start (dosing) and end (discharge or transfer), the vitals timeline, sedation and
dissociation ratings on Attune's own 0–4 scales and adverse events (both in
:mod:`.session_events`), and the discharge checklist. :func:`validate` lists what is
wrong with what has been entered; :func:`can_sign` lists that and everything still
missing or blocking; :func:`sign` refuses, with every item named by its field, until
:func:`can_sign` is empty.

An adverse event still open at the end does not block signing (a mild headache may
outlast the visit); :func:`open_adverse_events` lists them for the course.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum

from attune.domain.kap import checks
from attune.domain.kap.session_events import (
    AdverseEvent,
    Rating,
    RatingWarning,
    event_errors,
    rating_warnings,
)
from attune.domain.kap.vitals import (
    VitalsProtocol,
    VitalsReading,
    VitalsWarning,
    has_baseline,
    missing_due_times,
    reading_errors,
    timeline_warnings,
    warnings_for,
)


class Route(Enum):
    IV = "iv"
    IM = "im"
    SUBLINGUAL = "sublingual"
    INTRANASAL = "intranasal"

    @property
    def label(self) -> str:
        return {
            "iv": "Intravenous (IV)",
            "im": "Intramuscular (IM)",
            "sublingual": "Sublingual",
            "intranasal": "Intranasal",
        }[self.value]


#: A typing-mistake guard, not a dosing limit: larger numbers are refused for checking.
MAX_DOSE_MG = Decimal(1000)
MAX_WEIGHT_KG = Decimal(400)
#: mg/kg is compared at two decimals: a difference above half of 0.01 is inconsistent.
MG_PER_KG_TOLERANCE = Decimal("0.005")


class Disposition(Enum):
    DISCHARGED = "discharged"
    #: Handed over to emergency or inpatient care.
    TRANSFERRED = "transferred"


@dataclass(frozen=True)
class DischargeChecklist:
    """Ticked by the clinician before the patient leaves. ``None`` means not checked yet.
    "Vital signs back within thresholds" is not ticked: it is read from the timeline."""

    alert_and_oriented: bool | None = None
    nausea_controlled: bool | None = None
    walking_steadily: bool | None = None
    escort_present: bool | None = None
    escort_name: str = ""
    no_driving_acknowledged: bool | None = None


DISCHARGE_ITEMS = (
    ("alert_and_oriented", "Alert and oriented"),
    ("vitals_within_thresholds", "Vital signs back within thresholds"),
    ("nausea_controlled", "Nausea controlled"),
    ("walking_steadily", "Walking steadily"),
    ("escort_present", "An escort is here to take them home"),
    ("no_driving_acknowledged", "Agrees not to drive until the next day after sleep"),
)


@dataclass(frozen=True)
class SessionRecord:
    route: Route | None = None
    dose_mg: Decimal | None = None
    weight_kg: Decimal | None = None
    mg_per_kg: Decimal | None = None
    lot_number: str = ""
    #: Dosing time; the baseline reading comes before it.
    started_at: datetime | None = None
    #: When monitoring ended (discharge or transfer).
    ended_at: datetime | None = None
    vitals: tuple[VitalsReading, ...] = ()
    ratings: tuple[Rating, ...] = ()
    adverse_events: tuple[AdverseEvent, ...] = ()
    discharge: DischargeChecklist = field(default_factory=DischargeChecklist)
    disposition: Disposition | None = None
    transfer_note: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Dose:
    mg: Decimal
    weight_kg: Decimal

    @property
    def mg_per_kg(self) -> Decimal:
        """Rounded half up to three decimals, for display."""
        return (self.mg / self.weight_kg).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP)


SessionWarning = VitalsWarning | RatingWarning


@dataclass(frozen=True)
class SignedSession:
    record: SessionRecord
    signed_by: str
    signed_at: datetime


def resolve_dose(record: SessionRecord) -> tuple[Dose | None, list[tuple[str, str]]]:
    """The dose from mg and weight, or from mg/kg and weight; both given must agree."""
    errors: list[tuple[str, str]] = []
    mg, kg, per_kg = record.dose_mg, record.weight_kg, record.mg_per_kg
    for name, value, limit in (("dose_mg", mg, MAX_DOSE_MG), ("weight_kg", kg, MAX_WEIGHT_KG)):
        if value is not None and (not value.is_finite() or not 0 < value <= limit):
            errors.append((name, f"This must be more than 0 and at most {limit}; please check."))
    if per_kg is not None and (not per_kg.is_finite() or per_kg <= 0):
        errors.append(("mg_per_kg", "The dose per kilogram must be more than 0."))
    if errors or kg is None or (mg is None and per_kg is None):
        return None, errors
    if mg is None:
        mg = per_kg * kg if per_kg is not None else Decimal(0)
        if mg > MAX_DOSE_MG:
            errors.append(("mg_per_kg", f"{per_kg} mg/kg × {kg} kg is over {MAX_DOSE_MG} mg."))
            return None, errors
    elif per_kg is not None and abs(mg / kg - per_kg) > MG_PER_KG_TOLERANCE:
        text = checks.plain_decimal
        message = (
            f"{text(per_kg)} mg/kg × {text(kg)} kg = {text(per_kg * kg)} mg, but the dose "
            f"says {text(mg)} mg ({text(Dose(mg, kg).mg_per_kg)} mg/kg). Please check the dose, "
            "the weight and the mg/kg."
        )
        return None, [("mg_per_kg", message)]
    return Dose(mg, kg), []


def _time_errors(record: SessionRecord, protocol: VitalsProtocol) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    start, end = record.started_at, record.ended_at
    for name, value in (("started_at", start), ("ended_at", end)):
        if value is not None and (problem := checks.time_problem(value)):
            errors.append((name, problem))
    if errors:
        return errors
    if start is not None and end is not None and end <= start:
        errors.append(("ended_at", "The end must come after the start."))
    for i, reading in enumerate(record.vitals):
        errors.extend(reading_errors(reading, f"vitals[{i}]"))
        if start is None or reading.at.tzinfo is None:
            continue
        earliest = start - timedelta(minutes=protocol.baseline_within_minutes)
        latest = (end or reading.at) + timedelta(minutes=protocol.grace_minutes)
        if not earliest <= reading.at <= latest:
            errors.append((f"vitals[{i}].at", "This reading is outside the session's times."))
    return errors


def validate(record: SessionRecord, protocol: VitalsProtocol) -> checks.FieldErrors:
    """What is wrong with what has been entered so far (missing items are not listed)."""
    errors = _time_errors(record, protocol)
    errors.extend(resolve_dose(record)[1])
    if problem := checks.text_problem(record.lot_number, 40, required=False):
        errors.append(("lot_number", problem))
    errors.extend(event_errors(record.ratings, record.adverse_events))
    for name, limit in (("transfer_note", checks.MAX_LONG_TEXT), ("notes", checks.MAX_LONG_TEXT)):
        if problem := checks.text_problem(getattr(record, name), limit, required=False):
            errors.append((name, problem))
    if problem := checks.text_problem(record.discharge.escort_name, required=False):
        errors.append(("discharge.escort_name", problem))
    return tuple(errors)


def session_warnings(record: SessionRecord, protocol: VitalsProtocol) -> tuple[SessionWarning, ...]:
    """Every visible warning, in time order: vital signs out of range and ratings at or
    above the protocol's warning levels."""
    found: list[SessionWarning] = list(timeline_warnings(record.vitals, protocol))
    found.extend(rating_warnings(record.ratings, protocol))
    return tuple(sorted(found, key=lambda w: w.at))


def open_adverse_events(record: SessionRecord) -> tuple[AdverseEvent, ...]:
    return tuple(e for e in record.adverse_events if not e.resolved)


def last_reading(record: SessionRecord) -> VitalsReading | None:
    complete = [r for r in record.vitals if r.complete]
    return max(complete, key=lambda r: r.at) if complete else None


def discharge_status(
    record: SessionRecord, protocol: VitalsProtocol
) -> tuple[tuple[str, str, bool | None], ...]:
    """(key, label, met) for each discharge item, the vital-signs item read from the
    last complete reading (None when there is none)."""
    last = last_reading(record)
    vitals_ok = None if last is None else not warnings_for(last, protocol.thresholds)
    return tuple(
        (
            key,
            label,
            vitals_ok if key == "vitals_within_thresholds" else getattr(record.discharge, key),
        )
        for key, label in DISCHARGE_ITEMS
    )


def _discharge_blocks(
    record: SessionRecord, protocol: VitalsProtocol, tz: tzinfo | None
) -> list[tuple[str, str]]:
    blocks: list[tuple[str, str]] = []
    for key, label, met in discharge_status(record, protocol):
        where = f"discharge.{key}"
        if key == "vitals_within_thresholds" and met is False:
            last = last_reading(record)
            assert last is not None
            problems = " ".join(w.message(tz) for w in warnings_for(last, protocol.thresholds))
            blocks.append((where, f"The last reading is still out of range. {problems}"))
        elif key == "vitals_within_thresholds" and met is None:
            blocks.append((where, "Record a complete reading before discharge."))
        elif met is None:
            blocks.append((where, f"Not checked yet: {label.lower()}."))
        elif not met:
            blocks.append((where, f"Not yet: {label.lower()}. Keep monitoring until it is."))
    if record.discharge.escort_present and not record.discharge.escort_name.strip():
        blocks.append(("discharge.escort_name", "Write the escort's name."))
    return blocks


def can_sign(
    record: SessionRecord, protocol: VitalsProtocol, tz: tzinfo | None = None
) -> checks.FieldErrors:
    """Every item that stops the record being signed: errors, then missing or blocking
    items, each ``(field, message)``. Empty means it can be signed."""
    items = list(validate(record, protocol))
    if items:
        return tuple(items)
    required = (
        ("route", record.route, "Choose the route the medicine was given by."),
        ("weight_kg", record.weight_kg, "Enter the patient's weight in kilograms."),
        ("lot_number", record.lot_number.strip() or None, "Enter the lot number."),
        ("started_at", record.started_at, "Enter the time of dosing."),
        ("ended_at", record.ended_at, "Enter when monitoring ended."),
        (
            "disposition",
            record.disposition,
            "Say whether the patient went home or was transferred.",
        ),
    )
    items.extend((name, message) for name, value, message in required if value is None)
    if record.dose_mg is None and record.mg_per_kg is None:
        items.append(("dose_mg", "Enter the dose in mg (or in mg/kg)."))
    start, end = record.started_at, record.ended_at
    if start is not None and not has_baseline(record.vitals, start, protocol):
        items.append(
            (
                "vitals",
                "Record a complete baseline reading (blood pressure, heart rate and SpO2) in "
                f"the {protocol.baseline_within_minutes} minutes before dosing.",
            )
        )
    if start is not None and end is not None:
        missing = missing_due_times(record.vitals, start, end, protocol)
        if missing:
            times = ", ".join(checks.clock(t, tz) for t in missing)
            items.append(
                (
                    "vitals",
                    f"Readings are due every {protocol.every_minutes} minutes; none was "
                    f"recorded near {times}.",
                )
            )
    if not any(start is None or r.at >= start for r in record.ratings):
        items.append(("ratings", "Record at least one sedation and dissociation rating."))
    if record.disposition is Disposition.DISCHARGED:
        items.extend(_discharge_blocks(record, protocol, tz))
    elif record.disposition is Disposition.TRANSFERRED and not record.transfer_note.strip():
        items.append(("transfer_note", "Say where the patient was transferred and why."))
    return tuple(items)


def sign(
    record: SessionRecord,
    *,
    signed_by: str,
    at: datetime,
    protocol: VitalsProtocol,
    tz: tzinfo | None = None,
) -> SignedSession:
    """The signed record; FormErrors lists every item while anything is missing."""
    items: list[tuple[str, str]] = list(can_sign(record, protocol, tz))
    if problem := checks.time_problem(at):
        items.append(("signed_at", problem))
    elif record.ended_at is not None and at < record.ended_at:
        items.append(("signed_at", "A record cannot be signed before the session ended."))
    if not signed_by.strip():
        items.append(("signed_by", "Say who is signing."))
    checks.raise_if_any(items)
    return SignedSession(record, signed_by, at)
