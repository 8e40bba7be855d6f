"""``attune jobs run`` and the jobs ``attune serve`` runs beside the app, sending a real
email to a local SMTP server (aiosmtpd) started by the test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import time
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from typer.testing import Result

from attune.db import open_database
from attune.services import reminders
from attune.services.clock import SYSTEM_CLOCK
from factories import ClinicSetup, make_clinic

Invoke = Callable[..., Result]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    def __init__(self) -> None:
        self.port = _free_port()
        self.messages: list[Message] = []
        self.arrived = threading.Event()

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.original_content or b""))
        self.arrived.set()
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


def _clinic_with_a_due_reminder(data_dir: Path) -> ClinicSetup:
    """A clinic whose patient 0 wants a reminder at midnight: due at any time of day."""
    database = open_database(f"sqlite:///{(data_dir / 'attune.db').as_posix()}")
    try:
        uow = database.unit_of_work()
        setup = make_clinic(uow, SYSTEM_CLOCK)
        reminders.set_reminder(
            uow,
            setup.patient_actor(0),
            setup.patients[0].id,
            enabled=True,
            at=time(0, 0),
            timezone=None,
            clock=SYSTEM_CLOCK,
        )
    finally:
        database.dispose()
    return setup


def test_jobs_run_once_queues_and_sends(
    run_attune: Invoke, tmp_path: Path, mailbox: Mailbox
) -> None:
    assert run_attune(["db", "upgrade"]).exit_code == 0
    setup = _clinic_with_a_due_reminder(tmp_path / "data")
    smtp = {"ATTUNE_SMTP_HOST": "127.0.0.1", "ATTUNE_SMTP_PORT": str(mailbox.port)}
    result = run_attune(["jobs", "run", "--once"], env=smtp)
    assert result.exit_code == 0, result.output
    assert "1 reminders queued, 1 emails sent, 0 failed" in result.stdout
    (message,) = mailbox.messages
    assert message["To"] == setup.email("patient0")
    again = run_attune(["jobs", "run"], env=smtp)
    assert again.exit_code == 0
    assert "0 reminders queued, 0 emails sent" in again.stdout


def test_jobs_without_smtp_keep_emails_in_the_outbox(run_attune: Invoke, tmp_path: Path) -> None:
    assert run_attune(["db", "upgrade"]).exit_code == 0
    _clinic_with_a_due_reminder(tmp_path / "data")
    result = run_attune(["jobs", "run", "--once"])
    assert result.exit_code == 0
    assert "ATTUNE_SMTP_HOST is not set" in result.stderr
    assert "1 reminders queued, no SMTP server set, emails wait in the outbox" in result.stdout


def test_jobs_refuse_once_with_every_and_an_unready_database(run_attune: Invoke) -> None:
    both = run_attune(["jobs", "run", "--once", "--every", "10"])
    assert both.exit_code == 2
    assert "either --once or --every" in both.output
    unready = run_attune(["jobs", "run"])
    assert unready.exit_code == 1
    assert "run `attune db upgrade` first" in unready.stderr


def test_serve_runs_the_jobs_in_the_background(
    run_attune: Invoke, tmp_path: Path, mailbox: Mailbox
) -> None:
    assert run_attune(["db", "upgrade"]).exit_code == 0
    setup = _clinic_with_a_due_reminder(tmp_path / "data")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update(
        {
            "ATTUNE_DATA_DIR": str(tmp_path / "data"),
            "ATTUNE_PORT": str(_free_port()),
            "ATTUNE_SECRET_KEY": "k" * 40,
            "ATTUNE_SMTP_HOST": "127.0.0.1",
            "ATTUNE_SMTP_PORT": str(mailbox.port),
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "attune.cli", "serve"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A safety net, not a timing assertion: the first run starts with the server.
        assert mailbox.arrived.wait(timeout=120), "no email arrived from the background jobs"
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert "background jobs every 60 s" in out
    assert [m["To"] for m in mailbox.messages] == [setup.email("patient0")]
