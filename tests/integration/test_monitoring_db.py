"""The monitoring tables: check-ins, time zones, reminders, the outbox and alerts, on
SQLite and PostgreSQL (through the repositories, as the services use them)."""

from __future__ import annotations

from datetime import time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from attune.config import Settings
from attune.db import SqlUnitOfWork, open_database
from attune.domain.errors import Conflict, InvalidDefinition
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, Use
from attune.domain.monitoring.risk_settings import default_risk_settings
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import (
    AlertKind,
    AlertStatus,
    MessageKind,
    NewAlert,
    NewMessage,
    Priority,
    ReminderPreference,
)
from factories import T0, ClinicSetup


def _checkin(**changes: object) -> CheckIn:
    values: dict[str, object] = {
        "day": T0.date(),
        "mood": 6,
        "stress": 4,
        "loneliness": 3,
        "craving": 5,
    }
    values.update(changes)
    return CheckIn(**values)  # type: ignore[arg-type]


def test_a_checkin_round_trips_with_every_field(uow: SqlUnitOfWork, setup: ClinicSetup) -> None:
    patient = setup.patients[0].id
    full = _checkin(
        uses=(Use(AddictionType.ALCOHOL, 3.0, AmountUnit.STANDARD_DRINKS, "wine"),),
        triggers=("alone", "conflict"),
        trigger_note="An argument at work",
        coping=("reached_out",),
        sleep_hours=6.5,
        sleep_quality=2,
        safety=Safety.THOUGHTS,
        note="A hard day",
    )
    with uow:
        saved = uow.monitoring.save_checkin(patient, full, T0)
        uow.commit()
    with uow:
        again = uow.monitoring.checkin_on(patient, T0.date())
    assert again is not None
    assert again.checkin == full
    assert again.id == saved.id
    assert again.created_at == again.updated_at == T0


def test_saving_the_same_day_replaces_it_and_keeps_when_it_was_first_saved(
    uow: SqlUnitOfWork, setup: ClinicSetup
) -> None:
    patient = setup.patients[0].id
    later = T0 + timedelta(hours=3)
    with uow:
        first = uow.monitoring.save_checkin(patient, _checkin(craving=8), T0)
        second = uow.monitoring.save_checkin(patient, _checkin(craving=2), later)
        uow.commit()
    assert second.id == first.id
    assert (second.checkin.craving, second.created_at, second.updated_at) == (2, T0, later)
    with uow:
        days = uow.monitoring.checkins_between(patient, T0.date(), T0.date())
    assert [c.checkin.craving for c in days] == [2]


def test_checkins_between_and_checkin_days_cover_both_ends(
    uow: SqlUnitOfWork, setup: ClinicSetup
) -> None:
    first, second = setup.patients[0].id, setup.patients[1].id
    day0 = T0.date()
    with uow:
        for offset in (0, 1, 3, 5):
            day = day0 + timedelta(days=offset)
            uow.monitoring.save_checkin(first, _checkin(day=day, mood=offset), T0)
        uow.monitoring.save_checkin(second, _checkin(day=day0 + timedelta(days=1)), T0)
        uow.commit()
    with uow:
        between = uow.monitoring.checkins_between(
            first, day0 + timedelta(days=1), day0 + timedelta(days=5)
        )
        days = uow.monitoring.checkin_days([first, second, 999], day0, day0 + timedelta(days=3))
    assert [c.checkin.mood for c in between] == [1, 3, 5]
    assert days == {
        first: [day0, day0 + timedelta(days=1), day0 + timedelta(days=3)],
        second: [day0 + timedelta(days=1)],
    }


def test_the_database_refuses_a_rating_out_of_range(uow: SqlUnitOfWork, setup: ClinicSetup) -> None:
    with uow, pytest.raises(Conflict):
        uow.monitoring.save_checkin(setup.patients[0].id, _checkin(craving=11), T0)


