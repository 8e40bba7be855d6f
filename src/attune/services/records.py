"""What staff (and a patient, for their own record) see: caseloads and patient records.

Reading a patient's data is audited like changing it: the caseload writes one
``view_caseload`` event per patient it shows, a record one ``view_record`` event.
A patient looking at their own record does not see the clinicians' flags.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from attune.domain.errors import UnknownInstrument
from attune.domain.instruments import Instrument, InstrumentLibrary
from attune.services.access import Action, open_patient, require_staff
from attune.services.actors import Actor, Role
from attune.services.assignments import AssignmentInfo, assignment_info, due_assignments
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Outcome, Patient, StoredResponse, UnitOfWork
from attune.services.responses import FlagInfo, flag_info


@dataclass(frozen=True)
class LatestScore:
    instrument_id: str
    abbreviation: str
    total: float | None
    band: str | None
    submitted_at: datetime
    #: Subscale results by key; the result itself where an instrument has no total (ECR-R).
    subscales: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class CaseloadRow:
    patient_id: int
    display_name: str
    #: The newest score of each instrument the patient has answered, by abbreviation.
    latest: tuple[LatestScore, ...]
    due_count: int
    overdue_count: int
    open_flags: tuple[FlagInfo, ...]


@dataclass(frozen=True)
class PatientListRow:
    """One line of the clinic's patient list (admin)."""

    patient_id: int
    display_name: str
    date_of_birth: date | None
    clinician_names: tuple[str, ...]
    has_login: bool


@dataclass(frozen=True)
class PatientSummary:
    id: int
    display_name: str
    date_of_birth: date | None
    sex: str | None
    clinician_names: tuple[str, ...]
    email: str | None


@dataclass(frozen=True)
class SeriesPoint:
    response_id: int
    submitted_at: datetime
    total: float | None
    band: str | None


@dataclass(frozen=True)
class BandMark:
    """Where a severity band starts, for drawing the bands behind a chart."""

    minimum: float
    label: str


@dataclass(frozen=True)
class ScoreSeries:
    """One instrument's totals over time, oldest first, with its scale for drawing."""

    instrument_id: str
    title: str
    abbreviation: str
    points: tuple[SeriesPoint, ...]
    total_min: float
    total_max: float
    bands: tuple[BandMark, ...]


@dataclass(frozen=True)
class ItemAnswer:
    number: int
    link_id: str
    #: The item's wording, else our short topic label where the licence does not let us
    #: ship the wording, else "Item N".
    text: str
    code: int | None
    label: str | None
    weight: float | None
    #: Unanswered because the form's skip instruction said so (scored by that rule).
    skipped: bool = False


@dataclass(frozen=True)
class ResponseView:
    id: int
    instrument_id: str
    title: str
    abbreviation: str
    instrument_version: str
    submitted_at: datetime
    total: float | None
    band: str | None
    subscales: Mapping[str, float | None]
    flags: tuple[str, ...]
    missing: tuple[str, ...]
    imputed: tuple[str, ...]
    skipped: tuple[str, ...]
    findings: tuple[tuple[str, str], ...]
    items: tuple[ItemAnswer, ...]


@dataclass(frozen=True)
class PatientRecord:
    patient: PatientSummary
    series: tuple[ScoreSeries, ...]
    #: Newest first.
    responses: tuple[ResponseView, ...]
    open_flags: tuple[FlagInfo, ...]
    assignments: tuple[AssignmentInfo, ...]


def _instrument(library: InstrumentLibrary, instrument_id: str) -> Instrument | None:
    try:
        return library.get(instrument_id)
    except UnknownInstrument:
        return None


def _latest_scores(
    library: InstrumentLibrary, responses: list[StoredResponse]
) -> tuple[LatestScore, ...]:
    latest: dict[str, LatestScore] = {}
    for response in responses:  # newest first
        if response.instrument_id in latest:
            continue
        instrument = _instrument(library, response.instrument_id)
        latest[response.instrument_id] = LatestScore(
            instrument_id=response.instrument_id,
            abbreviation=instrument.abbreviation if instrument else response.instrument_id,
            total=response.total,
            band=response.band,
            submitted_at=response.submitted_at,
            subscales=tuple(
                (key, value) for key, value in response.subscales.items() if value is not None
            ),
        )
    return tuple(sorted(latest.values(), key=lambda s: s.abbreviation))


def _visible_patients(uow: UnitOfWork, actor: Actor) -> list[Patient]:
    if actor.role is Role.ADMIN:
        return uow.patients.in_clinic(actor.clinic_id)
    return [p for p in uow.patients.on_caseload_of(actor.user_id) if p.clinic_id == actor.clinic_id]


def caseload(uow: UnitOfWork, actor: Actor, clock: Clock) -> list[CaseloadRow]:
    """One row per patient the actor looks after (an admin: every patient of the clinic).

    Rows with open flags come first, then overdue ones, then by name.
    """
    require_staff(actor, "see a caseload")
    today = clock.now().date()
    rows: list[CaseloadRow] = []
    with uow:
        for listed in _visible_patients(uow, actor):
            patient = open_patient(uow, actor, listed.id, Action.VIEW_CASELOAD, clock)
            due = due_assignments(uow, patient.id, today)
            rows.append(
                CaseloadRow(
                    patient_id=patient.id,
                    display_name=patient.display_name,
                    latest=_latest_scores(uow.instruments, uow.responses.for_patient(patient.id)),
                    due_count=len(due),
                    overdue_count=sum(1 for d in due if d.overdue),
                    open_flags=tuple(flag_info(f) for f in uow.flags.open_for_patient(patient.id)),
                )
            )
        uow.commit()
    rows.sort(key=lambda r: (not r.open_flags, r.overdue_count == 0, r.display_name.lower()))
    return rows


