"""``attune jobs``: run the background jobs (reminders, the email outbox, alert
escalation, the relapse-risk scan) from the command line."""

from __future__ import annotations

import typer

from attune.cli.serve import check_database_ready
from attune.cli.state import get_state

app = typer.Typer(
    help="Background jobs: reminders, emails, alert escalation, the risk scan.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("run")
def run_command(
    ctx: typer.Context,
    once: bool = typer.Option(False, "--once", help="Run every job once and exit (the default)."),
    every: int | None = typer.Option(
        None,
        "--every",
        min=1,
        max=24 * 3600,
        metavar="SECONDS",
        help="Run every job now and then every SECONDS seconds until stopped with Ctrl+C.",
    ),
) -> None:
    """Run the background jobs once, or every SECONDS seconds.

    In order: the relapse-risk scan, escalation of alerts nobody acknowledged in time,
    today's check-in reminders, then sending the email outbox.

    `attune serve` already runs them every ATTUNE_JOBS_EVERY_SECONDS unless started with
    --no-jobs; use this command when the web app runs without them (for example several
    app processes and one jobs process). Emails go through ATTUNE_SMTP_HOST; without it
    they wait in the outbox. Prints what each run did; with --once, exits with status 1
    when a job failed (it is tried again on the next run).
    """
    from attune.db import open_database
    from attune.jobs.loop import JobsLoop
    from attune.jobs.runner import JobReport

    if once and every is not None:
        raise typer.BadParameter("give either --once or --every, not both", param_hint="--every")
    settings = get_state(ctx).settings()
    check_database_ready(settings)
    if not settings.smtp_host:
        typer.echo("ATTUNE_SMTP_HOST is not set: emails wait in the outbox.", err=True)
    database = open_database(settings)

    def show(report: JobReport) -> None:
        typer.echo(report.summary())

    loop = JobsLoop(settings, database, every=every, on_report=show)
    try:
        if every is None:
            if not loop.run_once().ok:
                raise typer.Exit(1)
            return
        typer.echo(f"Running the jobs every {every} seconds (Ctrl+C stops).")
        try:
            loop.run_forever()
        except KeyboardInterrupt:
            typer.echo("Stopped.")
    finally:
        database.dispose()