def test_time_zone_and_reminder(uow: SqlUnitOfWork, setup: ClinicSetup) -> None:
    patient = setup.patients[0].id
    with uow:
        assert uow.monitoring.timezone_of(patient) is None
        assert uow.monitoring.reminder_of(patient) is None
        uow.monitoring.set_timezone(patient, "America/Chicago")
        uow.monitoring.save_reminder(ReminderPreference(patient, True, time(20, 30), T0))
        uow.monitoring.save_reminder(
            ReminderPreference(setup.patients[1].id, False, time(8, 0), T0)
        )
        uow.commit()
    with uow:
        assert uow.monitoring.timezone_of(patient) == "America/Chicago"
        assert uow.monitoring.reminder_of(patient) == ReminderPreference(
            patient, True, time(20, 30), T0
        )
        assert [r.patient_id for r in uow.monitoring.enabled_reminders()] == [patient]
        uow.monitoring.save_reminder(ReminderPreference(patient, False, time(7, 15), T0))
        uow.commit()
    with uow:
        assert uow.monitoring.enabled_reminders() == []
        reminder = uow.monitoring.reminder_of(patient)
    assert reminder is not None and reminder.at == time(7, 15)


def _message(key: str | None, patient_id: int | None = None) -> NewMessage:
    return NewMessage(
        to_address="someone@example.org",
        subject="A moment to check in",
        body="Hello",
        kind=MessageKind.REMINDER,
        created_at=T0,
        patient_id=patient_id,
        dedupe_key=key,
    )


def test_a_dedupe_key_queues_a_message_once_and_keeps_the_transaction_usable(
    uow: SqlUnitOfWork, setup: ClinicSetup
) -> None:
    patient = setup.patients[0].id
    with uow:
        first = uow.monitoring.enqueue(_message("reminder:1:2026-01-05", patient))
        twice = uow.monitoring.enqueue(_message("reminder:1:2026-01-05", patient))
        free1 = uow.monitoring.enqueue(_message(None))
        free2 = uow.monitoring.enqueue(_message(None))
        uow.commit()
    assert first is not None and twice is None
    assert free1 is not None and free2 is not None and free1.id != free2.id
    assert (first.attempts, first.sent_at, first.next_attempt_at) == (0, None, T0)
    with uow:
        assert [m.id for m in uow.monitoring.outbox_for_patient(patient)] == [first.id]
        assert len(uow.monitoring.outbox_due(T0)) == 3


def test_claim_mark_failed_and_mark_sent(uow: SqlUnitOfWork, setup: ClinicSetup) -> None:
    with uow:
        queued = uow.monitoring.enqueue(_message("k"))
        uow.commit()
    assert queued is not None
    lease = T0 + timedelta(minutes=5)
    with uow:
        assert uow.monitoring.claim(queued.id, T0, lease)
        # A second sender that read it before the claim cannot take it.
        assert not uow.monitoring.claim(queued.id, T0, lease)
        uow.commit()
    with uow:
        assert uow.monitoring.outbox_due(T0 + timedelta(minutes=1)) == []
        uow.monitoring.mark_failed(queued.id, "connection refused", T0 + timedelta(minutes=2))
        uow.commit()
    with uow:
        (failed,) = uow.monitoring.outbox_due(T0 + timedelta(minutes=2))
        assert (failed.attempts, failed.last_error) == (1, "connection refused")
        uow.monitoring.mark_sent(queued.id, T0 + timedelta(minutes=3))
        uow.commit()
    with uow:
        assert uow.monitoring.outbox_due(T0 + timedelta(days=1)) == []
        assert not uow.monitoring.claim(queued.id, T0 + timedelta(minutes=2), lease)


def _alert(patient_id: int, clock: FixedClock, **changes: object) -> NewAlert:
    values: dict[str, object] = {
        "patient_id": patient_id,
        "kind": AlertKind.SAFETY,
        "priority": Priority.URGENT,
        "title": "Thoughts of self-harm today",
        "reasons": ("The check-in said so.",),
        "source": "checkin",
        "source_id": 1,
        "raised_at": clock.now(),
        "escalate_at": clock.now() + timedelta(minutes=15),
    }
    values.update(changes)
    return NewAlert(**values)  # type: ignore[arg-type]


