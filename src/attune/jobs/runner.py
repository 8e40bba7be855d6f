"""Run every background job once, each on its own, and say what each did.

The order: the relapse-risk scan (it may raise alerts), escalation of alerts nobody
acknowledged in time (it queues emails to staff), today's check-in reminders (queued),
then the outbox is sent. A job that fails is reported and the others still run; its
work is tried again on the next run (every job is safe to repeat).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from attune.config import Settings
from attune.jobs.mailer import mailer_from_settings
from attune.services.alerts import escalate_overdue
from attune.services.clock import Clock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import Mailer
from attune.services.relapse_scan import scan_relapse_risk
from attune.services.reminders import SendReport, queue_due_reminders, send_outbox

log = logging.getLogger("attune.jobs")


@dataclass(frozen=True)
class JobReport:
    """What one run did. ``sent`` is None when no SMTP server is set (nothing was sent)."""

    risk_alerts: int
    escalated: int
    reminders: int
    sent: SendReport | None
    #: "job: what went wrong", for each job that failed this run.
    errors: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        sent = (
            "no SMTP server set, emails wait in the outbox"
            if self.sent is None
            else f"{self.sent.sent} emails sent, {self.sent.failed} failed (will retry)"
        )
        line = (
            f"{self.risk_alerts} relapse-risk alerts, {self.escalated} alerts escalated, "
            f"{self.reminders} reminders queued, {sent}"
        )
        if self.errors:
            line += "; failed: " + "; ".join(self.errors)
        return line


T = TypeVar("T")


def _run(name: str, job: Callable[[], T], default: T, errors: list[str]) -> T:
    try:
        return job()
    except Exception as exc:  # one job's failure must not stop the others; logged in full
        log.exception("background job %s failed", name)
        errors.append(f"{name}: {type(exc).__name__}: {exc}")
        return default


def run_jobs_once(
    settings: Settings, uow: UnitOfWork, clock: Clock, mailer: Mailer | None
) -> JobReport:
    """Run every job once (see the module docstring).

    ``mailer`` None: the SMTP server the settings name, if any; with none, nothing is sent
    and emails wait in the outbox. The unit of work carries the clinic's time zone and
    relapse-risk settings.
    """
    if mailer is None:
        mailer = mailer_from_settings(settings)
    errors: list[str] = []
    risk = _run("relapse-risk scan", lambda: scan_relapse_risk(uow, clock), 0, errors)
    escalated = _run("escalation", lambda: escalate_overdue(uow, clock), 0, errors)
    reminders = _run("reminders", lambda: queue_due_reminders(uow, clock), 0, errors)
    sent: SendReport | None = None
    if mailer is not None:
        sent = _run("outbox", lambda: send_outbox(uow, mailer, clock), SendReport(0, 0, 0), errors)
    return JobReport(risk, escalated, reminders, sent, tuple(errors))
