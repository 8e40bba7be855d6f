"""Request and response models of the clinician's KAP API (part of the OpenAPI schema).

Records the domain stores as JSON (the session record, the REMS record, the integration
note) come back in that same JSON form: enums by value, decimals as exact text, times as
ISO 8601 with their offset. Times sent must carry a time zone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import AwareDatetime, BaseModel, Field, JsonValue, model_validator

from attune.domain.kap.course_model import NextStep, OverdueIntegration
from attune.domain.kap.eligibility_model import Reason
from attune.domain.kap.record_store import to_json
from attune.services.kap_rems import PendingRems
from attune.services.kap_views import (
    CourseView,
    IntegrationView,
    RemsView,
    SessionSummary,
    SessionView,
    SignOffView,
    StoredEligibility,
)

Number = Decimal | str
EventKind = Literal[
    "nausea",
    "vomiting",
    "raised_blood_pressure",
    "fast_heart_rate",
    "low_oxygen",
    "slowed_breathing",
    "oversedation",
    "anxiety_or_agitation",
    "distressing_dissociation",
    "headache",
    "dizziness",
    "allergic_reaction",
    "other",
]


def as_json(value: object) -> JsonValue:
    """A storage-form value (already JSON-able) typed as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_json(v) for v in value]
    raise TypeError(f"not JSON: {type(value).__name__}")


def record_json(record: object) -> dict[str, JsonValue]:
    data = as_json(to_json(record))
    assert isinstance(data, dict)
    return data


# --- the course ---------------------------------------------------------------------------


class OpenCourseIn(BaseModel):
    program: str = Field(
        description="in_office, at_home or spravato_in_office (Spravato at home is refused)"
    )


class NextStepOut(BaseModel):
    kind: str = Field(
        description="preparation, consent, sign_off, gate, dose_in_office, dose_at_home, "
        "integration, aftercare or stop"
    )
    allowed: bool
    reasons: list[str] = Field(description="Why it is blocked, in plain words (empty if allowed)")
    dose_number: int | None
    opens_at: datetime | None
    due_by: datetime | None

    @classmethod
    def of(cls, step: NextStep) -> NextStepOut:
        return cls(
            kind=step.kind.value,
            allowed=step.allowed,
            reasons=list(step.reasons),
            dose_number=step.dose_number,
            opens_at=step.opens_at,
            due_by=step.due_by,
        )


class OverdueOut(BaseModel):
    dose_number: int
    dose_at: datetime
    due_by: datetime

    @classmethod
    def of(cls, o: OverdueIntegration) -> OverdueOut:
        return cls(dose_number=o.dose_number, dose_at=o.dose_at, due_by=o.due_by)


class ReasonOut(BaseModel):
    code: str
    severity: Literal["exclude", "condition", "note"]
    text: str
    sources: list[str]
    evidence: list[str]
    overridable: bool

    @classmethod
    def of(cls, r: Reason) -> ReasonOut:
        severity: Literal["exclude", "condition", "note"] = r.severity.value
        return cls(
            code=r.code,
            severity=severity,
            text=r.text,
            sources=list(r.sources),
            evidence=list(r.evidence),
            overridable=r.overridable,
        )


class EligibilityOut(BaseModel):
    id: int
    course_id: int
    program: str
    outcome: Literal["eligible", "eligible_with_conditions", "not_eligible"]
    reasons: list[ReasonOut] = Field(description="Every reason, with its severity and sources")
    blood_pressure: str | None
    rules_version: str
    digest: str = Field(description="sha256 of the result; a sign-off is recorded against it")
    assessed_by: int
    assessed_at: datetime

    @classmethod
    def of(cls, e: StoredEligibility) -> EligibilityOut:
        r = e.result
        outcome: Literal["eligible", "eligible_with_conditions", "not_eligible"] = r.outcome.value
        return cls(
            id=e.id,
            course_id=e.course_id,
            program=r.program.id,
            outcome=outcome,
            reasons=[ReasonOut.of(x) for x in r.reasons],
            blood_pressure=str(r.blood_pressure) if r.blood_pressure else None,
            rules_version=r.rules_version,
            digest=r.digest,
            assessed_by=e.assessed_by,
            assessed_at=e.assessed_at,
        )


class SignOffOut(BaseModel):
    id: int
    course_id: int
    eligibility_id: int
    decision: Literal["approve", "decline", "override"]
    permits_dosing: bool
    note: str
    overridden: list[str]
    rationale: str
    signed_by: int
    signed_at: datetime

    @classmethod
    def of(cls, s: SignOffView) -> SignOffOut:
        decision: Literal["approve", "decline", "override"] = s.decision.value
        return cls(
            id=s.id,
            course_id=s.course_id,
            eligibility_id=s.eligibility_id,
            decision=decision,
            permits_dosing=s.permits_dosing,
            note=s.signoff.note,
            overridden=list(s.signoff.overridden),
            rationale=s.signoff.rationale,
            signed_by=s.signed_by,
            signed_at=s.signed_at,
        )


