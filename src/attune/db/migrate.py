"""Run the Alembic migrations from code (``attune db upgrade`` calls :func:`upgrade`).

The Alembic scripts ship inside the package (``attune/db/migrations``), so this works
from an installed wheel as well as from a checkout. ``attune/db/alembic.ini`` is there for
developers who want the ``alembic`` command itself (e.g. to write a new revision).
"""

from __future__ import annotations

from importlib import resources

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from attune.config import Settings
from attune.db.engine import make_engine

#: Dated file names: 2026_11_21_0001_initial.py.
FILE_TEMPLATE = "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s"


def _url(target: Settings | str) -> str:
    return target.effective_database_url if isinstance(target, Settings) else target


def alembic_config(target: Settings | str | None = None) -> Config:
    """An Alembic Config pointing at the packaged scripts (and at the database, if given)."""
    config = Config()
    config.set_main_option("script_location", str(resources.files("attune.db") / "migrations"))
    config.set_main_option("file_template", FILE_TEMPLATE)
    if target is not None:
        # Passed as an attribute, not an ini option, so a '%' in the URL needs no escaping.
        config.attributes["url"] = _url(target)
    return config


def upgrade(target: Settings | str, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(target), revision)


def upgrade_connection(connection: Connection, revision: str = "head") -> None:
    """Upgrade through an existing connection (the caller commits)."""
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError("no migrations found in attune/db/migrations")
    return str(head)


def current_revision(target: Settings | str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    engine = make_engine(_url(target))
    try:
        with engine.connect() as connection:
            rev = MigrationContext.configure(connection).get_current_revision()
            return str(rev) if rev is not None else None
    finally:
        engine.dispose()


def is_up_to_date(target: Settings | str) -> bool:
    return current_revision(target) == head_revision()
