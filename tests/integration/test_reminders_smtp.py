"""Check-in reminders and the email outbox, sent through a real SMTP server (aiosmtpd,
started by the test on a free local port), on SQLite and PostgreSQL."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from attune.config import Settings
from attune.db import Database, SqlUnitOfWork
from attune.domain.errors import ValidationError
from attune.domain.monitoring.checkin import CheckIn, Safety
from attune.jobs.loop import JobsLoop
from attune.jobs.mailer import SmtpMailer, mailer_from_settings
from attune.jobs.runner import JobReport, run_jobs_once
from attune.services import checkins, reminders
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import MessageKind
from factories import T0, ClinicSetup, make_clinic

TODAY = T0.date()  # Monday 5 January 2026; T0 is 09:00 UTC (09:00 in London too)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@dataclass
class Inbox:
    """What the local SMTP server received."""

    port: int
    messages: list[tuple[str, list[str], Message]] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(
            (envelope.mail_from or "", list(envelope.rcpt_tos), message_from_bytes(content))
        )
        return "250 Message accepted for delivery"


USER, SECRET = "attune", "s3cret-for-tests"


def _authenticator(
    server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        SECRET.encode(),
    )
    return AuthResult(success=ok)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    box = Inbox(_free_port())
    controller = Controller(
        box,
        hostname="127.0.0.1",
        port=box.port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _mailer(inbox: Inbox) -> SmtpMailer:
    return SmtpMailer(host="127.0.0.1", port=inbox.port, from_address="clinic@harbour.example.org")


def _remind(
    uow: SqlUnitOfWork,
    setup: ClinicSetup,
    clock: FixedClock,
    patient: int,
    at: time,
    zone: str | None = None,
) -> reminders.ReminderView:
    return reminders.set_reminder(
        uow,
        setup.patient_actor(patient),
        setup.patients[patient].id,
        enabled=True,
        at=at,
        timezone=zone,
        clock=clock,
    )


def test_the_reminder_choice_and_time_zone(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    first = reminders.reminder_view(uow, actor, patient, clock)
    assert (first.enabled, first.at, first.timezone, first.next_at) == (
        False,
        reminders.DEFAULT_TIME,
        None,
        None,
    )
    assert first.effective_timezone == first.clinic_timezone == "UTC"
    view = _remind(uow, setup, clock, 0, time(20, 30, 15), "America/New_York")
    assert (view.enabled, view.at, view.timezone) == (True, time(20, 30), "America/New_York")
    # 20:30 in New York on 5 January is 01:30 UTC on the 6th.
    assert view.next_at == datetime(2026, 1, 6, 1, 30, tzinfo=UTC)
    assert view.updated_at == T0
    with pytest.raises(ValidationError) as unknown:
        _remind(uow, setup, clock, 0, time(8, 0), "Mars/Olympus_Mons")
    assert unknown.value.field == "timezone"
    kept = reminders.reminder_view(uow, setup.clinician_actor, patient, clock)
    assert (kept.at, kept.timezone) == (time(20, 30), "America/New_York")
    back = reminders.set_timezone(uow, actor, patient, None, clock)
    assert (back.timezone, back.effective_timezone) == (None, "UTC")


def test_reminders_are_queued_once_when_their_time_has_come(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _remind(uow, setup, clock, 0, time(8, 0), "Europe/London")
    _remind(uow, setup, clock, 1, time(10, 0))
    assert reminders.queue_due_reminders(uow, clock) == 1
    assert reminders.queue_due_reminders(uow, clock) == 0
    with uow:
        (queued,) = uow.monitoring.outbox_for_patient(setup.patients[0].id)
        assert uow.monitoring.outbox_for_patient(setup.patients[1].id) == []
        events = [e for e in uow.audit.in_order() if e.action == "queue_reminder"]
    assert queued.dedupe_key == f"reminder:{setup.patients[0].id}:{TODAY.isoformat()}"
    assert queued.to_address == setup.email("patient0")
    assert (queued.kind, queued.subject) == (MessageKind.REMINDER, "A moment to check in")
    assert [(e.patient_id, e.actor_role) for e in events] == [(setup.patients[0].id, "system")]

    # Patient 1 checks in before their time: no reminder that day.
    checkin = CheckIn(day=TODAY, mood=5, stress=5, loneliness=5, craving=5)
    checkins.record_checkin(uow, setup.patient_actor(1), setup.patients[1].id, checkin, clock)
    clock.set(datetime(2026, 1, 5, 10, 30, tzinfo=UTC))
    assert reminders.queue_due_reminders(uow, clock) == 0
    # The next day both are due again.
    clock.set(datetime(2026, 1, 6, 10, 30, tzinfo=UTC))
    assert reminders.queue_due_reminders(uow, clock) == 2


def test_a_turned_off_reminder_is_not_queued(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    reminders.set_reminder(
        uow,
        setup.patient_actor(0),
        setup.patients[0].id,
        enabled=False,
        at=time(6, 0),
        timezone=None,
        clock=clock,
    )
    assert reminders.queue_due_reminders(uow, clock) == 0


def test_the_outbox_is_sent_through_a_real_smtp_server(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, inbox: Inbox
) -> None:
    _remind(uow, setup, clock, 0, time(7, 0))
    assert reminders.queue_due_reminders(uow, clock) == 1
    report = reminders.send_outbox(uow, _mailer(inbox), clock)
    assert (report.sent, report.failed, report.skipped) == (1, 0, 0)
    ((sender, recipients, message),) = inbox.messages
    assert sender == "clinic@harbour.example.org"
    assert recipients == [setup.email("patient0")]
    assert message["Subject"] == "A moment to check in"
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert "/portal/checkin" in text
    # Email is not a private channel: no name, no health words.
    for word in ("Patient 0", "craving", "mood", "alcohol", "alert", "risk"):
        assert word.lower() not in text.lower()
    with uow:
        assert uow.monitoring.outbox_due(clock.now() + timedelta(days=1)) == []
        (sent,) = uow.monitoring.outbox_for_patient(setup.patients[0].id)
    assert (sent.sent_at, sent.attempts, sent.last_error) == (T0, 1, None)
    assert reminders.send_outbox(uow, _mailer(inbox), clock).sent == 0


def test_a_failed_send_is_kept_and_retried_with_backoff(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, inbox: Inbox
) -> None:
    _remind(uow, setup, clock, 0, time(7, 0))
    reminders.queue_due_reminders(uow, clock)
    nobody = SmtpMailer(host="127.0.0.1", port=_free_port(), timeout=5)
    first = reminders.send_outbox(uow, nobody, clock)
    assert (first.sent, first.failed) == (0, 1)
    with uow:
        (kept,) = uow.monitoring.outbox_for_patient(setup.patients[0].id)
    assert kept.sent_at is None and kept.attempts == 1
    assert kept.last_error is not None and "Connection" in kept.last_error
    assert kept.next_attempt_at == T0 + timedelta(minutes=1)
    # Not due yet: nothing is tried.
    clock.advance(timedelta(seconds=59))
    assert reminders.send_outbox(uow, _mailer(inbox), clock).sent == 0
    clock.advance(timedelta(seconds=1))
    second = reminders.send_outbox(uow, nobody, clock)
    assert second.failed == 1
    with uow:
        (again,) = uow.monitoring.outbox_for_patient(setup.patients[0].id)
    assert again.attempts == 2
    assert again.next_attempt_at == clock.now() + timedelta(minutes=2)
    clock.advance(timedelta(minutes=2))
    assert reminders.send_outbox(uow, _mailer(inbox), clock).sent == 1
    assert len(inbox.messages) == 1


def test_retry_delays_double_up_to_six_hours() -> None:
    delays = [reminders.retry_delay(n) for n in (1, 2, 3, 10, 100)]
    assert delays == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=6),
        timedelta(hours=6),
    ]


def test_the_mailer_logs_in_when_told(inbox: Inbox) -> None:
    mailer = SmtpMailer(host="127.0.0.1", port=inbox.port, username=USER, password=SECRET)
    mailer.send(to_address="someone@example.org", subject="Hello", body="Words")
    # aiosmtpd holds a refused login without an answer; the short timeout ends it.
    wrong = SmtpMailer(host="127.0.0.1", port=inbox.port, username=USER, password="nope", timeout=2)
    with pytest.raises(OSError):
        wrong.send(to_address="someone@example.org", subject="Hello", body="Words")
    assert [m[1] for m in inbox.messages] == [["someone@example.org"]]


def test_the_mailer_comes_from_the_settings(inbox: Inbox) -> None:
    assert mailer_from_settings(Settings(dev_mode=True)) is None
    settings = Settings(
        dev_mode=True, smtp_host="127.0.0.1", smtp_port=inbox.port, smtp_from="a@b.example"
    )
    mailer = mailer_from_settings(settings)
    assert mailer == SmtpMailer(host="127.0.0.1", port=inbox.port, from_address="a@b.example")


def test_one_run_of_the_jobs_reminds_alerts_and_sends(
    database: Database,
    settings: Settings,
    setup: ClinicSetup,
    clock: FixedClock,
    inbox: Inbox,
) -> None:
    uow = database.unit_of_work()
    _remind(uow, setup, clock, 1, time(8, 0))
    worrying = CheckIn(day=TODAY, mood=2, stress=8, loneliness=8, craving=7, safety=Safety.THOUGHTS)
    checkins.record_checkin(uow, setup.patient_actor(0), setup.patients[0].id, worrying, clock)
    report = run_jobs_once(settings, uow, clock, _mailer(inbox))
    assert report.ok, report.errors
    assert report.reminders == 1
    assert report.sent is not None and report.sent.failed == 0
    recipients = sorted(r for _, rs, _ in inbox.messages for r in rs)
    # The reminder to patient 1 and the urgent alert's email to patient 0's clinician.
    assert setup.email("patient1") in recipients
    assert setup.email("clinician") in recipients
    assert report.sent.sent == len(inbox.messages)
    assert "reminders queued" in report.summary()

    # 20 minutes later nobody has acknowledged the urgent alert: it escalates.
    clock.advance(timedelta(minutes=20))
    later = run_jobs_once(settings, uow, clock, _mailer(inbox))
    assert later.ok and later.escalated == 1 and later.reminders == 0


def test_without_an_smtp_server_emails_wait_in_the_outbox(
    database: Database, settings: Settings, setup: ClinicSetup, clock: FixedClock
) -> None:
    uow = database.unit_of_work()
    _remind(uow, setup, clock, 0, time(8, 0))
    report = run_jobs_once(settings, uow, clock, None)
    assert (report.reminders, report.sent) == (1, None)
    assert "wait in the outbox" in report.summary()
    with uow:
        assert len(uow.monitoring.outbox_due(clock.now())) == 1


def test_the_loop_runs_in_the_background_until_stopped(
    database: Database, settings: Settings, setup: ClinicSetup, clock: FixedClock, inbox: Inbox
) -> None:
    _remind(database.unit_of_work(), setup, clock, 0, time(8, 0))
    reports: list[JobReport] = []
    ran = threading.Event()

    def seen(report: JobReport) -> None:
        reports.append(report)
        ran.set()

    loop = JobsLoop(
        settings, database, every=3600, clock=clock, mailer=_mailer(inbox), on_report=seen
    )
    loop.start()
    try:
        assert ran.wait(timeout=60), "the first run did not finish"
    finally:
        loop.stop()
    assert loop.stopped and loop.runs == 1
    assert reports[0].reminders == 1 and len(inbox.messages) == 1


def test_the_loop_in_the_foreground_stops_after_its_runs(
    database: Database, settings: Settings, setup: ClinicSetup, clock: FixedClock
) -> None:
    loop = JobsLoop(settings, database, every=0, clock=clock)
    loop.run_forever(max_runs=2)
    assert loop.runs == 2


class BrokenMailer:
    """A mailer with a fault of its own (not a network error)."""

    def send(self, *, to_address: str, subject: str, body: str) -> None:
        raise RuntimeError("the mail library is broken")


def test_a_failing_job_is_reported_and_the_others_still_run(
    database: Database, settings: Settings, setup: ClinicSetup, clock: FixedClock
) -> None:
    uow = database.unit_of_work()
    _remind(uow, setup, clock, 0, time(8, 0))
    report = run_jobs_once(settings, uow, clock, BrokenMailer())
    assert not report.ok
    assert report.reminders == 1
    assert report.errors == ("outbox: RuntimeError: the mail library is broken",)
    assert "failed: outbox" in report.summary()
    with uow:
        (kept,) = uow.monitoring.outbox_for_patient(setup.patients[0].id)
    assert kept.sent_at is None


def test_more_reminders_than_one_batch_are_all_queued(
    uow: SqlUnitOfWork, clock: FixedClock
) -> None:
    count = reminders.REMINDER_BATCH + 3
    big = make_clinic(uow, clock, name="Big Clinic", patients=count)
    for i in range(count):
        _remind(uow, big, clock, i, time(8, 0))
    last = big.patients[-1]
    checkin = CheckIn(day=TODAY, mood=5, stress=5, loneliness=5, craving=5)
    checkins.record_checkin(uow, big.patient_actor(count - 1), last.id, checkin, clock)
    assert reminders.queue_due_reminders(uow, clock) == count - 1
    with uow:
        assert uow.monitoring.outbox_for_patient(last.id) == []
