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


def run_server(settings: Settings) -> None:
    """Serve ``create_app(settings)`` on settings.host:settings.port until interrupted."""
    import uvicorn

    from attune.web import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
    )


def serve_command(ctx: typer.Context) -> None:
    """Serve the clinic's web app: its pages and its JSON API.

    Listens on ATTUNE_HOST:ATTUNE_PORT (default http://127.0.0.1:8000). The database must
    be set up first with `attune db upgrade`. Outside development mode ATTUNE_SECRET_KEY
    must be set. Stop it with Ctrl+C.
    """
    settings = get_state(ctx).settings()
    check_database_ready(settings)
    typer.echo(f"Serving Attune at http://{settings.host}:{settings.port} (Ctrl+C stops it)")
    run_server(settings)
