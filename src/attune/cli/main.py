"""The ``attune`` command: the Typer app and the one place errors become messages.

Every error Attune raises on purpose (a :class:`~attune.domain.errors.DomainError`), a file
that cannot be read, or a database that is not ready is caught here, in
:class:`AttuneGroup`, and printed as ``Error: <what is wrong>`` with a non-zero exit status:

* 1: the command could not do what was asked (bad input, unknown record, failed check);
* 2: the command line or the settings are wrong (click's usage errors, bad ``ATTUNE_*``).
"""

from __future__ import annotations

from typing import Any

import typer
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from typer.core import TyperGroup

from attune import __version__
from attune.cli import (
    audit,
    db,
    demo,
    instruments,
    jobs,
    serve,
    simulate,
    simulate_load,
    simulate_reports,
    user,
)
from attune.cli.score import score_command
from attune.cli.state import CliState, ConfigurationError
from attune.domain.errors import DomainError


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``Error: message`` on stderr; the caller raises the returned Exit."""
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


class AttuneGroup(TyperGroup):
    """The root group: turns expected failures into a clear message instead of a traceback."""

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except ConfigurationError as exc:
            raise fail(exc.message, 2) from None
        except DomainError as exc:
            raise fail(exc.message) from None
        except OSError as exc:
            raise fail(_describe_os_error(exc)) from None
        except OperationalError as exc:
            raise fail(_describe_operational_error(exc)) from None
        except SQLAlchemyError as exc:
            raise fail(f"database error: {exc.__class__.__name__}") from None


def _describe_os_error(exc: OSError) -> str:
    reason = exc.strerror or exc.__class__.__name__
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    return reason


def _describe_operational_error(exc: OperationalError) -> str:
    detail = str(exc.orig) if exc.orig is not None else exc.__class__.__name__
    if "no such table" in detail or "does not exist" in detail:
        return f"the database is not set up ({detail}): run `attune db upgrade` first"
    return f"cannot use the database: {detail}"


app = typer.Typer(
    cls=AttuneGroup,
    name="attune",
    help=(
        "Attune: measurement-based care for addiction clinics. "
        "Settings come from ATTUNE_* environment variables (see docs/settings.md)."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"attune {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    version: bool = typer.Option(
        False,
        "--version",
        callback=_print_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Attune: measurement-based care for addiction clinics."""
    ctx.obj = CliState()


app.add_typer(instruments.app, name="instruments")
app.command("score")(score_command)
app.command("demo")(demo.demo_command)
app.command("serve")(serve.serve_command)
app.add_typer(db.app, name="db")
app.add_typer(user.app, name="user")
app.add_typer(audit.app, name="audit")
app.add_typer(jobs.app, name="jobs")
simulate.app.command("calibrate")(simulate_reports.calibrate_command)
simulate.app.command("prove")(simulate_reports.prove_command)
simulate.app.command("load")(simulate_load.load_command)
app.add_typer(simulate.app, name="simulate")
