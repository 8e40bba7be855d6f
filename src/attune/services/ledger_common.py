"""What the ledger services share: who may do what, auditing, names, amounts.

The rule of who may (see docs/adr/0013-ledger-balance-enforcement.md):

* only staff of the clinic use the ledger; a patient is always refused;
* receipts (new stock), corrections and the biennial inventory are for a clinic **admin**:
  they create stock, change the record or certify it, so they rest with the person
  accountable for the registration;
* administrations, dispenses, waste and on-hand counts are for any staff member;
  an entry that names a patient also goes through the caseload rule of :mod:`.access`;
* waste needs a **witness**: another active staff member of the clinic, who confirms by
  typing their own password on the same form.

Every write is audited: one event per attempt (allowed, denied or failed).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import NoReturn, TypeVar

from attune.domain.errors import DomainError, FormErrors, PermissionDenied, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.ledger import UG_PER_MG, EntryKind, format_mg, mg_to_ug, ml_to_ug
from attune.services.access import Action, patient_action
from attune.services.actors import Actor, Role
from attune.services.audit import record_event
from attune.services.clock import Clock
from attune.services.ports import LedgerEntryRecord, Outcome, UnitOfWork

#: A guard against typing mistakes, not a limit on stock: 1 kg.
MAX_QUANTITY_UG = 1_000_000 * UG_PER_MG
MAX_MG_PER_ML = Decimal(1000)
#: The day something happened may be a day after today in UTC (clinics east of UTC).
DAY_AHEAD = timedelta(days=1)
#: What only an admin may record.
ADMIN_KINDS = frozenset({EntryKind.RECEIPT, EntryKind.CORRECTION})

T = TypeVar("T")


class LedgerEvent(StrEnum):
    """Audit actions of the ledger. An entry that names a patient is audited as
    :attr:`Action.RECORD_LEDGER_ENTRY` with the patient, through the caseload rule."""

    RECORD_ENTRY = "record_ledger_entry"
    VIEW_LOT = "view_ledger_lot"
    COUNT_STOCK = "count_stock"
    TAKE_INVENTORY = "take_inventory"


class Unit(StrEnum):
    MG = "mg"
    ML = "ml"


# --- who may -------------------------------------------------------------------------------


def may_record(actor: Actor, kind: EntryKind) -> bool:
    return actor.is_staff and (kind not in ADMIN_KINDS or actor.role is Role.ADMIN)


def staff_only() -> PermissionDenied:
    return PermissionDenied("Only clinic staff can use the ledger.", field="action")


def refusal(actor: Actor, kind: EntryKind) -> PermissionDenied | None:
    """Why the actor may not record ``kind``, or None."""
    if not actor.is_staff:
        return staff_only()
    if not may_record(actor, kind):
        what = "receipts" if kind is EntryKind.RECEIPT else "corrections"
        return PermissionDenied(f"Only a clinic admin can record {what}.", field="action")
    return None


def require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise staff_only()


def deny(
    uow: UnitOfWork, actor: Actor, event: LedgerEvent, error: DomainError, clock: Clock, detail: str
) -> NoReturn:
    """Audit (and commit) a refused ledger attempt, then raise ``error``."""
    record_event(
        uow,
        at=clock.now(),
        actor=actor,
        action=str(event),
        outcome=Outcome.DENIED,
        detail=f"denied: {error.message}; {detail}",
    )
    uow.commit()
    raise error


@contextmanager
def audited(
    uow: UnitOfWork,
    actor: Actor,
    event: LedgerEvent,
    clock: Clock,
    *,
    detail: str,
    patient_id: int | None = None,
) -> Iterator[None]:
    """One audit event for one ledger write. Allowed: the event joins the transaction.
    A DomainError inside: everything is rolled back, the attempt is audited as ``failed``
    (committed) and the error goes on up. With a patient, the caseload rule decides too."""
    if patient_id is not None:
        with patient_action(
            uow, actor, patient_id, Action.RECORD_LEDGER_ENTRY, clock, detail=detail
        ):
            yield
        return
    record_event(
        uow, at=clock.now(), actor=actor, action=str(event), outcome=Outcome.ALLOWED, detail=detail
    )
    try:
        yield
    except DomainError as exc:
        uow.rollback()
        record_event(
            uow,
            at=clock.now(),
            actor=actor,
            action=str(event),
            outcome=Outcome.FAILED,
            detail=f"failed: {exc.message}; {detail}",
        )
        uow.commit()
        raise


# --- problems on a form --------------------------------------------------------------------


class Problems:
    """Collects every (field, message) of one request, so all are shown at once."""

    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def add(self, field: str, message: str) -> None:
        if all(name != field for name, _ in self.errors):
            self.errors.append((field, message))

    def take(self, step: Callable[[], T]) -> T | None:
        """The step's result, or None with its problems noted."""
        try:
            return step()
        except FormErrors as exc:
            for name, message in exc.errors:
                self.add(name, message)
        except ValidationError as exc:
            self.add(exc.field or "form", exc.message)
        return None

    def raise_if_any(self) -> None:
        checks.raise_if_any(self.errors)


