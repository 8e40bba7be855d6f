"""The schema comes from the Alembic migrations, and they agree with the models."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from attune.config import Settings
from attune.db import Database, SqlUnitOfWork
from attune.db.engine import make_engine
from attune.db.migrate import alembic_config, current_revision, head_revision, is_up_to_date
from attune.db.migrate import upgrade as upgrade_db
from attune.db.models import Base
from attune.services.ports import GENESIS_HASH


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []


def test_database_is_at_the_newest_revision(db_url: str) -> None:
    assert current_revision(db_url) == head_revision()
    assert is_up_to_date(db_url)


def test_upgrade_twice_is_harmless(db_url: str) -> None:
    upgrade_db(db_url)
    assert current_revision(db_url) == head_revision()


def test_downgrade_to_nothing_and_back(db_url: str) -> None:
    config = alembic_config(db_url)
    command.downgrade(config, "base")
    assert current_revision(db_url) is None
    command.upgrade(config, "head")
    assert current_revision(db_url) == head_revision()


def test_upgrade_from_settings_creates_the_sqlite_file(tmp_path: Path) -> None:
    settings = Settings(dev_mode=True, data_dir=tmp_path / "new-folder")
    upgrade_db(settings)
    assert (tmp_path / "new-folder" / "attune.db").is_file()
    assert is_up_to_date(settings)


def test_migration_files_have_dated_names() -> None:
    folder = resources.files("attune.db") / "migrations" / "versions"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".py"))
    assert names, "no migrations found"
    for name in names:
        assert re.fullmatch(r"20\d\d_[01]\d_[0-3]\d_\d{4}_[a-z0-9_]+\.py", name), name


def test_the_chain_head_starts_at_genesis(uow: SqlUnitOfWork) -> None:
    with uow:
        head = uow.audit.head()
    assert (head.seq, head.hash) == (0, GENESIS_HASH)


def test_sqlite_connections_use_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{(tmp_path / 'p.db').as_posix()}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        engine.dispose()


def test_foreign_keys_are_enforced(database: Database) -> None:
    refused = pytest.raises(IntegrityError, match=r"(?i)foreign")
    with database.engine.connect() as connection, refused:
        connection.execute(
            text(
                "INSERT INTO patient (clinic_id, display_name, created_at) "
                "VALUES (999, 'Nobody', :at)"
            ),
            {"at": datetime(2026, 1, 1, tzinfo=UTC).replace(tzinfo=None)},
        )
        connection.commit()


def test_times_come_back_aware_and_in_utc(uow: SqlUnitOfWork) -> None:
    local = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone(timedelta(hours=-5)))
    with uow:
        clinic = uow.clinics.add(name="Time test", created_at=local)
        uow.commit()
    with uow:
        stored = uow.clinics.get(clinic.id)
    assert stored is not None
    assert stored.created_at == local
    assert stored.created_at.tzinfo == UTC
    assert stored.created_at.hour == 17


def test_naive_times_are_refused(uow: SqlUnitOfWork) -> None:
    with uow, pytest.raises(StatementError, match="naive"):
        uow.clinics.add(name="Naive", created_at=datetime(2026, 1, 1, 9, 0))