class ModuleOut(BaseModel):
    key: str
    title: str
    part: int
    done_at: datetime | None


class IntegrationOut(BaseModel):
    session_id: int
    dose_number: int
    dosed_at: datetime
    opens: datetime
    closes: datetime
    status: str = Field(
        description="not_yet_open, open, overdue, held_early, held_in_window or held_late"
    )
    scheduled_at: datetime | None
    completed_at: datetime | None
    note: dict[str, JsonValue] | None = Field(
        description="Insights, commitments, notes and measures, once held"
    )

    @classmethod
    def of(cls, i: IntegrationView) -> IntegrationOut:
        return cls(
            session_id=i.session_id,
            dose_number=i.dose_number,
            dosed_at=i.dosed_at,
            opens=i.opens,
            closes=i.closes,
            status=i.status.value,
            scheduled_at=i.scheduled_at,
            completed_at=i.completed_at,
            note=record_json(i.note) if i.note is not None else None,
        )


class SessionSummaryOut(BaseModel):
    id: int
    kind: str = Field(description="in_office or at_home")
    dose_number: int
    dose_summary: str
    dosed_at: datetime
    status: str = Field(description="draft or signed (in office); open or completed (at home)")
    integration: IntegrationOut
    warnings: int
    open_adverse_events: int

    @classmethod
    def of(cls, s: SessionSummary) -> SessionSummaryOut:
        return cls(
            id=s.id,
            kind=s.kind,
            dose_number=s.dose_number,
            dose_summary=s.dose_summary,
            dosed_at=s.dosed_at,
            status=s.status,
            integration=IntegrationOut.of(s.integration),
            warnings=s.warnings,
            open_adverse_events=s.open_adverse_events,
        )


class CourseOut(BaseModel):
    id: int
    patient_id: int
    program: str
    protocol: str
    phase: str = Field(description="preparation, dosing, stopped or aftercare")
    opened_at: datetime
    doses_given: int
    doses_planned: int
    preparation: list[ModuleOut]
    preparation_held: int
    consent_given_at: datetime | None
    consent_withdrawn_at: datetime | None
    eligibility: EligibilityOut | None = Field(description="The newest eligibility check")
    sign_off: SignOffOut | None = Field(description="The sign-off in force (the newest)")
    next_steps: list[NextStepOut] = Field(
        description="What may happen next and what is blocked, with every reason"
    )
    overdue_integrations: list[OverdueOut]
    sessions: list[SessionSummaryOut]
    open_adverse_events: list[str]
    stop_reason: str

    @classmethod
    def of(cls, v: CourseView) -> CourseOut:
        return cls(
            id=v.id,
            patient_id=v.patient_id,
            program=v.program.id,
            protocol=v.protocol_name,
            phase=v.phase.value,
            opened_at=v.opened_at,
            doses_given=v.doses_given,
            doses_planned=v.doses_planned,
            preparation=[
                ModuleOut(key=m.key, title=m.title, part=m.part, done_at=m.done_at)
                for m in v.preparation
            ],
            preparation_held=v.preparation_held,
            consent_given_at=v.consent.given_at,
            consent_withdrawn_at=v.consent.withdrawn_at,
            eligibility=EligibilityOut.of(v.eligibility) if v.eligibility else None,
            sign_off=SignOffOut.of(v.sign_off) if v.sign_off else None,
            next_steps=[NextStepOut.of(s) for s in v.next_steps],
            overdue_integrations=[OverdueOut.of(o) for o in v.overdue],
            sessions=[SessionSummaryOut.of(s) for s in v.sessions],
            open_adverse_events=list(v.open_adverse_events),
            stop_reason=v.stop_reason,
        )


class AtHomeIn(BaseModel):
    sober_adult_sitter: bool | None = None
    owns_bp_cuff: bool | None = None
    agrees_no_driving: bool | None = None
    agrees_no_alcohol: bool | None = None


class AssessIn(BaseModel):
    systolic: int | None = Field(
        default=None, description="Blood pressure measured now (mmHg); both numbers or neither"
    )
    diastolic: int | None = None
    at_home: AtHomeIn | None = Field(
        default=None, description="At home: what the patient confirms (null: not asked)"
    )

    @model_validator(mode="after")
    def both_numbers(self) -> AssessIn:
        if (self.systolic is None) != (self.diastolic is None):
            raise ValueError("blood pressure needs both numbers (systolic and diastolic)")
        return self

    @property
    def pressure(self) -> tuple[int, int] | None:
        if self.systolic is None or self.diastolic is None:
            return None
        return (self.systolic, self.diastolic)


class SignOffIn(BaseModel):
    decision: str = Field(description="approve, decline or override")
    note: str = ""
    rationale: str = Field(default="", description="An override only: at least 40 characters")
    overridden: list[str] = Field(
        default_factory=list, description="An override only: the code of every exclusion"
    )


class StopIn(BaseModel):
    reason: str


# --- sessions --------------------------------------------------------------------------------


