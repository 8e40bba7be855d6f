"""The controlled-substance ledger: the book, lots, entries, counts and inventories.

How a balance is kept from going below zero, inside the database transaction:

1. :meth:`SqlLedger.lock_book` locks the clinic's book row (``SELECT … FOR UPDATE`` on
   PostgreSQL; a SQLite transaction already holds the database's write lock), so the
   writes to one clinic's ledger queue up and entry numbers have no gaps;
2. the service checks the entry with the domain rules against the lot's locked balance;
3. :meth:`SqlLedger.append` moves the balance with one conditional statement,
   ``UPDATE ledger_lot SET balance_ug = balance_ug + :change WHERE id = :lot AND
   balance_ug + :change >= 0 RETURNING balance_ug``, and inserts the entry with the
   balance after it. No row back means the lot does not hold enough: a Conflict.

Behind that, the table itself refuses: ``CHECK (balance_ug >= 0)`` on the lot, and the
entry's own ``balance_after_ug >= 0``. Triggers (see the migration) keep entries, counts
and inventories append-only and let only a lot's balance change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from attune.db.models import (
    LedgerBookRow,
    LedgerCountLineRow,
    LedgerCountRow,
    LedgerEntryRow,
    LedgerInventoryRow,
    LedgerLotRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import Conflict, NotFound
from attune.services.ports import (
    LedgerBook,
    LedgerCountLine,
    LedgerCountRecord,
    LedgerEntryRecord,
    LedgerInventoryRecord,
    LedgerLot,
    NewLedgerEntry,
)


def _book(row: LedgerBookRow) -> LedgerBook:
    return LedgerBook(clinic_id=row.clinic_id, entries=row.entries, last_at=row.last_at)


def _lot(row: LedgerLotRow) -> LedgerLot:
    return LedgerLot(
        id=row.id,
        clinic_id=row.clinic_id,
        lot=row.lot,
        description=row.description,
        mg_per_ml=row.mg_per_ml,
        balance_ug=row.balance_ug,
        created_at=row.created_at,
    )


def _entry(row: LedgerEntryRow, lot: str) -> LedgerEntryRecord:
    return LedgerEntryRecord(
        id=row.id,
        clinic_id=row.clinic_id,
        number=row.number,
        lot_id=row.lot_id,
        lot=lot,
        kind=row.kind,
        change_ug=row.change_ug,
        balance_after_ug=row.balance_after_ug,
        at=row.at,
        occurred_on=row.occurred_on,
        recorded_by=row.recorded_by,
        description=row.description,
        supplier=row.supplier,
        supplier_dea=row.supplier_dea,
        patient_id=row.patient_id,
        session_ref=row.session_ref,
        witness_id=row.witness_id,
        corrects=row.corrects,
        reason=row.reason,
    )


def _inventory(row: LedgerInventoryRow) -> LedgerInventoryRecord:
    return LedgerInventoryRecord(
        id=row.id,
        clinic_id=row.clinic_id,
        as_of=row.as_of,
        taken_at=row.taken_at,
        registrant_dea=row.registrant_dea,
        taken_by=row.taken_by,
        created_at=row.created_at,
    )


class SqlLedger:
    def __init__(self, session: Session) -> None:
        self._s = session

    # --- the book ------------------------------------------------------------------------

    def lock_book(self, clinic_id: int) -> LedgerBook:
        dialect = self._s.get_bind().dialect.name
        values = {"clinic_id": clinic_id, "entries": 0, "last_at": None}
        if dialect == "postgresql":
            self._s.execute(pg_insert(LedgerBookRow).values(values).on_conflict_do_nothing())
        else:
            self._s.execute(sqlite_insert(LedgerBookRow).values(values).on_conflict_do_nothing())
        row = self._s.scalar(
            select(LedgerBookRow)
            .where(LedgerBookRow.clinic_id == clinic_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        assert row is not None
        return _book(row)

    def book(self, clinic_id: int) -> LedgerBook:
        row = self._s.get(LedgerBookRow, clinic_id)
        return _book(row) if row is not None else LedgerBook(clinic_id, 0, None)

    # --- lots ----------------------------------------------------------------------------

    def add_lot(
        self,
        *,
        clinic_id: int,
        lot: str,
        description: str,
        mg_per_ml: str | None,
        created_at: datetime,
    ) -> LedgerLot:
        row = LedgerLotRow(
            clinic_id=clinic_id,
            lot=lot,
            description=description,
            mg_per_ml=mg_per_ml,
            balance_ug=0,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _lot(row)

    def _lot_query(self, for_update: bool) -> Select[LedgerLotRow]:
        query = select(LedgerLotRow)
        if for_update:
            query = query.with_for_update()
        return query.execution_options(populate_existing=True)

    def lot(self, lot_id: int, *, for_update: bool = False) -> LedgerLot | None:
        row = self._s.scalar(self._lot_query(for_update).where(LedgerLotRow.id == lot_id))
        return _lot(row) if row is not None else None

    def lot_named(self, clinic_id: int, lot: str, *, for_update: bool = False) -> LedgerLot | None:
        row = self._s.scalar(
            self._lot_query(for_update).where(
                LedgerLotRow.clinic_id == clinic_id, LedgerLotRow.lot == lot
            )
        )
        return _lot(row) if row is not None else None

    def lots(self, clinic_id: int) -> list[LedgerLot]:
        rows = self._s.scalars(
            select(LedgerLotRow)
            .where(LedgerLotRow.clinic_id == clinic_id)
            .order_by(LedgerLotRow.lot)
            .execution_options(populate_existing=True)
        )
        return [_lot(r) for r in rows]

    # --- entries -------------------------------------------------------------------------

    def append(self, entry: NewLedgerEntry) -> LedgerEntryRecord:
        book = self._s.get(LedgerBookRow, entry.clinic_id)
        if book is None or entry.number != book.entries + 1:
            raise Conflict("The ledger moved on while this entry was written; please try again.")
        lot = self._s.get(LedgerLotRow, entry.lot_id)
        if lot is None or lot.clinic_id != entry.clinic_id:
            raise NotFound("There is no such lot in this clinic's ledger.", field="lot_id")
        name = lot.lot
        balance_after = self._s.scalar(
            update(LedgerLotRow)
            .where(
                LedgerLotRow.id == entry.lot_id,
                LedgerLotRow.clinic_id == entry.clinic_id,
                LedgerLotRow.balance_ug + entry.change_ug >= 0,
            )
            .values(balance_ug=LedgerLotRow.balance_ug + entry.change_ug)
            .returning(LedgerLotRow.balance_ug)
            .execution_options(synchronize_session=False)
        )
        # The lot object in the session still holds the balance from before.
        self._s.expire(lot)
        if balance_after is None:
            raise Conflict(
                f"Lot {name} does not hold enough for this entry; nothing was recorded.",
                field="quantity",
            )
        row = LedgerEntryRow(
            clinic_id=entry.clinic_id,
            number=entry.number,
            lot_id=entry.lot_id,
            kind=entry.kind,
            change_ug=entry.change_ug,
            balance_after_ug=balance_after,
            at=entry.at,
            occurred_on=entry.occurred_on,
            recorded_by=entry.recorded_by,
            description=entry.description,
            supplier=entry.supplier,
            supplier_dea=entry.supplier_dea,
            patient_id=entry.patient_id,
            session_ref=entry.session_ref,
            witness_id=entry.witness_id,
            corrects=entry.corrects,
            reason=entry.reason,
        )
        self._s.add(row)
        book.entries = entry.number
        book.last_at = entry.at
        flush(self._s)
        return _entry(row, name)

    def _entries(self, query: Select[LedgerEntryRow, str]) -> list[LedgerEntryRecord]:
        rows = self._s.execute(
            query.join(LedgerLotRow, LedgerLotRow.id == LedgerEntryRow.lot_id).order_by(
                LedgerEntryRow.number
            )
        )
        return [_entry(entry, lot) for entry, lot in rows]

    def entry(self, clinic_id: int, number: int) -> LedgerEntryRecord | None:
        found = self._entries(
            select(LedgerEntryRow, LedgerLotRow.lot).where(
                LedgerEntryRow.clinic_id == clinic_id, LedgerEntryRow.number == number
            )
        )
        return found[0] if found else None

    def entries(
        self, clinic_id: int, *, lot_id: int | None = None, upto: datetime | None = None
    ) -> list[LedgerEntryRecord]:
        query = select(LedgerEntryRow, LedgerLotRow.lot).where(
            LedgerEntryRow.clinic_id == clinic_id
        )
        if lot_id is not None:
            query = query.where(LedgerEntryRow.lot_id == lot_id)
        if upto is not None:
            query = query.where(LedgerEntryRow.at <= upto)
        return self._entries(query)

    # --- counts --------------------------------------------------------------------------

    def add_count(
        self,
        *,
        clinic_id: int,
        counted_at: datetime,
        counted_by: int,
        through_entry: int,
        note: str,
        lines: tuple[LedgerCountLine, ...],
    ) -> LedgerCountRecord:
        row = LedgerCountRow(
            clinic_id=clinic_id,
            counted_at=counted_at,
            counted_by=counted_by,
            through_entry=through_entry,
            note=note,
        )
        self._s.add(row)
        flush(self._s)
        for line in lines:
            self._s.add(
                LedgerCountLineRow(
                    count_id=row.id,
                    lot=line.lot,
                    expected_ug=line.expected_ug,
                    counted_ug=line.counted_ug,
                    status=line.status,
                )
            )
        flush(self._s)
        return self._count(row)

    def _count(self, row: LedgerCountRow) -> LedgerCountRecord:
        lines = self._s.scalars(
            select(LedgerCountLineRow)
            .where(LedgerCountLineRow.count_id == row.id)
            .order_by(LedgerCountLineRow.id)
        )
        return LedgerCountRecord(
            id=row.id,
            clinic_id=row.clinic_id,
            counted_at=row.counted_at,
            counted_by=row.counted_by,
            through_entry=row.through_entry,
            note=row.note,
            lines=tuple(
                LedgerCountLine(
                    lot=line.lot,
                    expected_ug=line.expected_ug,
                    counted_ug=line.counted_ug,
                    status=line.status,
                )
                for line in lines
            ),
        )

    def count(self, count_id: int) -> LedgerCountRecord | None:
        row = self._s.get(LedgerCountRow, count_id)
        return self._count(row) if row is not None else None

    def counts(self, clinic_id: int) -> list[LedgerCountRecord]:
        rows = self._s.scalars(
            select(LedgerCountRow)
            .where(LedgerCountRow.clinic_id == clinic_id)
            .order_by(LedgerCountRow.counted_at.desc(), LedgerCountRow.id.desc())
        )
        return [self._count(r) for r in rows]

    # --- inventories ---------------------------------------------------------------------

    def add_inventory(
        self,
        *,
        clinic_id: int,
        as_of: datetime,
        taken_at: str,
        registrant_dea: str,
        taken_by: int,
        created_at: datetime,
    ) -> LedgerInventoryRecord:
        row = LedgerInventoryRow(
            clinic_id=clinic_id,
            as_of=as_of,
            taken_at=taken_at,
            registrant_dea=registrant_dea,
            taken_by=taken_by,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _inventory(row)

    def inventory(self, inventory_id: int) -> LedgerInventoryRecord | None:
        row = self._s.get(LedgerInventoryRow, inventory_id)
        return _inventory(row) if row is not None else None

    def inventories(self, clinic_id: int) -> list[LedgerInventoryRecord]:
        rows = self._s.scalars(
            select(LedgerInventoryRow)
            .where(LedgerInventoryRow.clinic_id == clinic_id)
            .order_by(LedgerInventoryRow.as_of.desc(), LedgerInventoryRow.id.desc())
        )
        return [_inventory(r) for r in rows]
