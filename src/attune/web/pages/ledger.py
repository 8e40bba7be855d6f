"""The controlled-substance ledger for staff: lots and balances, the entry forms and each
lot's history. Counts and inventories are in :mod:`.ledger_reports`.

::

    GET  /clinic/ledger                         lots with balances, last count, inventories
    GET  /clinic/ledger/entries/new/{kind}      a form: receipt, administration, dispense,
    POST /clinic/ledger/entries/new/{kind}        waste or correction
    GET  /clinic/ledger/lots/{lot_id}           every entry on the lot, balance after each

A form that cannot be saved comes back with each message next to its field and every
answer kept (except the witness's password); a use the lot cannot cover says what the
lot holds (409). Who may do what is the services' decision; a patient is sent to the
portal.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import Conflict, DomainError, FormErrors, NotFound, ValidationError
from attune.domain.kap.ledger import EntryKind, format_mg
from attune.services import ledger, ledger_reports
from attune.services.actors import Actor, Role
from attune.services.ledger_common import EntryView, may_record
from attune.services.ports import UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.templating import render

router = APIRouter(prefix="/clinic/ledger")

TITLES = {
    EntryKind.RECEIPT: "Record a receipt",
    EntryKind.ADMINISTRATION: "Record an administration",
    EntryKind.DISPENSE: "Record a dispense",
    EntryKind.WASTE: "Record waste",
    EntryKind.CORRECTION: "Record a correction",
}
KIND_NAMES = {
    EntryKind.RECEIPT: "Receipt",
    EntryKind.ADMINISTRATION: "Administration",
    EntryKind.DISPENSE: "Dispense",
    EntryKind.WASTE: "Waste",
    EntryKind.CORRECTION: "Correction",
}
#: The form fields of each kind (besides the CSRF token).
FIELDS = {
    EntryKind.RECEIPT: (
        "lot",
        "description",
        "supplier",
        "supplier_dea",
        "quantity",
        "unit",
        "mg_per_ml",
        "occurred_on",
    ),
    EntryKind.ADMINISTRATION: (
        "lot_id",
        "quantity",
        "unit",
        "session_ref",
        "patient_id",
        "occurred_on",
    ),
    EntryKind.WASTE: (
        "lot_id",
        "quantity",
        "unit",
        "reason",
        "witness_id",
        "witness_password",
        "occurred_on",
    ),
    EntryKind.CORRECTION: ("corrects", "direction", "change", "reason"),
}
FIELDS[EntryKind.DISPENSE] = FIELDS[EntryKind.ADMINISTRATION]


def to_portal() -> Response:
    return RedirectResponse("/portal", status_code=303)


def signed_mg(ug: int) -> str:
    """ "+500 mg" or "−12.5 mg" (a true minus sign)."""
    return ("+" if ug > 0 else "\u2212") + format_mg(abs(ug))


def page_helpers(actor: Actor) -> dict[str, object]:
    """What every ledger page uses: amounts in mg, names of kinds, the admin switch."""
    return {
        "mg": format_mg,
        "signed_mg": signed_mg,
        "kind_names": KIND_NAMES,
        "is_admin": actor.role is Role.ADMIN,
        "section": "ledger",
    }


def text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value if isinstance(value, str) else ""


def errors_of(error: DomainError, fallback: str) -> dict[str, str]:
    found = error.errors if isinstance(error, FormErrors) else ((error.field, error.message),)
    errors: dict[str, str] = {}
    for name, message in found:
        errors.setdefault(str(name or fallback), message)
    return errors


def _kind(kind: str) -> EntryKind:
    try:
        return EntryKind(kind)
    except ValueError:
        raise NotFound(
            "There is no such kind of ledger entry. Choose one from the ledger page.", field="kind"
        ) from None


# --- the overview and a lot's history ---------------------------------------------------------


@router.get("")
def overview(request: Request, actor: ActorDep, uow: UowDep) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = ledger_reports.overview(uow, actor)
    return render(
        request,
        "ledger/overview.html",
        {
            "view": view,
            "here": "lots",
            "may_receive": may_record(actor, EntryKind.RECEIPT),
            **page_helpers(actor),
        },
    )


@router.get("/lots/{lot_id}")
def lot_history(
    request: Request,
    lot_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    saved: int | None = None,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    history = ledger.lot_history(uow, actor, lot_id, clock)
    just_saved: EntryView | None = next((e for e in history.entries if e.number == saved), None)
    return render(
        request,
        "ledger/lot.html",
        {
            "history": history,
            "kinds": list(EntryKind),
            "just_saved": just_saved,
            "here": "lots",
            **page_helpers(actor),
        },
    )


# --- entry forms -------------------------------------------------------------------------------


def _form_page(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    kind: EntryKind,
    *,
    form: dict[str, str],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    corrects = _int_or_none(form.get("corrects", ""))
    choices = ledger.entry_choices(uow, actor, kind, corrects=corrects)
    return render(
        request,
        "ledger/entry_form.html",
        {
            "kind": kind,
            "title": TITLES[kind],
            "choices": choices,
            "form": form,
            "errors": errors or {},
            "here": "record",
            **page_helpers(actor),
        },
        status_code=status_code,
    )


def _int_or_none(value: str) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() else None


@router.get("/entries/new/{kind}")
def entry_form(
    request: Request,
    kind: str,
    actor: ActorDep,
    uow: UowDep,
    lot_id: int | None = None,
    corrects: int | None = None,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    chosen = _kind(kind)
    form = dict.fromkeys(FIELDS[chosen], "")
    form["unit"] = "mg"
    if lot_id is not None:
        form["lot_id"] = str(lot_id)
    if corrects is not None:
        form["corrects"] = str(corrects)
    return _form_page(request, uow, actor, chosen, form=form)


def _required_int(value: str, field: str, message: str, problems: list[tuple[str, str]]) -> int:
    number = _int_or_none(value)
    if number is None:
        problems.append((field, message))
        return 0
    return number


def _day(value: str, problems: list[tuple[str, str]]) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(("occurred_on", "Enter a date such as 2026-01-05."))
        return None


def _save(
    uow: UnitOfWork, actor: Actor, kind: EntryKind, form: dict[str, str], clock: ClockDep
) -> EntryView:
    """Read the posted form and call the one service for this kind of entry."""
    problems: list[tuple[str, str]] = []
    day = _day(form.get("occurred_on", ""), problems) if "occurred_on" in form else None
    if kind is EntryKind.RECEIPT:
        if problems:
            raise FormErrors(tuple(problems))
        return ledger.record_receipt(
            uow,
            actor,
            lot=form["lot"],
            description=form["description"],
            supplier=form["supplier"],
            supplier_dea=form["supplier_dea"],
            quantity=form["quantity"],
            unit=form["unit"] or "mg",
            mg_per_ml=form["mg_per_ml"],
            occurred_on=day,
            clock=clock,
        )
    if kind is EntryKind.CORRECTION:
        corrects = _required_int(
            form["corrects"], "corrects", "Enter the number of the entry to correct.", problems
        )
        sign = {"add": "", "remove": "-"}.get(form["direction"])
        if sign is None:
            problems.append(("direction", "Say whether the correction adds or takes away."))
        if problems:
            raise FormErrors(tuple(problems))
        amount = form["change"].strip()
        return ledger.record_correction(
            uow,
            actor,
            corrects=corrects,
            change=f"{sign}{amount}" if amount else "",
            reason=form["reason"],
            clock=clock,
        )
    lot_id = _required_int(form["lot_id"], "lot_id", "Choose the lot.", problems)
    if kind is EntryKind.WASTE:
        if problems:
            raise FormErrors(tuple(problems))
        return ledger.record_waste(
            uow,
            actor,
            lot_id=lot_id,
            quantity=form["quantity"],
            unit=form["unit"] or "mg",
            reason=form["reason"],
            witness_id=_int_or_none(form["witness_id"]),
            witness_password=form["witness_password"],
            occurred_on=day,
            clock=clock,
        )
    patient = form["patient_id"].strip()
    if patient and not patient.isdigit():
        problems.append(("patient_id", "Choose a patient from the list, or none."))
    if problems:
        raise FormErrors(tuple(problems))
    return ledger.record_use(
        uow,
        actor,
        kind=kind,
        lot_id=lot_id,
        quantity=form["quantity"],
        unit=form["unit"] or "mg",
        session_ref=form["session_ref"],
        patient_id=int(patient) if patient else None,
        occurred_on=day,
        clock=clock,
    )


@router.post("/entries/new/{kind}")
def save_entry(
    request: Request,
    kind: str,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    chosen = _kind(kind)
    posted = {name: text(form, name) for name in FIELDS[chosen]}
    try:
        saved = _save(uow, actor, chosen, posted, clock)
    except (ValidationError, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        kept = {**posted, "witness_password": ""} if "witness_password" in posted else posted
        order = {name: i for i, name in enumerate(FIELDS[chosen])}
        found = errors_of(exc, "quantity")
        errors = dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))
        return _form_page(request, uow, actor, chosen, form=kept, errors=errors, status_code=status)
    return RedirectResponse(
        f"/clinic/ledger/lots/{saved.entry.lot_id}?saved={saved.number}", status_code=303
    )
