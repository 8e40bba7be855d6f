"""Ledger reports: reconciling an on-hand count, and the biennial inventory.

:func:`reconcile` compares what was counted on hand, lot by lot, with the balance the
ledger computes and flags every difference: short, over, a lot the ledger holds that was
not counted, and a counted lot the ledger does not know.

:func:`biennial_inventory` lists every lot with its balance as of a given time, for the
inventory a DEA registrant takes at least every two years (21 CFR 1304.11); it records
whether it was taken at the opening or the close of business, as the rule asks.
:func:`next_inventory_due` gives the latest date for the next one. Schedule III stock in
an opened container may be counted by estimate under the rule; Attune still keeps the
ledger's figure exact, so any estimate shows here as a difference to explain.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from attune.domain.errors import ValidationError
from attune.domain.kap import checks
from attune.domain.kap.ledger import (
    EntryKind,
    LedgerEntry,
    LedgerState,
    dea_problem,
    format_mg,
    replay,
)


class CountStatus(Enum):
    MATCHES = "matches"
    SHORT = "short"
    OVER = "over"
    NOT_COUNTED = "not_counted"
    NOT_IN_LEDGER = "not_in_ledger"


@dataclass(frozen=True)
class CountLine:
    lot: str
    expected_ug: int
    counted_ug: int | None
    status: CountStatus

    @property
    def difference_ug(self) -> int | None:
        """Counted minus expected (negative when short)."""
        return None if self.counted_ug is None else self.counted_ug - self.expected_ug

    @property
    def message(self) -> str:
        expected, lot = format_mg(self.expected_ug), self.lot
        if self.status is CountStatus.NOT_COUNTED:
            return f"Lot {lot}: the ledger holds {expected} but it was not counted."
        counted = format_mg(self.counted_ug or 0)
        if self.status is CountStatus.NOT_IN_LEDGER:
            return f"Lot {lot}: {counted} counted, but the ledger has no such lot."
        gap = format_mg(abs(self.difference_ug or 0))
        if self.status is CountStatus.SHORT:
            return f"Lot {lot}: the ledger says {expected}, {counted} counted: {gap} short."
        if self.status is CountStatus.OVER:
            return f"Lot {lot}: the ledger says {expected}, {counted} counted: {gap} over."
        return f"Lot {lot}: {counted} counted, as the ledger says."


@dataclass(frozen=True)
class Reconciliation:
    counted_at: datetime
    lines: tuple[CountLine, ...]

    @property
    def discrepancies(self) -> tuple[CountLine, ...]:
        return tuple(line for line in self.lines if line.status is not CountStatus.MATCHES)

    @property
    def balanced(self) -> bool:
        return not self.discrepancies


def reconcile(
    state: LedgerState,
    counts: Mapping[str, int],
    counted_at: datetime,
    *,
    tolerance_ug: int = 0,
) -> Reconciliation:
    """Compare counts (lot -> micrograms on hand) with the ledger's balances. A difference
    within ``tolerance_ug`` (0 by default: exact) matches."""
    if problem := checks.time_problem(counted_at):
        raise ValidationError(problem, field="counted_at")
    if tolerance_ug < 0:
        raise ValidationError("The tolerance cannot be negative.", field="tolerance_ug")
    for lot, amount in counts.items():
        if amount < 0:
            raise ValidationError(f"Lot {lot}: a count cannot be negative.", field=f"counts.{lot}")
    lots = sorted({lot for lot, ug in state.balances.items() if ug != 0} | set(counts))
    lines = []
    for lot in lots:
        expected, on_hand = state.balance(lot), counts.get(lot)
        if on_hand is None:
            status = CountStatus.NOT_COUNTED
        elif lot not in state.balances:
            status = CountStatus.NOT_IN_LEDGER
        elif abs(on_hand - expected) <= tolerance_ug:
            status = CountStatus.MATCHES
        else:
            status = CountStatus.SHORT if on_hand < expected else CountStatus.OVER
        lines.append(CountLine(lot, expected, on_hand, status))
    return Reconciliation(counted_at, tuple(lines))


class TakenAt(Enum):
    OPENING = "opening"
    CLOSE_OF_BUSINESS = "close_of_business"

    @property
    def label(self) -> str:
        return (
            "At the opening of business"
            if self is TakenAt.OPENING
            else ("At the close of business")
        )


@dataclass(frozen=True)
class InventoryLine:
    lot: str
    #: What the lot is, from its first receipt.
    description: str
    balance_ug: int

    @property
    def balance(self) -> str:
        return format_mg(self.balance_ug)


@dataclass(frozen=True)
class InventoryReport:
    registrant_dea: str
    as_of: datetime
    taken_at: TakenAt
    lines: tuple[InventoryLine, ...]

    @property
    def total_ug(self) -> int:
        return sum(line.balance_ug for line in self.lines)


def biennial_inventory(
    entries: Iterable[LedgerEntry],
    as_of: datetime,
    *,
    taken_at: TakenAt,
    registrant_dea: str,
) -> InventoryReport:
    """Every lot that has any entry up to ``as_of``, with its balance then (zero balances
    included), by lot number."""
    if problem := checks.time_problem(as_of):
        raise ValidationError(problem, field="as_of")
    if problem := dea_problem(registrant_dea):
        raise ValidationError(problem, field="registrant_dea")
    upto = [e for e in entries if e.at <= as_of]
    state = replay(upto)
    described: dict[str, str] = {}
    for entry in upto:
        if entry.kind is EntryKind.RECEIPT:
            described.setdefault(entry.lot, entry.description)
    lines = tuple(
        InventoryLine(lot, described.get(lot, "No receipt recorded"), state.balance(lot))
        for lot in sorted(state.balances)
    )
    return InventoryReport(registrant_dea.strip().upper(), as_of, taken_at, lines)


def next_inventory_due(last: date) -> date:
    """Two years after the last inventory (28 February when the last was on 29 February)."""
    try:
        return last.replace(year=last.year + 2)
    except ValueError:
        return last.replace(year=last.year + 2, day=28)
