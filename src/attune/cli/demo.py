"""``attune demo``: build a demo clinic with months of history, then serve it.

The demo always uses its own SQLite file, ``demo.db`` in the data folder, and builds it
afresh on every run (a demo is only believable when its history ends today). It never
touches ``attune.db`` or the database named by ``ATTUNE_DATABASE_URL``.

The history comes from :mod:`attune.sim.demo_history`, the care path (intakes, level of
care, cycles, plans) from :mod:`attune.sim.demo_care`, the KAP courses and ledger from
:mod:`attune.sim.demo_kap` and the daily check-ins from the cycle simulator through
:mod:`attune.sim.demo_checkins` (all synthetic and seeded). :mod:`attune.cli.demo_replay`
plays them through the service functions with a clock set to each moment in turn, so
the scores, flags, recommendations, schedules and the audit chain are made exactly as
real ones would be.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from attune.cli.demo_checkin_replay import CheckinReplay
from attune.cli.demo_replay import Replay, timeline
from attune.cli.state import get_state
from attune.config import Settings
from attune.services import records, relapse_scan
from attune.services.clock import SYSTEM_CLOCK, Clock, FixedClock
from attune.services.ports import UnitOfWork
from attune.sim.demo_care import DemoCare, generate_care
from attune.sim.demo_checkins import CheckinDone, DemoCheckins, SafetyHandled, generate_checkins
from attune.sim.demo_history import DemoHistory, generate
from attune.sim.demo_kap import DemoKap, generate_kap

#: Every demo login has this password (the demo is for a developer's own machine).
DEMO_PASSWORD = "attune-demo-password"
DEMO_FILE = "demo.db"
DEFAULT_SEED = 2026


@dataclass
class LoadedDemo:
    """What was created, for printing the logins and for tests."""

    history: DemoHistory
    care: DemoCare
    kap: DemoKap
    clinic_id: int
    patient_ids: dict[str, int]
    responses: int
    open_flags: int
    intakes: int = 0
    cycles: int = 0
    plans: int = 0
    courses: int = 0
    kap_sessions: int = 0
    ledger_entries: int = 0
    checkins: int = 0
    alerts_raised_today: int = 0
    simulated: DemoCheckins | None = None


def demo_settings(base: Settings) -> Settings:
    """The demo's settings: development mode, and its own SQLite file in the data folder."""
    path = (base.data_dir / DEMO_FILE).as_posix()
    return base.model_copy(update={"dev_mode": True, "database_url": f"sqlite:///{path}"})


