"""The controlled-substance ledger's rules (ketamine and esketamine are Schedule III).

Every movement of stock is a new :class:`LedgerEntry`, never an edit:

* RECEIPT: stock arriving, with the supplier, the supplier's DEA registration number
  (format and check digit verified by :func:`dea_problem`) and what the lot is;
* ADMINISTRATION and DISPENSE: tied to the session they were for;
* WASTE: with a witness who is not the person recording it, and the reason;
* CORRECTION: a signed amount referring to the entry it corrects (same lot), with the
  reason. The corrected entry stays as it was.

Quantities are whole MICROGRAMS (``int``): :func:`mg_to_ug` and :func:`ml_to_ug` convert
exactly from mg, or from mL at a concentration in mg/mL, and refuse anything finer than a
microgram; no float ever touches a drug quantity.

:func:`apply_entry` returns the new :class:`LedgerState` or raises, leaving the state
unchanged: FormErrors for an entry that is incomplete or wrong in itself, Conflict for
one the ledger cannot take (a per-lot balance would go below zero, the corrected entry is
unknown, the id is reused, or the entry is dated before the last one). The database
adapter enforces the same rules inside its transaction; reconciliation and the biennial
inventory are in :mod:`.ledger_reports`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import Enum

from attune.domain.errors import Conflict, ValidationError
from attune.domain.kap import checks

UG_PER_MG = 1000
_DEA = re.compile(r"[A-Z]{2}[0-9]{7}")


# --- units ------------------------------------------------------------------------------


def _decimal(value: Decimal | int | str, field_name: str) -> Decimal:
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        raise ValidationError(f"'{value}' is not a number.", field=field_name) from None
    if not number.is_finite():
        raise ValidationError(f"'{value}' is not a number.", field=field_name)
    return number


def _whole_ug(amount: Decimal, field_name: str, what: str) -> int:
    if amount != amount.to_integral_value():
        raise ValidationError(
            f"{what} is finer than a microgram (0.001 mg); please check it.", field=field_name
        )
    return int(amount)


def mg_to_ug(mg: Decimal | int | str, field_name: str = "quantity") -> int:
    """Milligrams to whole micrograms, exactly: "12.5" -> 12500."""
    amount = _decimal(mg, field_name) * UG_PER_MG
    return _whole_ug(amount, field_name, f"{mg} mg")


def ml_to_ug(
    ml: Decimal | int | str, mg_per_ml: Decimal | int | str, field_name: str = "quantity"
) -> int:
    """A volume at a concentration to whole micrograms: 0.35 mL at 50 mg/mL -> 17500."""
    volume = _decimal(ml, field_name)
    concentration = _decimal(mg_per_ml, "concentration")
    if concentration <= 0:
        raise ValidationError("The concentration must be more than 0 mg/mL.", field="concentration")
    amount = volume * concentration * UG_PER_MG
    return _whole_ug(amount, field_name, f"{ml} mL at {mg_per_ml} mg/mL")


def format_mg(ug: int) -> str:
    """Micrograms as milligrams for people: 12500 -> "12.5 mg", -3000 -> "-3 mg"."""
    return f"{checks.plain_decimal(Decimal(ug) / UG_PER_MG)} mg"


# --- DEA registration numbers -----------------------------------------------------------


def dea_check_digit(digits: str) -> int:
    """The check digit for the first six digits: the sum of the 1st, 3rd and 5th, plus
    twice the sum of the 2nd, 4th and 6th; its last digit."""
    d = [int(c) for c in digits[:6]]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10


def dea_problem(number: str) -> str | None:
    """Why a DEA registration number is not valid, or None. Two letters, then seven
    digits whose last is the check digit."""
    text = number.strip().upper()
    if not _DEA.fullmatch(text):
        return "A DEA number is two letters followed by seven digits, e.g. AB1234563."
    if dea_check_digit(text[2:8]) != int(text[8]):
        return f"{text} fails the DEA check digit; please check the number."
    return None


# --- entries ----------------------------------------------------------------------------


class EntryKind(Enum):
    RECEIPT = "receipt"
    ADMINISTRATION = "administration"
    DISPENSE = "dispense"
    WASTE = "waste"
    CORRECTION = "correction"

    @property
    def sign(self) -> int:
        """+1 adds to stock, -1 takes from it; 0 for a correction (its amount is signed)."""
        if self is EntryKind.RECEIPT:
            return 1
        return 0 if self is EntryKind.CORRECTION else -1


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    kind: EntryKind
    lot: str
    #: Whole micrograms: positive, except a correction, which is signed (never 0).
    quantity_ug: int
    #: When it happened (timezone-aware).
    at: datetime
    recorded_by: str
    #: Receipts: supplier, their DEA number, and what the lot is (substance, strength, form).
    supplier: str = ""
    supplier_dea: str = ""
    description: str = ""
    #: Administrations and dispenses: the session they were for.
    session_id: str = ""
    #: Waste: the witness (a different person).
    witness: str = ""
    #: Corrections: the id of the entry corrected.
    corrects: str = ""
    #: Waste and corrections: why.
    reason: str = ""

    @property
    def change_ug(self) -> int:
        """The signed change this entry makes to its lot's balance."""
        return (
            self.quantity_ug
            if self.kind is EntryKind.CORRECTION
            else (self.kind.sign * self.quantity_ug)
        )


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def entry_errors(entry: LedgerEntry) -> checks.FieldErrors:
    """What is wrong with an entry in itself, each named by its field."""
    errors: list[tuple[str, str]] = []

    def need(name: str, message: str, limit: int = checks.MAX_SHORT_TEXT) -> None:
        value: str = getattr(entry, name)
        if not value.strip():
            errors.append((name, message))
        elif problem := checks.text_problem(value, limit):
            errors.append((name, problem))

    need("id", "An entry needs an id.", 100)
    need("lot", "Enter the lot number.", 40)
    need("recorded_by", "Say who is recording this.")
    if problem := checks.time_problem(entry.at):
        errors.append(("at", problem))
    if entry.kind is EntryKind.CORRECTION:
        if entry.quantity_ug == 0:
            errors.append(("quantity_ug", "A correction must change the balance."))
    elif entry.quantity_ug <= 0:
        errors.append(("quantity_ug", "The quantity must be more than 0."))
    if entry.kind is EntryKind.RECEIPT:
        need("supplier", "Enter the supplier.")
        if problem := dea_problem(entry.supplier_dea):
            errors.append(("supplier_dea", problem))
        need("description", "Describe the lot: substance, strength and form.")
    if entry.kind in (EntryKind.ADMINISTRATION, EntryKind.DISPENSE):
        need("session_id", "Choose the session this was for.", 100)
    if entry.kind is EntryKind.WASTE:
        need("witness", "Waste needs a witness.")
        if entry.witness.strip() and _same_person(entry.witness, entry.recorded_by):
            errors.append(("witness", "The witness must be a different person."))
        need("reason", "Say why it was wasted and how.", checks.MAX_LONG_TEXT)
    if entry.kind is EntryKind.CORRECTION:
        need("corrects", "Choose the entry this corrects.", 100)
        need("reason", "Say what was wrong and why this corrects it.", checks.MAX_LONG_TEXT)
    return tuple(errors)


