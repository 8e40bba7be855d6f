"""Check-ins saved at once and outbox senders running at once: on PostgreSQL they really
overlap (each thread its own connection); on SQLite they queue for the write lock. Either
way a day is saved once, and every email is sent exactly once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

from attune.db import Database, SqlUnitOfWork
from attune.domain.monitoring.checkin import CheckIn
from attune.services import checkins, reminders
from attune.services.audit import verify_audit
from attune.services.checkins import CheckinSaved
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import MessageKind, NewMessage
from attune.services.reminders import SendReport
from concurrency_kit import Outcome, run_together
from factories import T0, ClinicSetup

THREADS = 4


def _run_together(database: Database, job: Callable[[SqlUnitOfWork], object]) -> list[Outcome]:
    return run_together(database, job, THREADS)


def test_a_missed_day_filled_in_at_once_is_saved_once(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    yesterday = T0.date() - timedelta(days=1)

    def fill(unit: SqlUnitOfWork) -> CheckinSaved:
        checkin = CheckIn(day=yesterday, mood=5, stress=5, loneliness=5, craving=5)
        return checkins.record_checkin(unit, actor, patient, checkin, clock)

    outcomes = _run_together(database, fill)
    assert sum(o.done is not None for o in outcomes) == 1
    assert sum(o.refused is not None for o in outcomes) == THREADS - 1
    with uow:
        assert len(uow.monitoring.checkins_between(patient, yesterday, yesterday)) == 1
    assert verify_audit(uow).ok


def test_today_saved_at_once_keeps_one_row(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id

    def save(unit: SqlUnitOfWork) -> CheckinSaved:
        checkin = CheckIn(day=T0.date(), mood=5, stress=5, loneliness=5, craving=5)
        return checkins.record_checkin(unit, actor, patient, checkin, clock)

    outcomes = _run_together(database, save)
    saved = [o.done for o in outcomes if isinstance(o.done, CheckinSaved)]
    # Each save either went in (the first created the row, the rest replaced it) or
    # clashed with the row a concurrent save had just inserted and was told to retry.
    assert sum(s.created for s in saved) == 1
    assert len(saved) + sum(o.refused is not None for o in outcomes) == THREADS
    with uow:
        assert len(uow.monitoring.checkins_between(patient, T0.date(), T0.date())) == 1
    assert verify_audit(uow).ok


class RecordingMailer:
    """Counts what it is asked to send (the SMTP exchange itself is tested with a real
    server in test_reminders_smtp.py)."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self._lock = threading.Lock()

    def send(self, *, to_address: str, subject: str, body: str) -> None:
        with self._lock:
            self.sent.append(to_address)


def test_runners_sending_at_once_send_each_email_once(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with uow:
        for i in range(12):
            uow.monitoring.enqueue(
                NewMessage(
                    to_address=f"person{i}@example.org",
                    subject="A moment to check in",
                    body="Hello",
                    kind=MessageKind.REMINDER,
                    created_at=clock.now(),
                    dedupe_key=f"test:{i}",
                )
            )
        uow.commit()
    mailer = RecordingMailer()
    outcomes = _run_together(database, lambda u: reminders.send_outbox(u, mailer, clock))
    reports = [o.done for o in outcomes if isinstance(o.done, SendReport)]
    assert len(reports) == THREADS
    assert sorted(mailer.sent) == sorted(f"person{i}@example.org" for i in range(12))
    assert sum(r.sent for r in reports) == 12
    with uow:
        assert uow.monitoring.outbox_due(clock.now() + timedelta(days=1)) == []
