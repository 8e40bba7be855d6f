"""The portal's start page through its one service: what is due and the intake's progress,
read behind one access check (one audit event). SQLite and PostgreSQL."""

from __future__ import annotations

from attune.db import SqlUnitOfWork
from attune.services import assignments, portal, responses
from attune.services import intake as intakes
from attune.services.clock import FixedClock
from attune.services.intake import IntakeStatus
from factories import ClinicSetup, complete_intake, fill_intake, intake_sections, phq9


def _events(uow: SqlUnitOfWork) -> list[tuple[str, str, str]]:
    with uow:
        return [(e.action, e.outcome, e.detail) for e in uow.audit.in_order()]


def test_the_start_page_reads_what_is_due_and_the_intake_in_one_audited_read(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    patient = setup.patients[0].id
    before = len(_events(uow))
    empty = portal.portal_home(uow, me, patient, clock)
    assert (empty.patient_id, empty.due, empty.intake) == (patient, (), None)
    ((action, outcome, detail),) = _events(uow)[before:]
    assert (action, outcome) == ("view_due", "allowed")
    assert "intake" in detail

    made = assignments.assign_instrument(
        uow, setup.clinician_actor, patient, "phq9", 14, None, clock
    )
    responses.save_draft(uow, me, made.id, {"q1": 2}, clock)
    opened = intakes.open_intake(uow, setup.clinician_actor, patient, clock)
    first_key, first_answers = next(
        iter(intake_sections(complete_intake(clock.now().date())).items())
    )
    intakes.save_intake_section(uow, me, opened.id, first_key, first_answers, clock)

    before = len(_events(uow))
    home = portal.portal_home(uow, me, patient, clock)
    assert [e[:2] for e in _events(uow)[before:]] == [("view_due", "allowed")]
    assert [(d.assignment_id, d.abbreviation, d.draft) for d in home.due] == [
        (made.id, "PHQ-9", {"q1": 2})
    ]
    assert home.due == tuple(assignments.due_for_patient(uow, me, patient, clock))
    assert home.intake is not None and home.intake.open
    assert (home.intake.id, home.intake.status) == (opened.id, IntakeStatus.OPEN)
    assert home.intake.progress == (1, len(intakes.SECTION_KEYS))
    # The same progress as the intake's own view.
    own = intakes.current_intake(uow, me, patient, clock)
    assert own is not None and home.intake.progress == own.progress

    fill_intake(uow, me, opened.id, clock)
    intakes.submit_intake(uow, me, opened.id, clock)
    responses.submit_response(uow, me, patient, "phq9", phq9(3), clock, assignment_id=made.id)
    after = portal.portal_home(uow, me, patient, clock)
    assert after.intake is not None and not after.intake.open
    assert after.intake.progress == (len(intakes.SECTION_KEYS), len(intakes.SECTION_KEYS))
    # The battery assigned on submission is due now; the PHQ-9 just answered is not.
    due_ids = {d.instrument_id for d in after.due}
    assert "gad7" in due_ids and "phq9" not in due_ids
