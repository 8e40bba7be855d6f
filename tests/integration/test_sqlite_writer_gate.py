"""SQLite units of work queue at an in-process gate instead of polling a busy database."""

from __future__ import annotations

import threading

from attune.db import Database, SqlUnitOfWork
from attune.db.engine import writer_gate


def _free_from_another_thread(gate: threading.RLock) -> bool:
    got: list[bool] = []

    def probe() -> None:
        taken = gate.acquire(blocking=False)
        if taken:
            gate.release()
        got.append(taken)

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return got[0]


def test_a_unit_of_work_holds_the_gate_until_it_ends(
    database: Database, uow: SqlUnitOfWork, backend: str
) -> None:
    gate = writer_gate(database.engine)
    if backend == "postgresql":
        assert gate is None  # PostgreSQL's own locks queue writers
        return
    assert gate is not None
    assert _free_from_another_thread(gate)
    with uow:
        assert not _free_from_another_thread(gate)
        with uow:  # nested blocks of the same unit of work share it
            assert not _free_from_another_thread(gate)
        assert not _free_from_another_thread(gate)
    assert _free_from_another_thread(gate)


def test_the_gate_is_released_when_the_work_fails(database: Database, backend: str) -> None:
    gate = writer_gate(database.engine)
    assert (gate is None) == (backend == "postgresql")
    unit = database.unit_of_work()
    try:
        with unit:
            raise ValueError("boom")
    except ValueError:
        pass
    assert gate is None or _free_from_another_thread(gate)
