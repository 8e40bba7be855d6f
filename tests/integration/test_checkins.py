"""The daily check-in service on SQLite and PostgreSQL: the patient's own day, replacing
today's until local midnight, filling in a missed day once, safety alerts, access and
the audit trail."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied, ValidationError
from attune.domain.intake.model import AddictionType
from attune.domain.monitoring.checkin import CheckIn, Safety
from attune.services import checkins, reminders
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from attune.services.ports_monitoring import AlertKind, AlertStatus, Priority
from factories import T0, ClinicSetup, submitted_intake

TODAY = T0.date()  # Monday 5 January 2026; T0 is 09:00 UTC


def _checkin(day: date = TODAY, **changes: object) -> CheckIn:
    return replace(CheckIn(day=day, mood=6, stress=4, loneliness=3, craving=5), **changes)  # type: ignore[arg-type]


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def test_a_patient_records_todays_checkin_and_it_is_audited(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    saved = checkins.record_checkin(uow, setup.patient_actor(0), patient, _checkin(), clock)
    assert saved.created and not saved.crisis and saved.safety_alert is None
    assert saved.stored.checkin == _checkin()
    assert saved.stored.created_at == T0
    last = _events(uow)[-1]
    assert (last.action, last.outcome, last.patient_id) == ("record_checkin", "allowed", patient)
    assert last.actor_user_id == setup.patients[0].user_id


def test_todays_checkin_is_replaced_until_local_midnight(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    first = checkins.record_checkin(uow, actor, patient, _checkin(craving=8), clock)
    clock.set(datetime(2026, 1, 5, 23, 59, tzinfo=UTC))
    again = checkins.record_checkin(uow, actor, patient, _checkin(craving=3), clock)
    assert not again.created
    assert again.stored.id == first.stored.id
    assert again.stored.checkin.craving == 3
    assert (again.stored.created_at, again.stored.updated_at) == (T0, clock.now())

    clock.set(datetime(2026, 1, 6, 0, 0, tzinfo=UTC))
    before = len(_events(uow))
    with pytest.raises(Conflict) as raised:
        checkins.record_checkin(uow, actor, patient, _checkin(craving=1), clock)
    assert raised.value.field == "day"
    assert "already saved" in raised.value.message
    failed = _events(uow)[before:]
    assert [(e.action, e.outcome) for e in failed] == [("record_checkin", "failed")]
    with uow:
        kept = uow.monitoring.checkin_on(patient, TODAY)
    assert kept is not None and kept.checkin.craving == 3


def test_a_missed_day_is_filled_in_once(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    yesterday = TODAY - timedelta(days=1)
    saved = checkins.record_checkin(uow, actor, patient, _checkin(yesterday, mood=2), clock)
    assert saved.created and saved.stored.checkin.day == yesterday
    with pytest.raises(Conflict, match="already saved"):
        checkins.record_checkin(uow, actor, patient, _checkin(yesterday, mood=9), clock)
    week_ago = TODAY - timedelta(days=checkins.FILL_IN_DAYS)
    assert checkins.record_checkin(uow, actor, patient, _checkin(week_ago), clock).created
    with pytest.raises(ValidationError) as too_old:
        checkins.record_checkin(uow, actor, patient, _checkin(week_ago - timedelta(days=1)), clock)
    assert too_old.value.field == "day"


def test_a_day_still_to_come_and_bad_answers_name_their_fields(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    with pytest.raises(FormErrors) as future:
        checkins.record_checkin(uow, actor, patient, _checkin(TODAY + timedelta(days=1)), clock)
    assert future.value.errors[0][0] == "day"
    with pytest.raises(FormErrors) as bad:
        checkins.record_checkin(
            uow, actor, patient, _checkin(craving=11, triggers=("nonsense",)), clock
        )
    assert {name for name, _ in bad.value.errors} == {"craving", "triggers"}
    with uow:
        assert uow.monitoring.checkins_between(patient, TODAY - timedelta(days=9), TODAY) == []


def test_the_day_is_the_patients_own(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    reminders.set_timezone(uow, actor, patient, "America/Los_Angeles", clock)
    # 07:30 UTC on 5 January is 23:30 on 4 January in Los Angeles.
    clock.set(datetime(2026, 1, 5, 7, 30, tzinfo=UTC))
    today = checkins.checkin_today(uow, actor, patient, clock)
    assert today.day == date(2026, 1, 4)
    assert today.timezone == "America/Los_Angeles"
    assert today.editable_until == datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
    with pytest.raises(FormErrors):
        checkins.record_checkin(uow, actor, patient, _checkin(date(2026, 1, 5)), clock)
    saved = checkins.record_checkin(uow, actor, patient, _checkin(date(2026, 1, 4)), clock)
    assert saved.created
    # The clinic's zone (UTC here) already says 5 January for the other patient.
    other = checkins.checkin_today(uow, setup.patient_actor(1), setup.patients[1].id, clock)
    assert other.day == date(2026, 1, 5)


def test_a_safety_answer_raises_one_urgent_alert_and_shows_crisis_resources(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    saved = checkins.record_checkin(uow, actor, patient, _checkin(safety=Safety.THOUGHTS), clock)
    assert saved.crisis
    alert = saved.safety_alert
    assert alert is not None
    assert (alert.kind, alert.priority, alert.status) == (
        AlertKind.SAFETY,
        Priority.URGENT,
        AlertStatus.NEW,
    )
    assert (alert.source, alert.source_id) == (checkins.CHECKIN_SOURCE, saved.stored.id)
    assert "thoughts of ending their life" in alert.reasons[0]
    assert [e.action for e in _events(uow)[-2:]] == ["record_checkin", "raise_alert"]

    # The same answer saved again the same day stands on the open alert.
    clock.advance(timedelta(hours=1))
    again = checkins.record_checkin(
        uow, actor, patient, _checkin(safety=Safety.THOUGHTS, mood=3), clock
    )
    assert again.safety_alert is not None and again.safety_alert.id == alert.id
    with uow:
        assert len(uow.alerts.open_for_patient(patient, AlertKind.SAFETY)) == 1

    # "Might act on them" is new information: it is raised.
    worse = checkins.record_checkin(uow, actor, patient, _checkin(safety=Safety.MIGHT_ACT), clock)
    assert worse.safety_alert is not None and worse.safety_alert.id != alert.id
    assert "might act on them" in worse.safety_alert.reasons[0]


def test_a_safety_answer_rolls_back_with_the_checkin_when_saving_fails(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    checkins.record_checkin(uow, actor, patient, _checkin(TODAY - timedelta(days=1)), clock)
    with pytest.raises(Conflict):
        checkins.record_checkin(
            uow, actor, patient, _checkin(TODAY - timedelta(days=1), safety=Safety.THOUGHTS), clock
        )
    with uow:
        assert uow.alerts.for_patient(patient) == []


def test_only_the_patient_records_and_only_their_staff_read(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    with pytest.raises(PermissionDenied):
        checkins.record_checkin(uow, setup.clinician_actor, patient, _checkin(), clock)
    with pytest.raises(NotFound):
        checkins.record_checkin(uow, setup.patient_actor(1), patient, _checkin(), clock)
    checkins.record_checkin(uow, setup.patient_actor(0), patient, _checkin(), clock)
    seen = checkins.checkin_history(uow, setup.clinician_actor, patient, clock, days=7)
    assert [c.checkin.day for c in seen] == [TODAY]
    assert checkins.checkin_history(uow, setup.admin_actor, patient, clock, days=1) == seen
    with pytest.raises(PermissionDenied):
        checkins.checkin_history(uow, setup.other_clinician_actor, patient, clock)
    with pytest.raises(ValidationError) as days:
        checkins.checkin_history(uow, setup.clinician_actor, patient, clock, days=0)
    assert days.value.field == "days"
    reads = [e for e in _events(uow) if e.action == "view_checkins"]
    assert [e.outcome for e in reads] == ["allowed", "allowed", "denied"]


def test_today_shows_the_streak_and_a_missed_yesterday(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    actor, patient = setup.patient_actor(0), setup.patients[0].id
    empty = checkins.checkin_today(uow, actor, patient, clock)
    assert empty.existing is None and empty.last_checkin_day is None
    assert empty.yesterday_missed and empty.streak.current == 0
    assert empty.addictions == ()
    for back in (3, 2):
        checkins.record_checkin(uow, actor, patient, _checkin(TODAY - timedelta(days=back)), clock)
    middle = checkins.checkin_today(uow, actor, patient, clock)
    assert middle.yesterday_missed and middle.last_checkin_day == TODAY - timedelta(days=2)
    checkins.record_checkin(uow, actor, patient, _checkin(TODAY - timedelta(days=1)), clock)
    checkins.record_checkin(uow, actor, patient, _checkin(), clock)
    view = checkins.checkin_today(uow, actor, patient, clock)
    assert view.existing is not None and view.existing.checkin.day == TODAY
    assert not view.yesterday_missed
    assert (view.streak.current, view.streak.last_7, view.streak.today_done) == (4, 4, True)
    assert view.editable_until == datetime(2026, 1, 6, 0, 0, tzinfo=UTC)


def test_today_offers_what_the_patient_named_in_their_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    view = checkins.checkin_today(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert view.addictions == (AddictionType.ALCOHOL,)
