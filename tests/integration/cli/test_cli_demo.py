"""``attune demo`` builds a believable clinic through the services, and ``make run`` serves it:
questionnaires, the care path (intakes, level of care, cycles, plans), KAP courses and
the controlled-substance ledger."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
from typer.testing import Result

from attune.cli.demo import DEMO_PASSWORD
from attune.db import Database, open_database
from attune.domain.kap.course_model import Phase
from attune.services import (
    alerts,
    formulation,
    insight,
    intake,
    kap_course,
    kap_sessions,
    ledger,
    levelofcare,
)
from attune.services import plans as plan_service
from attune.services.actors import Actor
from attune.services.audit import verify_audit
from attune.services.auth import log_in
from attune.services.clock import SYSTEM_CLOCK
from attune.services.ledger_reports import overview
from attune.services.levelofcare import RecommendationStatus
from attune.services.records import caseload, patient_record

Invoke = Callable[..., Result]


def _logins(output: str) -> dict[str, str]:
    """email -> role, from the printed login table."""
    found = re.findall(r"^  (\S+@\S+)\s+(admin|clinician|patient)\s", output, re.MULTILINE)
    return dict(found)


def test_demo_builds_the_clinic_and_prints_working_logins(
    run_attune: Invoke, tmp_path: Path
) -> None:
    result = run_attune(["demo", "--no-serve", "--patients", "12"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "12 patients" in out and "open flag(s)" in out
    assert re.search(r"Also: \d+ intakes, \d+ cycle versions, \d+ plans, 4 KAP courses", out)
    assert "3 ledger lots" in out
    assert re.search(r"\d+ daily check-ins from the cycle simulator \(a model", out)
    assert f"every password is {DEMO_PASSWORD}" in out
    assert "development mode: no secret key is needed" in out
    assert "http://127.0.0.1:8000" in out
    logins = _logins(out)
    assert sorted(logins.values()).count("clinician") == 3
    assert "admin" in logins.values() and "patient" in logins.values()

    db_path = tmp_path / "data" / "demo.db"
    assert db_path.is_file()
    assert not (tmp_path / "data" / "attune.db").exists()
    database = open_database(f"sqlite:///{db_path.as_posix()}")
    try:
        for email in logins:
            log_in(database.unit_of_work(), email, DEMO_PASSWORD, SYSTEM_CLOCK, 1)
        admin_email = next(e for e, role in logins.items() if role == "admin")
        admin = log_in(database.unit_of_work(), admin_email, DEMO_PASSWORD, SYSTEM_CLOCK, 1).actor
        rows = caseload(database.unit_of_work(), admin, SYSTEM_CLOCK)
        assert len(rows) == 12
        open_flags = [f for row in rows for f in row.open_flags]
        assert any(f.kind == "suicidal_ideation" for f in open_flags)
        assert f"{len(open_flags)} open flag(s)" in out
        record = patient_record(database.unit_of_work(), admin, rows[0].patient_id, SYSTEM_CLOCK)
        phq9 = next(s for s in record.series if s.instrument_id == "phq9")
        assert len(phq9.points) >= 3  # months of fortnightly history
        ids = {r.instrument_id for r in record.responses}
        assert {"phq9", "gad7", "ecrr"} <= ids
        assert ids & {"audit", "dast10", "pgsi", "igds9sf", "bsmas", "bwas"}
        verification = verify_audit(database.unit_of_work())
        assert verification.ok and verification.checked > 100
        _the_care_path_is_there(database, admin, [row.patient_id for row in rows])
        _kap_and_the_ledger_are_there(database, admin, [row.patient_id for row in rows])
        _checkins_and_alerts_are_there(database, admin, [row.patient_id for row in rows])
    finally:
        database.dispose()
    verified = run_attune(
        ["audit", "verify"], env={"ATTUNE_DATABASE_URL": f"sqlite:///{db_path.as_posix()}"}
    )
    assert verified.exit_code == 0, verified.output
    assert "the chain is intact" in verified.stdout

    # Fresh every time: a second run rebuilds the same clinic instead of failing on it.
    again = run_attune(["demo", "--no-serve", "--patients", "12"])
    assert again.exit_code == 0, again.output
    assert _logins(again.stdout) == logins


def _the_care_path_is_there(database: Database, admin: Actor, patients: list[int]) -> None:
    """Intakes (most submitted, one open), recommendations (accepted, overridden and
    waiting, one with a safety action), cycles and agreed plans."""
    uow = database.unit_of_work
    intakes = [intake.current_intake(uow(), admin, p, SYSTEM_CLOCK) for p in patients]
    submitted = [i for i in intakes if i is not None and not i.open]
    assert len(submitted) >= len(patients) // 2
    assert any(i is not None and i.open for i in intakes)
    assert all(i.battery and all(b.status != "not_assigned" for b in i.battery) for i in submitted)
    views = [levelofcare.level_of_care(uow(), admin, i.patient_id, SYSTEM_CLOCK) for i in submitted]
    history = [r for v in views for r in v.history]
    statuses = {r.status for r in history}
    assert {RecommendationStatus.ACCEPTED, RecommendationStatus.OVERRIDDEN} <= statuses
    assert any(v.needs_review for v in views)
    assert any(r.recommendation.safety_actions for r in history)
    assert all(r.rationale for r in history if r.status is RecommendationStatus.OVERRIDDEN)
    cycles = [formulation.formulation_history(uow(), admin, p, SYSTEM_CLOCK) for p in patients]
    assert any(cycles)
    plans = [plan_service.current_plan(uow(), admin, p, SYSTEM_CLOCK) for p in patients]
    agreed = [p for p in plans if p is not None and p.agreed]
    assert agreed and all(p.plan.goals and p.plan.level_of_care for p in agreed)


def _kap_and_the_ledger_are_there(database: Database, admin: Actor, patients: list[int]) -> None:
    """Four courses in different phases with signed sessions, a warning, a REMS record
    waiting; ledger lots with administrations, a witnessed waste and a count."""
    uow = database.unit_of_work
    courses = [kap_course.course_view(uow(), admin, p, SYSTEM_CLOCK) for p in patients]
    found = [c for c in courses if c is not None]
    assert len(found) == 4
    assert {c.phase for c in found} == {Phase.PREPARATION, Phase.DOSING}
    assert {c.program.id for c in found} == {"in_office", "at_home", "spravato_in_office"}
    sessions = [s for c in found for s in c.sessions]
    assert any(s.status == "signed" for s in sessions)
    assert sum(s.warnings for s in sessions) >= 1
    assert kap_sessions.unsubmitted_rems(uow(), admin, SYSTEM_CLOCK)
    entries = [
        e
        for lot in ledger.lots(uow(), admin)
        for e in ledger.lot_history(uow(), admin, lot.id, SYSTEM_CLOCK).entries
    ]
    kinds = [e.kind.value for e in entries]
    assert kinds.count("receipt") == 3 and kinds.count("waste") == 1
    assert kinds.count("administration") == sum(1 for s in sessions if s.kind == "in_office")
    assert all(e.witness for e in entries if e.kind.value == "waste")
    books = overview(uow(), admin)
    counted = books.last_count
    assert counted is not None and all(line.status.value == "matches" for line in counted.lines)
    assert len(books.inventories) == 1


def test_demo_never_touches_the_configured_database(run_attune: Invoke, tmp_path: Path) -> None:
    real = tmp_path / "real.db"
    result = run_attune(
        ["demo", "--no-serve", "--patients", "4"],
        env={"ATTUNE_DATABASE_URL": f"sqlite:///{real.as_posix()}"},
    )
    assert result.exit_code == 0, result.output
    assert "the demo ignores ATTUNE_DATABASE_URL" in result.stdout
    assert not real.exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_demo_serves_the_clinic(tmp_path: Path) -> None:
    """What `make run` does: build the demo, print the logins, answer on HTTP."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATTUNE_")}
    env.update({"ATTUNE_DATA_DIR": str(tmp_path / "data"), "ATTUNE_PORT": str(port)})
    command = [sys.executable, "-m", "attune.cli", "demo", "--patients", "4"]
    proc = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    watchdog = threading.Timer(120, proc.kill)  # a safety net, not a timing assertion
    watchdog.start()
    try:
        assert proc.stderr is not None and proc.stdout is not None
        seen = []
        for line in proc.stderr:
            seen.append(line)
            if "Application startup complete" in line:
                break
        else:
            raise AssertionError("the server did not start:\n" + "".join(seen))
        page = httpx.get(f"http://127.0.0.1:{port}/login", timeout=10)
        assert page.status_code == 200
        assert "<form" in page.text
    finally:
        watchdog.cancel()
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"every password is {DEMO_PASSWORD}" in out
    assert f"Open http://127.0.0.1:{port} and log in." in out


