"""Shared fixtures: one test suite on both SQLite and PostgreSQL.

``db_url`` is parametrised over ``sqlite`` and ``postgresql``; every fixture built on it
(``database``, ``uow``, ``settings``, ``setup``) therefore runs each test twice. Each test
gets a fresh database whose schema was built by the Alembic migrations:

* SQLite: the migrations run once per session into a template file, copied per test.
* PostgreSQL (``ATTUNE_TEST_POSTGRES_URL``, default
  ``postgresql+psycopg://postgres@127.0.0.1:5432/test``): the migrations run once per
  session into a uniquely named template database; each test gets its own database made
  from it (``CREATE DATABASE … TEMPLATE``), dropped afterwards, so concurrent runs never
  collide. Without a reachable server these tests skip with the reason, except when
  ``CI=true``, where they fail.
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from attune.config import Settings
from attune.db import Database, SqlUnitOfWork, open_database
from attune.db.migrate import upgrade
from attune.services.clock import FixedClock
from factories import T0, ClinicSetup, make_clinic

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@dataclass
class PostgresServer:
    """A reachable server and the migrated template database of this test session."""

    admin_dsn: str
    sqlalchemy_url: str
    template: str
    counter: itertools.count[int]

    def url_for(self, database: str) -> str:
        return (
            make_url(self.sqlalchemy_url)
            .set(database=database)
            .render_as_string(hide_password=False)
        )

    def execute(self, statement: sql.Composable) -> None:
        with psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=5) as conn:
            conn.execute(statement)

    def create_database(self) -> str:
        name = f"{self.template.removesuffix('_tpl')}_{next(self.counter)}"
        self.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.template)
            )
        )
        return name

    def drop_database(self, name: str) -> None:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        self.execute(drop.format(sql.Identifier(name)))


def _libpq_dsn(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    url = os.environ.get("ATTUNE_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
    dsn = _libpq_dsn(url)
    try:
        with psycopg.connect(dsn, autocommit=True, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        reason = f"no PostgreSQL server answers at {make_url(url).render_as_string()}: {exc}"
        if _in_ci():
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)
    template = f"attune_t{uuid.uuid4().hex[:12]}_tpl"
    server = PostgresServer(dsn, url, template, itertools.count(1))
    server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(template)))
    try:
        upgrade(server.url_for(template))
        yield server
    finally:
        server.drop_database(template)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite-template") / "attune.db"
    upgrade(f"sqlite:///{path.as_posix()}")
    return path


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, migrated database (SQLite or PostgreSQL)."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "attune.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path.as_posix()}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url_for(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def backend(db_url: str) -> str:
    """'sqlite' or 'postgresql'."""
    return make_url(db_url).get_backend_name()


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = open_database(db_url)
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def uow(database: Database) -> SqlUnitOfWork:
    return database.unit_of_work()


@pytest.fixture
def clock() -> FixedClock:
    """A clock standing at T0 (Monday 5 January 2026, 09:00 UTC) until moved."""
    return FixedClock(T0)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    """Dev-mode settings pointing at the test's database."""
    return Settings(dev_mode=True, database_url=db_url, data_dir=tmp_path / "data")


@pytest.fixture
def setup(uow: SqlUnitOfWork, clock: FixedClock) -> ClinicSetup:
    """A clinic with an admin, two clinicians and two patients (see tests/factories.py)."""
    return make_clinic(uow, clock)
