"""The controlled-substance ledger: exact units, DEA numbers, entry rules, balances that
never go negative, reconciliation and the biennial inventory."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import Conflict, FormErrors, ValidationError
from attune.domain.kap.ledger import (
    EntryKind,
    LedgerEntry,
    LedgerState,
    apply_entry,
    dea_check_digit,
    dea_problem,
    entry_errors,
    format_mg,
    mg_to_ug,
    ml_to_ug,
    replay,
    totals_by_kind,
)
from attune.domain.kap.ledger_reports import (
    CountStatus,
    TakenAt,
    biennial_inventory,
    next_inventory_due,
    reconcile,
)

T0 = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
DEA = "AB1234563"


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def receipt(id: str, lot: str, mg: str, hours: float = 0) -> LedgerEntry:
    return LedgerEntry(
        id,
        EntryKind.RECEIPT,
        lot,
        mg_to_ug(mg),
        at(hours),
        "nurse-ana",
        supplier="North Pharma",
        supplier_dea=DEA,
        description="Ketamine HCl injection 50 mg/mL, 10 mL vial",
    )


def given_to(
    id: str, lot: str, mg: str, hours: float, kind: EntryKind = EntryKind.ADMINISTRATION
) -> LedgerEntry:
    return LedgerEntry(id, kind, lot, mg_to_ug(mg), at(hours), "dr-lee", session_id="s-1")


def waste(id: str, lot: str, mg: str, hours: float, witness: str = "nurse-ana") -> LedgerEntry:
    return LedgerEntry(
        id,
        EntryKind.WASTE,
        lot,
        mg_to_ug(mg),
        at(hours),
        "dr-lee",
        witness=witness,
        reason="Drawn up, not given; emptied into the drug disposal container",
    )


def correction(id: str, corrects: str, lot: str, ug: int, hours: float) -> LedgerEntry:
    return LedgerEntry(
        id,
        EntryKind.CORRECTION,
        lot,
        ug,
        at(hours),
        "dr-lee",
        corrects=corrects,
        reason="The administration was 40 mg, not 50 mg",
    )


# --- units ------------------------------------------------------------------------------


def test_milligrams_convert_to_whole_micrograms_exactly() -> None:
    assert mg_to_ug("12.5") == 12_500
    assert mg_to_ug(Decimal("0.001")) == 1
    assert mg_to_ug(500) == 500_000
    with pytest.raises(ValidationError) as caught:
        mg_to_ug("0.0005")
    assert "finer than a microgram" in caught.value.message
    with pytest.raises(ValidationError):
        mg_to_ug("ten")


def test_millilitres_at_a_concentration_convert_exactly() -> None:
    assert ml_to_ug("0.35", 50) == 17_500
    assert ml_to_ug("1", "100") == 100_000
    assert ml_to_ug("0.1", "0.01") == 1
    with pytest.raises(ValidationError) as caught:
        ml_to_ug("0.0001", "3")
    assert caught.value.field == "quantity"
    with pytest.raises(ValidationError) as zero:
        ml_to_ug("1", "0")
    assert zero.value.field == "concentration"


def test_micrograms_read_as_milligrams() -> None:
    assert format_mg(12_500) == "12.5 mg"
    assert format_mg(500_000) == "500 mg"
    assert format_mg(1) == "0.001 mg"
    assert format_mg(-3000) == "-3 mg"


@given(st.integers(-(10**9), 10**9))
def test_micrograms_round_trip_through_milligrams(ug: int) -> None:
    assert mg_to_ug(format_mg(ug).removesuffix(" mg")) == ug


# --- DEA numbers ------------------------------------------------------------------------


@pytest.mark.parametrize(("digits", "check"), [("123456", 3), ("583672", 7), ("518427", 9)])
def test_the_dea_check_digit(digits: str, check: int) -> None:
    # 1+3+5 + 2*(2+4+6) = 33; 5+3+7 + 2*(8+6+2) = 47; 5+8+2 + 2*(1+4+7) = 39
    assert dea_check_digit(digits) == check


@pytest.mark.parametrize("number", ["AB1234563", "AP5836727", "AJ5184279", " ab1234563 "])
def test_valid_dea_numbers(number: str) -> None:
    assert dea_problem(number) is None


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("AB4523763", "fails the DEA check digit"),
        ("AB1234564", "fails the DEA check digit"),
        ("A12345678", "two letters followed by seven digits"),
        ("AB123456", "two letters followed by seven digits"),
        ("AB12345634", "two letters followed by seven digits"),
        ("", "two letters followed by seven digits"),
    ],
)
def test_invalid_dea_numbers(number: str, words: str) -> None:
    problem = dea_problem(number)
    assert problem is not None and words in problem


# --- entry rules ------------------------------------------------------------------------


def fields(entry: LedgerEntry) -> list[str]:
    return [f for f, _ in entry_errors(entry)]


def test_a_receipt_needs_supplier_a_valid_dea_number_and_a_description() -> None:
    assert entry_errors(receipt("r1", "K-1", "500")) == ()
    bad = replace(
        receipt("r1", "K-1", "500"), supplier="", supplier_dea="AB1234564", description=""
    )
    assert fields(bad) == ["supplier", "supplier_dea", "description"]


def test_administrations_and_dispenses_are_tied_to_a_session() -> None:
    for kind in (EntryKind.ADMINISTRATION, EntryKind.DISPENSE):
        assert fields(replace(given_to("a1", "K-1", "50", 1, kind), session_id="")) == [
            "session_id"
        ]


def test_waste_needs_a_different_person_as_witness_and_a_reason() -> None:
    assert entry_errors(waste("w1", "K-1", "10", 1)) == ()
    assert fields(waste("w1", "K-1", "10", 1, witness=" Dr-Lee ")) == ["witness"]
    assert fields(replace(waste("w1", "K-1", "10", 1), witness="", reason="")) == [
        "witness",
        "reason",
    ]


def test_a_correction_refers_to_an_entry_has_a_reason_and_changes_something() -> None:
    assert fields(correction("c1", "", "K-1", 0, 1)) == ["quantity_ug", "corrects"]
    assert fields(replace(correction("c1", "a1", "K-1", -5, 1), reason=" ")) == ["reason"]


def test_common_fields_are_required() -> None:
    entry = LedgerEntry("", EntryKind.DISPENSE, "", 0, datetime(2025, 1, 6), "", session_id="s")
    assert fields(entry) == ["id", "lot", "recorded_by", "at", "quantity_ug"]


# --- applying entries -------------------------------------------------------------------


def test_the_balance_follows_receipts_uses_waste_and_corrections() -> None:
    entries = [
        receipt("r1", "K-1", "500"),
        given_to("a1", "K-1", "50", 1),
        given_to("d1", "K-1", "100", 2, EntryKind.DISPENSE),
        waste("w1", "K-1", "2.5", 3),
        correction("c1", "a1", "K-1", mg_to_ug("10"), 4),
        receipt("r2", "K-2", "200", 5),
    ]
    state = replay(entries)
    assert state.balance("K-1") == mg_to_ug("357.5")
    assert state.balance("K-2") == mg_to_ug("200")
    assert totals_by_kind(entries, "K-1") == {
        EntryKind.RECEIPT: 500_000,
        EntryKind.ADMINISTRATION: -50_000,
        EntryKind.DISPENSE: -100_000,
        EntryKind.WASTE: -2_500,
        EntryKind.CORRECTION: 10_000,
    }


def test_an_entry_that_would_go_below_zero_is_refused_with_a_clear_message() -> None:
    state = replay([receipt("r1", "K-1", "100")])
    with pytest.raises(Conflict) as caught:
        apply_entry(state, given_to("a1", "K-1", "120", 1))
    assert caught.value.message == (
        "Lot K-1 holds 100 mg; this administration of 120 mg would take it below zero."
    )
    assert caught.value.field == "quantity_ug"
    assert state.balance("K-1") == 100_000
    assert apply_entry(state, given_to("a1", "K-1", "100", 1)).balance("K-1") == 0


def test_a_lot_never_received_cannot_be_used() -> None:
    with pytest.raises(Conflict) as caught:
        apply_entry(LedgerState(), waste("w1", "K-9", "1", 1))
    assert "Lot K-9 holds 0 mg" in caught.value.message


def test_a_correction_cannot_go_below_zero_either() -> None:
    state = replay([receipt("r1", "K-1", "100"), given_to("a1", "K-1", "90", 1)])
    with pytest.raises(Conflict) as caught:
        apply_entry(state, correction("c1", "r1", "K-1", -mg_to_ug("20"), 2))
    assert "this correction of 20 mg would take it below zero" in caught.value.message


def test_corrections_need_a_known_entry_on_the_same_lot() -> None:
    state = replay([receipt("r1", "K-1", "100"), receipt("r2", "K-2", "100", 1)])
    with pytest.raises(Conflict) as unknown:
        apply_entry(state, correction("c1", "zz", "K-1", 5, 2))
    assert unknown.value.field == "corrects"
    with pytest.raises(Conflict) as other_lot:
        apply_entry(state, correction("c1", "r2", "K-1", 5, 2))
    assert (
        other_lot.value.message == "A correction applies to the lot of the entry it corrects (K-2)."
    )


def test_entries_are_never_replaced_or_backdated() -> None:
    state = replay([receipt("r1", "K-1", "100", 5)])
    with pytest.raises(Conflict) as reused:
        apply_entry(state, receipt("r1", "K-1", "100", 6))
    assert reused.value.field == "id"
    with pytest.raises(Conflict) as backdated:
        apply_entry(state, given_to("a1", "K-1", "10", 4))
    assert backdated.value.field == "at"


def test_an_invalid_entry_raises_every_problem() -> None:
    with pytest.raises(FormErrors) as caught:
        apply_entry(LedgerState(), replace(waste("w1", "K-1", "1", 1), witness="dr-lee", reason=""))
    assert [f for f, _ in caught.value.errors] == ["witness", "reason"]


def test_replay_stops_at_the_first_refused_entry() -> None:
    with pytest.raises(Conflict):
        replay([receipt("r1", "K-1", "10"), given_to("a1", "K-1", "11", 1)])


# --- properties -------------------------------------------------------------------------

LOTS = ("K-1", "K-2")
PEOPLE = ("dr-lee", "nurse-ana")


@st.composite
def entries(draw: st.DrawFn) -> list[LedgerEntry]:
    made: list[LedgerEntry] = []
    hours = 0.0
    for i in range(draw(st.integers(1, 40))):
        kind = draw(st.sampled_from(list(EntryKind)))
        hours += draw(st.sampled_from([0.5, 1.0, -0.25]))  # occasionally backdated
        lot = draw(st.sampled_from(LOTS))
        by = draw(st.sampled_from(PEOPLE))
        amount = draw(st.integers(1, 300_000))
        ids = [e.id for e in made] or ["none"]
        made.append(
            LedgerEntry(
                id=draw(st.sampled_from([f"e{i}", f"e{max(i - 1, 0)}"])),
                kind=kind,
                lot=lot,
                quantity_ug=draw(st.sampled_from([amount, -amount]))
                if kind is EntryKind.CORRECTION
                else amount,
                at=at(hours),
                recorded_by=by,
                supplier="North Pharma",
                supplier_dea=DEA,
                description="Ketamine HCl 50 mg/mL",
                session_id="s-1",
                witness=draw(st.sampled_from(PEOPLE)),
                corrects=draw(st.sampled_from(ids)),
                reason="Counted again",
            )
        )
    return made


@settings(max_examples=300, deadline=None)
@given(entries())
def test_no_sequence_of_entries_yields_a_negative_balance(sequence: list[LedgerEntry]) -> None:
    state = LedgerState()
    accepted: list[LedgerEntry] = []
    for entry in sequence:
        before = (dict(state.balances), dict(state.lots_by_entry), state.last_at)
        try:
            state = apply_entry(state, entry)
        except (FormErrors, Conflict):
            # A refused entry leaves the state exactly as it was.
            assert (dict(state.balances), dict(state.lots_by_entry), state.last_at) == before
            continue
        accepted.append(entry)
        assert all(balance >= 0 for balance in state.balances.values())
    for lot in LOTS:
        totals = totals_by_kind(accepted, lot)
        expected = (
            totals[EntryKind.RECEIPT]
            + totals[EntryKind.ADMINISTRATION]
            + totals[EntryKind.DISPENSE]
            + totals[EntryKind.WASTE]
            + totals[EntryKind.CORRECTION]
        )
        receipts = sum(
            e.quantity_ug for e in accepted if e.lot == lot and e.kind is EntryKind.RECEIPT
        )
        used = sum(
            e.quantity_ug
            for e in accepted
            if e.lot == lot
            and e.kind in (EntryKind.ADMINISTRATION, EntryKind.DISPENSE, EntryKind.WASTE)
        )
        corrections = sum(
            e.quantity_ug for e in accepted if e.lot == lot and e.kind is EntryKind.CORRECTION
        )
        assert state.balance(lot) == expected == receipts - used + corrections
    assert replay(accepted) == state


# --- reconciliation ---------------------------------------------------------------------


def test_reconciliation_flags_every_difference() -> None:
    state = replay(
        [
            receipt("r1", "K-1", "500"),
            receipt("r2", "K-2", "200", 1),
            receipt("r3", "K-3", "100", 2),
            receipt("r4", "K-4", "50", 3),
        ]
    )
    counts = {"K-1": mg_to_ug("480"), "K-2": mg_to_ug("210"), "K-4": mg_to_ug("50"), "K-7": 1000}
    result = reconcile(state, counts, at(10))
    assert [(line.lot, line.status) for line in result.lines] == [
        ("K-1", CountStatus.SHORT),
        ("K-2", CountStatus.OVER),
        ("K-3", CountStatus.NOT_COUNTED),
        ("K-4", CountStatus.MATCHES),
        ("K-7", CountStatus.NOT_IN_LEDGER),
    ]
    assert [line.message for line in result.discrepancies] == [
        "Lot K-1: the ledger says 500 mg, 480 mg counted: 20 mg short.",
        "Lot K-2: the ledger says 200 mg, 210 mg counted: 10 mg over.",
        "Lot K-3: the ledger holds 100 mg but it was not counted.",
        "Lot K-7: 1 mg counted, but the ledger has no such lot.",
    ]
    assert not result.balanced
    assert result.lines[0].difference_ug == -20_000


def test_a_tolerance_can_allow_an_estimated_count() -> None:
    state = replay([receipt("r1", "K-1", "500")])
    assert reconcile(state, {"K-1": mg_to_ug("499.5")}, at(1), tolerance_ug=500).balanced
    assert not reconcile(state, {"K-1": mg_to_ug("499.4")}, at(1), tolerance_ug=500).balanced


def test_an_empty_lot_need_not_be_counted_and_bad_counts_are_refused() -> None:
    state = replay([receipt("r1", "K-1", "10"), given_to("a1", "K-1", "10", 1)])
    assert reconcile(state, {}, at(2)).balanced
    with pytest.raises(ValidationError) as caught:
        reconcile(state, {"K-1": -1}, at(2))
    assert caught.value.field == "counts.K-1"


# --- the biennial inventory -------------------------------------------------------------


def test_the_inventory_lists_every_lot_with_its_balance_on_the_date() -> None:
    entries = [
        receipt("r1", "K-2", "200"),
        receipt("r2", "K-1", "500", 1),
        given_to("a1", "K-2", "200", 2),
        given_to("a2", "K-1", "50", 30),
    ]
    report = biennial_inventory(
        entries, at(24), taken_at=TakenAt.CLOSE_OF_BUSINESS, registrant_dea="ap5836727"
    )
    assert report.registrant_dea == "AP5836727"
    assert [(line.lot, line.balance) for line in report.lines] == [
        ("K-1", "500 mg"),
        ("K-2", "0 mg"),
    ]
    assert report.lines[0].description == "Ketamine HCl injection 50 mg/mL, 10 mL vial"
    assert report.total_ug == 500_000
    assert report.taken_at.label == "At the close of business"


def test_the_inventory_needs_a_valid_registrant_number() -> None:
    with pytest.raises(ValidationError) as caught:
        biennial_inventory([], at(1), taken_at=TakenAt.OPENING, registrant_dea="AB1234564")
    assert caught.value.field == "registrant_dea"


def test_the_next_inventory_is_due_within_two_years() -> None:
    assert next_inventory_due(date(2025, 5, 1)) == date(2027, 5, 1)
    assert next_inventory_due(date(2024, 2, 29)) == date(2026, 2, 28)
