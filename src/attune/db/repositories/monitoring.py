"""Daily monitoring: check-ins (one per patient per local day), patients' time zones and
reminder times, and the email outbox (attune.services.ports_monitoring.Monitoring)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from attune.db.models import CheckinRow, OutboxMessageRow, PatientRow, ReminderRow
from attune.db.repositories.base import flush
from attune.domain.errors import NotFound
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, StoredCheckIn, Use
from attune.services.ports_monitoring import (
    MessageKind,
    NewMessage,
    OutboxMessage,
    ReminderPreference,
)


def _use_to_json(use: Use) -> dict[str, Any]:
    return {
        "what": use.what.value,
        "amount": use.amount,
        "unit": use.unit.value if use.unit is not None else None,
        "detail": use.detail,
    }


def _use_from_json(data: dict[str, Any]) -> Use:
    unit = data.get("unit")
    amount = data.get("amount")
    return Use(
        what=AddictionType(data["what"]),
        amount=float(amount) if amount is not None else None,
        unit=AmountUnit(unit) if unit is not None else None,
        detail=str(data.get("detail", "")),
    )


def _checkin(row: CheckinRow) -> StoredCheckIn:
    return StoredCheckIn(
        id=row.id,
        patient_id=row.patient_id,
        checkin=CheckIn(
            day=row.day,
            mood=row.mood,
            stress=row.stress,
            loneliness=row.loneliness,
            craving=row.craving,
            uses=tuple(_use_from_json(u) for u in row.uses),
            triggers=tuple(row.triggers),
            trigger_note=row.trigger_note,
            coping=tuple(row.coping),
            sleep_hours=row.sleep_hours,
            sleep_quality=row.sleep_quality,
            safety=Safety(row.safety),
            note=row.note,
        ),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _fill(row: CheckinRow, checkin: CheckIn) -> None:
    row.mood = checkin.mood
    row.stress = checkin.stress
    row.loneliness = checkin.loneliness
    row.craving = checkin.craving
    row.used = checkin.used
    row.uses = [_use_to_json(u) for u in checkin.uses]
    row.triggers = list(checkin.triggers)
    row.trigger_note = checkin.trigger_note
    row.coping = list(checkin.coping)
    row.sleep_hours = checkin.sleep_hours
    row.sleep_quality = checkin.sleep_quality
    row.safety = checkin.safety.value
    row.note = checkin.note


def _message(row: OutboxMessageRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        to_address=row.to_address,
        subject=row.subject,
        body=row.body,
        kind=MessageKind(row.kind),
        patient_id=row.patient_id,
        user_id=row.user_id,
        dedupe_key=row.dedupe_key,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        attempts=row.attempts,
        sent_at=row.sent_at,
        last_error=row.last_error,
    )


def _reminder(row: ReminderRow) -> ReminderPreference:
    return ReminderPreference(
        patient_id=row.patient_id, enabled=row.enabled, at=row.at, updated_at=row.updated_at
    )


class SqlMonitoring:
    def __init__(self, session: Session) -> None:
        self._s = session

    # --- check-ins ------------------------------------------------------------------------

    def _row_on(self, patient_id: int, day: date) -> CheckinRow | None:
        return self._s.scalars(
            select(CheckinRow).where(CheckinRow.patient_id == patient_id, CheckinRow.day == day)
        ).one_or_none()

    def save_checkin(self, patient_id: int, checkin: CheckIn, now: datetime) -> StoredCheckIn:
        row = self._row_on(patient_id, checkin.day)
        if row is None:
            row = CheckinRow(patient_id=patient_id, day=checkin.day, created_at=now)
            self._s.add(row)
        _fill(row, checkin)
        row.updated_at = now
        flush(self._s)
        return _checkin(row)

    def checkin_on(self, patient_id: int, day: date) -> StoredCheckIn | None:
        row = self._row_on(patient_id, day)
        return _checkin(row) if row is not None else None

    def checkins_between(self, patient_id: int, start: date, end: date) -> list[StoredCheckIn]:
        rows = self._s.scalars(
            select(CheckinRow)
            .where(
                CheckinRow.patient_id == patient_id, CheckinRow.day >= start, CheckinRow.day <= end
            )
            .order_by(CheckinRow.day)
        )
        return [_checkin(r) for r in rows]

    def checkin_days(
        self, patient_ids: Sequence[int], start: date, end: date
    ) -> dict[int, list[date]]:
        days: dict[int, list[date]] = {}
        if not patient_ids:
            return days
        rows = self._s.execute(
            select(CheckinRow.patient_id, CheckinRow.day)
            .where(
                CheckinRow.patient_id.in_(list(patient_ids)),
                CheckinRow.day >= start,
                CheckinRow.day <= end,
            )
            .order_by(CheckinRow.patient_id, CheckinRow.day)
        )
        for patient_id, day in rows:
            days.setdefault(patient_id, []).append(day)
        return days

    # --- time zones and reminders -----------------------------------------------------------

    def _patient(self, patient_id: int) -> PatientRow:
        row = self._s.get(PatientRow, patient_id)
        if row is None:
            raise NotFound(f"There is no patient with id {patient_id}.", field="patient_id")
        return row

    def timezone_of(self, patient_id: int) -> str | None:
        return self._patient(patient_id).timezone

    def set_timezone(self, patient_id: int, timezone: str | None) -> None:
        self._patient(patient_id).timezone = timezone
        flush(self._s)

    def reminder_of(self, patient_id: int) -> ReminderPreference | None:
        row = self._s.get(ReminderRow, patient_id)
        return _reminder(row) if row is not None else None

    def save_reminder(self, preference: ReminderPreference) -> None:
        row = self._s.get(ReminderRow, preference.patient_id)
        if row is None:
            row = ReminderRow(patient_id=preference.patient_id)
            self._s.add(row)
        row.enabled = preference.enabled
        row.at = preference.at
        row.updated_at = preference.updated_at
        flush(self._s)

    def enabled_reminders(self) -> list[ReminderPreference]:
        rows = self._s.scalars(
            select(ReminderRow)
            .where(ReminderRow.enabled.is_(True))
            .order_by(ReminderRow.patient_id)
        )
        return [_reminder(r) for r in rows]

    # --- the email outbox ---------------------------------------------------------------

    def enqueue(self, message: NewMessage) -> OutboxMessage | None:
        values: dict[str, Any] = {
            "to_address": message.to_address,
            "subject": message.subject,
            "body": message.body,
            "kind": message.kind.value,
            "patient_id": message.patient_id,
            "user_id": message.user_id,
            "dedupe_key": message.dedupe_key,
            "created_at": message.created_at,
            "next_attempt_at": message.created_at,
            "attempts": 0,
            "sent_at": None,
            "last_error": None,
        }
        dialect = self._s.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        # A taken dedupe key inserts nothing and keeps the transaction usable, so two job
        # runners queueing the same reminder at once send it once.
        statement = (
            insert(OutboxMessageRow)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessageRow.id)
        )
        new_id = self._s.execute(statement).scalar_one_or_none()
        if new_id is None:
            return None
        row = self._s.get(OutboxMessageRow, new_id)
        assert row is not None
        return _message(row)

    def outbox_due(self, now: datetime, limit: int = 100) -> list[OutboxMessage]:
        rows = self._s.scalars(
            select(OutboxMessageRow)
            .where(OutboxMessageRow.sent_at.is_(None), OutboxMessageRow.next_attempt_at <= now)
            .order_by(OutboxMessageRow.next_attempt_at, OutboxMessageRow.id)
            .limit(limit)
        )
        return [_message(r) for r in rows]

    def claim(self, message_id: int, seen: datetime, until: datetime) -> bool:
        """Hold an unsent message for one sender until ``until``; False when another sender
        claimed or sent it since it was read (its ``next_attempt_at`` is no longer ``seen``)."""
        result = self._s.execute(
            update(OutboxMessageRow)
            .where(
                OutboxMessageRow.id == message_id,
                OutboxMessageRow.sent_at.is_(None),
                OutboxMessageRow.next_attempt_at == seen,
            )
            .values(next_attempt_at=until)
            .execution_options(synchronize_session="fetch")
        )
        assert isinstance(result, CursorResult)
        return result.rowcount == 1

    def mark_sent(self, message_id: int, now: datetime) -> None:
        self._s.execute(
            update(OutboxMessageRow)
            .where(OutboxMessageRow.id == message_id)
            .values(sent_at=now, attempts=OutboxMessageRow.attempts + 1, last_error=None)
            .execution_options(synchronize_session="fetch")
        )

    def mark_failed(self, message_id: int, error: str, next_attempt_at: datetime) -> None:
        self._s.execute(
            update(OutboxMessageRow)
            .where(OutboxMessageRow.id == message_id)
            .values(
                attempts=OutboxMessageRow.attempts + 1,
                last_error=error[:2000],
                next_attempt_at=next_attempt_at,
            )
            .execution_options(synchronize_session="fetch")
        )

    def outbox_for_patient(self, patient_id: int, limit: int = 50) -> list[OutboxMessage]:
        rows = self._s.scalars(
            select(OutboxMessageRow)
            .where(OutboxMessageRow.patient_id == patient_id)
            .order_by(OutboxMessageRow.created_at.desc(), OutboxMessageRow.id.desc())
            .limit(limit)
        )
        return [_message(r) for r in rows]
