"""``attune simulate load``: a simulated cohort written into a clinic database."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import typer

from attune.cli.serve import check_database_ready
from attune.cli.state import get_state
from attune.cli.user import read_password
from attune.services.auth import check_password_rules
from attune.services.clock import SYSTEM_CLOCK
from attune.sim.cycle import Schedule, default_parameters, draw_cohort, simulate
from attune.sim.cycle.arms import PRESETS, preset
from attune.sim.into_clinic import load_cohort, steps_in


def load_command(
    ctx: typer.Context,
    clinician_email: str = typer.Option(
        ..., "--clinician-email", help="Login of the clinician whose caseload they join."
    ),
    clinic: str = typer.Option(
        "Simulated cohort", "--clinic", help="Name of the new clinic the cohort goes into."
    ),
    patients: int = typer.Option(20, "--patients", min=1, max=500, help="How many patients."),
    days: int = typer.Option(90, "--days", min=1, max=730, help="Days, ending yesterday."),
    seed: int = typer.Option(2026, "--seed", help="Seed: the same seed gives the same patients."),
    arms: str = typer.Option(
        "therapy,kap",
        "--arms",
        help=f"Comma-separated arms, patients shared out in turn. Known: {', '.join(PRESETS)}.",
    ),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the clinician's password from standard input instead of asking.",
    ),
) -> None:
    """Simulate a cohort and put it into the clinic database (ATTUNE_DATABASE_URL).

    Creates a new clinic with one clinician and one patient per simulated person, then
    plays their days through the same services the app uses: daily check-ins at each
    evening (safety answers raise alerts), PHQ-9 and GAD-7 answers, and at the end one
    relapse-risk scan. The patients' logins have random passwords nobody is told: the
    people are made up by a model and are not real.
    """
    from attune.cli.simulate import progress_bar
    from attune.db import open_database

    settings = get_state(ctx).settings()
    check_database_ready(settings)
    password = read_password(password_stdin)
    check_password_rules(password)
    chosen = [preset(name.strip()) for name in arms.split(",") if name.strip()]
    if not chosen:
        raise typer.BadParameter("name at least one arm", param_hint="--arms")
    now = SYSTEM_CLOCK.now()
    params = default_parameters()
    cohort = draw_cohort(patients, params, seed)
    schedule = Schedule.from_arms(chosen, np.arange(patients) % len(chosen), days)
    database = open_database(settings)
    try:
        uow = database.unit_of_work()
        start = (now.astimezone(uow.clinic_timezone) - timedelta(days=days)).date()
        result = simulate(params, cohort, schedule, days, seed, start=start, keep_latent=False)
        with progress_bar() as progress:
            task = progress.add_task("loading through the services", total=steps_in(result))
            loaded = load_cohort(
                uow,
                result,
                clinic_name=clinic,
                clinician_email=clinician_email,
                clinician_password=password,
                now=now,
                advance=lambda k: progress.advance(task, k),
            )
    finally:
        database.dispose()
    typer.echo(
        f"Clinic {loaded.clinic_id} '{clinic}': {len(loaded.patient_ids)} simulated patients, "
        f"{loaded.checkins} check-ins, {loaded.responses} questionnaires, "
        f"{loaded.alerts_from_scan} alert(s) from the relapse-risk scan. "
        f"Log in as {loaded.clinician_email}. (A model, not real people.)"
    )
