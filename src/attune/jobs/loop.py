"""Run the jobs again and again: in a background thread under ``attune serve``, or in the
foreground for ``attune jobs run --every N``.

Each run uses a fresh unit of work from the database; the wait between runs is on a
threading.Event, so :meth:`JobsLoop.stop` ends the loop at once instead of after a sleep.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from attune.config import Settings
from attune.db import Database
from attune.jobs.runner import JobReport, run_jobs_once
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports_monitoring import Mailer

log = logging.getLogger("attune.jobs")


class JobsLoop:
    """Runs :func:`run_jobs_once` every ``every`` seconds until stopped."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        every: float | None = None,
        clock: Clock = SYSTEM_CLOCK,
        mailer: Mailer | None = None,
        on_report: Callable[[JobReport], None] | None = None,
    ) -> None:
        self.settings = settings
        self.database = database
        self.every = float(every if every is not None else settings.jobs_every_seconds)
        self.clock = clock
        self.mailer = mailer
        self.on_report = on_report
        self.runs = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self) -> JobReport:
        report = run_jobs_once(self.settings, self.database.unit_of_work(), self.clock, self.mailer)
        self.runs += 1
        if report.ok:
            log.info("background jobs: %s", report.summary())
        else:
            log.warning("background jobs: %s", report.summary())
        if self.on_report is not None:
            self.on_report(report)
        return report

    def run_forever(self, max_runs: int | None = None) -> None:
        """Run now, then every ``every`` seconds, until :meth:`stop` (or ``max_runs``)."""
        while not self._stop.is_set():
            try:
                self.run_once()
            except Exception:  # the loop must outlive one bad run; it is logged in full
                log.exception("background jobs: a run failed")
            if max_runs is not None and self.runs >= max_runs:
                return
            self._stop.wait(self.every)

    def start(self) -> threading.Thread:
        """Run the loop in a daemon thread and return it."""
        thread = threading.Thread(target=self.run_forever, name="attune-jobs", daemon=True)
        self._thread = thread
        thread.start()
        return thread

    def stop(self, timeout: float | None = 30.0) -> None:
        """Ask the loop to end and wait for the current run to finish."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()
