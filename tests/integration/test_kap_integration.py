"""Integration sessions in the window after each dose, the journal with prompts chosen
from the patient's cycle, and the breathwork practice log. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import FormErrors, PermissionDenied, StepRefused, ValidationError
from attune.domain.formulation import from_lines
from attune.domain.kap.breathwork import PracticeEntry
from attune.domain.kap.integration import Source
from attune.domain.kap.integration_window import WindowStatus
from attune.services import formulation, kap_course, kap_integration, kap_sessions, responses
from attune.services.clock import FixedClock
from factories import ClinicSetup, eligible_course, phq9


def _dosed(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> tuple[int, int]:
    course = eligible_course(uow, setup, clock)
    session = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
    )
    return course.id, session.id


def test_integration_is_scheduled_inside_its_window(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    _, session_id = _dosed(uow, setup, clock)
    dosed = clock.now()
    with pytest.raises(ValidationError, match="falls between") as early:
        kap_integration.schedule_integration(
            uow, staff, session_id, dosed + timedelta(hours=2), clock
        )
    assert early.value.field == "at"
    with pytest.raises(ValidationError, match="falls between"):
        kap_integration.schedule_integration(
            uow, staff, session_id, dosed + timedelta(days=4), clock
        )
    planned = kap_integration.schedule_integration(
        uow, staff, session_id, dosed + timedelta(hours=48), clock
    )
    assert planned.scheduled_at == dosed + timedelta(hours=48)
    assert planned.status is WindowStatus.NOT_YET_OPEN


def test_integration_before_the_window_is_refused_and_late_is_recorded(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    staff = setup.clinician_actor
    course_id, session_id = _dosed(uow, setup, clock)
    with pytest.raises(StepRefused, match="window for dose 1 opens"):
        kap_integration.complete_integration(uow, staff, session_id, "", ("x",), (), (), clock)
    clock.advance(timedelta(hours=80))
    view = kap_course.course_by_id(uow, staff, course_id, clock)
    assert [o.dose_number for o in view.overdue] == [1]
    assert view.sessions[0].integration.overdue
    with pytest.raises(FormErrors, match="insight or commitment"):
        kap_integration.complete_integration(uow, staff, session_id, "", (), (), (), clock)
    response = _phq9_response(uow, setup, clock)
    late = kap_integration.complete_integration(
        uow, staff, session_id, "Late, and still worth it.", ("Less alone",), ("Walk daily",),
        (response,), clock,
    )  # fmt: skip
    assert late.status is WindowStatus.HELD_LATE
    assert late.note is not None and late.note.response_ids == (str(response),)
    assert kap_course.course_by_id(uow, staff, course_id, clock).overdue == ()
    with pytest.raises(StepRefused, match="was held"):
        kap_integration.complete_integration(uow, staff, session_id, "", ("x",), (), (), clock)


def _phq9_response(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> int:
    submitted = responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(total=4), clock
    )
    return submitted.response_id


def test_a_measure_must_be_the_patients_own(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _, session_id = _dosed(uow, setup, clock)
    clock.advance(timedelta(hours=30))
    with pytest.raises(ValidationError, match="no questionnaire response 999"):
        kap_integration.complete_integration(
            uow, setup.clinician_actor, session_id, "", ("x",), (), (999,), clock
        )


def test_journal_prompts_draw_on_the_cycle_and_entries_are_the_patients(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me = setup.patient_actor(0)
    course = eligible_course(uow, setup, clock)
    formulation.save_formulation(
        uow,
        me,
        setup.patients[0].id,
        from_lines({"situations": "Sunday evenings", "behaviour": "Drinking", "relief": "Calm"}),
        clock,
    )
    chosen = kap_integration.journal_prompts(uow, me, course.id, clock)
    assert len(chosen) == 3 and any(c.source is Source.CYCLE for c in chosen)
    assert chosen == kap_integration.journal_prompts(uow, setup.clinician_actor, course.id, clock)
    cycle = next(c for c in chosen if c.source is Source.CYCLE)
    entry = kap_integration.save_journal_entry(
        uow, me, course.id, cycle.prompt_id, "It was quieter than I feared.", clock,
        prompt_text=cycle.text,
    )  # fmt: skip
    assert entry.prompt_text == cycle.text
    kap_integration.save_journal_entry(uow, me, course.id, "free", "Slept well.", clock)
    with pytest.raises(ValidationError, match="Choose one of the prompts"):
        kap_integration.save_journal_entry(uow, me, course.id, "nope", "Hi", clock)
    with pytest.raises(FormErrors):
        kap_integration.save_journal_entry(uow, me, course.id, "free", "   ", clock)
    with pytest.raises(PermissionDenied):
        kap_integration.save_journal_entry(
            uow, setup.clinician_actor, course.id, "free", "Not mine to write", clock
        )
    read = kap_integration.journal(uow, setup.clinician_actor, course.id, clock)
    # Newest first (both written at the same moment: the later one first).
    assert [e.text for e in read] == ["Slept well.", "It was quieter than I feared."]
    assert cycle.prompt_id not in {
        c.prompt_id for c in kap_integration.journal_prompts(uow, me, course.id, clock)
    }


def test_the_breathwork_log(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    me = setup.patient_actor(0)
    ids = [p.id for p in kap_integration.breathwork_protocols()]
    assert {"box", "4-7-8", "slow-6"} <= set(ids)
    kap_integration.log_practice(
        uow, me, PracticeEntry("box", clock.now() - timedelta(minutes=10), 5, 3, 6), clock
    )
    clock.advance(timedelta(hours=1))
    kap_integration.log_practice(
        uow, me, PracticeEntry("slow-6", clock.now() - timedelta(minutes=8), 6, 4, 5), clock
    )
    log = kap_integration.practice_log(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert [e.entry.protocol_id for e in log.entries] == ["slow-6", "box"]
    assert (log.sessions, log.minutes, str(log.mean_calm_change)) == (2, 11, "2.0")
    with pytest.raises(FormErrors) as bad:
        kap_integration.log_practice(
            uow, me, PracticeEntry("humming", clock.now() + timedelta(hours=1), 0, 11, 3), clock
        )
    assert {f for f, _ in bad.value.errors} == {
        "protocol_id",
        "started_at",
        "minutes",
        "calm_before",
    }
    with pytest.raises(PermissionDenied):
        kap_integration.log_practice(
            uow,
            setup.clinician_actor,
            PracticeEntry("box", clock.now(), 5, 3, 6),
            clock,
            patient_id=setup.patients[0].id,
        )
