"""What the database itself guarantees for the ledger, on SQLite and PostgreSQL, even for
code that goes around the services: balances never below zero, entries, counts and
inventories never changed or removed, a lot never removed and only its balance moving."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError
from test_ledger import DEA, receive, use

from attune.db import Database, SqlUnitOfWork
from attune.domain.errors import Conflict
from attune.domain.kap.ledger_reports import TakenAt
from attune.services import ledger_reports
from attune.services.clock import FixedClock
from attune.services.ports import NewLedgerEntry
from factories import ClinicSetup

REFUSED = (DBAPIError, IntegrityError)


def _sql(database: Database, statement: str, **params: object) -> None:
    with database.engine.begin() as connection:
        connection.execute(text(statement), params)


def _lot_balance(database: Database, lot_id: int) -> int:
    with database.engine.connect() as connection:
        value = connection.execute(
            text("SELECT balance_ug FROM ledger_lot WHERE id = :id"), {"id": lot_id}
        ).scalar_one()
    return int(value)


@pytest.fixture
def stocked(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> int:
    """Lot K-1 (500 mg) with one dispense, one count and one inventory; its id."""
    lot = receive(uow, setup, clock).entry.lot_id
    use(uow, setup.clinician_actor, lot, clock, "100")
    ledger_reports.record_count(uow, setup.clinician_actor, {"K-1": "400"}, clock)
    ledger_reports.take_inventory(
        uow,
        setup.admin_actor,
        as_of=clock.now(),
        taken_at=TakenAt.OPENING,
        registrant_dea=DEA,
        clock=clock,
    )
    return lot


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entry SET change_ug = -1 WHERE number = 2",
        "DELETE FROM ledger_entry WHERE number = 2",
        "UPDATE ledger_count SET note = 'edited'",
        "DELETE FROM ledger_count_line",
        "UPDATE ledger_inventory SET registrant_dea = 'AB1234563'",
        "DELETE FROM ledger_inventory",
        "DELETE FROM ledger_lot",
        "UPDATE ledger_lot SET description = 'something else'",
        "UPDATE ledger_lot SET lot = 'K-9'",
    ],
)
def test_the_record_cannot_be_edited_or_removed(
    database: Database, stocked: int, statement: str
) -> None:
    with pytest.raises(REFUSED, match=r"(?i)append-only|never removed|only the balance"):
        _sql(database, statement)
    assert _lot_balance(database, stocked) == 400_000


def test_a_lot_balance_below_zero_is_refused_by_the_table(database: Database, stocked: int) -> None:
    with pytest.raises(IntegrityError, match=r"(?i)check|constraint"):
        _sql(database, "UPDATE ledger_lot SET balance_ug = -1 WHERE id = :id", id=stocked)
    assert _lot_balance(database, stocked) == 400_000


def _raw_entry(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "clinic_id": 1,
        "number": 99,
        "lot_id": 1,
        "kind": "dispense",
        "change_ug": -1,
        "balance_after_ug": 1,
        "at": datetime(2026, 1, 5, 9, tzinfo=UTC).replace(tzinfo=None),
        "occurred_on": date(2026, 1, 5),
        "recorded_by": 2,
        "description": "",
        "supplier": "",
        "supplier_dea": "",
        "patient_id": None,
        "session_ref": "S",
        "witness_id": None,
        "corrects": None,
        "reason": "",
    }
    row.update(changes)
    return row


@pytest.mark.parametrize(
    "changes",
    [
        {"balance_after_ug": -1},
        {"kind": "receipt", "change_ug": -5},
        {"kind": "dispense", "change_ug": 5},
        {"kind": "administration", "session_ref": ""},
        {"kind": "waste", "witness_id": None},
        {"kind": "waste", "witness_id": 2},
        {"kind": "correction", "change_ug": 5, "corrects": None},
        {"kind": "correction", "change_ug": 5, "corrects": 77},
        {"kind": "stolen"},
        {"number": 1},
    ],
)
def test_the_entry_table_refuses_an_impossible_entry(
    database: Database, stocked: int, changes: dict[str, object]
) -> None:
    columns = _raw_entry(**changes)
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    if database.engine.dialect.name == "postgresql":
        columns["at"] = datetime(2026, 1, 5, 9, tzinfo=UTC)
    with pytest.raises(IntegrityError):
        _sql(database, f"INSERT INTO ledger_entry ({names}) VALUES ({values})", **columns)


def test_the_repository_refuses_to_go_below_zero_even_past_the_services_check(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, database: Database, stocked: int
) -> None:
    with uow:
        book = uow.ledger.lock_book(setup.clinic.id)
        entry = NewLedgerEntry(
            clinic_id=setup.clinic.id,
            number=book.entries + 1,
            lot_id=stocked,
            kind="dispense",
            change_ug=-400_001,
            at=clock.now(),
            occurred_on=clock.now().date(),
            recorded_by=setup.clinician.id,
            session_ref="S",
        )
        with pytest.raises(Conflict, match="does not hold enough"):
            uow.ledger.append(entry)
    assert _lot_balance(database, stocked) == 400_000
    with uow:
        uow.ledger.lock_book(setup.clinic.id)
        with pytest.raises(Conflict, match="moved on"):
            uow.ledger.append(
                NewLedgerEntry(
                    clinic_id=setup.clinic.id,
                    number=book.entries + 5,
                    lot_id=stocked,
                    kind="dispense",
                    change_ug=-1,
                    at=clock.now(),
                    occurred_on=clock.now().date(),
                    recorded_by=setup.clinician.id,
                    session_ref="S",
                )
            )


def test_the_raw_entry_above_is_accepted_as_it_stands(database: Database, stocked: int) -> None:
    """The control for the refusals above: each refused entry differs from this one only
    in what it changes."""
    columns = _raw_entry()
    if database.engine.dialect.name == "postgresql":
        columns["at"] = datetime(2026, 1, 5, 9, tzinfo=UTC)
    names = ", ".join(columns)
    values = ", ".join(f":{name}" for name in columns)
    _sql(database, f"INSERT INTO ledger_entry ({names}) VALUES ({values})", **columns)
    with database.engine.connect() as connection:
        found = connection.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one()
    assert found == 3
