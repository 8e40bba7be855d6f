"""Pure helpers of the services: the recurrence rule, the clock and audit hashing."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from attune.services.assignments import next_due_after
from attune.services.audit import canonical_time, event_hash
from attune.services.clock import FixedClock, SystemClock
from attune.services.ports import GENESIS_HASH

MONDAY = date(2026, 1, 5)


@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        (date(2026, 1, 3), date(2026, 1, 19)),  # early: counts for this period
        (MONDAY, date(2026, 1, 19)),  # on the day
        (date(2026, 1, 10), date(2026, 1, 19)),  # late within the period
        (date(2026, 1, 19), date(2026, 2, 2)),  # a whole period late: no backlog owed
        (date(2026, 2, 20), date(2026, 3, 2)),  # several periods late
    ],
)
def test_next_due_keeps_the_rhythm_of_the_due_date(answered: date, expected: date) -> None:
    assert next_due_after(MONDAY, 14, answered) == expected
    assert (expected - MONDAY).days % 14 == 0
    assert expected > answered


def test_every_day_moves_to_tomorrow() -> None:
    assert next_due_after(MONDAY, 1, MONDAY) == MONDAY + timedelta(days=1)


def test_every_days_must_be_positive() -> None:
    with pytest.raises(ValueError):
        next_due_after(MONDAY, 0, MONDAY)


def test_fixed_clock_moves_only_when_told() -> None:
    clock = FixedClock(datetime(2026, 1, 5, 9, tzinfo=timezone(timedelta(hours=2))))
    assert clock.now() == datetime(2026, 1, 5, 7, tzinfo=UTC)
    assert clock.now().tzinfo == UTC
    clock.advance(timedelta(days=1))
    assert clock.now() == datetime(2026, 1, 6, 7, tzinfo=UTC)
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 5, 9))


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo == UTC


def test_canonical_time_is_utc_with_microseconds() -> None:
    at = datetime(2026, 1, 5, 10, tzinfo=timezone(timedelta(hours=1)))
    assert canonical_time(at) == "2026-01-05T09:00:00.000000+00:00"
    with pytest.raises(ValueError):
        canonical_time(datetime(2026, 1, 5))


def test_event_hash_is_stable() -> None:
    digest = event_hash(
        GENESIS_HASH,
        seq=1,
        at=datetime(2026, 1, 5, 9, tzinfo=UTC),
        actor_user_id=None,
        actor_role="system",
        patient_id=None,
        action="create_clinic",
        outcome="allowed",
        detail="clinic 1",
    )
    # sha256 of the genesis hash and the canonical JSON below, computed independently.
    body = (
        '{"action":"create_clinic","actor_role":"system","actor_user_id":null,'
        '"at":"2026-01-05T09:00:00.000000+00:00","detail":"clinic 1","outcome":"allowed",'
        '"patient_id":null,"seq":1}'
    )
    assert digest == hashlib.sha256((GENESIS_HASH + body).encode()).hexdigest()
