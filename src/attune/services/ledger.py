"""The controlled-substance ledger's entries: receipts, administrations, dispenses, waste
and corrections, each a new entry that is never edited, with a per-lot balance that never
goes below zero. Who may do what: :mod:`.ledger_common`; counts and the biennial
inventory: :mod:`.ledger_reports`.

How a write runs, in one transaction, always taking its locks in the same order (so two
writers cannot deadlock): lock the clinic's ledger book; read the lot under a row lock;
write the audit event (which locks the audit chain); check the entry with
:func:`attune.domain.kap.ledger.apply_entry` against the locked balance; append it. The
database moves the balance with a statement that refuses to go below zero, and a CHECK
constraint stands behind that (docs/adr/0013-ledger-balance-enforcement.md). A refused
write is rolled back, audited as ``failed`` and raised: ``FormErrors`` naming every field,
or ``Conflict`` ("Lot K-1 holds 100 mg; this dispense of 120 mg would take it below
zero.").

Quantities come in as decimal text in mg, or in mL for a lot whose concentration was
recorded at its first receipt, and are kept as whole micrograms. Each entry is recorded
at the clinic clock's time (never before the entry before it) and also keeps the day it
happened, as the person recording it says.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from attune.domain.errors import Conflict, FormErrors, NotFound, ValidationError
from attune.domain.kap.ledger import EntryKind, LedgerEntry, LedgerState, apply_entry
from attune.services.actors import Actor, Role
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ledger_common import (
    EntryView,
    LedgerEvent,
    Names,
    Person,
    Problems,
    Unit,
    audited,
    clean_lot,
    concentration,
    day_of,
    deny,
    refusal,
    require_staff,
    staff_only,
    to_ug,
)
from attune.services.ports import LedgerBook, LedgerLot, NewLedgerEntry, Outcome, UnitOfWork

#: Administrations and dispenses: the two ways stock goes to a patient.
USE_KINDS = (EntryKind.ADMINISTRATION, EntryKind.DISPENSE)

_VERIFIER = PasswordHasher()


@dataclass(frozen=True)
class LotHistory:
    lot: LedgerLot
    entries: tuple[EntryView, ...]

    def total(self, kind: EntryKind) -> int:
        """The signed total of one kind of entry (corrections net)."""
        return sum(e.entry.change_ug for e in self.entries if e.kind is kind)


@dataclass(frozen=True)
class EntryChoices:
    """What the form for one kind of entry offers."""

    kind: EntryKind
    lots: tuple[LedgerLot, ...]
    #: Other active staff of the clinic (waste).
    witnesses: tuple[Person, ...]
    #: The patients the actor may name (administrations and dispenses).
    patients: tuple[Person, ...]
    #: The entry being corrected, when one was named and exists.
    corrects: EntryView | None


def _no_such_lot(lot_id: int) -> NotFound:
    return NotFound(f"There is no lot with id {lot_id} in this clinic's ledger.", field="lot_id")


# --- reading -------------------------------------------------------------------------------


def lots(uow: UnitOfWork, actor: Actor) -> list[LedgerLot]:
    """Every lot of the actor's clinic with its balance, by lot number (staff)."""
    require_staff(actor)
    with uow:
        return uow.ledger.lots(actor.clinic_id)


def lot_history(
    uow: UnitOfWork, actor: Actor, lot_id: int, clock: Clock = SYSTEM_CLOCK
) -> LotHistory:
    """One lot and every entry on it, oldest first, each with the balance after it
    (staff; audited, as entries may name patients)."""
    with uow:
        if not actor.is_staff:
            deny(uow, actor, LedgerEvent.VIEW_LOT, staff_only(), clock, f"lot id {lot_id}")
        lot = uow.ledger.lot(lot_id)
        if lot is None or lot.clinic_id != actor.clinic_id:
            deny(uow, actor, LedgerEvent.VIEW_LOT, _no_such_lot(lot_id), clock, f"lot id {lot_id}")
        records = uow.ledger.entries(actor.clinic_id, lot_id=lot.id)
        corrections: dict[int, list[int]] = {}
        for record in records:
            if record.corrects is not None:
                corrections.setdefault(record.corrects, []).append(record.number)
        names = Names(uow, actor)
        views = tuple(names.view(r, tuple(corrections.get(r.number, ()))) for r in records)
        record_event(
            uow,
            at=clock.now(),
            actor=actor,
            action=str(LedgerEvent.VIEW_LOT),
            outcome=Outcome.ALLOWED,
            detail=f"lot {lot.lot}",
        )
        uow.commit()
    return LotHistory(lot, views)