@dataclass(frozen=True)
class LedgerState:
    """Balances per lot (micrograms) and what later entries are checked against. Never
    mutated: :func:`apply_entry` returns a new state."""

    balances: Mapping[str, int] = field(default_factory=dict)
    #: entry id -> its lot, for corrections and to refuse a reused id.
    lots_by_entry: Mapping[str, str] = field(default_factory=dict)
    last_at: datetime | None = None

    def balance(self, lot: str) -> int:
        return self.balances.get(lot, 0)


def _refusal(state: LedgerState, entry: LedgerEntry) -> Conflict | None:
    if entry.id in state.lots_by_entry:
        return Conflict(f"There is already an entry '{entry.id}'.", field="id")
    if state.last_at is not None and entry.at < state.last_at:
        return Conflict(
            "An entry cannot be dated before the last one in the ledger; record it now and "
            "say when it happened in its reason.",
            field="at",
        )
    if entry.kind is EntryKind.CORRECTION:
        corrected_lot = state.lots_by_entry.get(entry.corrects)
        if corrected_lot is None:
            return Conflict(f"There is no entry '{entry.corrects}' to correct.", field="corrects")
        if corrected_lot != entry.lot:
            return Conflict(
                f"A correction applies to the lot of the entry it corrects ({corrected_lot}).",
                field="lot",
            )
    held = state.balance(entry.lot)
    after = held + entry.change_ug
    if after < 0:
        action = "correction" if entry.kind is EntryKind.CORRECTION else entry.kind.value
        return Conflict(
            f"Lot {entry.lot} holds {format_mg(held)}; this {action} of "
            f"{format_mg(abs(entry.change_ug))} would take it below zero.",
            field="quantity_ug",
        )
    return None


def apply_entry(state: LedgerState, entry: LedgerEntry) -> LedgerState:
    """The state after ``entry``; raises (FormErrors or Conflict) and changes nothing when
    the entry is refused."""
    checks.raise_if_any(entry_errors(entry))
    refusal = _refusal(state, entry)
    if refusal is not None:
        raise refusal
    balances = dict(state.balances)
    balances[entry.lot] = state.balance(entry.lot) + entry.change_ug
    return LedgerState(balances, {**state.lots_by_entry, entry.id: entry.lot}, entry.at)


def replay(entries: Iterable[LedgerEntry]) -> LedgerState:
    """The state after every entry in order; raises at the first refused one."""
    balances: dict[str, int] = {}
    lots: dict[str, str] = {}
    state = LedgerState(balances, lots)
    for entry in entries:
        checks.raise_if_any(entry_errors(entry))
        refusal = _refusal(state, entry)
        if refusal is not None:
            raise refusal
        balances[entry.lot] = balances.get(entry.lot, 0) + entry.change_ug
        lots[entry.id] = entry.lot
        state = LedgerState(balances, lots, entry.at)
    return LedgerState(dict(balances), dict(lots), state.last_at)


def totals_by_kind(entries: Iterable[LedgerEntry], lot: str) -> dict[EntryKind, int]:
    """The signed total of each kind of entry for one lot (corrections net)."""
    totals = dict.fromkeys(EntryKind, 0)
    for entry in entries:
        if entry.lot == lot:
            totals[entry.kind] += entry.change_ug
    return totals
