"""What a patient's check-ins show (patient_insight) and the caseload's check-in column
(caseload_monitoring). SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied, ValidationError
from attune.domain.formulation import from_lines
from attune.domain.monitoring.checkin import CheckIn
from attune.services import alerts, formulation, insight
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import Priority
from factories import T0, ClinicSetup, make_clinic

TODAY = T0.date()


def save(uow: SqlUnitOfWork, patient_id: int, checkins: list[CheckIn]) -> None:
    with uow:
        for checkin in checkins:
            at = datetime.combine(checkin.day, datetime.min.time(), tzinfo=UTC)
            uow.monitoring.save_checkin(patient_id, checkin, at + timedelta(hours=21))
        uow.commit()


def plain(day: date, craving: int = 3) -> CheckIn:
    return CheckIn(day=day, mood=6, stress=4, loneliness=3, craving=craving)


def planted(days: int, seed: int) -> list[CheckIn]:
    """``days`` check-ins ending today where being alone today is followed by craving about
    three points higher tomorrow (everything else is noise)."""
    rng = np.random.default_rng(seed)
    alone = rng.random(days) < 0.4
    out = []
    for i in range(days):
        craving = 2 + 3 * (i > 0 and alone[i - 1]) + rng.normal(0, 1)
        out.append(
            CheckIn(
                day=TODAY - timedelta(days=days - 1 - i),
                mood=int(rng.integers(4, 8)),
                stress=int(rng.integers(2, 7)),
                loneliness=int(rng.integers(2, 6)),
                craving=int(np.clip(round(craving), 0, 10)),
                triggers=("alone",) if alone[i] else (),
                sleep_hours=float(rng.choice([6.0, 7.0, 8.0])),
                sleep_quality=int(rng.integers(1, 4)),
            )
        )
    return out


def test_with_few_check_ins_it_says_so_and_the_patient_sees_no_risk(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    save(uow, patient_id, [plain(TODAY - timedelta(days=n)) for n in (5, 4, 2, 1)])
    mine = insight.patient_insight(uow, setup.patient_actor(0), patient_id, clock, days=30)
    assert not mine.insight.enough_data
    assert mine.insight.checkins == 4 and mine.insight.needed == 21
    assert mine.insight.message
    assert mine.risk is None and mine.alerts == () and mine.program is None
    assert mine.start == TODAY - timedelta(days=29) and mine.days == 30
    assert [s.checkin.day for s in mine.checkins] == [
        TODAY - timedelta(days=n) for n in (5, 4, 2, 1)
    ]
    assert mine.missed_days == (TODAY - timedelta(days=3),)
    assert mine.streak.current == 2 and not mine.streak.today_done
    assert mine.streak_text
    assert mine.formulation is None and mine.top_trigger is None

    staff = insight.patient_insight(uow, setup.clinician_actor, patient_id, clock, days=30)
    assert staff.risk is not None and not staff.risk.enough_baseline


def test_a_planted_trigger_is_found_and_joined_with_the_cycle(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    save(uow, patient_id, planted(60, seed=5))
    formulation.save_formulation(
        uow,
        setup.patient_actor(0),
        patient_id,
        from_lines(
            {"situations": "Evenings alone", "urge": "A drink", "behaviour": "Drinking wine"}
        ),
        clock,
    )
    view = insight.patient_insight(uow, setup.patient_actor(0), patient_id, clock)
    assert view.insight.enough_data and view.insight.checkins == 60
    found = {e.predictor: e for e in view.insight.craving}
    alone = found["trigger:alone"]
    assert alone.clear and alone.ci_low < 3 < alone.ci_high
    assert view.top_trigger == "trigger:alone"
    assert view.formulation is not None and view.formulation.content.situations == (
        "Evenings alone",
    )
    assert view.streak.current == 60 and view.streak.today_done
    assert view.missed_days == ()
    assert view.series.days == 90 and view.series.checkins == 60


def test_staff_see_the_risk_and_the_alerts_and_access_is_checked(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    save(uow, patient_id, [plain(TODAY - timedelta(days=n)) for n in range(40, 0, -1)])
    with uow:
        raised = alerts.raise_safety_alert(
            uow,
            patient_id=patient_id,
            source="checkin",
            source_id=1,
            reasons=("Said they have had thoughts of ending their life.",),
            now=clock.now(),
        )
        uow.commit()
    view = insight.patient_insight(uow, setup.clinician_actor, patient_id, clock)
    assert view.risk is not None and view.risk.enough_baseline
    assert [a.id for a in view.alerts] == [raised.id]
    with pytest.raises(PermissionDenied):
        insight.patient_insight(uow, setup.other_clinician_actor, patient_id, clock)
    with pytest.raises(NotFound):
        insight.patient_insight(uow, setup.patient_actor(1), patient_id, clock)
    other = make_clinic(uow, clock, name="Elsewhere")
    with pytest.raises(NotFound):
        insight.patient_insight(uow, other.admin_actor, patient_id, clock)
    for bad in (0, 367):
        with pytest.raises(ValidationError) as refused:
            insight.patient_insight(uow, setup.clinician_actor, patient_id, clock, days=bad)
        assert refused.value.field == "days"
    with uow:
        actions = [e.action for e in uow.audit.for_patient(patient_id)]
    assert actions.count("view_insight") == 4  # one allowed, three denied


def test_the_caseload_shows_last_check_in_missed_days_and_open_alerts(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    first, second = setup.patients[0].id, setup.patients[1].id
    # First: checked in 10 to 4 days ago and today (3 missed of the last 7).
    save(uow, first, [plain(TODAY - timedelta(days=n)) for n in (10, 9, 8, 7, 6, 5, 4, 0)])
    with uow:
        alerts.raise_safety_alert(
            uow,
            patient_id=first,
            source="checkin",
            source_id=1,
            reasons=("Thoughts of self-harm.",),
            now=clock.now(),
        )
        uow.commit()
    # Second: started two days ago (only yesterday missed; before that does not count).
    save(uow, second, [plain(TODAY - timedelta(days=2))])

    (row,) = insight.caseload_monitoring(uow, setup.clinician_actor, clock)
    assert row.patient_id == first
    assert row.last_checkin == TODAY and row.checked_in_today
    assert row.missed_last_7 == 3
    assert row.open_alerts == 1 and row.top_priority is Priority.URGENT

    rows = {r.patient_id: r for r in insight.caseload_monitoring(uow, setup.admin_actor, clock)}
    assert rows[second].missed_last_7 == 1 and rows[second].open_alerts == 0
    assert rows[second].top_priority is None and not rows[second].checked_in_today
    with pytest.raises(PermissionDenied):
        insight.caseload_monitoring(uow, setup.patient_actor(0), clock)
