"""Concurrent steps on one KAP course: on PostgreSQL they really run at once (each thread
its own connection and transaction); on SQLite they queue for the write lock. Either way
each step is applied to the state left by the one before it, so exactly one of several
identical steps is accepted, the rest are refused with their reasons, and the event log
stays gap-free."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from attune.db import Database, SqlUnitOfWork
from attune.services import kap_course, kap_sessions
from attune.services.audit import verify_audit
from attune.services.clock import FixedClock
from concurrency_kit import Outcome, run_together
from factories import ClinicSetup, eligible_course

THREADS = 6


def _run_together(database: Database, job: Callable[[SqlUnitOfWork], object]) -> list[Outcome]:
    return run_together(database, job, THREADS)


def _gap_free(uow: SqlUnitOfWork, course_id: int) -> int:
    with uow:
        seqs = [e.seq for e in uow.kap.events(course_id)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert verify_audit(uow).ok
    return len(seqs)


def test_consent_given_at_once_is_recorded_once(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = kap_course.open_course(
        uow, setup.clinician_actor, setup.patients[0].id, "in_office", clock
    )
    me = setup.patient_actor(0)
    outcomes = _run_together(database, lambda u: kap_course.record_consent(u, me, course.id, clock))
    assert sum(o.done is not None for o in outcomes) == 1
    assert all("already recorded" in str(o.refused) for o in outcomes if o.done is None)
    assert _gap_free(uow, course.id) == 1
    with uow:
        assert len(uow.kap.consents(course.id)) == 1


def test_two_clinicians_dosing_at_once_record_one_dose(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    at = clock.now()
    staff = [setup.clinician_actor, setup.admin_actor]
    counter = iter(range(THREADS))
    lock = threading.Lock()

    def dose(unit: SqlUnitOfWork) -> object:
        with lock:
            actor = staff[next(counter) % 2]
        return kap_sessions.start_session(
            unit, actor, course.id, "im", "35", None, "70", "K-1", at, clock
        )

    outcomes = _run_together(database, dose)
    assert sum(o.done is not None for o in outcomes) == 1
    _gap_free(uow, course.id)
    with uow:
        assert len(uow.kap.sessions(course.id)) == 1
        kinds = [e.kind for e in uow.kap.events(course.id)]
    assert kinds.count("dose_recorded") == 1
    view = kap_course.course_by_id(uow, setup.clinician_actor, course.id, clock)
    assert view.doses_given == 1
