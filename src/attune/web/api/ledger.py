"""The controlled-substance ledger over the API (staff only): lots and their entries,
receipts, administrations, dispenses, witnessed waste, corrections, on-hand counts and
the biennial inventory (JSON and CSV).

A use the lot cannot cover is a 409 whose message says what the lot holds; every other
problem is a 422 naming each field. Nothing is recorded then.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from attune.domain.kap.ledger import EntryKind
from attune.services import ledger, ledger_reports
from attune.web.api.ledger_schemas import (
    CorrectionIn,
    CountIn,
    CountOut,
    EntryOut,
    InventoryIn,
    InventoryOut,
    InventorySummaryOut,
    LotHistoryOut,
    LotOut,
    ReceiptIn,
    UseIn,
    WasteIn,
)
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(prefix="/ledger", tags=["controlled-substance ledger"])


@router.get("/lots", response_model=list[LotOut], summary="Lots and their balances")
def lots(actor: ActorDep, uow: UowDep) -> list[LotOut]:
    """Every lot of the clinic with its running balance, by lot number."""
    return [LotOut.of(lot) for lot in ledger.lots(uow, actor)]


@router.get("/lots/{lot_id}", response_model=LotHistoryOut, summary="One lot's entries")
def lot(lot_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> LotHistoryOut:
    """The lot and every entry on it, oldest first, with the balance after each (audited)."""
    return LotHistoryOut.of(ledger.lot_history(uow, actor, lot_id, clock))


@router.post("/receipts", response_model=EntryOut, status_code=201, summary="Record a receipt")
def receipt(body: ReceiptIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    """Stock arriving (clinic admins): supplier, the supplier's DEA number, the lot and
    what it is, the quantity. A new lot number starts a lot."""
    view = ledger.record_receipt(
        uow,
        actor,
        lot=body.lot,
        description=body.description,
        supplier=body.supplier,
        supplier_dea=body.supplier_dea,
        quantity=body.quantity,
        unit=body.unit,
        occurred_on=body.occurred_on,
        mg_per_ml=body.mg_per_ml,
        clock=clock,
    )
    return EntryOut.of(view)


def _use(kind: EntryKind, body: UseIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    view = ledger.record_use(
        uow,
        actor,
        kind=kind,
        lot_id=body.lot_id,
        quantity=body.quantity,
        unit=body.unit,
        session_ref=body.session_ref,
        occurred_on=body.occurred_on,
        patient_id=body.patient_id,
        clock=clock,
    )
    return EntryOut.of(view)


@router.post(
    "/administrations", response_model=EntryOut, status_code=201, summary="Record an administration"
)
def administration(body: UseIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    """A dose given in the clinic, for a session (staff). 409 if the lot cannot cover it."""
    return _use(EntryKind.ADMINISTRATION, body, actor, uow, clock)


@router.post("/dispenses", response_model=EntryOut, status_code=201, summary="Record a dispense")
def dispense(body: UseIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    """Stock handed out for a session, e.g. at home (staff). 409 if the lot cannot cover it."""
    return _use(EntryKind.DISPENSE, body, actor, uow, clock)


@router.post("/waste", response_model=EntryOut, status_code=201, summary="Record waste")
def waste(body: WasteIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    """Stock wasted (staff), with a witness: another active staff member of the clinic,
    confirming with their own password."""
    view = ledger.record_waste(
        uow,
        actor,
        lot_id=body.lot_id,
        quantity=body.quantity,
        unit=body.unit,
        reason=body.reason,
        witness_id=body.witness_id,
        witness_password=body.witness_password,
        occurred_on=body.occurred_on,
        clock=clock,
    )
    return EntryOut.of(view)


@router.post(
    "/corrections", response_model=EntryOut, status_code=201, summary="Record a correction"
)
def correction(body: CorrectionIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> EntryOut:
    """A signed change to the lot of an earlier entry, with the reason (clinic admins).
    The corrected entry stays as it was."""
    view = ledger.record_correction(
        uow,
        actor,
        corrects=body.corrects,
        change=body.change,
        unit=body.unit,
        reason=body.reason,
        clock=clock,
    )
    return EntryOut.of(view)


@router.get("/counts", response_model=list[CountOut], summary="On-hand counts")
def counts(actor: ActorDep, uow: UowDep) -> list[CountOut]:
    """The clinic's counts, newest first."""
    return [CountOut.of(v) for v in ledger_reports.recent_counts(uow, actor)]


@router.post("/counts", response_model=CountOut, status_code=201, summary="Record a count")
def count(body: CountIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CountOut:
    """What is on hand, lot by lot, compared with the ledger (staff). Every lot short, over,
    not counted or unknown to the ledger is flagged. A count changes no balance."""
    return CountOut.of(ledger_reports.record_count(uow, actor, body.counts, clock, note=body.note))


@router.get("/counts/{count_id}", response_model=CountOut, summary="One count")
def count_result(count_id: int, actor: ActorDep, uow: UowDep) -> CountOut:
    return CountOut.of(ledger_reports.count_view(uow, actor, count_id))


@router.get("/inventories", response_model=list[InventorySummaryOut], summary="Inventories")
def inventories(actor: ActorDep, uow: UowDep) -> list[InventorySummaryOut]:
    """The biennial inventories taken, the latest first."""
    overview = ledger_reports.overview(uow, actor)
    return [InventorySummaryOut.of(r) for r in overview.inventories]


@router.post(
    "/inventories", response_model=InventoryOut, status_code=201, summary="Take an inventory"
)
def take_inventory(
    body: InventoryIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> InventoryOut:
    """Every lot with its balance as of a time, at the opening or the close of business,
    under the clinic's DEA registration (clinic admins; 21 CFR 1304.11)."""
    view = ledger_reports.take_inventory(
        uow,
        actor,
        as_of=body.as_of,
        taken_at=body.taken_at,
        registrant_dea=body.registrant_dea,
        clock=clock,
    )
    return InventoryOut.of_view(view)


@router.get("/inventories/{inventory_id}", response_model=InventoryOut, summary="One inventory")
def inventory(inventory_id: int, actor: ActorDep, uow: UowDep) -> InventoryOut:
    return InventoryOut.of_view(ledger_reports.inventory_view(uow, actor, inventory_id))


@router.get(
    "/inventories/{inventory_id}/csv",
    response_class=Response,
    summary="One inventory as CSV",
    responses={200: {"content": {"text/csv": {}}, "description": "One row per lot"}},
)
def inventory_csv(inventory_id: int, actor: ActorDep, uow: UowDep) -> Response:
    view = ledger_reports.inventory_view(uow, actor, inventory_id)
    return Response(
        ledger_reports.inventory_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="inventory-{inventory_id}.csv"'},
    )