def clinic_patients(
    uow: UnitOfWork, actor: Actor, clock: Clock = SYSTEM_CLOCK
) -> list[PatientListRow]:
    """The patients the actor may see, by name, with their clinicians.

    An admin gets every patient of the clinic; a clinician their caseload. The list shows
    names only and is audited as one ``list_patients`` event.
    """
    require_staff(actor, "list patients")
    with uow:
        patients = _visible_patients(uow, actor)
        names = {u.id: u.name for u in uow.users.in_clinic(actor.clinic_id)}
        rows = [
            PatientListRow(
                patient_id=p.id,
                display_name=p.display_name,
                date_of_birth=p.date_of_birth,
                clinician_names=tuple(
                    sorted(names.get(c, f"user {c}") for c in uow.patients.clinicians_of(p.id))
                ),
                has_login=p.user_id is not None,
            )
            for p in patients
        ]
        record_event(
            uow,
            at=clock.now(),
            actor=actor,
            action="list_patients",
            outcome=Outcome.ALLOWED,
            detail=f"listed {len(rows)} patient{'' if len(rows) == 1 else 's'}",
        )
        uow.commit()
    return rows


def _item_answers(
    instrument: Instrument | None, answers: Mapping[str, int | None], skipped: set[str]
) -> tuple[ItemAnswer, ...]:
    if instrument is None:
        return tuple(
            ItemAnswer(n, link_id, link_id, code, None, None)
            for n, (link_id, code) in enumerate(sorted(answers.items()), start=1)
        )
    rows = []
    for item in instrument.items:
        code = answers.get(item.link_id)
        label: str | None = None
        weight: float | None = None
        if code is not None and code in item.codes:
            label = item.label_for(code)
            weight = float(item.weight(code))
        rows.append(
            ItemAnswer(
                number=item.number,
                link_id=item.link_id,
                text=item.display,
                code=code,
                label=label,
                weight=weight,
                skipped=item.link_id in skipped,
            )
        )
    return tuple(rows)


def _response_view(library: InstrumentLibrary, response: StoredResponse) -> ResponseView:
    instrument = _instrument(library, response.instrument_id)
    return ResponseView(
        id=response.id,
        instrument_id=response.instrument_id,
        title=instrument.title if instrument else response.instrument_id,
        abbreviation=instrument.abbreviation if instrument else response.instrument_id,
        instrument_version=response.instrument_version,
        submitted_at=response.submitted_at,
        total=response.total,
        band=response.band,
        subscales=dict(response.subscales),
        flags=tuple(response.flags),
        missing=tuple(response.missing),
        imputed=tuple(response.imputed),
        skipped=tuple(response.skipped),
        findings=tuple((f.get("code", ""), f.get("text", "")) for f in response.findings),
        items=_item_answers(instrument, response.answers, set(response.skipped)),
    )


def _series(library: InstrumentLibrary, responses: list[StoredResponse]) -> tuple[ScoreSeries, ...]:
    by_instrument: dict[str, list[StoredResponse]] = {}
    for response in reversed(responses):  # oldest first
        by_instrument.setdefault(response.instrument_id, []).append(response)
    series = []
    for instrument_id, answered in by_instrument.items():
        instrument = _instrument(library, instrument_id)
        if instrument is None or not instrument.has_total:
            continue
        low, high = instrument.total_range
        series.append(
            ScoreSeries(
                instrument_id=instrument_id,
                title=instrument.title,
                abbreviation=instrument.abbreviation,
                points=tuple(SeriesPoint(r.id, r.submitted_at, r.total, r.band) for r in answered),
                total_min=low,
                total_max=high,
                bands=tuple(BandMark(b.minimum, b.label) for b in instrument.bands),
            )
        )
    return tuple(sorted(series, key=lambda s: s.abbreviation))


def patient_record(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> PatientRecord:
    """The patient's summary, score series, every response (newest first) and open flags."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_RECORD, clock)
        users = {u.id: u for u in uow.users.in_clinic(patient.clinic_id)}
        login = users.get(patient.user_id) if patient.user_id is not None else None
        responses = uow.responses.for_patient(patient.id)
        flags = (
            ()
            if actor.role is Role.PATIENT
            else tuple(flag_info(f) for f in uow.flags.open_for_patient(patient.id))
        )
        assignments = tuple(
            assignment_info(uow.instruments, a)
            for a in uow.assignments.for_patient(patient.id, active_only=False)
        )
        record = PatientRecord(
            patient=PatientSummary(
                id=patient.id,
                display_name=patient.display_name,
                date_of_birth=patient.date_of_birth,
                sex=patient.sex,
                clinician_names=tuple(
                    sorted(
                        users[c].name if c in users else f"user {c}"
                        for c in uow.patients.clinicians_of(patient.id)
                    )
                ),
                email=login.email if login is not None else None,
            ),
            series=_series(uow.instruments, responses),
            responses=tuple(_response_view(uow.instruments, r) for r in responses),
            open_flags=flags,
            assignments=assignments,
        )
        uow.commit()
    return record
