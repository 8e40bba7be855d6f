"""Engines for SQLite (the default) and PostgreSQL.

SQLite connections get ``journal_mode=WAL``, ``synchronous=FULL`` and ``foreign_keys=ON``
from a connect listener, and every transaction starts with ``BEGIN IMMEDIATE``: it takes
the write lock up front (waiting up to ``busy_timeout``) instead of failing half-way when
two writers meet. See docs/adr/0002-sqlite-and-postgresql.md.

Inside one process, the units of work of a SQLite engine also queue at its
:func:`writer_gate` (a lock) before they begin. Only one SQLite transaction can write at
a time anyway; without the gate, waiting threads would poll the busy database with
growing sleeps (up to 100 ms each) and be served in no particular order, so under load
a few requests would wait seconds while the database sat idle between polls.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_SECONDS = 30

_GATES: WeakKeyDictionary[Engine, threading.RLock] = WeakKeyDictionary()


def writer_gate(engine: object) -> threading.RLock | None:
    """The in-process queue a SQLite engine's units of work wait in (None elsewhere)."""
    return _GATES.get(engine) if isinstance(engine, Engine) else None


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get their folder created and the pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True)

    if (
        parsed.database
        and parsed.database != ":memory:"
        and not parsed.database.startswith("file:")
    ):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    _GATES[engine] = threading.RLock()
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
