"""An at-home dosing day is the clinic's day (ATTUNE_TIMEZONE), not the UTC day.

A patient in New York passes the gate at 18:30 and takes the dose at 20:00: the same local
day, but 23:30 and 01:00 UTC fall on two UTC days. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attune.db import Database
from attune.domain.errors import StepRefused
from attune.domain.kap.athome import GateAnswers
from attune.services import kap_home
from attune.services.clock import FixedClock
from factories import ClinicSetup, eligible_course

NEW_YORK = ZoneInfo("America/New_York")


def _ready(clock: FixedClock) -> GateAnswers:
    now = clock.now()
    return GateAnswers(
        last_ate_at=now - timedelta(hours=5),
        sitter_present=True,
        sitter_name="Alex",
        systolic=124,
        diastolic=80,
        bp_measured_at=now - timedelta(minutes=5),
        phone_charged=True,
        no_driving_agreed=True,
        intention="To notice what the evenings ask of me",
    )


def _clinic(database: Database, tz: ZoneInfo | None) -> Database:
    return Database(
        database.engine,
        database.session_factory,
        database.instruments,
        database.kap_settings,
        tz or UTC,
    )


@pytest.mark.parametrize("zone", [NEW_YORK, None], ids=["new-york", "utc"])
def test_an_evening_dose_belongs_to_the_clinics_day(
    database: Database, setup: ClinicSetup, clock: FixedClock, zone: ZoneInfo | None
) -> None:
    clinic = _clinic(database, zone)
    course = eligible_course(database.unit_of_work(), setup, clock, program="at_home")
    me = setup.patient_actor(0)
    # 18:30 in New York on a winter evening is 23:30 UTC.
    clock.set(datetime(2026, 1, 8, 23, 30, tzinfo=UTC))
    gate = kap_home.dosing_day_gate(clinic.unit_of_work(), me, course.id, _ready(clock), clock)
    assert gate.passed and gate.may_dose
    clock.set(datetime(2026, 1, 9, 1, 0, tzinfo=UTC))  # 20:00 in New York
    if zone is None:
        # By the UTC calendar the gate was "yesterday": the dose is refused.
        with pytest.raises(StepRefused):
            kap_home.record_home_dose(clinic.unit_of_work(), me, course.id, clock.now(), clock)
    else:
        session = kap_home.record_home_dose(
            clinic.unit_of_work(), me, course.id, clock.now(), clock
        )
        assert session.kind == "at_home"
