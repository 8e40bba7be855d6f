"""Ledger counts and the biennial inventory, for staff.

::

    GET  /clinic/ledger/counts/new               the count form (a blind count: it does not
    POST /clinic/ledger/counts                     show what the ledger expects)
    GET  /clinic/ledger/counts/{count_id}        the result, every difference flagged
    GET  /clinic/ledger/inventories              inventories taken, and the form (admins)
    POST /clinic/ledger/inventories
    GET  /clinic/ledger/inventories/{id}         a printable page
    GET  /clinic/ledger/inventories/{id}/csv     the same as CSV
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.kap.ledger_reports import TakenAt
from attune.services import ledger, ledger_reports
from attune.services.actors import Actor
from attune.services.ports import LedgerLot, UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.pages.ledger import errors_of, page_helpers, text, to_portal
from attune.web.templating import render

router = APIRouter(prefix="/clinic/ledger")

TAKEN_AT = {t.value: t.label for t in TakenAt}
STATUS_NAMES = {
    "matches": "Matches",
    "short": "Short",
    "over": "Over",
    "not_counted": "Not counted",
    "not_in_ledger": "Not in the ledger",
}


# --- counts --------------------------------------------------------------------------------


def _count_form(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lots = ledger.lots(uow, actor)
    return render(
        request,
        "ledger/count_form.html",
        {
            "lots": lots,
            "form": form or {},
            "errors": errors or {},
            "here": "count",
            **page_helpers(actor),
        },
        status_code=status_code,
    )


@router.get("/counts/new")
def count_form(request: Request, actor: ActorDep, uow: UowDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    return _count_form(request, uow, actor)


def _input_for(field: str, lots: list[LedgerLot], extra_lot: str) -> str:
    """The form input an error of the service (``counts.<LOT>``) belongs to."""
    if field.startswith("counts."):
        lot = field.removeprefix("counts.")
        if not lot.strip():
            return "extra_lot"
        for known in lots:
            if known.lot == lot:
                return f"count_{known.id}"
        if lot == " ".join(extra_lot.split()).upper() or lot == extra_lot:
            return "extra_count"
    return "extra_lot" if field == "lot" else field


@router.post("/counts")
def save_count(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    lots = ledger.lots(uow, actor)
    posted = {f"count_{lot.id}": text(form, f"count_{lot.id}") for lot in lots}
    for name in ("extra_lot", "extra_count", "note"):
        posted[name] = text(form, name)
    counts: dict[str, str | None] = {lot.lot: posted[f"count_{lot.id}"] for lot in lots}
    if posted["extra_lot"].strip() or posted["extra_count"].strip():
        counts[posted["extra_lot"]] = posted["extra_count"] or None
    try:
        view = ledger_reports.record_count(uow, actor, counts, clock, note=posted["note"])
    except ValidationError as exc:
        errors = {
            _input_for(field, lots, posted["extra_lot"]): message
            for field, message in errors_of(exc, "counts").items()
        }
        return _count_form(request, uow, actor, form=posted, errors=errors, status_code=422)
    return RedirectResponse(f"/clinic/ledger/counts/{view.record.id}", status_code=303)


@router.get("/counts/{count_id}")
def count_result(request: Request, count_id: int, actor: ActorDep, uow: UowDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = ledger_reports.count_view(uow, actor, count_id)
    return render(
        request,
        "ledger/count.html",
        {"view": view, "status_names": STATUS_NAMES, "here": "count", **page_helpers(actor)},
    )


# --- inventories ---------------------------------------------------------------------------


def _inventories(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    clock: ClockDep,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    view = ledger_reports.overview(uow, actor)
    now = clock.now()
    last_dea = view.inventories[0].registrant_dea if view.inventories else ""
    default = {
        "as_of_date": now.date().isoformat(),
        "as_of_time": now.strftime("%H:%M"),
        "taken_at": "",
        "registrant_dea": last_dea,
    }
    return render(
        request,
        "ledger/inventories.html",
        {
            "view": view,
            "form": form or default,
            "errors": errors or {},
            "taken_at": TAKEN_AT,
            "here": "inventory",
            **page_helpers(actor),
        },
        status_code=status_code,
    )


@router.get("/inventories")
def inventories(request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    return _inventories(request, uow, actor, clock)


def _as_of(day: str, at: str) -> datetime:
    problems = []
    try:
        parsed_day: date | None = date.fromisoformat(day.strip())
    except ValueError:
        parsed_day = None
        problems.append(("as_of_date", "Enter the date of the inventory, such as 2026-05-01."))
    try:
        parsed_time: time | None = time.fromisoformat(at.strip()) if at.strip() else time(0)
    except ValueError:
        parsed_time = None
        problems.append(("as_of_time", "Enter the time as hours and minutes, such as 08:30."))
    if problems:
        raise FormErrors(tuple(problems))
    assert parsed_day is not None and parsed_time is not None
    return datetime.combine(parsed_day, parsed_time, tzinfo=UTC)


@router.post("/inventories")
def take_inventory(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    names = ("as_of_date", "as_of_time", "taken_at", "registrant_dea")
    posted = {name: text(form, name) for name in names}
    try:
        view = ledger_reports.take_inventory(
            uow,
            actor,
            as_of=_as_of(posted["as_of_date"], posted["as_of_time"]),
            taken_at=posted["taken_at"],
            registrant_dea=posted["registrant_dea"],
            clock=clock,
        )
    except ValidationError as exc:
        errors = {
            ("as_of_date" if field == "as_of" else field): message
            for field, message in errors_of(exc, "as_of_date").items()
        }
        return _inventories(request, uow, actor, clock, form=posted, errors=errors, status_code=422)
    return RedirectResponse(f"/clinic/ledger/inventories/{view.record.id}", status_code=303)


@router.get("/inventories/{inventory_id}/csv")
def inventory_csv(inventory_id: int, actor: ActorDep, uow: UowDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = ledger_reports.inventory_view(uow, actor, inventory_id)
    name = f"inventory-{view.record.as_of.date().isoformat()}-{inventory_id}.csv"
    return Response(
        ledger_reports.inventory_csv(view),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/inventories/{inventory_id}")
def inventory(request: Request, inventory_id: int, actor: ActorDep, uow: UowDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = ledger_reports.inventory_view(uow, actor, inventory_id)
    return render(
        request,
        "ledger/inventory.html",
        {"view": view, "taken_at": TAKEN_AT, "here": "inventory", **page_helpers(actor)},
    )
