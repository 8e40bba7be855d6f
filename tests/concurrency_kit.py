"""Run one job on several threads at once, each with its own unit of work (connection and
transaction), for the concurrency tests: on PostgreSQL they really overlap; on SQLite they
queue for the write lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from attune.db import Database, SqlUnitOfWork
from attune.domain.errors import Conflict


@dataclass
class Outcome:
    done: object | None = None
    refused: Conflict | None = None
    unexpected: BaseException | None = None


def run_together(
    database: Database, job: Callable[[SqlUnitOfWork], object], threads: int
) -> list[Outcome]:
    """Start ``job`` on ``threads`` threads at the same moment; a Conflict is a refusal,
    anything else unexpected fails the test."""
    start = threading.Barrier(threads, timeout=120)
    outcomes = [Outcome() for _ in range(threads)]

    def work(i: int) -> None:
        unit = database.unit_of_work()
        try:
            start.wait()
            outcomes[i].done = job(unit)
        except Conflict as exc:
            outcomes[i].refused = exc
        except BaseException as exc:  # reported by the assertion below
            outcomes[i].unexpected = exc

    running = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    assert [o.unexpected for o in outcomes] == [None] * threads
    return outcomes