def remove_demo_database(data_dir: Path) -> None:
    """Delete the previous demo database (and SQLite's side files), if there is one."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        (data_dir / f"{DEMO_FILE}{suffix}").unlink(missing_ok=True)


def load_demo(
    uow: UnitOfWork,
    *,
    seed: int = DEFAULT_SEED,
    patients: int = 30,
    clock: Clock = SYSTEM_CLOCK,
    progress: Progress | None = None,
) -> LoadedDemo:
    """Create the demo clinic and its history, up to ``clock.now()``, through the services."""
    now = clock.now()
    history = generate(seed, now, patients=patients)
    care = generate_care(seed, history, now)
    kap = generate_kap(seed, history, care, now)
    simulated = generate_checkins(seed, history, now, uow.clinic_timezone)
    replay_clock = FixedClock(history.starts)
    replay = Replay(uow, history, care, kap, replay_clock, DEMO_PASSWORD)
    checkin_replay = CheckinReplay(replay)
    clinic_id = replay.staff()
    events = timeline(history, care, kap) + list(simulated.events)
    events.sort(key=lambda e: (e.at, isinstance(e, (CheckinDone, SafetyHandled))))
    task = progress.add_task("building the demo clinic", total=len(events)) if progress else None
    for event in events:
        if isinstance(event, (CheckinDone, SafetyHandled)):
            checkin_replay.play(event)
        else:
            replay.play(event)
        if progress is not None and task is not None:
            progress.advance(task)
    replay_clock.set(now)
    # The background jobs' relapse-risk scan, as it would have run this morning.
    raised = relapse_scan.scan_relapse_risk(uow, replay_clock)
    open_flags = 0
    for key, (patient_id, _) in replay.patients.items():
        record = records.patient_record(uow, replay.clinician_of(key), patient_id, replay_clock)
        open_flags += len(record.open_flags)
    counts = replay.counts
    return LoadedDemo(
        history=history,
        care=care,
        kap=kap,
        clinic_id=clinic_id,
        patient_ids={k: v[0] for k, v in replay.patients.items()},
        responses=counts.responses,
        open_flags=open_flags,
        intakes=counts.intakes,
        cycles=counts.cycles,
        plans=len(counts.plans),
        courses=counts.courses,
        kap_sessions=counts.sessions,
        ledger_entries=counts.ledger_entries,
        checkins=checkin_replay.saved,
        alerts_raised_today=raised,
        simulated=simulated,
    )


def logins_text(demo: LoadedDemo, settings: Settings) -> str:
    history = demo.history
    url = f"http://{settings.host}:{settings.port}"
    staff = [history.admin, *history.clinicians]
    shown = [p for p in history.patients if p.course.value == "worsening"][:1]
    shown += [p for p in history.patients if p.course.value == "improving"][:1]
    width = max(len(email) for email in [*(p.email for p in staff), *(p.email for p in shown)]) + 2
    lines = [
        f"Demo clinic '{history.clinic_name}': {len(staff)} staff, "
        f"{len(history.patients)} patients, {demo.responses} responses, "
        f"{demo.open_flags} open flag(s).",
        f"Also: {demo.intakes} intakes, {demo.cycles} cycle versions, {demo.plans} plans, "
        f"{demo.courses} KAP courses ({demo.kap_sessions} dosing sessions), "
        f"{len(demo.kap.lots)} ledger lots.",
        f"{demo.checkins} daily check-ins from the cycle simulator (a model, not real people); "
        f"{demo.alerts_raised_today} relapse-risk or missed-check-in alert(s) from today's scan.",
        f"Database: {settings.data_dir / DEMO_FILE} (rebuilt on every `attune demo`).",
        "",
        f"Demo logins (every password is {DEMO_PASSWORD}):",
    ]
    for person in staff:
        lines.append(f"  {person.email:<{width}}{person.role:<11}{person.name}")
    for patient in shown:
        lines.append(
            f"  {patient.email:<{width}}{'patient':<11}{patient.display_name} "
            f"(on {history.clinicians[patient.clinician].name}'s caseload)"
        )
    lines += [
        "",
        "Running in development mode: no secret key is needed and cookies work over plain",
        "HTTP. The people and answers are synthetic. Never use demo mode for real patients.",
        "",
        f"Open {url} and log in.",
    ]
    return "\n".join(lines)


def demo_command(
    ctx: typer.Context,
    serve: bool = typer.Option(
        True, "--serve/--no-serve", help="Serve the demo clinic once it is built."
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Seed for the synthetic history."),
    patients: int = typer.Option(30, min=1, max=200, help="How many demo patients."),
) -> None:
    """Build a demo clinic with months of history and serve it.

    Creates a clinic with an admin, three clinicians and synthetic patients whose
    PHQ-9 and GAD-7 answers every 14 days (and intake questionnaires) improve, hold
    steady or worsen, including at least one open suicidal-ideation flag. Most patients
    have a submitted intake, a level-of-care recommendation (accepted, overridden with a
    rationale, or waiting for review; some with safety actions), and many a cycle and an
    agreed treatment plan. Four have ketamine-assisted psychotherapy courses in
    different phases (preparation; in office mid-course; at home with today's gate
    passed; Spravato with a REMS record to submit), and the controlled-substance ledger
    holds their lots, administrations, a witnessed waste and a count. Ninety days of
    daily check-ins come from the cycle simulator (with its missed days and a few safety
    answers, the older ones already handled), and this morning's relapse-risk scan has
    run, so the alert inbox and the insight pages have something to show. Everything is made
    through the same service functions the app uses, so scores, flags, recommendations
    and the audit log are real. The demo uses its own SQLite file, demo.db in
    ATTUNE_DATA_DIR, rebuilt from scratch on every run; it never touches attune.db or
    ATTUNE_DATABASE_URL. It runs in development mode, so no secret key is needed. Prints
    the demo logins, then serves http://ATTUNE_HOST:ATTUNE_PORT.
    """
    from attune.db import open_database
    from attune.db.migrate import upgrade

    base = get_state(ctx).settings(dev_mode=True)
    settings = demo_settings(base)
    if base.database_url:
        typer.echo("Note: the demo ignores ATTUNE_DATABASE_URL and uses its own SQLite file.")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    remove_demo_database(settings.data_dir)
    upgrade(settings)
    database = open_database(settings)
    try:
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=Console(file=sys.stderr),
            transient=True,
        ) as progress:
            demo = load_demo(
                database.unit_of_work(), seed=seed, patients=patients, progress=progress
            )
    finally:
        database.dispose()
    typer.echo(logins_text(demo, settings))
    if serve:
        from attune.cli.serve import run_server

        # The background jobs run beside it as under `attune serve`: reminders wait in the
        # outbox (the demo sets no SMTP server), alerts escalate, the risk scan runs.
        run_server(settings, jobs=True)
