"""``attune serve``: run the web app with uvicorn."""

from __future__ import annotations

import typer

from attune.cli.state import get_state
from attune.config import Settings
from attune.domain.errors import Conflict


def check_database_ready(settings: Settings) -> None:
    """Refuse to serve a database whose schema is missing or older than this version."""
    from attune.db.migrate import current_revision, head_revision

    current = current_revision(settings)
    if current != head_revision():
        state = "has no tables yet" if current is None else f"is at revision {current}"
        raise Conflict(
            f"the database ({safe_url(settings)}) {state}: run `attune db upgrade` first",
            field="database",
        )


def safe_url(settings: Settings) -> str:
    """The database URL without its password, fit to print."""
    from sqlalchemy.engine import make_url

    return make_url(settings.effective_database_url).render_as_string(hide_password=True)


def run_server(settings: Settings, *, jobs: bool = False) -> None:
    """Serve ``create_app(settings)`` on settings.host:settings.port until interrupted;
    with ``jobs``, run the background jobs in a thread beside it (stopped with it)."""
    import uvicorn

    from attune.db import open_database
    from attune.jobs.loop import JobsLoop
    from attune.web import create_app

    app = create_app(settings)
    database = open_database(settings) if jobs else None
    loop = JobsLoop(settings, database) if database is not None else None
    if loop is not None:
        loop.start()
    try:
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="info")
    finally:
        if loop is not None:
            loop.stop()
        if database is not None:
            database.dispose()


def serve_command(
    ctx: typer.Context,
    no_jobs: bool = typer.Option(
        False,
        "--no-jobs",
        help="Do not run the background jobs here (run `attune jobs run` elsewhere).",
    ),
) -> None:
    """Serve the clinic's web app: its pages and its JSON API.

    Listens on ATTUNE_HOST:ATTUNE_PORT (default http://127.0.0.1:8000). The database must
    be set up first with `attune db upgrade`. Outside development mode ATTUNE_SECRET_KEY
    must be set. Stop it with Ctrl+C.

    Also runs the background jobs every ATTUNE_JOBS_EVERY_SECONDS in a thread: check-in
    reminders, the email outbox (through ATTUNE_SMTP_HOST), alert escalation and the
    relapse-risk scan. With several app processes, start them with --no-jobs and run
    `attune jobs run --every N` once beside them (running the jobs twice is safe, but
    needless).
    """
    settings = get_state(ctx).settings()
    check_database_ready(settings)
    jobs = "" if no_jobs else f", background jobs every {settings.jobs_every_seconds} s"
    typer.echo(f"Serving Attune at http://{settings.host}:{settings.port}{jobs} (Ctrl+C stops it)")
    run_server(settings, jobs=not no_jobs)
