"""Request and response models of the controlled-substance ledger API (part of the OpenAPI
schema). Amounts go in as decimal text or numbers in mg (or mL of a lot with a recorded
concentration) and come back both as whole micrograms and as exact mg text."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from attune.domain.kap import checks
from attune.domain.kap.ledger import UG_PER_MG
from attune.services.ledger import LotHistory
from attune.services.ledger_common import EntryView
from attune.services.ledger_reports import CountView, InventoryView
from attune.services.ports import LedgerInventoryRecord, LedgerLot

Amount = Decimal | str
UnitText = Literal["mg", "ml"]


def mg_text(ug: int) -> str:
    """Micrograms as exact mg text: 12500 -> "12.5"."""
    return checks.plain_decimal(Decimal(ug) / UG_PER_MG)


class LotOut(BaseModel):
    id: int
    lot: str
    description: str
    mg_per_ml: str | None = Field(description="Concentration in mg/mL, if a solution")
    balance_ug: int = Field(ge=0, description="Whole micrograms; never below 0")
    balance_mg: str = Field(description="The same balance as exact mg text")
    created_at: datetime

    @classmethod
    def of(cls, lot: LedgerLot) -> LotOut:
        return cls(
            id=lot.id,
            lot=lot.lot,
            description=lot.description,
            mg_per_ml=lot.mg_per_ml,
            balance_ug=lot.balance_ug,
            balance_mg=mg_text(lot.balance_ug),
            created_at=lot.created_at,
        )


class EntryOut(BaseModel):
    number: int = Field(description="1, 2, 3, … in the clinic's ledger, without gaps")
    kind: Literal["receipt", "administration", "dispense", "waste", "correction"]
    lot_id: int
    lot: str
    change_ug: int = Field(description="Signed: a receipt adds, a use or waste takes")
    change_mg: str
    balance_after_ug: int = Field(ge=0, description="The lot's balance just after this entry")
    recorded_at: datetime
    occurred_on: date = Field(description="The day it happened, as recorded")
    recorded_by: int
    recorded_by_name: str
    description: str
    supplier: str
    supplier_dea: str
    patient_id: int | None = Field(description="Null also when hidden: see patient_hidden")
    patient_name: str | None
    patient_hidden: bool = Field(
        description="The entry names a patient who is not on your caseload"
    )
    session_ref: str
    witness_id: int | None
    witness_name: str | None
    corrects: int | None = Field(description="The number of the entry a correction corrects")
    corrected_by: list[int]
    reason: str

    @classmethod
    def of(cls, view: EntryView) -> EntryOut:
        e = view.entry
        return cls(
            number=e.number,
            kind=view.kind.value,
            lot_id=e.lot_id,
            lot=e.lot,
            change_ug=e.change_ug,
            change_mg=mg_text(e.change_ug),
            balance_after_ug=e.balance_after_ug,
            recorded_at=e.at,
            occurred_on=e.occurred_on,
            recorded_by=e.recorded_by,
            recorded_by_name=view.recorded_by,
            description=e.description,
            supplier=e.supplier,
            supplier_dea=e.supplier_dea,
            patient_id=None if view.patient_hidden else e.patient_id,
            patient_name=view.patient,
            patient_hidden=view.patient_hidden,
            session_ref=e.session_ref,
            witness_id=e.witness_id,
            witness_name=view.witness,
            corrects=e.corrects,
            corrected_by=list(view.corrected_by),
            reason=e.reason,
        )


class LotHistoryOut(BaseModel):
    lot: LotOut
    entries: list[EntryOut]

    @classmethod
    def of(cls, history: LotHistory) -> LotHistoryOut:
        return cls(lot=LotOut.of(history.lot), entries=[EntryOut.of(e) for e in history.entries])


class ReceiptIn(BaseModel):
    lot: str = Field(max_length=200, examples=["K-2291"])
    description: str = Field(max_length=400, examples=["Ketamine HCl 50 mg/mL, 10 mL vial"])
    supplier: str = Field(max_length=400)
    supplier_dea: str = Field(max_length=40, description="The supplier's DEA number")
    quantity: Amount = Field(examples=["500"])
    unit: UnitText = "mg"
    mg_per_ml: Amount | None = Field(
        default=None, description="For a solution: lets later entries be given in mL"
    )
    occurred_on: date | None = Field(default=None, description="Day received; default today")


class UseIn(BaseModel):
    lot_id: int
    quantity: Amount
    unit: UnitText = "mg"
    session_ref: str = Field(max_length=400, description="The session it was for")
    patient_id: int | None = Field(
        default=None, description="The patient, if named (the caseload rule applies)"
    )
    occurred_on: date | None = None


class WasteIn(BaseModel):
    lot_id: int
    quantity: Amount
    unit: UnitText = "mg"
    reason: str = Field(max_length=4000, description="Why it was wasted and how")
    witness_id: int | None = Field(description="Another active staff member of the clinic")
    witness_password: str = Field(
        max_length=1024, description="The witness's own password, confirming what they saw"
    )
    occurred_on: date | None = None


class CorrectionIn(BaseModel):
    corrects: int = Field(description="The number of the entry being corrected")
    change: Amount = Field(description="Signed: positive adds to the lot, negative takes")
    unit: UnitText = "mg"
    reason: str = Field(max_length=4000)


class CountIn(BaseModel):
    counts: dict[str, Amount | None] = Field(
        description="Lot number -> mg on hand; null or empty: not counted",
        examples=[{"K-2291": "480"}],
    )
    note: str = Field(default="", max_length=4000)


class CountLineOut(BaseModel):
    lot: str
    expected_ug: int
    counted_ug: int | None
    difference_ug: int | None
    status: Literal["matches", "short", "over", "not_counted", "not_in_ledger"]
    message: str


class CountOut(BaseModel):
    id: int
    counted_at: datetime
    counted_by: int
    counted_by_name: str
    through_entry: int = Field(description="The last entry the count was compared against")
    note: str
    balanced: bool
    lines: list[CountLineOut]

    @classmethod
    def of(cls, view: CountView) -> CountOut:
        r = view.record
        return cls(
            id=r.id,
            counted_at=r.counted_at,
            counted_by=r.counted_by,
            counted_by_name=view.counted_by,
            through_entry=r.through_entry,
            note=r.note,
            balanced=not view.discrepancies,
            lines=[
                CountLineOut(
                    lot=line.lot,
                    expected_ug=line.expected_ug,
                    counted_ug=line.counted_ug,
                    difference_ug=line.difference_ug,
                    status=line.status.value,
                    message=line.message,
                )
                for line in view.lines
            ],
        )


class InventoryIn(BaseModel):
    as_of: datetime = Field(description="With a time zone; not after now")
    taken_at: Literal["opening", "close_of_business"]
    registrant_dea: str = Field(max_length=40, description="The clinic's DEA registration")


class InventorySummaryOut(BaseModel):
    id: int
    as_of: datetime
    taken_at: str
    registrant_dea: str
    taken_by: int
    created_at: datetime

    @classmethod
    def of(cls, record: LedgerInventoryRecord) -> InventorySummaryOut:
        return cls(
            id=record.id,
            as_of=record.as_of,
            taken_at=record.taken_at,
            registrant_dea=record.registrant_dea,
            taken_by=record.taken_by,
            created_at=record.created_at,
        )


class InventoryLineOut(BaseModel):
    lot: str
    description: str
    balance_ug: int
    balance_mg: str


class InventoryOut(InventorySummaryOut):
    taken_by_name: str
    next_due: date = Field(description="The latest date for the next inventory")
    lines: list[InventoryLineOut]

    @classmethod
    def of_view(cls, view: InventoryView) -> InventoryOut:
        summary = InventorySummaryOut.of(view.record)
        return cls(
            **summary.model_dump(),
            taken_by_name=view.taken_by,
            next_due=view.next_due,
            lines=[
                InventoryLineOut(
                    lot=line.lot,
                    description=line.description,
                    balance_ug=line.balance_ug,
                    balance_mg=mg_text(line.balance_ug),
                )
                for line in view.report.lines
            ],
        )
