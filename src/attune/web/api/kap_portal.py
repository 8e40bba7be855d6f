"""The patient's side of KAP over the API: what the portal pages do, for an app.

Preparation, the safety plan and withdrawing consent (giving it is
``POST /kap-courses/{course_id}/consent`` with the clinician's operations); the at-home
dosing day (the gate, the dose, the sitter's check-ins, the check-in after); the journal;
breathwork protocols, their timelines and the practice log.

The at-home entries, the journal and the practice log are the patient's own: their care
team reads them (403 when staff try to write them). A course step that is unsafe or out of
order is a 409 whose message gives every reason; answers that cannot be used are a 422
naming each field. Out-of-range answers are not errors: the gate and the check-ins answer
200/201 with ``stop``/``passed`` and plain instructions, and the clinician is alerted.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from attune.domain.errors import ValidationError
from attune.domain.kap.athome_checkins import PostSessionCheckin, SideEffect, SitterCheckin
from attune.domain.kap.breathwork import PracticeEntry, get_protocol, timeline
from attune.services import kap_course, kap_home, kap_integration
from attune.web.api.kap_clinic_schemas import CourseOut, SessionOut
from attune.web.api.kap_portal_schemas import (
    BreathProtocolOut,
    CheckinOut,
    DueCheckinsOut,
    GateIn,
    GateOut,
    HomeDoseIn,
    JournalEntryOut,
    JournalIn,
    PostSessionIn,
    PracticeIn,
    PracticeLogOut,
    PracticeOut,
    PromptOut,
    SafetyPlanIn,
    SafetyPlanOut,
    SitterCheckinIn,
    TimelineOut,
    TimelineStepOut,
)
from attune.web.deps import ActorDep, ClockDep, SettingsDep, UowDep

router = APIRouter(tags=["KAP: the patient's side"])


@router.get(
    "/breathwork/protocols", response_model=list[BreathProtocolOut], summary="Breathing exercises"
)
def protocols(actor: ActorDep) -> list[BreathProtocolOut]:
    """Every breathing exercise: its phases, steps, default length, cautions and source."""
    return [BreathProtocolOut.of(p) for p in kap_integration.breathwork_protocols()]


@router.get(
    "/breathwork/protocols/{protocol_id}/timeline",
    response_model=TimelineOut,
    summary="A breathing exercise's timeline",
)
def protocol_timeline(
    protocol_id: str,
    actor: ActorDep,
    cycles: int | None = Query(default=None, description="Rounds to play (1-200)"),
    minutes: int | None = Query(default=None, description="Or minutes to fill (1-60)"),
) -> TimelineOut:
    """What the guided timer plays (the default length unless cycles or minutes is given;
    422 naming the field for a length out of range, or both given)."""
    protocol = get_protocol(protocol_id)
    steps = timeline(protocol, cycles=cycles, minutes=minutes)
    return TimelineOut(
        protocol_id=protocol.id,
        name=protocol.name,
        cycles=steps[-1].cycle,
        total_ms=steps[-1].end_ms,
        steps=[
            TimelineStepOut(
                cycle=s.cycle,
                phase=s.phase,
                kind=s.kind.value,
                cue=s.cue,
                start_ms=s.start_ms,
                duration_ms=s.duration_ms,
            )
            for s in steps
        ],
    )


@router.get(
    "/patients/{patient_id}/breathwork/practice",
    response_model=PracticeLogOut,
    summary="The breathwork practice log",
)
def practice_log(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> PracticeLogOut:
    """Newest first, with the totals and the mean change in calm."""
    return PracticeLogOut.of(kap_integration.practice_log(uow, actor, patient_id, clock))


@router.post(
    "/patients/{patient_id}/breathwork/practice",
    response_model=PracticeOut,
    status_code=201,
    summary="Log a practice",
)
def log_practice(
    patient_id: int, body: PracticeIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> PracticeOut:
    """Add a practice to the patient's own log (the patient). 422 names every problem."""
    entry = PracticeEntry(
        body.protocol_id,
        body.started_at,
        body.minutes,
        body.calm_before,
        body.calm_after,
        body.note,
    )
    saved = kap_integration.log_practice(uow, actor, entry, clock, patient_id=patient_id)
    return PracticeOut.of(saved)


# --- preparation, the safety plan and consent -----------------------------------------------