# --- amounts and days ------------------------------------------------------------------------


def to_ug(
    quantity: Decimal | str, unit: Unit | str, mg_per_ml: str | None, lot: str, field: str
) -> int:
    """An amount in mg, or in mL of a lot with a concentration, as whole micrograms."""
    text = str(quantity).strip()
    if not text:
        raise ValidationError("Enter the amount.", field=field)
    try:
        chosen = Unit(unit)
    except ValueError:
        raise ValidationError("Choose mg or mL.", field="unit") from None
    if chosen is Unit.ML:
        if mg_per_ml is None:
            raise ValidationError(
                f"Lot {lot} has no concentration recorded, so enter the amount in mg.",
                field="unit",
            )
        ug = ml_to_ug(text, mg_per_ml, field)
    else:
        ug = mg_to_ug(text, field)
    if abs(ug) > MAX_QUANTITY_UG:
        raise ValidationError(
            f"{format_mg(abs(ug))} is more than 1 kg; please check the amount.", field=field
        )
    return ug


def counted_ug(quantity: Decimal | str, field: str) -> int:
    """An on-hand count in mg as whole micrograms (0 allowed, never negative)."""
    ug = to_ug(quantity, Unit.MG, None, "", field)
    if ug < 0:
        raise ValidationError("A count cannot be negative.", field=field)
    return ug


def concentration(text: str | Decimal | None) -> str | None:
    """A concentration in mg/mL as exact decimal text, or None when not given."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except ArithmeticError:
        value = Decimal("NaN")
    if not value.is_finite() or not 0 < value <= MAX_MG_PER_ML:
        raise ValidationError(
            f"The concentration is a number of mg/mL above 0, up to {MAX_MG_PER_ML}.",
            field="mg_per_ml",
        )
    return checks.plain_decimal(value)


def day_of(occurred_on: date | None, now: datetime) -> date:
    """The day something happened (today when not given); never in the future."""
    day = occurred_on or now.date()
    if day > (now + DAY_AHEAD).date():
        raise ValidationError("This date is in the future.", field="occurred_on")
    return day


def clean_lot(lot: str) -> str:
    """Lot numbers are kept upper-case with single spaces: " k-1 " is "K-1"."""
    return " ".join(lot.split()).upper()


# --- names ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class EntryView:
    """An entry with the names a person reads. ``patient`` is the patient's name when the
    actor may see that patient; ``patient_hidden`` says the entry names a patient who is
    not on the actor's caseload."""

    entry: LedgerEntryRecord
    recorded_by: str
    witness: str | None
    patient: str | None
    patient_hidden: bool
    #: Numbers of the corrections made to this entry.
    corrected_by: tuple[int, ...] = ()

    @property
    def kind(self) -> EntryKind:
        return EntryKind(self.entry.kind)

    @property
    def number(self) -> int:
        return self.entry.number


class Names:
    """Names of people for what one actor reads (each looked up once)."""

    def __init__(self, uow: UnitOfWork, actor: Actor) -> None:
        self._uow, self._actor = uow, actor
        self._users: dict[int, str] = {}
        self._patients: dict[int, str | None] = {}

    def user(self, user_id: int) -> str:
        if user_id not in self._users:
            user = self._uow.users.get(user_id)
            self._users[user_id] = user.name if user is not None else f"User {user_id}"
        return self._users[user_id]

    def patient(self, patient_id: int) -> str | None:
        """The patient's name if the actor may see them (admin, or on the caseload)."""
        if patient_id not in self._patients:
            patient = self._uow.patients.get(patient_id)
            visible = patient is not None and patient.clinic_id == self._actor.clinic_id
            if visible and self._actor.role is not Role.ADMIN:
                visible = self._uow.patients.is_on_caseload(self._actor.user_id, patient_id)
            self._patients[patient_id] = (
                patient.display_name if visible and patient is not None else None
            )
        return self._patients[patient_id]

    def view(self, entry: LedgerEntryRecord, corrected_by: tuple[int, ...] = ()) -> EntryView:
        patient = self.patient(entry.patient_id) if entry.patient_id is not None else None
        return EntryView(
            entry=entry,
            recorded_by=self.user(entry.recorded_by),
            witness=self.user(entry.witness_id) if entry.witness_id is not None else None,
            patient=patient,
            patient_hidden=entry.patient_id is not None and patient is None,
            corrected_by=corrected_by,
        )