def _checkins_and_alerts_are_there(database: Database, admin: Actor, patients: list[int]) -> None:
    """Months of simulated check-ins with their missed days; enough for the insight
    engine on most patients; old safety alerts handled, and an inbox to work through."""
    from attune.services.ports_monitoring import AlertKind, AlertStatus

    uow = database.unit_of_work
    views = [insight.patient_insight(uow(), admin, p, SYSTEM_CLOCK) for p in patients]
    counts = [len(v.checkins) for v in views]
    assert all(counts), counts
    assert sum(1 for v in views if v.insight.enough_data) >= len(patients) // 2
    assert any(v.missed_days for v in views)  # engagement-dependent missing days
    assert all(v.risk is not None for v in views)  # staff see the risk with its reasons
    every = [a for v in views for a in v.alerts]
    safety = [a for a in every if a.kind is AlertKind.SAFETY]
    now = SYSTEM_CLOCK.now()
    old = [a for a in safety if a.source == "checkin" and now - a.raised_at > timedelta(days=3)]
    assert all(a.status is AlertStatus.RESOLVED and a.note for a in old)
    inbox = alerts.alert_inbox(uow(), admin, SYSTEM_CLOCK)
    assert [a.id for a in inbox] == [a.id for a in sorted(inbox, key=alerts.urgency_key)] and all(
        a.status is not AlertStatus.RESOLVED for a in inbox
    )
