"""``attune db upgrade``, ``attune user create`` and ``attune audit verify`` on real databases."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from typer.testing import Result

from attune.db import open_database
from attune.db.migrate import head_revision, is_up_to_date
from attune.services.auth import MIN_PASSWORD_LENGTH, log_in
from attune.services.clock import SYSTEM_CLOCK
from attune.services.users import list_clinics

Invoke = Callable[..., Result]
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PASSWORD = "a long enough password"


@pytest.mark.parametrize("empty_db_url", BACKENDS, indirect=True)
def test_db_upgrade_builds_the_schema_and_is_safe_to_repeat(
    run_attune: Invoke, empty_db_url: str
) -> None:
    env = {"ATTUNE_DATABASE_URL": empty_db_url}
    first = run_attune(["db", "upgrade"], env=env)
    assert first.exit_code == 0, first.output
    assert f"from an empty database to revision {head_revision()}" in first.stdout
    assert is_up_to_date(empty_db_url)
    again = run_attune(["db", "upgrade"], env=env)
    assert again.exit_code == 0, again.output
    assert "already up to date" in again.stdout


@pytest.mark.parametrize("empty_db_url", BACKENDS, indirect=True)
def test_commands_refuse_a_database_without_tables(run_attune: Invoke, empty_db_url: str) -> None:
    env = {"ATTUNE_DATABASE_URL": empty_db_url}
    for args, stdin in (
        (["audit", "verify"], None),
        (["serve"], None),
        (["user", "create", "--email", "a@x.org", "--name", "A", "--role", "admin"], None),
    ):
        result = run_attune(args, input=stdin, env=env)
        assert result.exit_code == 1, (args, result.output)
        assert "has no tables yet: run `attune db upgrade` first" in result.stderr
        assert "Traceback" not in result.output


def test_db_upgrade_uses_the_sqlite_file_in_the_data_dir(
    run_attune: Invoke, tmp_path: Path
) -> None:
    result = run_attune(["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "attune.db").is_file()


def create(run_attune: Invoke, env: dict[str, str], *args: str, password: str = PASSWORD) -> Result:
    return run_attune(["user", "create", "--password-stdin", *args], input=password + "\n", env=env)


def test_user_create_makes_the_first_clinic_and_a_working_login(
    run_attune: Invoke, db_url: str
) -> None:
    env = {"ATTUNE_DATABASE_URL": db_url}
    no_clinic = create(run_attune, env, "--email", "a@x.org", "--name", "Ann", "--role", "admin")
    assert no_clinic.exit_code == 1
    assert "there is no clinic yet: give --clinic NAME" in no_clinic.stderr

    first = create(
        run_attune, env, "--email", "Ann@X.org", "--name", "Ann Lee", "--role", "admin",
        "--clinic", "Harbour Light",
    )  # fmt: skip
    assert first.exit_code == 0, first.output
    assert "Created clinic 1 'Harbour Light'." in first.stdout
    assert "Created admin Ann Lee <ann@x.org> (user 1) in clinic 1 'Harbour Light'." in first.stdout

    # with one clinic, --clinic may be left out; the name matches without regard to case
    second = create(run_attune, env, "--email", "b@x.org", "--name", "Bo", "--role", "clinician")
    assert second.exit_code == 0, second.output
    third = create(
        run_attune, env, "--email", "c@x.org", "--name", "Cy", "--role", "clinician",
        "--clinic", "harbour light",
    )  # fmt: skip
    assert third.exit_code == 0, third.output

    database = open_database(db_url)
    try:
        assert [c.name for c in list_clinics(database.unit_of_work())] == ["Harbour Light"]
        login = log_in(database.unit_of_work(), "ann@x.org", PASSWORD, SYSTEM_CLOCK, 1)
        assert login.actor.role == "admin"
    finally:
        database.dispose()


def test_user_create_reports_bad_input_clearly(run_attune: Invoke, db_url: str) -> None:
    env = {"ATTUNE_DATABASE_URL": db_url}
    base = ["--name", "Ann", "--role", "admin", "--clinic", "Harbour"]
    assert create(run_attune, env, "--email", "a@x.org", *base).exit_code == 0
    cases = [
        (["--email", "a@x.org", *base], PASSWORD, "There is already a user with the email a@x.org"),
        (["--email", "not-an-email", *base], PASSWORD, "does not look like an email address"),
        (["--email", "b@x.org", *base], "short", f"at least {MIN_PASSWORD_LENGTH} characters"),
        (["--email", "b@x.org", *base[:-1], "7"], PASSWORD, "there is no clinic '7'"),
        (["--email", "b@x.org", *base], "", "no password on standard input"),
    ]
    for args, password, message in cases:
        result = create(run_attune, env, *args, password=password)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.output
    wrong_role = create(run_attune, env, "--email", "p@x.org", "--name", "P", "--role", "patient")
    assert wrong_role.exit_code == 2
    assert "'patient' is not one of 'admin', 'clinician'" in wrong_role.stderr


def test_user_create_asks_for_the_password_twice(run_attune: Invoke, db_url: str) -> None:
    env = {"ATTUNE_DATABASE_URL": db_url}
    args = ["user", "create", "--email", "a@x.org", "--name", "A", "--role", "admin"]
    args += ["--clinic", "Harbour"]
    typed = run_attune(args, input=f"{PASSWORD}\n{PASSWORD}\n", env=env)
    assert typed.exit_code == 0, typed.output
    assert PASSWORD not in typed.output  # hidden while typed
    assert "Repeat for confirmation" in typed.output
    mismatch = run_attune(
        [*args[:3], "b@x.org", *args[4:]], input=f"{PASSWORD}\nsomething else\n", env=env
    )
    assert mismatch.exit_code != 0
    assert "do not match" in mismatch.output


def test_several_clinics_need_a_choice(run_attune: Invoke, db_url: str) -> None:
    from attune.services.users import create_clinic

    env = {"ATTUNE_DATABASE_URL": db_url}
    database = open_database(db_url)
    try:
        create_clinic(database.unit_of_work(), "North", SYSTEM_CLOCK)
        create_clinic(database.unit_of_work(), "South", SYSTEM_CLOCK)
    finally:
        database.dispose()
    result = create(run_attune, env, "--email", "a@x.org", "--name", "A", "--role", "admin")
    assert result.exit_code == 1
    assert "there are 2 clinics: say which with --clinic (id or name): 1 'North', 2 'South'" in (
        result.stderr
    )
    by_id = create(
        run_attune, env, "--email", "a@x.org", "--name", "A", "--role", "admin", "--clinic", "2"
    )
    assert by_id.exit_code == 0 and "in clinic 2 'South'" in by_id.stdout


def _tamper(db_url: str, backend: str) -> None:
    """What someone with write access to the database could do behind Attune's back."""
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as conn:
            if backend == "sqlite":
                conn.exec_driver_sql("DROP TRIGGER audit_event_no_update")
            else:
                conn.exec_driver_sql("ALTER TABLE audit_event DISABLE TRIGGER USER")
            conn.exec_driver_sql("UPDATE audit_event SET detail = 'nothing to see' WHERE seq = 2")
    finally:
        engine.dispose()


def test_audit_verify_reports_ok_then_names_the_edited_event(
    run_attune: Invoke, db_url: str, backend: str
) -> None:
    env = {"ATTUNE_DATABASE_URL": db_url}
    for n in range(3):
        result = create(
            run_attune, env, "--email", f"u{n}@x.org", "--name", f"U{n}", "--role", "admin",
            "--clinic", "Harbour",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    ok = run_attune(["audit", "verify"], env=env)
    assert ok.exit_code == 0, ok.output
    assert ok.stdout.strip() == "OK: 4 audit event(s) checked; the chain is intact."

    _tamper(db_url, backend)
    bad = run_attune(["audit", "verify"], env=env)
    assert bad.exit_code == 1
    assert bad.stderr.startswith("Error: the audit chain is broken at event 2: ")
    assert "changed after it was written" in bad.stderr
    assert "(1 event(s) before it are intact)" in bad.stderr
