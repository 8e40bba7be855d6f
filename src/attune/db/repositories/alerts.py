"""Alerts about patients (attune.services.ports_monitoring.Alerts).

Every state change is one conditional UPDATE whose row count says whether it applied, so
two clinicians acknowledging at once, or two job runners escalating, cannot both win.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Update

from attune.db.models import AlertRow
from attune.db.repositories.base import flush
from attune.services.ports_monitoring import (
    AlertKind,
    AlertRecord,
    AlertStatus,
    NewAlert,
    Priority,
)

OPEN = (AlertStatus.NEW.value, AlertStatus.ACKNOWLEDGED.value)


def _alert(row: AlertRow) -> AlertRecord:
    return AlertRecord(
        id=row.id,
        patient_id=row.patient_id,
        kind=AlertKind(row.kind),
        priority=Priority(row.priority),
        title=row.title,
        reasons=tuple(row.reasons),
        source=row.source,
        source_id=row.source_id,
        raised_at=row.raised_at,
        escalate_at=row.escalate_at,
        score=row.score,
        assigned_to=row.assigned_to,
        status=AlertStatus(row.status),
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
        note=row.note,
        escalated_at=row.escalated_at,
        escalated_to=row.escalated_to,
    )


class SqlAlerts:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _apply(self, statement: Update) -> bool:
        result = self._s.execute(statement.execution_options(synchronize_session="fetch"))
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def add(self, alert: NewAlert) -> AlertRecord:
        if not alert.reasons:
            raise ValueError("an alert needs at least one reason")
        row = AlertRow(
            patient_id=alert.patient_id,
            kind=alert.kind.value,
            priority=int(alert.priority),
            title=alert.title,
            reasons=list(alert.reasons),
            source=alert.source,
            source_id=alert.source_id,
            raised_at=alert.raised_at,
            escalate_at=alert.escalate_at,
            score=alert.score,
            assigned_to=alert.assigned_to,
            status=AlertStatus.NEW.value,
        )
        self._s.add(row)
        flush(self._s)
        return _alert(row)

    def get(self, alert_id: int) -> AlertRecord | None:
        row = self._s.get(AlertRow, alert_id, populate_existing=True)
        return _alert(row) if row is not None else None

    def open_for_patient(self, patient_id: int, kind: AlertKind | None = None) -> list[AlertRecord]:
        query = select(AlertRow).where(AlertRow.patient_id == patient_id, AlertRow.status.in_(OPEN))
        if kind is not None:
            query = query.where(AlertRow.kind == kind.value)
        rows = self._s.scalars(query.order_by(AlertRow.raised_at.desc(), AlertRow.id.desc()))
        return [_alert(r) for r in rows]

    def for_patient(self, patient_id: int, limit: int = 100) -> list[AlertRecord]:
        rows = self._s.scalars(
            select(AlertRow)
            .where(AlertRow.patient_id == patient_id)
            .order_by(AlertRow.raised_at.desc(), AlertRow.id.desc())
            .limit(limit)
        )
        return [_alert(r) for r in rows]

    def open_for_patients(self, patient_ids: Sequence[int]) -> list[AlertRecord]:
        if not patient_ids:
            return []
        rows = self._s.scalars(
            select(AlertRow)
            .where(AlertRow.patient_id.in_(list(patient_ids)), AlertRow.status.in_(OPEN))
            .order_by(AlertRow.raised_at, AlertRow.id)
        )
        return [_alert(r) for r in rows]

    def overdue(self, now: datetime) -> list[AlertRecord]:
        rows = self._s.scalars(
            select(AlertRow)
            .where(
                AlertRow.status == AlertStatus.NEW.value,
                AlertRow.escalated_at.is_(None),
                AlertRow.escalate_at.is_not(None),
                AlertRow.escalate_at <= now,
            )
            .order_by(AlertRow.escalate_at, AlertRow.id)
        )
        return [_alert(r) for r in rows]

    def acknowledge(self, alert_id: int, user_id: int, now: datetime) -> bool:
        return self._apply(
            update(AlertRow)
            .where(AlertRow.id == alert_id, AlertRow.status == AlertStatus.NEW.value)
            .values(
                status=AlertStatus.ACKNOWLEDGED.value, acknowledged_at=now, acknowledged_by=user_id
            )
        )

    def resolve(self, alert_id: int, user_id: int, now: datetime, note: str) -> bool:
        return self._apply(
            update(AlertRow)
            .where(AlertRow.id == alert_id, AlertRow.status.in_(OPEN))
            .values(
                status=AlertStatus.RESOLVED.value, resolved_at=now, resolved_by=user_id, note=note
            )
        )

    def escalate(self, alert_id: int, to_user_id: int, now: datetime) -> bool:
        return self._apply(
            update(AlertRow)
            .where(
                AlertRow.id == alert_id,
                AlertRow.status == AlertStatus.NEW.value,
                AlertRow.escalated_at.is_(None),
            )
            .values(escalated_at=now, escalated_to=to_user_id)
        )