def entry_choices(
    uow: UnitOfWork, actor: Actor, kind: EntryKind, *, corrects: int | None = None
) -> EntryChoices:
    """What the form for ``kind`` offers this actor (PermissionDenied if they may not
    record it)."""
    refused = refusal(actor, kind)
    if refused is not None:
        raise refused
    with uow:
        witnesses: tuple[Person, ...] = ()
        patients: tuple[Person, ...] = ()
        corrected = None
        if kind is EntryKind.WASTE:
            staff = sorted(uow.users.in_clinic(actor.clinic_id), key=lambda u: u.name)
            witnesses = tuple(
                Person(u.id, u.name)
                for u in staff
                if u.role.is_staff and u.active and u.id != actor.user_id
            )
        if kind in USE_KINDS:
            listed = (
                uow.patients.in_clinic(actor.clinic_id)
                if actor.role is Role.ADMIN
                else uow.patients.on_caseload_of(actor.user_id)
            )
            patients = tuple(Person(p.id, p.display_name) for p in listed)
        if kind is EntryKind.CORRECTION and corrects is not None:
            found = uow.ledger.entry(actor.clinic_id, corrects)
            corrected = Names(uow, actor).view(found) if found is not None else None
        lots_now = tuple(uow.ledger.lots(actor.clinic_id))
    return EntryChoices(kind, lots_now, witnesses, patients, corrected)


# --- writing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Draft:
    """An entry as asked for, before the ledger's rules have seen it."""

    kind: EntryKind
    lot: str
    #: As entered: positive for every kind but a correction, whose sign is its direction.
    quantity_ug: int
    occurred_on: date
    description: str = ""
    supplier: str = ""
    supplier_dea: str = ""
    patient_id: int | None = None
    session_ref: str = ""
    witness_id: int | None = None
    corrects: int | None = None
    reason: str = ""

    @property
    def change_ug(self) -> int:
        return self.quantity_ug * (self.kind.sign or 1)


#: The domain's field names as the forms and the API call them.
_FIELDS = {"session_id": "session_ref", "witness": "witness_id"}


def _renamed(error: Conflict, names: dict[str, str]) -> Conflict:
    if error.field in names:
        return Conflict(error.message, field=names[error.field or ""])
    return error


class _Write:
    """One entry being written: the clinic's book locked, its number and time fixed."""

    def __init__(self, uow: UnitOfWork, actor: Actor, kind: EntryKind, clock: Clock) -> None:
        refused = refusal(actor, kind)
        if refused is not None:
            deny(uow, actor, LedgerEvent.RECORD_ENTRY, refused, clock, kind.value)
        self.uow, self.actor, self.kind = uow, actor, kind
        self.book: LedgerBook = uow.ledger.lock_book(actor.clinic_id)
        self.number = self.book.entries + 1
        now = clock.now()
        last = self.book.last_at
        #: Recorded at: the clock's time, never before the entry before it.
        self.at: datetime = now if last is None or now >= last else last

    def detail(self, lot: str, amount: object = "") -> str:
        text = f"{self.kind.value}: entry {self.number}, lot {lot or 'none'}"
        return f"{text}, {str(amount)[:24]}" if str(amount).strip() else text

    def check(
        self,
        problems: Problems,
        draft: _Draft,
        *,
        balance_ug: int,
        lot_field: str,
        quantity_field: str = "quantity",
    ) -> None:
        """The domain's rules against the locked balance. Every form problem (the
        caller's and the domain's) is raised at once; only an entry complete in itself
        meets the balance check, whose refusal is a Conflict."""
        entry = LedgerEntry(
            id=str(self.number),
            kind=draft.kind,
            lot=draft.lot,
            quantity_ug=draft.quantity_ug,
            at=self.at,
            recorded_by=f"user {self.actor.user_id}",
            supplier=draft.supplier,
            supplier_dea=draft.supplier_dea,
            description=draft.description,
            session_id=draft.session_ref,
            witness=f"user {draft.witness_id}" if draft.witness_id is not None else "",
            corrects=str(draft.corrects) if draft.corrects is not None else "",
            reason=draft.reason,
        )
        corrected = {str(draft.corrects): draft.lot} if draft.corrects is not None else {}
        state = LedgerState({draft.lot: balance_ug}, corrected, self.book.last_at)
        names = {**_FIELDS, "lot": lot_field, "quantity_ug": quantity_field}
        try:
            apply_entry(state, entry)
        except FormErrors as exc:
            for field, message in exc.errors:
                problems.add(names.get(field, field), message)
        except Conflict as exc:
            if not problems.errors:
                raise _renamed(exc, names) from exc
        problems.raise_if_any()

    def append(self, lot: LedgerLot, draft: _Draft) -> EntryView:
        record = self.uow.ledger.append(
            NewLedgerEntry(
                clinic_id=self.actor.clinic_id,
                number=self.number,
                lot_id=lot.id,
                kind=draft.kind.value,
                change_ug=draft.change_ug,
                at=self.at,
                occurred_on=draft.occurred_on,
                recorded_by=self.actor.user_id,
                description=draft.description,
                supplier=draft.supplier,
                supplier_dea=draft.supplier_dea,
                patient_id=draft.patient_id,
                session_ref=draft.session_ref,
                witness_id=draft.witness_id,
                corrects=draft.corrects,
                reason=draft.reason,
            )
        )
        return Names(self.uow, self.actor).view(record)

    def locked_lot(self, lot_id: int, clock: Clock) -> LedgerLot:
        lot = self.uow.ledger.lot(lot_id, for_update=True)
        if lot is None or lot.clinic_id != self.actor.clinic_id:
            error = _no_such_lot(lot_id)
            deny(self.uow, self.actor, LedgerEvent.RECORD_ENTRY, error, clock, f"lot id {lot_id}")
        return lot


