"""The relapse-risk scan job: relapse-risk and missed-check-in alerts against each
patient's own baseline, per program, in the patient's time zone. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from attune.db import SqlUnitOfWork
from attune.domain.intake import AddictionType
from attune.domain.levelofcare import Level
from attune.domain.monitoring.checkin import CheckIn, Use
from attune.domain.monitoring.risk import RiskComponent, RiskLevel
from attune.services import alerts, kap_sessions, levelofcare
from attune.services.alert_raising import program_of
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import AlertKind, AlertStatus, MessageKind, Priority
from attune.services.relapse_scan import assess_patient, missed_run, missed_sessions
from factories import T0, ClinicSetup, eligible_course, submitted_intake

TODAY = T0.date()


def calm(day: date) -> CheckIn:
    """A usual day: a little variation so the baseline has a spread."""
    wobble = day.toordinal() % 3 - 1
    return CheckIn(
        day=day,
        mood=6 + wobble,
        stress=3 - wobble,
        loneliness=3,
        craving=2 + wobble,
        sleep_hours=7.5,
        sleep_quality=3,
    )


def hard(day: date, used: bool = False) -> CheckIn:
    return CheckIn(
        day=day,
        mood=2,
        stress=8,
        loneliness=8,
        craving=8,
        uses=(Use(AddictionType.ALCOHOL),) if used else (),
        triggers=("alone", "conflict"),
        sleep_hours=4.0,
        sleep_quality=1,
    )


def save(uow: SqlUnitOfWork, patient_id: int, checkins: list[CheckIn]) -> None:
    with uow:
        for checkin in checkins:
            at = datetime.combine(checkin.day, datetime.min.time(), tzinfo=UTC) + timedelta(
                hours=20
            )
            uow.monitoring.save_checkin(patient_id, checkin, at)
        uow.commit()


def days_back(first: int, last: int, end: date = TODAY) -> list[date]:
    """``end - first`` … ``end - last`` days, oldest first (first >= last)."""
    return [end - timedelta(days=n) for n in range(first, last - 1, -1)]


def slipping(uow: SqlUnitOfWork, patient_id: int) -> None:
    """Four calm weeks, then a hard week (today included) with two days of drinking."""
    save(uow, patient_id, [calm(d) for d in days_back(34, 7)])
    save(uow, patient_id, [hard(d, used=i in (2, 5)) for i, d in enumerate(days_back(6, 0))])


def test_a_slipping_week_raises_one_high_alert_with_every_reason(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    slipping(uow, patient_id)
    assert alerts.scan_relapse_risk(uow, clock) == 1
    assert alerts.scan_relapse_risk(uow, clock) == 0

    (view,) = alerts.alert_inbox(uow, setup.clinician_actor, clock)
    assert view.kind is AlertKind.RELAPSE_RISK
    assert view.priority is Priority.HIGH
    assert view.title == "Relapse risk is high"
    assert view.assigned_to == setup.clinician.id
    with uow:
        assessment = assess_patient(uow, patient_id, clock.now())
    assert assessment.level is RiskLevel.HIGH
    assert view.score == assessment.score
    codes = {r.code for r in assessment.reasons}
    assert {RiskComponent.CRAVING_TREND, RiskComponent.RECENT_LAPSE} <= codes
    # One line per reason with its points, then the score against the thresholds.
    assert len(view.reasons) == len(assessment.reasons) + 1
    for reason, line in zip(assessment.reasons, view.reasons, strict=False):
        assert line.startswith(reason.text) and f"+{reason.points} point" in line
    assert view.reasons[-1].startswith(f"Score {assessment.score} of 100: medium from 30")
    # The shipped settings escalate a high alert after an hour; staff are emailed at once.
    assert view.escalate_at == T0 + timedelta(hours=1)
    with uow:
        mail = uow.monitoring.outbox_due(clock.now())
        events = uow.audit.for_patient(patient_id)
    assert [(m.to_address, m.kind) for m in mail] == [(setup.email("clinician"), MessageKind.ALERT)]
    assert [e.actor_role for e in events if e.action == "raise_alert"] == ["system"]


def test_a_resolved_alert_comes_back_only_on_a_later_day(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    slipping(uow, patient_id)
    assert alerts.scan_relapse_risk(uow, clock) == 1
    (view,) = alerts.alert_inbox(uow, setup.clinician_actor, clock)
    alerts.resolve_alert(uow, setup.clinician_actor, view.id, "Extra session booked.", clock)
    clock.advance(timedelta(hours=6))
    assert alerts.scan_relapse_risk(uow, clock) == 0
    clock.advance(timedelta(days=1))
    save(uow, patient_id, [hard(TODAY + timedelta(days=1), used=True)])
    assert alerts.scan_relapse_risk(uow, clock) == 1
    assert [v.status for v in alerts.patient_alerts(uow, setup.admin_actor, patient_id, clock)] == [
        AlertStatus.NEW,
        AlertStatus.RESOLVED,
    ]


def test_steady_days_raise_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    save(uow, patient_id, [calm(d) for d in days_back(34, 0)])
    assert alerts.scan_relapse_risk(uow, clock) == 0
    with uow:
        assessment = assess_patient(uow, patient_id, clock.now())
    assert assessment.level is RiskLevel.LOW and assessment.enough_baseline


def test_missed_check_ins_raise_one_low_alert_per_run(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[1].id
    save(uow, patient_id, [calm(d) for d in days_back(20, 4)])
    # Two missed days (before today) are under the shipped rule of three.
    clock.set(T0 - timedelta(days=1))
    assert alerts.scan_relapse_risk(uow, clock) == 0
    clock.set(T0)
    assert alerts.scan_relapse_risk(uow, clock) == 1
    (view,) = alerts.alert_inbox(uow, setup.other_clinician_actor, clock)
    assert view.kind is AlertKind.MISSED_CHECKINS and view.priority is Priority.LOW
    assert view.title == "No check-in for 3 days"
    assert "the last was on Thu 01 Jan 2026" in view.reasons[0]
    assert view.escalate_at is None  # low alerts do not escalate by default
    alerts.resolve_alert(uow, setup.other_clinician_actor, view.id, "Texted; all fine.", clock)
    clock.advance(timedelta(days=2))
    assert alerts.scan_relapse_risk(uow, clock) == 0  # the same run of missed days
    # They come back, then miss again: a new run, a new alert.
    save(uow, patient_id, [calm(TODAY + timedelta(days=2))])
    clock.advance(timedelta(days=4))
    assert alerts.scan_relapse_risk(uow, clock) == 1


def test_missed_run_counts_from_yesterday_and_a_check_in_today_ends_it() -> None:
    today = date(2026, 1, 10)
    assert missed_run([], today) == (0, None)
    assert missed_run([date(2026, 1, 9)], today) == (0, date(2026, 1, 9))
    assert missed_run([date(2026, 1, 5), date(2026, 1, 6)], today) == (3, date(2026, 1, 6))
    assert missed_run([date(2026, 1, 5), today], today) == (0, None)


def test_the_patients_time_zone_decides_which_days_were_missed(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    save(uow, patient_id, [calm(d) for d in days_back(12, 3)])  # last on 2 January
    clock.set(datetime(2026, 1, 5, 20, 0, tzinfo=UTC))
    assert alerts.scan_relapse_risk(uow, clock) == 0  # UTC: 3 and 4 January missed
    with uow:
        uow.monitoring.set_timezone(patient_id, "Pacific/Auckland")
        uow.commit()
    # In Auckland it is already 6 January: 3, 4 and 5 January were missed.
    assert alerts.scan_relapse_risk(uow, clock) == 1


def test_a_program_with_its_own_rule_alerts_sooner(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    submitted_intake(uow, setup, clock)
    view = levelofcare.level_of_care(uow, setup.clinician_actor, patient_id, clock)
    assert view.current is not None
    with uow:
        assert program_of(uow, patient_id) is None  # pending review: not decided yet
    levelofcare.decide_recommendation(
        uow,
        setup.clinician_actor,
        view.current.id,
        "override",
        clock,
        level=Level.INTENSIVE_OUTPATIENT,
        rationale="Several lapses this month; needs more contact.",
    )
    with uow:
        assert program_of(uow, patient_id) == "intensive_outpatient"
    save(uow, patient_id, [calm(d) for d in days_back(20, 3)])
    # Two missed days: the shipped intensive-outpatient section alerts after two.
    assert alerts.scan_relapse_risk(uow, clock) == 1
    (alert,) = alerts.alert_inbox(uow, setup.clinician_actor, clock)
    assert alert.title == "No check-in for 2 days"
    assert "after 2 missed days" in alert.reasons[1]


def test_an_overdue_integration_session_counts_as_a_missed_session(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    course = eligible_course(uow, setup, clock)
    kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "im", "35", None, "70", "K-1", clock.now(), clock
    )
    save(uow, patient_id, [calm(d) for d in days_back(30, 0, TODAY + timedelta(days=4))])
    clock.advance(timedelta(days=4))  # the window closes 72 hours after the dose
    with uow:
        assert missed_sessions(uow, patient_id, clock.now(), clock.now() - timedelta(days=7)) == 1
        assert missed_sessions(uow, patient_id, clock.now(), clock.now() - timedelta(hours=1)) == 0
        assessment = assess_patient(uow, patient_id, clock.now())
    (reason,) = [r for r in assessment.reasons if r.code is RiskComponent.MISSED_SESSIONS]
    assert reason.points == 5  # half of the weight of 10: one of the two that count in full


def test_one_unreadable_record_does_not_stop_the_scan_of_the_others(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    broken, fine = setup.patients[0].id, setup.patients[1].id
    with uow:
        uow.kap.add_course(
            patient_id=broken,
            program="in_office",
            protocol={"no such key": 1},
            status="preparation",
            opened_by=setup.clinician.id,
            opened_at=clock.now(),
        )
        uow.commit()
    slipping(uow, broken)
    slipping(uow, fine)
    assert alerts.scan_relapse_risk(uow, clock) == 1
    assert [v.patient_id for v in alerts.alert_inbox(uow, setup.admin_actor, clock)] == [fine]
    with uow:
        failed = [e for e in uow.audit.for_patient(broken) if e.action == "relapse_scan"]
    assert [(e.outcome, e.actor_role) for e in failed] == [("failed", "system")]
    assert "unknown key" in failed[0].detail
