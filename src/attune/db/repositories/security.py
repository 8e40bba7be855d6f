"""Login sessions and the hash-chained audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from attune.db.models import (
    AuditEventRow,
    AuditHeadRow,
    LoginSessionRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import Conflict
from attune.services.ports import (
    AuditEvent,
    ChainHead,
    LoginSession,
)

HEAD_ID = 1


def _login_session(row: LoginSessionRow) -> LoginSession:
    return LoginSession(
        id=row.id,
        token_hash=row.token_hash,
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
    )


class SqlSessions:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self, *, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime
    ) -> LoginSession:
        row = LoginSessionRow(
            token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at
        )
        self._s.add(row)
        flush(self._s)
        return _login_session(row)

    def by_token_hash(self, token_hash: str) -> LoginSession | None:
        row = self._s.scalar(
            select(LoginSessionRow).where(LoginSessionRow.token_hash == token_hash)
        )
        return _login_session(row) if row is not None else None

    def end(self, session_id: int, at: datetime) -> None:
        row = self._s.get(LoginSessionRow, session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = at
            flush(self._s)


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor_user_id=row.actor_user_id,
        actor_role=row.actor_role,
        patient_id=row.patient_id,
        action=row.action,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlAuditLog:
    """The audit chain. ``lock_head`` is ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
    every transaction already holds the database's write lock (``BEGIN IMMEDIATE``)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _head_row(self, *, lock: bool) -> AuditHeadRow:
        query = select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)
        if lock:
            query = query.with_for_update()
        row = self._s.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise RuntimeError("the audit_head row is missing: run the database migrations")
        return row

    def lock_head(self) -> ChainHead:
        row = self._head_row(lock=True)
        return ChainHead(seq=row.seq, hash=row.hash)

    def head(self) -> ChainHead:
        row = self._head_row(lock=False)
        return ChainHead(seq=row.seq, hash=row.hash)

    def append(self, event: AuditEvent) -> None:
        head = self._head_row(lock=True)
        if event.seq != head.seq + 1 or event.prev_hash != head.hash:
            raise Conflict("The audit log moved on while this event was written; try again.")
        self._s.add(
            AuditEventRow(
                seq=event.seq,
                at=event.at,
                actor_user_id=event.actor_user_id,
                actor_role=event.actor_role,
                patient_id=event.patient_id,
                action=event.action,
                outcome=event.outcome,
                detail=event.detail,
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
        head.seq = event.seq
        head.hash = event.hash
        flush(self._s)

    def in_order(self) -> Iterator[AuditEvent]:
        result = self._s.scalars(
            select(AuditEventRow).order_by(AuditEventRow.seq).execution_options(yield_per=500)
        )
        for row in result:
            yield _event(row)

    def for_patient(self, patient_id: int) -> list[AuditEvent]:
        rows = self._s.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.patient_id == patient_id)
            .order_by(AuditEventRow.seq)
        )
        return [_event(r) for r in rows]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(AuditEventRow)) or 0)