def _words(text: str) -> str:
    return " ".join(text.split())


def record_receipt(
    uow: UnitOfWork,
    actor: Actor,
    *,
    lot: str,
    description: str,
    supplier: str,
    supplier_dea: str,
    quantity: Decimal | str,
    unit: Unit | str = Unit.MG,
    occurred_on: date | None = None,
    mg_per_ml: Decimal | str | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> EntryView:
    """Stock arriving (admins). A new lot number starts a lot; a known one adds to it and
    keeps the description and concentration of its first receipt."""
    name = clean_lot(lot)
    with uow:
        write = _Write(uow, actor, EntryKind.RECEIPT, clock)
        known = uow.ledger.lot_named(actor.clinic_id, name, for_update=True) if name else None
        detail = write.detail(name, f"{quantity} {unit}")
        with audited(uow, actor, LedgerEvent.RECORD_ENTRY, clock, detail=detail):
            problems = Problems()
            strength = problems.take(lambda: concentration(mg_per_ml))
            if known is not None and strength is not None and strength != known.mg_per_ml:
                first = f"{known.mg_per_ml} mg/mL" if known.mg_per_ml else "no concentration"
                problems.add(
                    "mg_per_ml",
                    f"Lot {name} keeps what its first receipt said ({first}); leave this empty.",
                )
            per_ml = known.mg_per_ml if known is not None else strength
            ug = problems.take(lambda: to_ug(quantity, unit, per_ml, name, "quantity"))
            day = problems.take(lambda: day_of(occurred_on, write.at))
            draft = _Draft(
                EntryKind.RECEIPT,
                name,
                ug if ug is not None else 1,
                day or write.at.date(),
                description=_words(description),
                supplier=_words(supplier),
                supplier_dea=supplier_dea.strip().upper(),
            )
            balance = known.balance_ug if known is not None else 0
            write.check(problems, draft, balance_ug=balance, lot_field="lot")
            target = known or uow.ledger.add_lot(
                clinic_id=actor.clinic_id,
                lot=name,
                description=draft.description,
                mg_per_ml=strength,
                created_at=write.at,
            )
            view = write.append(target, draft)
            uow.commit()
    return view


def _use_kind(kind: EntryKind | str) -> EntryKind:
    for chosen in USE_KINDS:
        if kind in (chosen, chosen.value):
            return chosen
    raise ValidationError("Choose administration or dispense.", field="kind")


def record_use(
    uow: UnitOfWork,
    actor: Actor,
    *,
    kind: EntryKind | str,
    lot_id: int,
    quantity: Decimal | str,
    session_ref: str,
    unit: Unit | str = Unit.MG,
    occurred_on: date | None = None,
    patient_id: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> EntryView:
    """An administration or a dispense for a session (staff). Naming a patient puts the
    entry through the caseload rule as well."""
    chosen = _use_kind(kind)
    with uow:
        write = _Write(uow, actor, chosen, clock)
        lot = write.locked_lot(lot_id, clock)
        detail = write.detail(lot.lot, f"{quantity} {unit}")
        with audited(
            uow, actor, LedgerEvent.RECORD_ENTRY, clock, detail=detail, patient_id=patient_id
        ):
            problems = Problems()
            ug = problems.take(lambda: to_ug(quantity, unit, lot.mg_per_ml, lot.lot, "quantity"))
            day = problems.take(lambda: day_of(occurred_on, write.at))
            draft = _Draft(
                chosen,
                lot.lot,
                ug if ug is not None else 1,
                day or write.at.date(),
                patient_id=patient_id,
                session_ref=_words(session_ref),
            )
            write.check(problems, draft, balance_ug=lot.balance_ug, lot_field="lot_id")
            view = write.append(lot, draft)
            uow.commit()
    return view


def _password_matches(stored_hash: str, password: str) -> bool:
    try:
        return _VERIFIER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def record_waste(
    uow: UnitOfWork,
    actor: Actor,
    *,
    lot_id: int,
    quantity: Decimal | str,
    reason: str,
    witness_id: int | None,
    witness_password: str,
    unit: Unit | str = Unit.MG,
    occurred_on: date | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> EntryView:
    """Stock wasted (staff), seen by a witness who confirms with their own password."""
    with uow:
        write = _Write(uow, actor, EntryKind.WASTE, clock)
        lot = write.locked_lot(lot_id, clock)
        detail = write.detail(lot.lot, f"{quantity} {unit}") + f", witness user {witness_id}"
        with audited(uow, actor, LedgerEvent.RECORD_ENTRY, clock, detail=detail):
            problems = Problems()
            ug = problems.take(lambda: to_ug(quantity, unit, lot.mg_per_ml, lot.lot, "quantity"))
            day = problems.take(lambda: day_of(occurred_on, write.at))
            witness = uow.users.get(witness_id) if witness_id is not None else None
            if witness_id is None:
                problems.add(
                    "witness_id", "Choose the witness: another member of staff who saw it."
                )
            elif witness_id == actor.user_id:
                problems.add("witness_id", "The witness must be someone other than you.")
            elif (
                witness is None
                or witness.clinic_id != actor.clinic_id
                or not witness.role.is_staff
                or not witness.active
            ):
                problems.add("witness_id", "Choose a witness from this clinic's active staff.")
            if not witness_password:
                problems.add(
                    "witness_password", "The witness types their own password here to confirm."
                )
            draft = _Draft(
                EntryKind.WASTE,
                lot.lot,
                ug if ug is not None else 1,
                day or write.at.date(),
                witness_id=witness_id,
                reason=reason.strip(),
            )
            write.check(problems, draft, balance_ug=lot.balance_ug, lot_field="lot_id")
            assert witness is not None
            if not _password_matches(witness.password_hash, witness_password):
                raise ValidationError(
                    f"That is not {witness.name}'s password. Ask them to type it again.",
                    field="witness_password",
                )
            view = write.append(lot, draft)
            uow.commit()
    return view


def record_correction(
    uow: UnitOfWork,
    actor: Actor,
    *,
    corrects: int,
    change: Decimal | str,
    reason: str,
    unit: Unit | str = Unit.MG,
    clock: Clock = SYSTEM_CLOCK,
) -> EntryView:
    """A signed change to the lot of entry number ``corrects`` (admins), with the reason.
    The corrected entry stays as it was."""
    with uow:
        write = _Write(uow, actor, EntryKind.CORRECTION, clock)
        corrected = uow.ledger.entry(actor.clinic_id, corrects)
        lot = uow.ledger.lot(corrected.lot_id, for_update=True) if corrected else None
        detail = write.detail(lot.lot if lot else "", f"{change} {unit}")
        with audited(
            uow, actor, LedgerEvent.RECORD_ENTRY, clock, detail=f"{detail}, corrects {corrects}"
        ):
            if lot is None:
                raise Conflict(
                    f"There is no entry {corrects} in this ledger to correct.", field="corrects"
                )
            problems = Problems()
            ug = problems.take(lambda: to_ug(change, unit, lot.mg_per_ml, lot.lot, "change"))
            draft = _Draft(
                EntryKind.CORRECTION,
                lot.lot,
                ug if ug is not None else 1,
                write.at.date(),
                corrects=corrects,
                reason=reason.strip(),
            )
            write.check(
                problems,
                draft,
                balance_ug=lot.balance_ug,
                lot_field="corrects",
                quantity_field="change",
            )
            view = write.append(lot, draft)
            uow.commit()
    return view
