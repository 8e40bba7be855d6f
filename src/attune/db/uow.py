"""The SQLAlchemy unit of work: one session, one transaction, the repositories inside it."""

from __future__ import annotations

from datetime import UTC, tzinfo
from threading import RLock
from types import TracebackType
from typing import Self

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from attune.db.engine import writer_gate
from attune.db.repositories import (
    SqlAlerts,
    SqlAssignments,
    SqlAuditLog,
    SqlClinics,
    SqlDrafts,
    SqlFlags,
    SqlFormulations,
    SqlIntakes,
    SqlKap,
    SqlLedger,
    SqlMonitoring,
    SqlPatients,
    SqlRecommendations,
    SqlResponses,
    SqlSessions,
    SqlTreatmentPlans,
    SqlUsers,
)
from attune.domain.errors import Conflict
from attune.domain.instruments import InstrumentLibrary, builtin_library
from attune.domain.kap.clinic_settings import KapSettings, default_kap_settings
from attune.domain.monitoring.risk_settings import RiskSettings, default_risk_settings


class _Open:
    """The repositories of one open session."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.clinics = SqlClinics(session)
        self.users = SqlUsers(session)
        self.patients = SqlPatients(session)
        self.assignments = SqlAssignments(session)
        self.drafts = SqlDrafts(session)
        self.responses = SqlResponses(session)
        self.flags = SqlFlags(session)
        self.sessions = SqlSessions(session)
        self.audit = SqlAuditLog(session)
        self.intakes = SqlIntakes(session)
        self.formulations = SqlFormulations(session)
        self.recommendations = SqlRecommendations(session)
        self.plans = SqlTreatmentPlans(session)
        self.ledger = SqlLedger(session)
        self.kap = SqlKap(session)
        self.monitoring = SqlMonitoring(session)
        self.alerts = SqlAlerts(session)


class SqlUnitOfWork:
    """Implements :class:`attune.services.ports.UnitOfWork` with a SQLAlchemy session.

    ``with uow:`` opens a session (nested ``with`` blocks share it); leaving the outermost
    block rolls back whatever was not committed and closes the session. One instance may
    be used for several transactions one after another, but not from two threads at once.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        instruments: InstrumentLibrary | None = None,
        kap_settings: KapSettings | None = None,
        clinic_timezone: tzinfo = UTC,
        risk_settings: RiskSettings | None = None,
    ) -> None:
        self._factory = session_factory
        self._risk_settings = risk_settings or default_risk_settings()
        self._clinic_timezone = clinic_timezone
        self._instruments = instruments or builtin_library()
        self._kap_settings = kap_settings or default_kap_settings()
        self._open: _Open | None = None
        self._gate: RLock | None = None
        self._depth = 0

    def __enter__(self) -> Self:
        if self._open is None:
            gate = writer_gate(self._factory.kw.get("bind"))
            if gate is not None:
                gate.acquire()
            try:
                self._open = _Open(self._factory())
            except BaseException:
                if gate is not None:
                    gate.release()
                raise
            self._gate = gate
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0 and self._open is not None:
            session = self._open.session
            self._open = None
            gate, self._gate = self._gate, None
            try:
                session.rollback()
            finally:
                try:
                    session.close()
                finally:
                    if gate is not None:
                        gate.release()

    @property
    def _repos(self) -> _Open:
        if self._open is None:
            raise RuntimeError("use the unit of work inside a 'with' block")
        return self._open

    @property
    def session(self) -> Session:
        """The open SQLAlchemy session (for the adapter's own tests and tools)."""
        return self._repos.session

    def commit(self) -> None:
        """Commit; a constraint violation becomes a Conflict and nothing is kept."""
        session = self._repos.session
        try:
            session.commit()
        except IntegrityError as exc:
            session.rollback()
            raise Conflict(
                "That clashes with a record that is already saved; please reload and try again."
            ) from exc

    def rollback(self) -> None:
        self._repos.session.rollback()

    @property
    def clinics(self) -> SqlClinics:
        return self._repos.clinics

    @property
    def users(self) -> SqlUsers:
        return self._repos.users

    @property
    def patients(self) -> SqlPatients:
        return self._repos.patients

    @property
    def assignments(self) -> SqlAssignments:
        return self._repos.assignments

    @property
    def drafts(self) -> SqlDrafts:
        return self._repos.drafts

    @property
    def responses(self) -> SqlResponses:
        return self._repos.responses

    @property
    def flags(self) -> SqlFlags:
        return self._repos.flags

    @property
    def sessions(self) -> SqlSessions:
        return self._repos.sessions

    @property
    def audit(self) -> SqlAuditLog:
        return self._repos.audit

    @property
    def intakes(self) -> SqlIntakes:
        return self._repos.intakes

    @property
    def formulations(self) -> SqlFormulations:
        return self._repos.formulations

    @property
    def recommendations(self) -> SqlRecommendations:
        return self._repos.recommendations

    @property
    def plans(self) -> SqlTreatmentPlans:
        return self._repos.plans

    @property
    def ledger(self) -> SqlLedger:
        return self._repos.ledger

    @property
    def kap(self) -> SqlKap:
        return self._repos.kap

    @property
    def monitoring(self) -> SqlMonitoring:
        return self._repos.monitoring

    @property
    def alerts(self) -> SqlAlerts:
        return self._repos.alerts

    @property
    def instruments(self) -> InstrumentLibrary:
        return self._instruments

    @property
    def kap_settings(self) -> KapSettings:
        return self._kap_settings

    @property
    def clinic_timezone(self) -> tzinfo:
        return self._clinic_timezone

    @property
    def risk_settings(self) -> RiskSettings:
        return self._risk_settings