@router.post(
    "/kap-courses/{course_id}/preparation/{module_key}",
    response_model=CourseOut,
    summary="Complete a preparation module",
)
def complete_module(
    course_id: int, module_key: str, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> CourseOut:
    """Mark a module read (the patient, or staff with them). The safety-plan module needs a
    complete plan (422 names what is missing); 409 when it is already done."""
    return CourseOut.of(kap_course.complete_preparation(uow, actor, course_id, module_key, clock))


@router.get(
    "/kap-courses/{course_id}/safety-plan",
    response_model=SafetyPlanOut | None,
    summary="The safety plan",
)
def safety_plan(
    course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SafetyPlanOut | None:
    """The course's safety plan (null before one is saved)."""
    found = kap_course.safety_plan(uow, actor, course_id, clock)
    return SafetyPlanOut.of(found) if found is not None else None


@router.put(
    "/kap-courses/{course_id}/safety-plan",
    response_model=SafetyPlanOut,
    summary="Save the safety plan",
)
def save_safety_plan(
    course_id: int, body: SafetyPlanIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SafetyPlanOut:
    """Save the whole plan; it may be part-way. Once complete, the safety-plan module is
    done. 422 lists every entry at fault (``people[0].phone``); nothing is saved then."""
    saved = kap_course.save_safety_plan(uow, actor, course_id, body.to_plan(), clock)
    return SafetyPlanOut.of(saved)


@router.post(
    "/kap-courses/{course_id}/consent/withdraw",
    response_model=CourseOut,
    summary="Withdraw consent",
)
def withdraw_consent(course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CourseOut:
    """No dose until consent is given again (409 when there is none to withdraw)."""
    return CourseOut.of(kap_course.withdraw_consent(uow, actor, course_id, clock))


# --- the dosing day -------------------------------------------------------------------------


@router.get(
    "/kap-courses/{course_id}/gate/today",
    response_model=GateOut | None,
    summary="Today's dosing-day gate",
)
def todays_gate(course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> GateOut | None:
    """The latest pass through the gate today (null before the first)."""
    found = kap_home.todays_gate(uow, actor, course_id, clock)
    return GateOut.of(found) if found is not None else None


@router.post("/kap-courses/{course_id}/gate", response_model=GateOut, summary="Go through the gate")
def gate(course_id: int, body: GateIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> GateOut:
    """The dosing-day gate (the patient). ``passed`` false means: do not dose; each failure
    says what to do now. A blood pressure out of range alerts the clinician; a very high
    one stops the day (``day_stopped``; a later try that day is a 409). 422 for answers
    that cannot be right (a mistyped number, a time in the future)."""
    return GateOut.of(kap_home.dosing_day_gate(uow, actor, course_id, body.to_answers(), clock))


@router.post(
    "/kap-courses/{course_id}/home-doses",
    response_model=SessionOut,
    status_code=201,
    summary="Record the at-home dose",
)
def home_dose(
    course_id: int, body: HomeDoseIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """The patient took their dose (``taken_at``, default now): opens the at-home session
    whose sitter check-ins are due every 15 minutes. 409 with every reason without that
    day's passed gate, or when the course forbids a dose."""
    taken_at = body.taken_at or clock.now()
    return SessionOut.of(kap_home.record_home_dose(uow, actor, course_id, taken_at, clock))


@router.get(
    "/kap-sessions/{session_id}/checkins",
    response_model=DueCheckinsOut,
    summary="The session's check-ins",
)
def checkins(session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> DueCheckinsOut:
    """Due so far, the next, any missed (which alert the clinician) and those done."""
    return DueCheckinsOut.of(kap_home.due_checkins(uow, actor, session_id, clock))


@router.post(
    "/kap-sessions/{session_id}/checkins",
    response_model=CheckinOut,
    status_code=201,
    summary="A sitter check-in",
)
def sitter_checkin(
    session_id: int, body: SitterCheckinIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> CheckinOut:
    """The sitter's check-in, through the patient's session. ``stop`` true means: do what
    the instructions say now; the clinician has been alerted. A concern in words alerts
    without stopping."""
    answers = SitterCheckin(
        body.at or clock.now(),
        body.responsive,
        body.breathing_normal,
        body.distressed,
        body.concern,
    )
    return CheckinOut.of(kap_home.sitter_checkin(uow, actor, session_id, answers, clock))


@router.post(
    "/kap-sessions/{session_id}/post-session",
    response_model=CheckinOut,
    status_code=201,
    summary="The check-in after the session",
)
def post_session(
    session_id: int,
    body: PostSessionIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
) -> CheckinOut:
    """How the patient is once the effects have passed (the patient); it completes the
    session. ``stop`` true when they do not feel safe or report an urgent side effect."""
    effects = []
    for value in body.side_effects:
        try:
            effects.append(SideEffect(value))
        except ValueError:
            raise ValidationError(
                f"'{value[:40]}' is not one of the side effects offered.", field="side_effects"
            ) from None
    answers = PostSessionCheckin(
        at=body.at or clock.now(),
        wellbeing=body.wellbeing,
        side_effects=tuple(dict.fromkeys(effects)),
        other_side_effect=body.other_side_effect,
        feels_safe=body.feels_safe,
        sitter_stayed_until=body.sitter_stayed_until,
        note=body.note,
    )
    saved = kap_home.post_session_checkin(
        uow, actor, session_id, answers, clock, crisis_line=settings.crisis_line
    )
    return CheckinOut.of(saved)


# --- the journal ----------------------------------------------------------------------------


@router.get(
    "/kap-courses/{course_id}/journal-prompts",
    response_model=list[PromptOut],
    summary="Journal prompts chosen for the patient",
)
def journal_prompts(
    course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> list[PromptOut]:
    """A few prompts from the attachment profile and the cycle, each with why it was
    chosen (the same all day; recently used ones left out)."""
    return [PromptOut.of(p) for p in kap_integration.journal_prompts(uow, actor, course_id, clock)]


@router.get(
    "/kap-courses/{course_id}/journal",
    response_model=list[JournalEntryOut],
    summary="The journal",
)
def journal(course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[JournalEntryOut]:
    """Every entry, newest first (the patient and their care team)."""
    return [JournalEntryOut.of(e) for e in kap_integration.journal(uow, actor, course_id, clock)]


@router.post(
    "/kap-courses/{course_id}/journal",
    response_model=JournalEntryOut,
    status_code=201,
    summary="Write in the journal",
)
def write_journal(
    course_id: int, body: JournalIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> JournalEntryOut:
    """The patient's writing to a prompt (or ``free``). Only the patient writes in it."""
    saved = kap_integration.save_journal_entry(
        uow, actor, course_id, body.prompt_key, body.text, clock, prompt_text=body.prompt_text
    )
    return JournalEntryOut.of(saved)
