"""The audit log: gap-free, hash-chained, append-only, and tamper-evident on both databases.

Tamper tests play an attacker with direct database access: they first remove the
append-only triggers (as such an attacker could), then change rows, and check that
``verify_audit`` names the first event that no longer fits.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from attune.db import Database, SqlUnitOfWork
from attune.services.audit import event_hash, record_event, verify_audit
from attune.services.clock import FixedClock
from attune.services.ports import GENESIS_HASH, Outcome


def append(uow: SqlUnitOfWork, clock: FixedClock, count: int, label: str = "event") -> None:
    for i in range(count):
        with uow:
            record_event(
                uow,
                at=clock.now(),
                actor=None,
                action="test",
                outcome=Outcome.ALLOWED,
                patient_id=i,
                detail=f"{label} {i}",
            )
            uow.commit()
        clock.advance(timedelta(seconds=1))


def attack(database: Database, backend: str, *statements: str) -> None:
    """Run raw SQL as someone with direct access, after removing the triggers."""
    with database.engine.begin() as connection:
        if backend == "postgresql":
            connection.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        else:
            connection.execute(text("DROP TRIGGER IF EXISTS audit_event_no_update"))
            connection.execute(text("DROP TRIGGER IF EXISTS audit_event_no_delete"))
        for statement in statements:
            connection.execute(text(statement))


def test_events_chain_from_genesis(uow: SqlUnitOfWork, clock: FixedClock) -> None:
    append(uow, clock, 3)
    with uow:
        events = list(uow.audit.in_order())
        head = uow.audit.head()
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert (head.seq, head.hash) == (3, events[-1].hash)
    result = verify_audit(uow)
    assert result.ok and result.checked == 3 and result.first_bad_seq is None


def test_an_empty_log_verifies(uow: SqlUnitOfWork) -> None:
    result = verify_audit(uow)
    assert result.ok and result.checked == 0


def test_hash_covers_every_field(clock: FixedClock) -> None:
    fields = dict(
        seq=1,
        at=clock.now(),
        actor_user_id=1,
        actor_role="admin",
        patient_id=2,
        action="view_record",
        outcome="allowed",
        detail="",
    )
    base = event_hash(GENESIS_HASH, **fields)  # type: ignore[arg-type]
    changes = dict(
        seq=2,
        at=clock.now() + timedelta(microseconds=1),
        actor_user_id=3,
        actor_role="clinician",
        patient_id=None,
        action="submit_response",
        outcome="denied",
        detail="x",
    )
    for key, value in changes.items():
        assert event_hash(GENESIS_HASH, **{**fields, key: value}) != base, key  # type: ignore[arg-type]
    assert event_hash("f" * 64, **fields) != base  # type: ignore[arg-type]


def test_a_rolled_back_append_leaves_no_gap(uow: SqlUnitOfWork, clock: FixedClock) -> None:
    append(uow, clock, 1)
    with uow:
        record_event(uow, at=clock.now(), actor=None, action="lost", outcome=Outcome.ALLOWED)
        uow.rollback()
    append(uow, clock, 1)
    with uow:
        assert [e.seq for e in uow.audit.in_order()] == [1, 2]
    assert verify_audit(uow).ok


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_event SET detail = 'changed' WHERE seq = 1", "DELETE FROM audit_event"],
)
def test_the_database_refuses_to_change_events(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, statement: str
) -> None:
    append(uow, clock, 2)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text(statement))
    assert verify_audit(uow).ok


def test_postgresql_refuses_truncate(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    if backend != "postgresql":
        pytest.skip("TRUNCATE exists only on PostgreSQL")
    append(uow, clock, 1)
    with pytest.raises(DBAPIError, match="append-only"), database.engine.begin() as connection:
        connection.execute(text("TRUNCATE audit_event"))


def test_an_edited_event_is_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    attack(database, backend, "UPDATE audit_event SET detail = 'x' WHERE seq = 3")
    result = verify_audit(uow)
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.checked == 2
    assert "changed" in result.reason


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    with uow:
        third = list(uow.audit.in_order())[2]
    forged = event_hash(
        third.prev_hash,
        seq=3,
        at=third.at,
        actor_user_id=third.actor_user_id,
        actor_role=third.actor_role,
        patient_id=third.patient_id,
        action=third.action,
        outcome=third.outcome,
        detail="nothing to see",
    )
    attack(
        database,
        backend,
        f"UPDATE audit_event SET detail = 'nothing to see', hash = '{forged}' WHERE seq = 3",
    )
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "link" in result.reason


def test_a_deleted_event_is_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    attack(database, backend, "DELETE FROM audit_event WHERE seq = 3")
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq) == (False, 4)
    assert "missing" in result.reason


def test_a_deleted_last_event_is_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    attack(database, backend, "DELETE FROM audit_event WHERE seq = 5")
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 5, 4)
    assert "removed" in result.reason


def test_an_inserted_event_is_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    attack(
        database,
        backend,
        # Make room at seq 3 (in two steps so no two rows ever share a number) …
        "UPDATE audit_event SET seq = -seq - 1 WHERE seq >= 3",
        "UPDATE audit_event SET seq = -seq WHERE seq < 0",
        # … and slip in an event of the attacker's own.
        "INSERT INTO audit_event (seq, at, actor_user_id, actor_role, patient_id, action, "
        "outcome, detail, prev_hash, hash) SELECT 3, at, NULL, 'system', NULL, 'forged', "
        f"'allowed', '', hash, '{'a' * 64}' FROM audit_event WHERE seq = 2",
    )
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq) == (False, 3)


def test_an_event_added_behind_the_logs_back_is_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 3)
    with uow:
        last = list(uow.audit.in_order())[-1]
    at = last.at + timedelta(seconds=1)
    forged = event_hash(
        last.hash,
        seq=4,
        at=at,
        actor_user_id=None,
        actor_role="system",
        patient_id=None,
        action="forged",
        outcome="allowed",
        detail="",
    )
    stored_at = at.replace(tzinfo=None).isoformat(sep=" ") if backend == "sqlite" else at
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO audit_event (seq, at, actor_user_id, actor_role, patient_id, "
                "action, outcome, detail, prev_hash, hash) VALUES (4, :at, NULL, 'system', "
                "NULL, 'forged', 'allowed', '', :prev, :hash)"
            ),
            {"at": stored_at, "prev": last.hash, "hash": forged},
        )
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq, result.checked) == (False, 4, 4)
    assert "head" in result.reason


def test_reordered_events_are_named(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock, backend: str
) -> None:
    append(uow, clock, 5)
    attack(
        database,
        backend,
        "UPDATE audit_event SET seq = -2 WHERE seq = 2",
        "UPDATE audit_event SET seq = 2 WHERE seq = 3",
        "UPDATE audit_event SET seq = 3 WHERE seq = -2",
    )
    result = verify_audit(uow)
    assert (result.ok, result.first_bad_seq) == (False, 2)


def test_concurrent_writers_leave_one_valid_chain(
    database: Database, uow: SqlUnitOfWork, clock: FixedClock
) -> None:
    """Two writers on separate connections append at once; the head lock keeps one chain."""
    per_writer = 30
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def writer(name: str) -> None:
        own = database.unit_of_work()
        try:
            barrier.wait()
            for i in range(per_writer):
                with own:
                    record_event(
                        own,
                        at=clock.now(),
                        actor=None,
                        action="concurrent",
                        outcome=Outcome.ALLOWED,
                        detail=f"{name} {i}",
                    )
                    own.commit()
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    result = verify_audit(uow)
    assert result.ok, result.reason
    assert result.checked == 2 * per_writer
    with uow:
        details = [e.detail for e in uow.audit.in_order()]
    assert sorted(details) == sorted(f"{n} {i}" for n in "ab" for i in range(per_writer))
