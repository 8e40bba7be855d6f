"""``attune user``: create staff logins from the command line."""

from __future__ import annotations

from enum import StrEnum

import typer

from attune.cli.serve import check_database_ready
from attune.cli.state import get_state
from attune.domain.errors import NotFound, ValidationError
from attune.services.auth import check_password_rules
from attune.services.clock import SYSTEM_CLOCK
from attune.services.ports import UnitOfWork
from attune.services.users import ClinicInfo, create_clinic, create_staff_user, list_clinics

app = typer.Typer(
    help="Create staff logins (admins and clinicians).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class StaffRole(StrEnum):
    admin = "admin"
    clinician = "clinician"


def _clinics_text(clinics: list[ClinicInfo]) -> str:
    return ", ".join(f"{c.id} '{c.name}'" for c in clinics)


def resolve_clinic(uow: UnitOfWork, clinic: str | None) -> tuple[ClinicInfo, bool]:
    """The clinic named by id or name; the first clinic is created if there is none.

    Returns the clinic and whether it was created just now.
    """
    clinics = list_clinics(uow)
    wanted = clinic.strip() if clinic is not None else None
    if not clinics:
        if not wanted:
            raise ValidationError(
                "there is no clinic yet: give --clinic NAME to create the first one",
                field="clinic",
            )
        if wanted.isdigit():
            raise NotFound(
                f"there is no clinic with id {wanted} (there are no clinics yet: give a "
                "name to create the first one)",
                field="clinic",
            )
        return create_clinic(uow, wanted, SYSTEM_CLOCK), True
    if not wanted:
        if len(clinics) == 1:
            return clinics[0], False
        raise ValidationError(
            f"there are {len(clinics)} clinics: say which with --clinic "
            f"(id or name): {_clinics_text(clinics)}",
            field="clinic",
        )
    for found in clinics:
        if (wanted.isdigit() and found.id == int(wanted)) or found.name.casefold() == (
            " ".join(wanted.split()).casefold()
        ):
            return found, False
    raise NotFound(
        f"there is no clinic '{wanted}' (clinics: {_clinics_text(clinics)})", field="clinic"
    )


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = typer.get_text_stream("stdin").readline()
        given = line.removesuffix("\n").removesuffix("\r")
        if not given:
            raise ValidationError("no password on standard input", field="password")
        return given
    typed: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return typed


@app.command("create")
def create_command(
    ctx: typer.Context,
    email: str = typer.Option(..., help="The login email address."),
    name: str = typer.Option(..., help="The person's name as colleagues see it."),
    role: StaffRole = typer.Option(..., help="admin (manages staff) or clinician."),
    clinic: str | None = typer.Option(
        None,
        help=(
            "Clinic id or name. Optional when there is one clinic; when there is none, "
            "the first clinic is created with this name."
        ),
    ),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from the first line of standard input instead of asking.",
    ),
) -> None:
    """Create an admin or clinician login.

    Asks for the password twice without showing it (or reads it from standard input with
    --password-stdin, for scripts). Passwords need at least 10 characters.
    """
    from attune.db import open_database

    settings = get_state(ctx).settings()
    check_database_ready(settings)
    password = read_password(password_stdin)
    check_password_rules(password)
    database = open_database(settings)
    try:
        uow = database.unit_of_work()
        target, created = resolve_clinic(uow, clinic)
        if created:
            typer.echo(f"Created clinic {target.id} '{target.name}'.")
        user = create_staff_user(
            uow,
            None,
            email=email,
            name=name,
            role=str(role),
            password=password,
            clinic_id=target.id,
            clock=SYSTEM_CLOCK,
        )
    finally:
        database.dispose()
    typer.echo(
        f"Created {user.role} {user.name} <{user.email}> (user {user.id}) "
        f"in clinic {target.id} '{target.name}'."
    )
