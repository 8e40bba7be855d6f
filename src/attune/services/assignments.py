"""Asking a patient to complete an instrument, once or every N days, and what is due.

Scheduling rule (docs/adr/0004-recurring-assignments.md): an assignment is due on its
``next_due_on`` date and stays due until a response arrives; it is overdue from the day
after. A response to a one-off assignment finishes it. A response to a recurring one moves
the due date forward from the due date (not from the day of the response) by whole
periods of ``every_days``, to the first date after the day of the response: the rhythm
stays fixed and a late response never leaves the patient owing a backlog.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from attune.domain.errors import Conflict, ValidationError
from attune.domain.instruments import InstrumentLibrary
from attune.services.access import Action, open_patient, patient_action
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Assignment, UnitOfWork

MAX_EVERY_DAYS = 366


@dataclass(frozen=True)
class AssignmentInfo:
    id: int
    patient_id: int
    instrument_id: str
    title: str
    abbreviation: str
    every_days: int | None
    starts_on: date
    next_due_on: date
    active: bool


@dataclass(frozen=True)
class DueInstrument:
    """An instrument the patient should complete now, with any answers saved so far."""

    assignment_id: int
    instrument_id: str
    title: str
    abbreviation: str
    due_on: date
    overdue: bool
    draft: dict[str, int | None]
    every_days: int | None = None


def next_due_after(due_on: date, every_days: int, answered_on: date) -> date:
    """The first date after ``answered_on`` reached from ``due_on`` in steps of every_days."""
    if every_days < 1:
        raise ValueError("every_days must be at least 1")
    if answered_on < due_on:
        return due_on + timedelta(days=every_days)
    periods = (answered_on - due_on).days // every_days + 1
    return due_on + timedelta(days=periods * every_days)


def assignment_info(library: InstrumentLibrary, assignment: Assignment) -> AssignmentInfo:
    instrument = library.get(assignment.instrument_id)
    return AssignmentInfo(
        id=assignment.id,
        patient_id=assignment.patient_id,
        instrument_id=assignment.instrument_id,
        title=instrument.title,
        abbreviation=instrument.abbreviation,
        every_days=assignment.every_days,
        starts_on=assignment.starts_on,
        next_due_on=assignment.next_due_on,
        active=assignment.active,
    )


def assign_instrument(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    instrument_id: str,
    every_days: int | None = None,
    starts_on: date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> AssignmentInfo:
    """Ask the patient to complete an instrument from ``starts_on`` (default: today),
    once (``every_days`` None) or every ``every_days`` days. Staff only.

    Refuses (Conflict) a second active assignment of the same instrument to the patient.
    """
    now = clock.now()
    with (
        uow,
        patient_action(
            uow, actor, patient_id, Action.ASSIGN_INSTRUMENT, clock, detail=instrument_id
        ) as patient,
    ):
        instrument = uow.instruments.get(instrument_id)
        if every_days is not None and not 1 <= every_days <= MAX_EVERY_DAYS:
            raise ValidationError(
                f"Repeat every 1 to {MAX_EVERY_DAYS} days, or leave it empty for once.",
                field="every_days",
            )
        for existing in uow.assignments.for_patient(patient.id):
            if existing.instrument_id == instrument.id:
                raise Conflict(
                    f"{patient.display_name} already has {instrument.abbreviation} assigned.",
                    field="instrument_id",
                )
        assignment = uow.assignments.add(
            patient_id=patient.id,
            instrument_id=instrument.id,
            every_days=every_days,
            starts_on=starts_on or now.date(),
            created_by=actor.user_id,
            created_at=now,
        )
        uow.commit()
    return assignment_info(uow.instruments, assignment)


def due_assignments(uow: UnitOfWork, patient_id: int, today: date) -> list[DueInstrument]:
    """What the patient has due on ``today`` (no access check: callers have done it)."""
    due: list[DueInstrument] = []
    for assignment in uow.assignments.for_patient(patient_id):
        if assignment.next_due_on > today:
            continue
        instrument = uow.instruments.get(assignment.instrument_id)
        draft = uow.drafts.get(assignment.id)
        due.append(
            DueInstrument(
                assignment_id=assignment.id,
                instrument_id=assignment.instrument_id,
                title=instrument.title,
                abbreviation=instrument.abbreviation,
                due_on=assignment.next_due_on,
                overdue=assignment.next_due_on < today,
                draft=dict(draft.answers) if draft is not None else {},
                every_days=assignment.every_days,
            )
        )
    return due


def due_for_patient(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock
) -> list[DueInstrument]:
    """The instruments the patient should complete now, longest waiting first."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_DUE, clock)
        due = due_assignments(uow, patient.id, clock.now().date())
        uow.commit()
    return due


def assignments_for_patient(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> list[AssignmentInfo]:
    """Every assignment of the patient, active or finished (staff view)."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_RECORD, clock)
        found = uow.assignments.for_patient(patient.id, active_only=False)
        uow.commit()
    return [assignment_info(uow.instruments, a) for a in found]
