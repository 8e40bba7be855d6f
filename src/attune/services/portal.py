"""The patient portal's start page, read in one go.

What the start page shows: the questionnaires due now (with any answers saved so far) and,
above them, how far the patient has got with an intake, if one was ever opened, and where
their newest KAP course stands, if they have one. All are read in one transaction behind
one access check, so one visit writes one ``view_due`` audit event (its detail says that
the intake's progress and the KAP course were read too).
"""

from __future__ import annotations

from dataclasses import dataclass

from attune.services.access import Action, open_patient
from attune.services.actors import Actor
from attune.services.assignments import DueInstrument, due_assignments
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.intake import SECTION_KEYS, IntakeStatus
from attune.services.ports import UnitOfWork


@dataclass(frozen=True)
class IntakeSummary:
    """How far the patient's newest intake has got (no answers, only progress)."""

    id: int
    status: IntakeStatus
    #: (sections done, sections in all)
    progress: tuple[int, int]

    @property
    def open(self) -> bool:
        return self.status is IntakeStatus.OPEN


@dataclass(frozen=True)
class KapSummary:
    """Where the patient's newest KAP course stands (no clinical detail)."""

    course_id: int
    #: in_office, at_home or spravato_in_office.
    program: str
    #: preparation, dosing, stopped or aftercare (the phase after the newest event).
    phase: str
    doses_given: int
    #: The at-home session still running (its sitter check-ins open), if any.
    open_home_session: int | None


@dataclass(frozen=True)
class PortalHome:
    patient_id: int
    #: The questionnaires due now, longest waiting first.
    due: tuple[DueInstrument, ...]
    #: The newest intake (open or submitted), None if none was ever opened.
    intake: IntakeSummary | None
    #: The newest KAP course, None if none was ever opened.
    kap: KapSummary | None = None


def _kap_summary(uow: UnitOfWork, patient_id: int) -> KapSummary | None:
    courses = uow.kap.courses_for_patient(patient_id)
    if not courses:
        return None
    course = courses[-1]
    sessions = uow.kap.sessions(course.id)
    running = [s.id for s in sessions if s.kind == "at_home" and s.status == "open"]
    return KapSummary(
        course.id,
        course.program,
        course.status,
        len(sessions),
        running[-1] if running else None,
    )


def portal_home(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> PortalHome:
    """What is due and the intake's progress, for the portal's start page."""
    with uow:
        patient = open_patient(
            uow,
            actor,
            patient_id,
            Action.VIEW_DUE,
            clock,
            detail="start page: questionnaires due, the intake's progress and the KAP course",
        )
        due = tuple(due_assignments(uow, patient.id, clock.now().date()))
        record = uow.intakes.latest_for_patient(patient.id)
        kap = _kap_summary(uow, patient.id)
        uow.commit()
    summary = None
    if record is not None:
        done = sum(1 for key in SECTION_KEYS if key in record.sections_done)
        summary = IntakeSummary(record.id, IntakeStatus(record.status), (done, len(SECTION_KEYS)))
    return PortalHome(patient.id, due, summary, kap)
