"""What blocks a step of the KAP course, in plain words (used by ``course.apply`` and
``course.next_steps``, so the refusal and the list of next steps always agree)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from attune.domain.kap.course_model import CourseState
from attune.domain.kap.program import Medicine, Setting


def when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def closed_reasons(state: CourseState) -> list[str]:
    if state.aftercare_at is not None:
        return [f"The course moved to aftercare on {when(state.aftercare_at)}: no more doses."]
    if state.stopped_at is not None:
        stopped = f"The course was stopped on {when(state.stopped_at)}"
        return [f"{stopped} ({state.stop_reason}): no more doses."]
    return []


def _kind_reasons(state: CourseState, setting: Setting, medicine: Medicine) -> list[str]:
    out = []
    if medicine is Medicine.ESKETAMINE and setting is Setting.AT_HOME:
        out.append(
            "Esketamine (Spravato) is never taken at home: its REMS allows it only in a "
            "certified healthcare setting, under direct observation."
        )
    if medicine is not state.program.medicine:
        out.append(
            f"This course is for {state.program.medicine.value}: "
            f"{'an' if medicine is Medicine.ESKETAMINE else 'a'} {medicine.value} dose "
            "cannot be recorded in it."
        )
    if setting is Setting.AT_HOME and not state.program.at_home:
        out.append("This is an in-office course: at-home dosing was not signed off.")
    return out


def _readiness_reasons(state: CourseState) -> list[str]:
    out = []
    s = state.signoff
    if s is None:
        out.append("The prescriber has not signed off eligibility yet.")
    elif not s.permits_dosing:
        out.append(
            f"The prescriber declined treatment on {when(s.signed_at)}: no dose can be given."
        )
    if state.consent_at is None:
        if state.consent_withdrawn_at is not None:
            withdrawn = when(state.consent_withdrawn_at)
            out.append(f"Consent was withdrawn on {withdrawn}: no dose without new consent.")
        else:
            out.append("The patient's consent has not been recorded.")
    if not state.preparation_complete:
        held, needed = len(state.preparations), state.protocol.preparation_sessions
        out.append(f"Preparation is not complete: {held} of {needed} sessions held.")
    return out


def _integration_reasons(state: CourseState, at: datetime) -> list[str]:
    out = []
    p = state.protocol
    for d in state.doses:
        if d.integrated_at is not None:
            continue
        due = d.at + p.integration_closes
        if at > due:
            out.append(
                f"The integration session after dose {d.number} was due by {when(due)} and is "
                "overdue: hold it before the next dose."
            )
        elif p.integration_before_next_dose:
            out.append(
                f"The integration session after dose {d.number} has not been held yet: it "
                "comes before the next dose."
            )
    return out


def _gate_reasons(state: CourseState, at: datetime, day: date | None) -> list[str]:
    if day is None:
        return ["An at-home dose needs the patient's local day, to match that day's gate."]
    if day in state.stopped_days:
        return [f"The dosing-day gate was stopped on {day}: no at-home dose that day."]
    if open_gate(state, at, day) is None:
        return [f"The dosing-day gate for {day} has not been passed: pass it before the dose."]
    return []


def open_gate(state: CourseState, at: datetime, day: date) -> int | None:
    """The index of an unused gate passed for ``day`` at or before ``at``."""
    for index, g in enumerate(state.gates):
        if g.day == day and g.at <= at and g.used_by is None:
            return index
    return None


def earliest_next_dose(state: CourseState) -> datetime | None:
    """The earliest time the protocol's minimum interval allows the next dose."""
    if not state.doses:
        return None
    return state.doses[-1].at + state.protocol.min_between_doses


def dose_blockers(
    state: CourseState, at: datetime, setting: Setting, medicine: Medicine, day: date | None = None
) -> tuple[str, ...]:
    """Every reason a dose at ``at`` would be refused (empty when it may be given)."""
    out = closed_reasons(state) + _kind_reasons(state, setting, medicine)
    out += _readiness_reasons(state)
    if state.doses_left == 0:
        out.append(f"All {state.protocol.dosing_sessions} doses of the protocol have been given.")
    if state.open_adverse_events:
        ids = ", ".join(state.open_adverse_events)
        out.append(f"An adverse event is still open ({ids}): close it before the next dose.")
    out += _integration_reasons(state, at)
    earliest = earliest_next_dose(state)
    if earliest is not None and at < earliest:
        hours = state.protocol.min_between_doses // timedelta(hours=1)
        out.append(
            f"Doses are at least {hours} hours apart: the next may be given from {when(earliest)}."
        )
    if setting is Setting.AT_HOME and state.program.at_home:
        out += _gate_reasons(state, at, day)
    return tuple(out)


def aftercare_blockers(state: CourseState) -> tuple[str, ...]:
    if state.aftercare_at is not None:
        return ("Aftercare has already started.",)
    out = []
    if state.stopped_at is None and state.doses_left:
        given, planned = len(state.doses), state.protocol.dosing_sessions
        out.append(f"Aftercare follows the last dose: {given} of {planned} doses given.")
    for d in state.doses:
        if d.integrated_at is None:
            out.append(
                f"The integration session after dose {d.number} has not been held: aftercare "
                "starts after the last integration."
            )
    return tuple(out)
