"""Pydantic request and response models of the JSON API (they make up the OpenAPI schema)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from attune.domain.instruments import Instrument, Score
from attune.services.records import PatientRecord, ResponseView

#: Answers by item linkId: the published response code (a JSON integer, never true/false,
#: 1.0 or "1"), or null for unanswered.
Answers = dict[str, StrictInt | None]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class FieldErrorOut(BaseModel):
    field: str
    message: str


class ErrorBody(BaseModel):
    type: str = Field(description="A stable error type, e.g. validation_error or not_found.")
    message: str = Field(description="What is wrong, in plain words.")
    field: str | None = Field(description="The field (or questionnaire item) at fault, if any.")
    errors: list[FieldErrorOut] | None = Field(
        default=None,
        description="On a form with several problems (the intake, the cycle, a plan): every "
        "field at fault with its message.",
    )


class ErrorOut(BaseModel):
    error: ErrorBody


class LoginIn(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class MeOut(_Out):
    user_id: int
    clinic_id: int
    role: str = Field(description="admin, clinician or patient")
    name: str
    patient_id: int | None = Field(description="Set for a patient: their own patient id.")


class SessionOut(BaseModel):
    token: str = Field(
        description="The session token: send it as 'Authorization: Bearer <token>', or use "
        "the session cookie set by this call (then unsafe calls need X-CSRF-Token)."
    )
    expires_at: datetime
    csrf_token: str = Field(description="The X-CSRF-Token value for calls made with the cookie.")
    user: MeOut


class WhoAmIOut(BaseModel):
    user: MeOut
    csrf_token: str | None = Field(
        description="The X-CSRF-Token value for this cookie session (None with a bearer token)."
    )


class DueOut(_Out):
    assignment_id: int
    instrument_id: str
    title: str
    abbreviation: str
    due_on: date
    overdue: bool
    every_days: int | None
    draft: Answers = Field(description="Answers saved so far, by item linkId.")


class DraftIn(BaseModel):
    answers: Answers = Field(
        description="Answers by item linkId (published codes); null clears an answer."
    )


class DraftOut(_Out):
    assignment_id: int
    answers: Answers
    updated_at: datetime


class SubmitIn(BaseModel):
    instrument_id: str = Field(max_length=64)
    answers: Answers
    assignment_id: int | None = None


class FindingOut(_Out):
    code: str
    text: str


class ScoreOut(_Out):
    instrument_id: str
    total: float | None
    band: str | None
    band_meaning: str
    subscales: dict[str, float | None]
    flags: list[str]
    missing: list[str]
    imputed: list[str]
    findings: list[FindingOut]

    @classmethod
    def of(cls, score: Score) -> ScoreOut:
        return cls(
            instrument_id=score.instrument_id,
            total=score.total,
            band=score.band,
            band_meaning=score.band_meaning,
            subscales=dict(score.subscales),
            flags=list(score.flags),
            missing=list(score.missing),
            imputed=list(score.imputed),
            findings=[FindingOut(code=f.code, text=f.text) for f in score.findings],
        )


class CrisisOut(BaseModel):
    message: str
    crisis_line: str
    clinic_phone: str


class SubmittedOut(BaseModel):
    response_id: int
    score: ScoreOut
    crisis: bool = Field(description="True when an answer suggests suicidal thoughts.")
    crisis_resources: CrisisOut | None = Field(
        description="Show these to the patient at once when crisis is true."
    )


class FlagOut(_Out):
    id: int
    patient_id: int
    response_id: int | None
    kind: str
    message: str
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: int | None
    note: str | None


class AcknowledgeIn(BaseModel):
    note: str | None = Field(default=None, max_length=2000)


class LatestScoreOut(_Out):
    instrument_id: str
    abbreviation: str
    total: float | None
    band: str | None
    submitted_at: datetime


class CaseloadRowOut(_Out):
    patient_id: int
    display_name: str
    latest: list[LatestScoreOut]
    due_count: int
    overdue_count: int
    open_flags: list[FlagOut]


class AssignIn(BaseModel):
    instrument_id: str = Field(max_length=64)
    every_days: int | None = Field(default=None, description="Repeat interval; null: once.")
    starts_on: date | None = Field(default=None, description="First due date; null: today.")


class AssignmentOut(_Out):
    id: int
    patient_id: int
    instrument_id: str
    title: str
    abbreviation: str
    every_days: int | None
    starts_on: date
    next_due_on: date
    active: bool


class PatientSummaryOut(_Out):
    id: int
    display_name: str
    date_of_birth: date | None
    sex: str | None
    clinician_names: list[str]
    email: str | None


class SeriesPointOut(_Out):
    response_id: int
    submitted_at: datetime
    total: float | None
    band: str | None


class BandMarkOut(_Out):
    minimum: float
    label: str


class ScoreSeriesOut(_Out):
    instrument_id: str
    title: str
    abbreviation: str
    points: list[SeriesPointOut]
    total_min: float
    total_max: float
    bands: list[BandMarkOut]


class ItemAnswerOut(_Out):
    number: int
    link_id: str
    text: str
    code: int | None
    label: str | None
    weight: float | None


class ResponseOut(_Out):
    id: int
    instrument_id: str
    title: str
    abbreviation: str
    instrument_version: str
    submitted_at: datetime
    total: float | None
    band: str | None
    subscales: dict[str, float | None]
    flags: list[str]
    missing: list[str]
    imputed: list[str]
    findings: list[FindingOut]
    items: list[ItemAnswerOut]

    @classmethod
    def of(cls, view: ResponseView) -> ResponseOut:
        return cls(
            id=view.id,
            instrument_id=view.instrument_id,
            title=view.title,
            abbreviation=view.abbreviation,
            instrument_version=view.instrument_version,
            submitted_at=view.submitted_at,
            total=view.total,
            band=view.band,
            subscales=dict(view.subscales),
            flags=list(view.flags),
            missing=list(view.missing),
            imputed=list(view.imputed),
            findings=[FindingOut(code=c, text=t) for c, t in view.findings],
            items=[ItemAnswerOut.model_validate(i) for i in view.items],
        )


class PatientRecordOut(BaseModel):
    patient: PatientSummaryOut
    series: list[ScoreSeriesOut]
    responses: list[ResponseOut]
    open_flags: list[FlagOut]
    assignments: list[AssignmentOut]

    @classmethod
    def of(cls, record: PatientRecord) -> PatientRecordOut:
        return cls(
            patient=PatientSummaryOut.model_validate(record.patient),
            series=[ScoreSeriesOut.model_validate(s) for s in record.series],
            responses=[ResponseOut.of(r) for r in record.responses],
            open_flags=[FlagOut.model_validate(f) for f in record.open_flags],
            assignments=[AssignmentOut.model_validate(a) for a in record.assignments],
        )


class OptionOut(BaseModel):
    code: int
    label: str | None


class ItemOut(BaseModel):
    link_id: str
    number: int
    text: str | None = Field(description="The item wording; null where it may not ship.")
    topic: str | None = Field(description="A short neutral label, shown when text is null.")
    options: list[OptionOut]


class BandOut(BaseModel):
    minimum: float
    label: str
    meaning: str


class InstrumentOut(BaseModel):
    id: str
    title: str
    abbreviation: str
    version: str
    description: str
    instructions: str
    total_min: float
    total_max: float
    bands: list[BandOut]
    licence: str
    wording_ships: bool
    items: list[ItemOut]

    @classmethod
    def of(cls, instrument: Instrument) -> InstrumentOut:
        low, high = instrument.total_range
        return cls(
            id=instrument.id,
            title=instrument.title,
            abbreviation=instrument.abbreviation,
            version=instrument.version,
            description=instrument.description,
            instructions=instrument.instructions,
            total_min=low,
            total_max=high,
            bands=[
                BandOut(minimum=b.minimum, label=b.label, meaning=b.meaning)
                for b in instrument.bands
            ],
            licence=instrument.licence.name,
            wording_ships=instrument.licence.wording_ships,
            items=[
                ItemOut(
                    link_id=i.link_id,
                    number=i.number,
                    text=i.text,
                    topic=i.topic,
                    options=[OptionOut(code=o.code, label=o.label) for o in i.options],
                )
                for i in instrument.items
            ],
        )
