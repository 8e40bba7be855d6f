"""``attune simulate load`` puts a simulated cohort into a clinic database through the
services: check-ins, questionnaires, alerts and an intact audit chain."""

from __future__ import annotations

from collections.abc import Callable

from typer.testing import Result

from attune.db import open_database
from attune.services import insight
from attune.services.audit import verify_audit
from attune.services.auth import log_in
from attune.services.clock import SYSTEM_CLOCK
from attune.services.records import caseload, patient_record

Invoke = Callable[..., Result]
PASSWORD = "simulated-clinician-pw"


def test_load_puts_a_simulated_cohort_into_the_clinic(run_attune: Invoke, db_url: str) -> None:
    env = {"ATTUNE_DATABASE_URL": db_url}
    args = ["simulate", "load", "--clinician-email", "sim@clinic.example.org"]
    args += ["--patients", "4", "--days", "40", "--seed", "11", "--password-stdin"]
    result = run_attune(args, input=PASSWORD + "\n", env=env)
    assert result.exit_code == 0, result.output
    assert "4 simulated patients" in result.stdout and "not real people" in result.stdout

    database = open_database(db_url)
    try:
        actor = log_in(
            database.unit_of_work(), "sim@clinic.example.org", PASSWORD, SYSTEM_CLOCK, 1
        ).actor
        rows = caseload(database.unit_of_work(), actor, SYSTEM_CLOCK)
        assert len(rows) == 4
        views = [
            insight.patient_insight(database.unit_of_work(), actor, r.patient_id, SYSTEM_CLOCK)
            for r in rows
        ]
        # About three days in four are checked in (engagement-dependent), never a future day.
        counts = [len(v.checkins) for v in views]
        assert all(10 <= c <= 40 for c in counts), counts
        assert all(c.checkin.day < v.today for v in views for c in v.checkins)
        records = [
            patient_record(database.unit_of_work(), actor, r.patient_id, SYSTEM_CLOCK) for r in rows
        ]
        assert sum(len(r.responses) for r in records) > 0
        assert verify_audit(database.unit_of_work()).ok
    finally:
        database.dispose()

    # The same seed into a second clinic gives the same check-ins.
    second = ["simulate", "load", "--clinician-email", "sim2@clinic.example.org"]
    second += [*args[4:-1], "--clinic", "Second cohort", "--password-stdin"]
    again = run_attune(second, input=PASSWORD + "\n", env=env)
    assert again.exit_code == 0, again.output
    assert _counts(result.stdout) == _counts(again.stdout)


def test_load_refuses_a_short_password(run_attune: Invoke, db_url: str) -> None:
    args = ["simulate", "load", "--clinician-email", "s@x.org", "--password-stdin"]
    result = run_attune(args, input="short\n", env={"ATTUNE_DATABASE_URL": db_url})
    assert result.exit_code == 1
    assert "password" in result.stderr.lower() and "Traceback" not in result.output


def _counts(out: str) -> str:
    return out.split(":", 1)[1].split("alert(s)")[0]
