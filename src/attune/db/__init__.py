"""The SQLAlchemy adapter: tables, repositories, the unit of work and the migrations.

The edges open the database with :func:`open_database` and build a unit of work per
request::

    db = open_database(settings)         # or open_database("sqlite:///…")
    uow = db.unit_of_work()
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, tzinfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from attune.config import Settings
from attune.db.engine import make_engine, make_session_factory
from attune.db.uow import SqlUnitOfWork
from attune.domain.instruments import InstrumentLibrary, builtin_library
from attune.domain.kap.clinic_settings import KapSettings, default_kap_settings
from attune.domain.monitoring.risk_settings import (
    RiskSettings,
    default_risk_settings,
    load_risk_settings,
)

__all__ = ["Database", "SqlUnitOfWork", "make_engine", "make_session_factory", "open_database"]


@dataclass(frozen=True)
class Database:
    engine: Engine
    session_factory: sessionmaker[Session]
    #: The instruments every unit of work scores with (shipped plus the clinic's own).
    instruments: InstrumentLibrary = field(default_factory=builtin_library)
    #: The clinic's KAP thresholds and at-home rules.
    kap_settings: KapSettings = field(default_factory=default_kap_settings)
    #: Where the clinic's days begin (settings.timezone).
    clinic_timezone: tzinfo = UTC
    #: The clinic's relapse-risk thresholds (settings.risk_settings_file, else the shipped).
    risk_settings: RiskSettings = field(default_factory=default_risk_settings)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.session_factory,
            self.instruments,
            self.kap_settings,
            self.clinic_timezone,
            self.risk_settings,
        )

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(
    target: Settings | str,
    instruments: InstrumentLibrary | None = None,
    kap_settings: KapSettings | None = None,
    risk_settings: RiskSettings | None = None,
) -> Database:
    """An engine and session factory for the settings' database (no migrations run).

    The relapse-risk settings are ``risk_settings`` when given, else the settings' file
    (``risk_settings_file``; a bad file raises InvalidDefinition naming the key before any
    connection is made), else Attune's starting points."""
    if risk_settings is None:
        path = target.risk_settings_file if isinstance(target, Settings) else None
        risk_settings = load_risk_settings(path) if path is not None else default_risk_settings()
    url = target.effective_database_url if isinstance(target, Settings) else target
    engine = make_engine(url)
    return Database(
        engine,
        make_session_factory(engine),
        instruments or builtin_library(),
        kap_settings or default_kap_settings(),
        target.clinic_timezone if isinstance(target, Settings) else UTC,
        risk_settings,
    )
