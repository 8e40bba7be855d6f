"""Alembic environment for Attune.

The database comes from (in order): a connection passed in ``config.attributes
["connection"]``, a URL in ``config.attributes["url"]`` (see attune.db.migrate), the
``-x url=…`` option of the ``alembic`` command, or ``ATTUNE_DATABASE_URL``. SQLite runs
in batch mode so that later migrations can alter tables.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection

from attune.db.engine import is_sqlite, make_engine
from attune.db.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.attributes.get("url") or context.get_x_argument(as_dictionary=True).get("url")
    url = url or os.environ.get("ATTUNE_DATABASE_URL")
    if not url:
        raise SystemExit(
            "No database given: pass -x url=… or set ATTUNE_DATABASE_URL "
            "(or run `attune db upgrade`, which reads the settings)."
        )
    return str(url)


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    url = _url()
    context.configure(
        url=url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=is_sqlite(url),
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
            connection.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
