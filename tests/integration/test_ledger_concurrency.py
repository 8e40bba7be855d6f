"""Concurrent writers against one ledger: on PostgreSQL they really run at once (each
thread its own connection and transaction); on SQLite they queue for the write lock.
Either way exactly the entries the stock covers are accepted, the rest are refused with a
clear Conflict, no balance goes below zero and every balance is the sum of its entries."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from test_ledger import receive

from attune.db import Database, SqlUnitOfWork
from attune.domain.errors import Conflict
from attune.services import ledger
from attune.services.audit import verify_audit
from attune.services.clock import FixedClock
from attune.services.ledger_common import EntryView
from factories import ClinicSetup

THREADS = 8


@dataclass
class Outcome:
    entry: EntryView | None = None
    refused: Conflict | None = None
    unexpected: BaseException | None = None


def _run_together(
    database: Database, jobs: list[Callable[[SqlUnitOfWork], EntryView]]
) -> list[Outcome]:
    """Run each job in its own thread with its own unit of work, all released at once."""
    start = threading.Barrier(len(jobs), timeout=120)
    outcomes = [Outcome() for _ in jobs]

    def work(i: int) -> None:
        unit = database.unit_of_work()
        try:
            start.wait()
            outcomes[i].entry = jobs[i](unit)
        except Conflict as exc:
            outcomes[i].refused = exc
        except BaseException as exc:  # reported by the assertion below
            outcomes[i].unexpected = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [o.unexpected for o in outcomes] == [None] * len(jobs)
    return outcomes


def _check_the_books(uow: SqlUnitOfWork, clinic_id: int) -> dict[str, int]:
    with uow:
        entries = uow.ledger.entries(clinic_id)
        lots = uow.ledger.lots(clinic_id)
    assert [e.number for e in entries] == list(range(1, len(entries) + 1))
    for lot in lots:
        mine = [e for e in entries if e.lot_id == lot.id]
        running = 0
        for entry in mine:
            running += entry.change_ug
            assert entry.balance_after_ug == running >= 0
        assert lot.balance_ug == running
    assert verify_audit(uow).ok
    return {lot.lot: lot.balance_ug for lot in lots}


def test_eight_dispenses_at_once_from_a_lot_holding_five(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock, mg="500").entry.lot_id

    def dispense(i: int) -> Callable[[SqlUnitOfWork], EntryView]:
        def job(unit: SqlUnitOfWork) -> EntryView:
            return ledger.record_use(
                unit,
                setup.clinician_actor,
                kind="dispense",
                lot_id=lot,
                quantity="100",
                session_ref=f"Session {i}",
                clock=clock,
            )

        return job

    outcomes = _run_together(database, [dispense(i) for i in range(THREADS)])
    accepted = [o.entry for o in outcomes if o.entry is not None]
    refused = [o.refused for o in outcomes if o.refused is not None]
    assert len(accepted) == 5 and len(refused) == 3
    assert sorted(e.entry.balance_after_ug for e in accepted) == [
        0,
        100_000,
        200_000,
        300_000,
        400_000,
    ]
    for error in refused:
        assert (
            error.message == "Lot K-1 holds 0 mg; this dispense of 100 mg would take it below zero."
        )
        assert error.field == "quantity"
    assert _check_the_books(uow, setup.clinic.id) == {"K-1": 0}
    with uow:
        outcomes_audited = [
            e.outcome for e in uow.audit.in_order() if e.action == "record_ledger_entry"
        ]
    assert sorted(outcomes_audited) == ["allowed"] * 6 + ["failed"] * 3


def test_mixed_writers_on_two_lots_never_overdraw_either(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    k1 = receive(uow, setup, clock, lot="K-1", mg="300").entry.lot_id
    k2 = receive(uow, setup, clock, lot="K-2", mg="120").entry.lot_id
    chooser = random.Random(20260105)

    def take(lot: int, mg: int, i: int) -> Callable[[SqlUnitOfWork], EntryView]:
        kind = chooser.choice(["administration", "dispense"])

        def job(unit: SqlUnitOfWork) -> EntryView:
            return ledger.record_use(
                unit,
                setup.clinician_actor,
                kind=kind,
                lot_id=lot,
                quantity=str(mg),
                session_ref=f"S{i}",
                clock=clock,
            )

        return job

    def restock(unit: SqlUnitOfWork) -> EntryView:
        return receive(unit, setup, clock, lot="K-2", mg="40")

    jobs = [take(chooser.choice([k1, k2]), chooser.choice([35, 60, 90]), i) for i in range(11)]
    jobs.append(restock)
    outcomes = _run_together(database, jobs)
    held = _check_the_books(uow, setup.clinic.id)
    taken = -sum(
        o.entry.entry.change_ug for o in outcomes if o.entry and o.entry.entry.change_ug < 0
    )
    assert held["K-1"] + held["K-2"] + taken == 300_000 + 120_000 + 40_000
    refused = [o.refused for o in outcomes if o.refused is not None]
    assert refused, "the lots were meant to run short"
    for error in refused:
        assert "would take it below zero" in error.message


@pytest.mark.parametrize("rounds", [3])
def test_repeated_races_keep_the_balance_equal_to_the_entries(
    database: Database, uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock, rounds: int
) -> None:
    lot = receive(uow, setup, clock, mg="250").entry.lot_id
    for round_ in range(rounds):

        def job(unit: SqlUnitOfWork, r: int = round_) -> EntryView:
            return ledger.record_use(
                unit,
                setup.admin_actor,
                kind="administration",
                lot_id=lot,
                quantity="30",
                session_ref=f"Round {r}",
                clock=clock,
            )

        _run_together(database, [job] * THREADS)
        _check_the_books(uow, setup.clinic.id)
    assert _check_the_books(uow, setup.clinic.id) == {"K-1": 250_000 - 8 * 30_000}
