"""Request and response models of the patient's KAP API: breathwork, the at-home session,
the course steps the patient takes and the integration journal (part of the OpenAPI
schema)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AwareDatetime, BaseModel, Field, StrictBool, StrictInt

from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.breathwork import BreathProtocol
from attune.domain.kap.integration import ChosenPrompt
from attune.domain.kap.preparation import Contact, SafetyPlan
from attune.services.kap_course import SafetyPlanView
from attune.services.kap_home import DueCheckins, GateView
from attune.services.kap_integration import JournalEntryView, PracticeLog, PracticeView
from attune.services.kap_views import CheckinView

#: Upper bounds on free text in a request body. The domain's own, smaller limits give
#: the message a person sees; these only keep an oversized body out.
SHORT = 1_000
LONG = 20_000


class PhaseOut(BaseModel):
    kind: str = Field(description="inhale, hold_in, exhale or hold_out")
    cue: str = Field(description="The words shown during the phase, e.g. 'Breathe in'")
    ms: int = Field(description="The phase's length in whole milliseconds")


class BreathProtocolOut(BaseModel):
    id: str
    name: str
    summary: str
    steps: list[str]
    phases: list[PhaseOut]
    pattern: str = Field(description="Seconds of each phase, e.g. '4-4-4-4'")
    breaths_per_minute: str = Field(description="Rounds a minute, to one decimal")
    cycles: int | None = Field(description="The default length in rounds (or null)")
    minutes: int | None = Field(description="The default length in minutes (or null)")
    cautions: list[str]
    source: str

    @classmethod
    def of(cls, p: BreathProtocol) -> BreathProtocolOut:
        return cls(
            id=p.id,
            name=p.name,
            summary=p.summary,
            steps=list(p.steps),
            phases=[PhaseOut(kind=ph.kind.value, cue=ph.cue, ms=ph.ms) for ph in p.phases],
            pattern=p.pattern,
            breaths_per_minute=str(p.breaths_per_minute),
            cycles=p.cycles,
            minutes=p.minutes,
            cautions=list(p.cautions),
            source=p.source,
        )


class TimelineStepOut(BaseModel):
    cycle: int = Field(description="The round, from 1")
    phase: int = Field(description="The phase's index within the round, from 0")
    kind: str
    cue: str
    start_ms: int
    duration_ms: int


class TimelineOut(BaseModel):
    """What the guided timer plays: every phase of every round, back to back from 0 ms."""

    protocol_id: str
    name: str
    cycles: int
    total_ms: int
    steps: list[TimelineStepOut]


# --- the safety plan ------------------------------------------------------------------------


class FieldProblemOut(BaseModel):
    field: str
    message: str


class ContactIn(BaseModel):
    name: str = Field(max_length=SHORT)
    phone: str = Field(max_length=SHORT)


class SafetyPlanIn(BaseModel):
    """The whole plan; it may be saved part-way (each entry is still checked)."""

    warning_signs: list[str] = Field(default=[], max_length=50)
    coping_steps: list[str] = Field(default=[], max_length=50)
    people: list[ContactIn] = Field(default=[], max_length=50)
    crisis_line: str = Field(default="", max_length=SHORT)
    note: str = Field(default="", max_length=LONG)

    def to_plan(self) -> SafetyPlan:
        return SafetyPlan(
            warning_signs=tuple(self.warning_signs),
            coping_steps=tuple(self.coping_steps),
            people=tuple(Contact(p.name, p.phone) for p in self.people),
            crisis_line=self.crisis_line,
            note=self.note,
        )


class SafetyPlanOut(BaseModel):
    course_id: int
    warning_signs: list[str]
    coping_steps: list[str]
    people: list[ContactIn]
    crisis_line: str
    note: str
    complete: bool
    missing: list[FieldProblemOut] = Field(description="What a complete plan still needs")
    updated_at: datetime
    done_at: datetime | None = Field(description="When the safety-plan module was completed")

    @classmethod
    def of(cls, v: SafetyPlanView) -> SafetyPlanOut:
        return cls(
            course_id=v.course_id,
            warning_signs=list(v.plan.warning_signs),
            coping_steps=list(v.plan.coping_steps),
            people=[ContactIn(name=c.name, phone=c.phone) for c in v.plan.people],
            crisis_line=v.plan.crisis_line,
            note=v.plan.note,
            complete=v.complete,
            missing=[FieldProblemOut(field=f, message=m) for f, m in v.missing],
            updated_at=v.updated_at,
            done_at=v.done_at,
        )


# --- the dosing day -------------------------------------------------------------------------


class GateIn(BaseModel):
    """The dosing-day answers. Anything left out is an unmet item with its instruction."""

    last_ate_at: AwareDatetime | None = Field(default=None, description="When they last ate")
    sitter_present: StrictBool | None = None
    sitter_name: str = Field(default="", max_length=SHORT)
    systolic: StrictInt | None = Field(default=None, description="mmHg")
    diastolic: StrictInt | None = Field(default=None, description="mmHg")
    bp_measured_at: AwareDatetime | None = None
    phone_charged: StrictBool | None = None
    no_driving_agreed: StrictBool | None = None
    intention: str = Field(default="", max_length=LONG)

    def to_answers(self) -> GateAnswers:
        return GateAnswers(
            last_ate_at=self.last_ate_at,
            sitter_present=self.sitter_present,
            sitter_name=self.sitter_name,
            systolic=self.systolic,
            diastolic=self.diastolic,
            bp_measured_at=self.bp_measured_at,
            phone_charged=self.phone_charged,
            no_driving_agreed=self.no_driving_agreed,
            intention=self.intention,
        )


class GateFailureOut(BaseModel):
    item: str = Field(description="fasting, sitter, blood_pressure, phone, no_driving, intention")
    field: str = Field(description="The answer to change")
    instruction: str = Field(description="What to do now, in plain words")


class GateOut(BaseModel):
    id: int
    course_id: int
    day: date = Field(description="The patient's local day the gate was for")
    at: datetime
    passed: bool
    may_dose: bool = Field(description="Passed, and the course allows an at-home dose now")
    blockers: list[str] = Field(description="Why the course does not allow a dose now")
    day_stopped: bool = Field(description="No at-home dose this day (a very high reading)")
    failures: list[GateFailureOut]
    alert_reasons: list[str] = Field(description="Why the clinician is alerted")

    @classmethod
    def of(cls, v: GateView) -> GateOut:
        return cls(
            id=v.id,
            course_id=v.course_id,
            day=v.day,
            at=v.at,
            passed=v.passed,
            may_dose=v.may_dose,
            blockers=list(v.blockers),
            day_stopped=v.day_stopped,
            failures=[
                GateFailureOut(item=f.item.value, field=f.field, instruction=f.instruction)
                for f in v.result.failures
            ],
            alert_reasons=list(v.result.alert_reasons),
        )


class HomeDoseIn(BaseModel):
    taken_at: AwareDatetime | None = Field(default=None, description="Defaults to now")


class SitterCheckinIn(BaseModel):
    responsive: StrictBool
    breathing_normal: StrictBool
    distressed: StrictBool
    concern: str = Field(default="", max_length=LONG)
    at: AwareDatetime | None = Field(default=None, description="Defaults to now")


class PostSessionIn(BaseModel):
    wellbeing: StrictInt = Field(description="How they feel now, 0 (very bad) to 10")
    side_effects: list[str] = Field(
        default=[],
        max_length=20,
        description="nausea, vomiting, headache, dizziness, tiredness, anxiety, low_mood, "
        "confusion, chest_pain, breathing_trouble, other",
    )
    other_side_effect: str = Field(default="", max_length=SHORT)
    feels_safe: StrictBool | None = None
    sitter_stayed_until: AwareDatetime | None = None
    note: str = Field(default="", max_length=LONG)
    at: AwareDatetime | None = Field(default=None, description="Defaults to now")


class CheckinOut(BaseModel):
    id: int
    kind: str = Field(description="sitter or post_session")
    by: str = Field(description="sitter or patient")
    at: datetime
    stop: bool = Field(description="Stop the session's flow: do what the instructions say")
    alert: bool = Field(description="The clinician was alerted")
    instructions: list[str] = Field(description="What to do now, in order")
    alert_reasons: list[str]

    @classmethod
    def of(cls, v: CheckinView) -> CheckinOut:
        return cls(
            id=v.id,
            kind=v.kind,
            by=v.by,
            at=v.at,
            stop=v.stop,
            alert=v.alert,
            instructions=list(v.instructions),
            alert_reasons=list(v.alert_reasons),
        )


class DueCheckinsOut(BaseModel):
    session_id: int
    dosed_at: datetime
    due: list[datetime] = Field(description="Check-in times due so far")
    next_at: datetime | None
    missed: list[datetime] = Field(description="Due times past their grace with no check-in")
    instructions: list[str] = Field(description="What to do about missed check-ins")
    done: list[CheckinOut]
    until: datetime = Field(description="Sitter check-ins run until this time")
    completed: bool

    @classmethod
    def of(cls, v: DueCheckins) -> DueCheckinsOut:
        return cls(
            session_id=v.session_id,
            dosed_at=v.dosed_at,
            due=list(v.due),
            next_at=v.next_at,
            missed=list(v.missed),
            instructions=list(v.instructions),
            done=[CheckinOut.of(c) for c in v.done],
            until=v.until,
            completed=v.completed,
        )


# --- the journal and the practice log ------------------------------------------------------


class PromptOut(BaseModel):
    prompt_id: str
    text: str
    reason: str = Field(description="Why it was chosen, in words for the patient")
    source: str = Field(description="attachment, cycle or general")
    entry: str | None = Field(description="The cycle entry a cycle prompt quotes")

    @classmethod
    def of(cls, p: ChosenPrompt) -> PromptOut:
        return cls(
            prompt_id=p.prompt_id,
            text=p.text,
            reason=p.reason,
            source=p.source.value,
            entry=p.entry,
        )


class JournalIn(BaseModel):
    prompt_key: str = Field(max_length=SHORT, description="A prompt id, or 'free'")
    text: str = Field(max_length=LONG)
    prompt_text: str = Field(
        default="", max_length=LONG, description="The prompt as shown (defaults to its text)"
    )


class JournalEntryOut(BaseModel):
    id: int
    course_id: int
    prompt_key: str
    prompt_text: str
    text: str
    written_at: datetime

    @classmethod
    def of(cls, v: JournalEntryView) -> JournalEntryOut:
        return cls(
            id=v.id,
            course_id=v.course_id,
            prompt_key=v.prompt_key,
            prompt_text=v.prompt_text,
            text=v.text,
            written_at=v.written_at,
        )


class PracticeIn(BaseModel):
    protocol_id: str = Field(max_length=SHORT)
    started_at: AwareDatetime
    minutes: StrictInt
    calm_before: StrictInt = Field(description="0 (not at all calm) to 10")
    calm_after: StrictInt
    note: str = Field(default="", max_length=LONG)


class PracticeOut(BaseModel):
    id: int
    protocol_id: str
    started_at: datetime
    minutes: int
    calm_before: int
    calm_after: int
    note: str
    recorded_at: datetime

    @classmethod
    def of(cls, v: PracticeView) -> PracticeOut:
        e = v.entry
        return cls(
            id=v.id,
            protocol_id=e.protocol_id,
            started_at=e.started_at,
            minutes=e.minutes,
            calm_before=e.calm_before,
            calm_after=e.calm_after,
            note=e.note,
            recorded_at=v.recorded_at,
        )


class PracticeLogOut(BaseModel):
    patient_id: int
    sessions: int
    minutes: int
    mean_calm_change: str | None = Field(
        description="Mean of calm after minus before, to one decimal (null with no practice)"
    )
    entries: list[PracticeOut] = Field(description="Newest first")

    @classmethod
    def of(cls, log: PracticeLog) -> PracticeLogOut:
        change = log.mean_calm_change
        return cls(
            patient_id=log.patient_id,
            sessions=log.sessions,
            minutes=log.minutes,
            mean_calm_change=None if change is None else str(change),
            entries=[PracticeOut.of(e) for e in log.entries],
        )