class StartSessionIn(BaseModel):
    route: str = Field(description="iv, im, sublingual or intranasal")
    dose_mg: Number | None = None
    mg_per_kg: Number | None = Field(default=None, description="Or the dose per kg")
    weight_kg: Number | None = None
    lot_number: str = ""
    started_at: AwareDatetime = Field(description="The dosing time")


class RemsOut(BaseModel):
    session_id: int
    record: dict[str, JsonValue] = Field(description="Every field of the REMS record")
    problems: list[dict[str, str]] = Field(description="Every field still missing or wrong")
    complete: bool
    submitted: bool
    due: date | None = Field(description="7 days after the treatment date")
    overdue: bool

    @classmethod
    def of(cls, r: RemsView) -> RemsOut:
        return cls(
            session_id=r.session_id,
            record=record_json(r.record),
            problems=[{"field": f, "message": m} for f, m in r.problems],
            complete=r.complete,
            submitted=r.submitted,
            due=r.due,
            overdue=r.overdue,
        )


class SessionOut(BaseModel):
    id: int
    course_id: int
    patient_id: int
    kind: str
    dose_number: int
    status: str
    dosed_at: datetime
    medicine: str
    record: dict[str, JsonValue] = Field(
        description="The session record: route, dose, lot, times, vitals, ratings, adverse "
        "events, discharge checklist"
    )
    warnings: list[str] = Field(description="Every warning, in time order, in words")
    can_sign: list[dict[str, str]] = Field(
        description="Every item that stops the record being signed (empty: it can be)"
    )
    discharge: list[dict[str, JsonValue]]
    signed_by: int | None
    signed_at: datetime | None
    integration: IntegrationOut
    rems: RemsOut | None

    @classmethod
    def of(cls, v: SessionView) -> SessionOut:
        return cls(
            id=v.id,
            course_id=v.course_id,
            patient_id=v.patient_id,
            kind=v.kind,
            dose_number=v.dose_number,
            status=v.status,
            dosed_at=v.dosed_at,
            medicine=v.medicine.value,
            record=record_json(v.record),
            warnings=list(v.warning_messages),
            can_sign=[{"field": f, "message": m} for f, m in v.can_sign],
            discharge=[{"item": k, "label": label, "met": met} for k, label, met in v.discharge],
            signed_by=v.signed_by,
            signed_at=v.signed_at,
            integration=IntegrationOut.of(v.integration),
            rems=RemsOut.of(v.rems) if v.rems is not None else None,
        )


class SessionChangesIn(BaseModel):
    route: str | None = None
    dose_mg: Number | None = None
    mg_per_kg: Number | None = None
    weight_kg: Number | None = None
    lot_number: str | None = None
    transfer_note: str | None = None
    notes: str | None = None


class VitalsIn(BaseModel):
    at: AwareDatetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None


class RatingIn(BaseModel):
    at: AwareDatetime
    sedation: int = Field(description="0 to 4")
    dissociation: int = Field(description="0 to 4")
    note: str = ""


class AdverseEventIn(BaseModel):
    kind: EventKind
    severity: Literal["mild", "moderate", "severe"]
    onset: AwareDatetime
    action: str = Field(description="What was done")
    description: str = ""
    resolved_at: AwareDatetime | None = None


class CloseEventIn(BaseModel):
    resolved_at: AwareDatetime
    action: str | None = None


class DischargeIn(BaseModel):
    alert_and_oriented: bool | None = None
    nausea_controlled: bool | None = None
    walking_steadily: bool | None = None
    escort_present: bool | None = None
    escort_name: str = ""
    no_driving_acknowledged: bool | None = None
    ended_at: AwareDatetime | None = None
    disposition: str | None = Field(default=None, description="discharged or transferred")
    transfer_note: str = ""


class RemsIn(BaseModel):
    fields: dict[str, JsonValue] = Field(
        description="Top-level fields of the REMS record in its JSON form, e.g. "
        '{"lowest_spo2": 97, "sedation": false, "patient": {...}}; the rest are kept'
    )


class RemsSubmittedIn(BaseModel):
    confirmation: str
    submitted_on: date


class PendingRemsOut(BaseModel):
    session_id: int
    course_id: int
    patient_id: int
    patient_name: str
    treatment_date: date | None
    due: date | None
    overdue: bool
    complete: bool

    @classmethod
    def of(cls, p: PendingRems) -> PendingRemsOut:
        return cls(
            session_id=p.session_id,
            course_id=p.course_id,
            patient_id=p.patient_id,
            patient_name=p.patient_name,
            treatment_date=p.treatment_date,
            due=p.due,
            overdue=p.overdue,
            complete=p.complete,
        )


class ScheduleIn(BaseModel):
    at: AwareDatetime


class CompleteIntegrationIn(BaseModel):
    insights: list[str] = Field(default_factory=list, description="In the patient's words")
    commitments: list[str] = Field(default_factory=list)
    notes: str = ""
    measures: list[int] = Field(
        default_factory=list, description="Ids of questionnaire responses taken at the session"
    )
