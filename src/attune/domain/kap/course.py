"""The KAP course state machine: preparation, dosing with integration, aftercare.

``apply(state, event, now)`` returns the next state or raises
:class:`~attune.domain.errors.StepRefused` naming, in plain words, every reason the step
is unsafe or out of order. No dose before the prescriber's sign-off, consent and
completed preparation; none while an adverse event is open or an integration session is
overdue (or, by default, not yet held); none closer to the last than the protocol
allows; none beyond the protocol's number; no at-home dose without that day's passed
gate; never esketamine at home. Aftercare only after the last integration.

``next_steps(state, now)`` lists what may happen next and what is blocked and why, and
``overdue(state, now)`` the integration sessions past their window. Time is always
passed in; nothing here reads a clock.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import assert_never

from attune.domain.errors import StepRefused, ValidationError
from attune.domain.kap.course_model import (
    AdverseEventClosed,
    AdverseEventOpened,
    AftercareStarted,
    AtHomeGatePassed,
    AtHomeGateStopped,
    ConsentRecorded,
    ConsentWithdrawn,
    CourseState,
    CourseStopped,
    Dose,
    DoseRecorded,
    EligibilitySignedOff,
    Event,
    Gate,
    IntegrationCompleted,
    NextStep,
    OverdueIntegration,
    Phase,
    PreparationCompleted,
    StepKind,
)
from attune.domain.kap.course_rules import (
    aftercare_blockers,
    closed_reasons,
    dose_blockers,
    earliest_next_dose,
    open_gate,
    when,
)
from attune.domain.kap.program import Program, Setting
from attune.domain.kap.protocol import Protocol, load_protocol
from attune.domain.kap.signoff import Decision, signoff_problems


def _aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValidationError(f"The {name} time must be timezone-aware.", field=name)


def start(program: Program, started_at: datetime, protocol: Protocol | None = None) -> CourseState:
    """A new course of ``program`` (its protocol from the default template unless given)."""
    _aware(started_at, "start")
    if not program.offered:
        raise StepRefused(
            ("Esketamine (Spravato) is never taken at home: its REMS allows it only in a "
             "certified healthcare setting. Start the in-office Spravato program instead.",),
            field="program",
        )  # fmt: skip
    protocol = protocol or load_protocol(program)
    if protocol.program != program:
        raise ValidationError(f"This protocol is for {protocol.program.id}.", field="protocol")
    return CourseState(program, protocol, started_at, started_at)


def _refuse(*reasons: str, field: str | None = None) -> StepRefused:
    return StepRefused(tuple(reasons), field=field)


def _dose(state: CourseState, e: DoseRecorded) -> CourseState:
    if e.day is not None and abs((e.day - e.at.astimezone(UTC).date()).days) > 1:
        raise ValidationError("The dose's local day does not match its time.", field="day")
    blockers = dose_blockers(state, e.at, e.setting, e.medicine, e.day)
    if blockers:
        raise _refuse(*blockers)
    number = len(state.doses) + 1
    gates = state.gates
    if e.setting is Setting.AT_HOME and e.day is not None:
        index = open_gate(state, e.at, e.day)
        if index is not None:
            gates = tuple(
                replace(g, used_by=number) if i == index else g for i, g in enumerate(gates)
            )
    dose = Dose(number, e.at, e.setting, e.medicine)
    return replace(state, doses=(*state.doses, dose), gates=gates)


def _integration(state: CourseState, e: IntegrationCompleted) -> CourseState:
    dose = state.dose(e.dose_number)
    if dose is None:
        raise _refuse(f"There is no dose {e.dose_number} to integrate.", field="dose_number")
    if dose.integrated_at is not None:
        held = when(dose.integrated_at)
        raise _refuse(f"The integration session after dose {dose.number} was held on {held}.")
    opens = dose.at + state.protocol.integration_opens
    if e.at < opens:
        raise _refuse(f"The integration window for dose {dose.number} opens at {when(opens)}.")
    done = replace(dose, integrated_at=e.at)
    return replace(state, doses=tuple(done if d is dose else d for d in state.doses))


def _signed_off(state: CourseState, e: EligibilitySignedOff) -> CourseState:
    problems = signoff_problems(e.eligibility, e.signoff)
    if e.eligibility.program != state.program:
        problems += (
            f"This sign-off is for the {e.eligibility.program.id} program, not this course's.",
        )
    if problems:
        raise _refuse(*problems, field="signoff")
    return replace(state, signoff=e.signoff)


def _gate(state: CourseState, e: AtHomeGatePassed | AtHomeGateStopped) -> CourseState:
    if not state.program.at_home:
        raise _refuse("Only an at-home course has a dosing-day gate.")
    if abs((e.day - e.at.astimezone(UTC).date()).days) > 1:
        raise ValidationError("The gate's local day does not match its time.", field="day")
    if isinstance(e, AtHomeGateStopped):
        if not e.reason.strip():
            raise ValidationError("Say what stopped the gate.", field="reason")
        return replace(state, stopped_days=(*state.stopped_days, e.day))
    if e.day in state.stopped_days:
        raise _refuse(f"The dosing-day gate was stopped on {e.day}: it cannot be passed that day.")
    return replace(state, gates=(*state.gates, Gate(e.day, e.at)))


def _adverse(state: CourseState, e: AdverseEventOpened | AdverseEventClosed) -> CourseState:
    if not e.event_id.strip():
        raise ValidationError("An adverse event needs its id.", field="event_id")
    if isinstance(e, AdverseEventOpened):
        if e.event_id in state.open_adverse_events + state.closed_adverse_events:
            raise _refuse(f"Adverse event {e.event_id} is already recorded.")
        return replace(state, open_adverse_events=(*state.open_adverse_events, e.event_id))
    if e.event_id not in state.open_adverse_events:
        raise _refuse(f"Adverse event {e.event_id} is not open.")
    still_open = tuple(x for x in state.open_adverse_events if x != e.event_id)
    closed = (*state.closed_adverse_events, e.event_id)
    return replace(state, open_adverse_events=still_open, closed_adverse_events=closed)


def _consent(state: CourseState, e: ConsentRecorded | ConsentWithdrawn) -> CourseState:
    if isinstance(e, ConsentRecorded):
        if state.consent_at is not None:
            raise _refuse(f"Consent was already recorded on {when(state.consent_at)}.")
        return replace(state, consent_at=e.at, consent_withdrawn_at=None)
    if state.consent_at is None:
        raise _refuse("There is no consent to withdraw.")
    return replace(state, consent_at=None, consent_withdrawn_at=e.at)


#: What may still be recorded once a course is stopped or in aftercare.
_AFTER_STOP = (
    IntegrationCompleted,
    AdverseEventOpened,
    AdverseEventClosed,
    AftercareStarted,
    ConsentWithdrawn,
)
_IN_AFTERCARE = (AdverseEventOpened, AdverseEventClosed, ConsentWithdrawn)


def apply(state: CourseState, event: Event, now: datetime) -> CourseState:
    """The course after ``event``; raises StepRefused (or ValidationError for a malformed
    event) and then leaves ``state`` as it was."""
    _aware(now, "now")
    _aware(event.at, "at")
    if event.at > now:
        raise _refuse(f"This is dated {when(event.at)}, after now: it cannot be recorded ahead.")
    if event.at < state.last_at:
        raise _refuse(
            f"Steps are recorded in the order they happened; the last was at {when(state.last_at)}."
        )
    if state.phase is Phase.AFTERCARE and not isinstance(event, _IN_AFTERCARE):
        raise _refuse(f"The course moved to aftercare on {when(state.aftercare_at or event.at)}.")
    if state.phase is Phase.STOPPED and not isinstance(event, _AFTER_STOP):
        raise _refuse(*closed_reasons(state))
    state = replace(state, last_at=event.at)
    if isinstance(event, PreparationCompleted):
        return replace(state, preparations=(*state.preparations, event.at))
    if isinstance(event, ConsentRecorded | ConsentWithdrawn):
        return _consent(state, event)
    if isinstance(event, EligibilitySignedOff):
        return _signed_off(state, event)
    if isinstance(event, AtHomeGatePassed | AtHomeGateStopped):
        return _gate(state, event)
    if isinstance(event, DoseRecorded):
        return _dose(state, event)
    if isinstance(event, IntegrationCompleted):
        return _integration(state, event)
    if isinstance(event, AdverseEventOpened | AdverseEventClosed):
        return _adverse(state, event)
    if isinstance(event, AftercareStarted):
        blockers = aftercare_blockers(state)
        if blockers:
            raise _refuse(*blockers)
        return replace(state, aftercare_at=event.at)
    if isinstance(event, CourseStopped):
        if not event.reason.strip():
            raise ValidationError("Say why the course is stopped.", field="reason")
        return replace(state, stopped_at=event.at, stop_reason=event.reason.strip())
    assert_never(event)


# --- what comes next ------------------------------------------------------------------


def overdue(state: CourseState, now: datetime) -> tuple[OverdueIntegration, ...]:
    """Integration sessions whose window has passed without one being held."""
    closes = state.protocol.integration_closes
    return tuple(
        OverdueIntegration(d.number, d.at, d.at + closes)
        for d in state.doses
        if d.integrated_at is None and now > d.at + closes
    )


def _dose_settings(program: Program) -> tuple[Setting, ...]:
    return (Setting.AT_HOME, Setting.IN_OFFICE) if program.at_home else (Setting.IN_OFFICE,)


def next_steps(state: CourseState, now: datetime, day: date | None = None) -> tuple[NextStep, ...]:
    """What may happen next at ``now`` and what is blocked and why, for the clinician and
    the patient. ``day`` is the patient's local day (defaults to the UTC date of now)."""
    _aware(now, "now")
    day = day or now.astimezone(UTC).date()
    if state.phase is Phase.AFTERCARE:
        return ()
    closed = tuple(closed_reasons(state))
    steps: list[NextStep] = []
    if not state.preparation_complete:
        steps.append(NextStep(StepKind.PREPARATION, not closed, closed))
    if state.consent_at is None:
        steps.append(NextStep(StepKind.CONSENT, not closed, closed))
    if state.signoff is None or state.signoff.decision is Decision.DECLINE:
        steps.append(NextStep(StepKind.SIGN_OFF, not closed, closed))
    if state.doses_left and not closed:
        if state.program.at_home:
            passed = open_gate(state, now, day) is not None
            blocked = (
                (f"The dosing-day gate was stopped on {day}.",) if day in state.stopped_days else ()
            )
            if not passed:
                steps.append(NextStep(StepKind.GATE, not blocked, blocked))
        for setting in _dose_settings(state.program):
            kind = StepKind.DOSE_AT_HOME if setting is Setting.AT_HOME else StepKind.DOSE_IN_OFFICE
            reasons = dose_blockers(state, now, setting, state.program.medicine, day)
            number = len(state.doses) + 1
            steps.append(NextStep(kind, not reasons, reasons, number, earliest_next_dose(state)))
    for d in state.doses:
        if d.integrated_at is None:
            opens, due = (
                d.at + state.protocol.integration_opens,
                d.at + state.protocol.integration_closes,
            )
            waiting = () if now >= opens else (f"The window opens at {when(opens)}.",)
            steps.append(NextStep(StepKind.INTEGRATION, not waiting, waiting, d.number, opens, due))
    if state.stopped_at is not None or not state.doses_left:
        blockers = aftercare_blockers(state)
        steps.append(NextStep(StepKind.AFTERCARE, not blockers, blockers))
    if not closed:
        steps.append(NextStep(StepKind.STOP, True))
    return tuple(steps)
