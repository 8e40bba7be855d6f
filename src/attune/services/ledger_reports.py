"""Ledger reports: on-hand counts reconciled with the ledger, and the biennial inventory.

A **count** is what staff find on the shelf, lot by lot, in mg. It is compared with the
ledger's balances (the book is locked meanwhile, so no entry slips in between) by
:func:`attune.domain.kap.ledger_reports.reconcile`, and stored with who counted, when,
the last entry it was compared against, and each lot's result; a lot short, over, not
counted or unknown to the ledger is a discrepancy. A count changes no balance: a real
loss is recorded as waste or a correction, with its reason.

An **inventory** (21 CFR 1304.11, at least every two years) lists every lot with its
balance as of a time, taken at the opening or the close of business, under the clinic's
registration number. Only the request is stored (who, when, as of when); the lines are
worked out from the entries, which are append-only, so they read the same every time.
Counts are for any staff member; an inventory is for an admin.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from attune.domain.errors import NotFound, PermissionDenied
from attune.domain.kap import checks
from attune.domain.kap.ledger import (
    UG_PER_MG,
    EntryKind,
    LedgerEntry,
    LedgerState,
    dea_problem,
)
from attune.domain.kap.ledger_reports import (
    CountLine,
    CountStatus,
    InventoryReport,
    TakenAt,
    biennial_inventory,
    next_inventory_due,
    reconcile,
)
from attune.services.actors import Actor, Role
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ledger_common import (
    LedgerEvent,
    Names,
    Problems,
    audited,
    clean_lot,
    counted_ug,
    deny,
    require_staff,
    staff_only,
)
from attune.services.ports import (
    LedgerCountLine,
    LedgerCountRecord,
    LedgerEntryRecord,
    LedgerInventoryRecord,
    LedgerLot,
    UnitOfWork,
)

MAX_NOTE = checks.MAX_LONG_TEXT


@dataclass(frozen=True)
class CountView:
    record: LedgerCountRecord
    counted_by: str
    #: Each lot's result, with its message ("Lot K-1: … 20 mg short.").
    lines: tuple[CountLine, ...]

    @property
    def discrepancies(self) -> tuple[CountLine, ...]:
        return tuple(line for line in self.lines if line.status is not CountStatus.MATCHES)


@dataclass(frozen=True)
class InventoryView:
    record: LedgerInventoryRecord
    taken_by: str
    report: InventoryReport
    #: The latest date for the next inventory.
    next_due: date


@dataclass(frozen=True)
class LedgerOverview:
    lots: tuple[LedgerLot, ...]
    entries: int
    last_count: CountView | None
    inventories: tuple[LedgerInventoryRecord, ...]
    #: None until a first inventory is taken.
    next_inventory_due: date | None


def _count_view(names: Names, record: LedgerCountRecord) -> CountView:
    lines = tuple(
        CountLine(line.lot, line.expected_ug, line.counted_ug, CountStatus(line.status))
        for line in record.lines
    )
    return CountView(record, names.user(record.counted_by), lines)


def overview(uow: UnitOfWork, actor: Actor) -> LedgerOverview:
    """The clinic's lots with their balances, the last count and the inventories (staff)."""
    require_staff(actor)
    with uow:
        counts = uow.ledger.counts(actor.clinic_id)
        inventories = tuple(uow.ledger.inventories(actor.clinic_id))
        return LedgerOverview(
            lots=tuple(uow.ledger.lots(actor.clinic_id)),
            entries=uow.ledger.book(actor.clinic_id).entries,
            last_count=_count_view(Names(uow, actor), counts[0]) if counts else None,
            inventories=inventories,
            next_inventory_due=(
                next_inventory_due(inventories[0].as_of.date()) if inventories else None
            ),
        )


# --- counts --------------------------------------------------------------------------------


def record_count(
    uow: UnitOfWork,
    actor: Actor,
    counts: Mapping[str, Decimal | str | None],
    clock: Clock = SYSTEM_CLOCK,
    *,
    note: str = "",
) -> CountView:
    """Store an on-hand count (lot number -> mg; empty or None: not counted) compared
    with the ledger (staff). A field error names ``counts.<lot>``."""
    with uow:
        if not actor.is_staff:
            deny(uow, actor, LedgerEvent.COUNT_STOCK, staff_only(), clock, "count")
        book = uow.ledger.lock_book(actor.clinic_id)
        now = clock.now()
        with audited(
            uow, actor, LedgerEvent.COUNT_STOCK, clock, detail=f"count after entry {book.entries}"
        ):
            problems = Problems()
            amounts: dict[str, int] = {}
            for raw_lot, value in counts.items():
                lot = clean_lot(raw_lot)
                if not lot:
                    problems.add(f"counts.{raw_lot}", "Enter the lot number of what you counted.")
                    continue
                if problem := checks.text_problem(lot, 40):
                    problems.add(f"counts.{raw_lot}", f"Lot number: {problem}")
                    continue
                if value is None or not str(value).strip():
                    continue
                found = _counted(problems, value, f"counts.{lot}")
                if found is not None:
                    amounts[lot] = found
            if not amounts and not problems.errors:
                problems.add("counts", "Enter at least one count.")
            if problem := checks.text_problem(note, MAX_NOTE, required=False):
                problems.add("note", problem)
            problems.raise_if_any()
            lots = uow.ledger.lots(actor.clinic_id)
            state = LedgerState({lot.lot: lot.balance_ug for lot in lots})
            result = reconcile(state, amounts, now)
            record = uow.ledger.add_count(
                clinic_id=actor.clinic_id,
                counted_at=now,
                counted_by=actor.user_id,
                through_entry=book.entries,
                note=note.strip(),
                lines=tuple(
                    LedgerCountLine(line.lot, line.expected_ug, line.counted_ug, line.status.value)
                    for line in result.lines
                ),
            )
            view = _count_view(Names(uow, actor), record)
            uow.commit()
    return view


