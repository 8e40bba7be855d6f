"""``attune db``: set up and upgrade the database schema."""

from __future__ import annotations

import typer

from attune.cli.serve import safe_url
from attune.cli.state import get_state

app = typer.Typer(
    help="Set up the database: run the schema migrations.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("upgrade")
def upgrade_command(ctx: typer.Context) -> None:
    """Create or upgrade the database schema to this version of Attune.

    Runs the Alembic migrations that ship with Attune against ATTUNE_DATABASE_URL (or the
    SQLite file attune.db in ATTUNE_DATA_DIR, created if missing). Safe to run again: a
    database that is already up to date is left as it is. Run it after installing or
    upgrading Attune, before `attune serve`.
    """
    from attune.db.migrate import current_revision, head_revision, upgrade

    settings = get_state(ctx).settings()
    before = current_revision(settings)
    upgrade(settings)
    head = head_revision()
    where = safe_url(settings)
    if before == head:
        typer.echo(f"{where} is already up to date (revision {head}).")
    else:
        was = "an empty database" if before is None else f"revision {before}"
        typer.echo(f"Upgraded {where} from {was} to revision {head}.")