def test_alert_states_change_once(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    staff = setup.clinician.id
    with uow:
        alert = uow.alerts.add(_alert(patient, clock))
        uow.commit()
    assert alert.status is AlertStatus.NEW and alert.reasons == ("The check-in said so.",)
    later = clock.now() + timedelta(minutes=1)
    with uow:
        assert uow.alerts.acknowledge(alert.id, staff, later)
        assert not uow.alerts.acknowledge(alert.id, setup.admin.id, later)
        assert not uow.alerts.escalate(alert.id, setup.other_clinician.id, later)
        uow.commit()
    with uow:
        got = uow.alerts.get(alert.id)
        assert got is not None
        assert (got.status, got.acknowledged_by, got.acknowledged_at) == (
            AlertStatus.ACKNOWLEDGED,
            staff,
            later,
        )
        assert uow.alerts.resolve(alert.id, staff, later, "Called; safe tonight.")
        assert not uow.alerts.resolve(alert.id, staff, later, "again")
        uow.commit()
    with uow:
        got = uow.alerts.get(alert.id)
        assert got is not None and got.status is AlertStatus.RESOLVED
        assert got.note == "Called; safe tonight."
        assert uow.alerts.open_for_patient(patient) == []
        assert [a.id for a in uow.alerts.for_patient(patient)] == [alert.id]


def test_overdue_and_escalation(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    first, second = setup.patients[0].id, setup.patients[1].id
    with uow:
        urgent = uow.alerts.add(_alert(first, clock))
        risk = uow.alerts.add(
            _alert(
                second,
                clock,
                kind=AlertKind.RELAPSE_RISK,
                priority=Priority.HIGH,
                escalate_at=clock.now() + timedelta(hours=1),
                score=7.5,
                source="risk_scan",
                source_id=None,
            )
        )
        never = uow.alerts.add(
            _alert(first, clock, escalate_at=None, kind=AlertKind.MISSED_CHECKINS)
        )
        uow.commit()
    at = clock.now() + timedelta(minutes=20)
    with uow:
        assert [a.id for a in uow.alerts.overdue(at)] == [urgent.id]
        assert uow.alerts.escalate(urgent.id, setup.admin.id, at)
        assert not uow.alerts.escalate(urgent.id, setup.admin.id, at)
        uow.commit()
    with uow:
        assert uow.alerts.overdue(at + timedelta(hours=2)) == [uow.alerts.get(risk.id)]
        assert {a.id for a in uow.alerts.open_for_patients([first, second])} == {
            urgent.id,
            risk.id,
            never.id,
        }
        assert [a.id for a in uow.alerts.open_for_patient(first, AlertKind.SAFETY)] == [urgent.id]
        escalated = uow.alerts.get(urgent.id)
    assert escalated is not None
    assert (escalated.escalated_to, escalated.escalated_at) == (setup.admin.id, at)


def test_the_database_keeps_alert_states_consistent(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with uow:
        alert = uow.alerts.add(_alert(setup.patients[0].id, clock))
        uow.commit()
    with uow, pytest.raises(IntegrityError):
        uow.session.execute(
            text("UPDATE alert SET status = 'resolved' WHERE id = :id"), {"id": alert.id}
        )
        uow.session.flush()


def test_every_unit_of_work_carries_the_risk_settings(uow: SqlUnitOfWork) -> None:
    assert uow.risk_settings == default_risk_settings()


def test_a_bad_risk_settings_file_stops_opening_the_database(tmp_path: Path) -> None:
    bad = tmp_path / "risk.json"
    bad.write_text("{not json", encoding="utf-8")
    settings = Settings(dev_mode=True, data_dir=tmp_path, risk_settings_file=bad)
    with pytest.raises(InvalidDefinition) as raised:
        open_database(settings)
    assert raised.value.field == "risk_settings_file"