def _counted(problems: Problems, value: Decimal | str, field: str) -> int | None:
    return problems.take(lambda: counted_ug(value, field))


def _no_such(what: str, ident: int) -> NotFound:
    return NotFound(f"There is no {what} with id {ident} in this clinic's ledger.", field="id")


def count_view(uow: UnitOfWork, actor: Actor, count_id: int) -> CountView:
    """One stored count (staff of its clinic)."""
    require_staff(actor)
    with uow:
        record = uow.ledger.count(count_id)
        if record is None or record.clinic_id != actor.clinic_id:
            raise _no_such("count", count_id)
        return _count_view(Names(uow, actor), record)


def recent_counts(uow: UnitOfWork, actor: Actor, limit: int = 20) -> list[CountView]:
    """The clinic's counts, newest first (staff)."""
    require_staff(actor)
    with uow:
        names = Names(uow, actor)
        return [_count_view(names, r) for r in uow.ledger.counts(actor.clinic_id)[:limit]]


# --- inventories ---------------------------------------------------------------------------


def domain_entry(record: LedgerEntryRecord) -> LedgerEntry:
    """A stored entry as the domain's ledger entry (people as "user <id>")."""
    kind = EntryKind(record.kind)
    return LedgerEntry(
        id=str(record.number),
        kind=kind,
        lot=record.lot,
        quantity_ug=record.change_ug if kind is EntryKind.CORRECTION else abs(record.change_ug),
        at=record.at,
        recorded_by=f"user {record.recorded_by}",
        supplier=record.supplier,
        supplier_dea=record.supplier_dea,
        description=record.description,
        session_id=record.session_ref,
        witness=f"user {record.witness_id}" if record.witness_id is not None else "",
        corrects=str(record.corrects) if record.corrects is not None else "",
        reason=record.reason,
    )


def _inventory_view(uow: UnitOfWork, actor: Actor, record: LedgerInventoryRecord) -> InventoryView:
    entries = uow.ledger.entries(record.clinic_id, upto=record.as_of)
    report = biennial_inventory(
        [domain_entry(e) for e in entries],
        record.as_of,
        taken_at=TakenAt(record.taken_at),
        registrant_dea=record.registrant_dea,
    )
    return InventoryView(
        record,
        Names(uow, actor).user(record.taken_by),
        report,
        next_inventory_due(record.as_of.date()),
    )


def _taken_at(value: TakenAt | str) -> TakenAt | None:
    for choice in TakenAt:
        if value in (choice, choice.value):
            return choice
    return None


def take_inventory(
    uow: UnitOfWork,
    actor: Actor,
    *,
    as_of: datetime,
    taken_at: TakenAt | str,
    registrant_dea: str,
    clock: Clock = SYSTEM_CLOCK,
) -> InventoryView:
    """Record a biennial inventory as of a time not after now (admins)."""
    with uow:
        if actor.role is not Role.ADMIN:
            error = (
                PermissionDenied("Only a clinic admin can take the inventory.", field="action")
                if actor.is_staff
                else staff_only()
            )
            deny(uow, actor, LedgerEvent.TAKE_INVENTORY, error, clock, "inventory")
        now = clock.now()
        detail = f"inventory as of {as_of.isoformat() if as_of.tzinfo else as_of}"
        with audited(uow, actor, LedgerEvent.TAKE_INVENTORY, clock, detail=detail):
            problems = Problems()
            when = _taken_at(taken_at)
            if when is None:
                problems.add("taken_at", "Say whether it was taken at the opening or the close.")
            if problem := checks.time_problem(as_of):
                problems.add("as_of", problem)
            elif as_of > now:
                problems.add("as_of", "An inventory cannot be taken as of a time still to come.")
            dea = registrant_dea.strip().upper()
            if problem := dea_problem(dea):
                problems.add("registrant_dea", problem)
            problems.raise_if_any()
            assert when is not None
            record = uow.ledger.add_inventory(
                clinic_id=actor.clinic_id,
                as_of=as_of,
                taken_at=when.value,
                registrant_dea=dea,
                taken_by=actor.user_id,
                created_at=now,
            )
            view = _inventory_view(uow, actor, record)
            uow.commit()
    return view


def inventory_view(uow: UnitOfWork, actor: Actor, inventory_id: int) -> InventoryView:
    """One inventory with its lines (staff of its clinic)."""
    require_staff(actor)
    with uow:
        record = uow.ledger.inventory(inventory_id)
        if record is None or record.clinic_id != actor.clinic_id:
            raise _no_such("inventory", inventory_id)
        return _inventory_view(uow, actor, record)


#: A cell a spreadsheet would read as a formula starts with one of these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def inventory_csv(view: InventoryView) -> str:
    """The inventory as CSV: one row per lot, with the registration number, the time and
    whether it was taken at the opening or the close of business on every row. Balances
    in mg as exact decimals; text that a spreadsheet would run as a formula is quoted."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["registrant_dea", "as_of_utc", "taken_at", "lot", "description", "balance_mg"])
    report = view.report
    for line in report.lines:
        writer.writerow(
            [
                report.registrant_dea,
                report.as_of.isoformat(),
                report.taken_at.value,
                _cell(line.lot),
                _cell(line.description),
                checks.plain_decimal(Decimal(line.balance_ug) / UG_PER_MG),
            ]
        )
    return out.getvalue()
