"""``attune audit``: check the audit log."""

from __future__ import annotations

import typer

from attune.cli.serve import check_database_ready
from attune.cli.state import get_state

app = typer.Typer(
    help="Check the tamper-evident audit log.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Check that no audit event was changed, removed, inserted or reordered.

    Walks the hash chain from the first event to the last. Prints OK and the number of
    events checked, or names the first event that does not fit and exits with status 1.
    """
    from attune.db import open_database
    from attune.services.audit import verify_audit

    settings = get_state(ctx).settings()
    check_database_ready(settings)
    database = open_database(settings)
    try:
        result = verify_audit(database.unit_of_work())
    finally:
        database.dispose()
    if result.ok:
        typer.echo(f"OK: {result.checked} audit event(s) checked; the chain is intact.")
        return
    typer.echo(
        f"Error: the audit chain is broken at event {result.first_bad_seq}: {result.reason} "
        f"({result.checked} event(s) before it are intact).",
        err=True,
    )
    raise typer.Exit(1)
