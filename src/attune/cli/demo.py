"""``attune demo``: build a demo clinic with months of history, then serve it.

The demo always uses its own SQLite file, ``demo.db`` in the data folder, and builds it
afresh on every run (a demo is only believable when its history ends today). It never
touches ``attune.db`` or the database named by ``ATTUNE_DATABASE_URL``.

The history comes from :mod:`attune.sim.demo_history` (synthetic, seeded) and is replayed
through the service functions with a clock set to each moment in turn, so the scores,
flags, schedules and the audit chain are made exactly as real ones would be.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from attune.cli.state import get_state
from attune.config import Settings
from attune.services import assignments, records, responses, users
from attune.services.actors import Actor, Role
from attune.services.clock import SYSTEM_CLOCK, Clock, FixedClock
from attune.services.ports import UnitOfWork
from attune.sim.demo_history import (
    INTAKE,
    RECURRING,
    DemoAcknowledgement,
    DemoHistory,
    DemoPatient,
    DemoResponse,
    generate,
)

#: Every demo login has this password (the demo is for a developer's own machine).
DEMO_PASSWORD = "attune-demo-password"
DEMO_FILE = "demo.db"
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class _Join:
    patient: DemoPatient

    @property
    def at(self) -> datetime:
        return self.patient.joined


@dataclass
class LoadedDemo:
    """What was created, for printing the logins and for tests."""

    history: DemoHistory
    clinic_id: int
    patient_ids: dict[str, int]
    responses: int
    open_flags: int


def demo_settings(base: Settings) -> Settings:
    """The demo's settings: development mode, and its own SQLite file in the data folder."""
    path = (base.data_dir / DEMO_FILE).as_posix()
    return base.model_copy(update={"dev_mode": True, "database_url": f"sqlite:///{path}"})


def remove_demo_database(data_dir: Path) -> None:
    """Delete the previous demo database (and SQLite's side files), if there is one."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        (data_dir / f"{DEMO_FILE}{suffix}").unlink(missing_ok=True)


class _Replay:
    """Plays the history through the services, one moment at a time."""

    def __init__(self, uow: UnitOfWork, history: DemoHistory, clock: FixedClock) -> None:
        self.uow = uow
        self.history = history
        self.clock = clock
        self.clinicians: list[Actor] = []
        self.patients: dict[str, tuple[int, Actor]] = {}
        self.assignment_ids: dict[tuple[str, str], int] = {}
        self.responses = 0

    def staff(self) -> int:
        uow, clock, history = self.uow, self.clock, self.history
        clinic = users.create_clinic(uow, history.clinic_name, clock)
        for person in (history.admin, *history.clinicians):
            info = users.create_staff_user(
                uow,
                None,
                email=person.email,
                name=person.name,
                role=person.role,
                password=DEMO_PASSWORD,
                clinic_id=clinic.id,
                clock=clock,
            )
            if info.role is Role.CLINICIAN:
                self.clinicians.append(Actor(info.id, clinic.id, info.role, info.name))
        return clinic.id

    def join(self, patient: DemoPatient) -> None:
        clinician = self.clinicians[patient.clinician]
        info = users.create_patient(
            self.uow,
            clinician,
            display_name=patient.display_name,
            email=patient.email,
            password=DEMO_PASSWORD,
            date_of_birth=patient.date_of_birth,
            sex=patient.sex,
            clock=self.clock,
        )
        assert info.user_id is not None
        actor = Actor(info.user_id, info.clinic_id, Role.PATIENT, info.display_name, info.id)
        self.patients[patient.key] = (info.id, actor)
        starts = patient.joined.date()
        plan = [(i, None) for i in INTAKE] + [(i, every) for i, every in RECURRING]
        for instrument_id, every_days in plan:
            if not any(
                isinstance(e, DemoResponse)
                and e.patient == patient.key
                and e.instrument_id == instrument_id
                for e in self.history.events
            ):
                continue
            assignment = assignments.assign_instrument(
                self.uow, clinician, info.id, instrument_id, every_days, starts, self.clock
            )
            self.assignment_ids[(patient.key, instrument_id)] = assignment.id

    def respond(self, event: DemoResponse) -> None:
        patient_id, actor = self.patients[event.patient]
        assignment_id = self.assignment_ids.get((event.patient, event.instrument_id))
        responses.submit_response(
            self.uow,
            actor,
            patient_id,
            event.instrument_id,
            event.answers,
            self.clock,
            assignment_id=assignment_id,
        )
        self.responses += 1

    def acknowledge(self, event: DemoAcknowledgement, patient: DemoPatient) -> None:
        patient_id, _ = self.patients[event.patient]
        clinician = self.clinicians[patient.clinician]
        record = records.patient_record(self.uow, clinician, patient_id, self.clock)
        for flag in record.open_flags:
            responses.acknowledge_flag(self.uow, clinician, flag.id, self.clock, note=event.note)


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
    replay_clock = FixedClock(history.starts)
    replay = _Replay(uow, history, replay_clock)
    clinic_id = replay.staff()
    by_key = {p.key: p for p in history.patients}
    timeline: list[_Join | DemoResponse | DemoAcknowledgement] = [
        _Join(p) for p in history.patients
    ]
    timeline += history.events
    timeline.sort(key=lambda e: (e.at, 0 if isinstance(e, _Join) else 1))
    task = progress.add_task("building the demo clinic", total=len(timeline)) if progress else None
    for event in timeline:
        replay_clock.set(event.at)
        if isinstance(event, _Join):
            replay.join(event.patient)
        elif isinstance(event, DemoResponse):
            replay.respond(event)
        else:
            replay.acknowledge(event, by_key[event.patient])
        if progress is not None and task is not None:
            progress.advance(task)
    replay_clock.set(now)
    open_flags = 0
    for key, (patient_id, _) in replay.patients.items():
        clinician = replay.clinicians[by_key[key].clinician]
        record = records.patient_record(uow, clinician, patient_id, replay_clock)
        open_flags += len(record.open_flags)
    return LoadedDemo(
        history=history,
        clinic_id=clinic_id,
        patient_ids={k: v[0] for k, v in replay.patients.items()},
        responses=replay.responses,
        open_flags=open_flags,
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
    steady or worsen, including at least one open suicidal-ideation flag. Everything is
    made through the same service functions the app uses, so scores, flags and the
    audit log are real. The demo uses its own SQLite file, demo.db in ATTUNE_DATA_DIR,
    rebuilt from scratch on every run; it never touches attune.db or
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

        run_server(settings)
