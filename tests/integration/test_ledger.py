"""The controlled-substance ledger through its services, on SQLite and PostgreSQL:
receipts, administrations and dispenses, waste with a witness, corrections, who may do
what, the audit trail, and the balance that never goes below zero."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied, ValidationError
from attune.domain.kap.ledger import EntryKind
from attune.services import ledger, users
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from attune.services.ledger_common import EntryView
from attune.services.ports import AuditEvent
from factories import (
    FAST_HASHER,
    LEDGER_DEA,
    PASSWORD,
    ClinicSetup,
    make_clinic,
    receive_stock,
)

DEA = LEDGER_DEA


def receive(
    uow: SqlUnitOfWork,
    setup: ClinicSetup,
    clock: FixedClock,
    *,
    lot: str = "K-1",
    mg: str = "500",
    mg_per_ml: str | None = "50",
) -> EntryView:
    return receive_stock(uow, setup, clock, lot=lot, mg=mg, mg_per_ml=mg_per_ml)


def use(
    uow: SqlUnitOfWork,
    actor: Actor,
    lot_id: int,
    clock: FixedClock,
    mg: str,
    *,
    kind: EntryKind = EntryKind.DISPENSE,
    patient_id: int | None = None,
) -> EntryView:
    return ledger.record_use(
        uow,
        actor,
        kind=kind,
        lot_id=lot_id,
        quantity=mg,
        session_ref="Session 2026-01-05 A",
        patient_id=patient_id,
        clock=clock,
    )


def events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def balance(uow: SqlUnitOfWork, lot_id: int) -> int:
    with uow:
        lot = uow.ledger.lot(lot_id)
    assert lot is not None
    return lot.balance_ug


def test_a_receipt_starts_a_lot_and_is_audited(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    before = len(events(uow))
    view = receive(uow, setup, clock, lot=" k-1 ")
    assert view.number == 1 and view.kind is EntryKind.RECEIPT
    assert view.entry.lot == "K-1" and view.entry.change_ug == 500_000
    assert view.entry.balance_after_ug == 500_000
    assert view.entry.supplier_dea == DEA and view.recorded_by == setup.admin.name
    assert view.entry.occurred_on == clock.now().date()
    lots = ledger.lots(uow, setup.clinician_actor)
    assert [(lot.lot, lot.balance_ug, lot.mg_per_ml) for lot in lots] == [("K-1", 500_000, "50")]
    new = events(uow)[before:]
    assert [(e.action, e.outcome, e.actor_user_id) for e in new] == [
        ("record_ledger_entry", "allowed", setup.admin.id)
    ]
    assert "receipt: entry 1, lot K-1" in new[0].detail


def test_a_second_receipt_of_a_lot_adds_to_it_and_keeps_its_concentration(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    first = receive(uow, setup, clock)
    second = ledger.record_receipt(
        uow,
        setup.admin_actor,
        lot="K-1",
        description="Ketamine HCl 50 mg/mL, 10 mL vial",
        supplier="Valley Pharmacy Supply",
        supplier_dea=DEA,
        quantity="2",
        unit="ml",
        clock=clock,
    )
    assert second.entry.lot_id == first.entry.lot_id
    assert second.entry.change_ug == 100_000 and second.entry.balance_after_ug == 600_000
    with pytest.raises(FormErrors) as raised:
        receive(uow, setup, clock, mg_per_ml="100")
    assert [f for f, _ in raised.value.errors] == ["mg_per_ml"]


def test_every_problem_with_a_receipt_is_named_at_once(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    before = len(events(uow))
    with pytest.raises(FormErrors) as raised:
        ledger.record_receipt(
            uow,
            setup.admin_actor,
            lot="",
            description="",
            supplier="",
            supplier_dea="AP5836728",
            quantity="12.0005",
            occurred_on=clock.now().date() + timedelta(days=3),
            clock=clock,
        )
    fields = dict(raised.value.errors)
    assert set(fields) == {
        "lot",
        "description",
        "supplier",
        "supplier_dea",
        "quantity",
        "occurred_on",
    }
    assert "check digit" in fields["supplier_dea"]
    assert "finer than a microgram" in fields["quantity"]
    assert ledger.lots(uow, setup.admin_actor) == []
    new = events(uow)[before:]
    assert [(e.action, e.outcome) for e in new] == [("record_ledger_entry", "failed")]


def test_only_an_admin_records_receipts_and_a_patient_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    before = len(events(uow))
    with pytest.raises(PermissionDenied, match="Only a clinic admin can record receipts"):
        ledger.record_receipt(
            uow,
            setup.clinician_actor,
            lot="K-2",
            description="x",
            supplier="y",
            supplier_dea=DEA,
            quantity="1",
            clock=clock,
        )
    me = setup.patient_actor(0)
    with pytest.raises(PermissionDenied, match="Only clinic staff"):
        use(uow, me, lot, clock, "1")
    with pytest.raises(PermissionDenied, match="Only clinic staff"):
        ledger.lot_history(uow, me, lot, clock)
    with pytest.raises(PermissionDenied):
        ledger.lots(uow, me)
    new = events(uow)[before:]
    assert [(e.action, e.outcome, e.actor_user_id) for e in new] == [
        ("record_ledger_entry", "denied", setup.clinician.id),
        ("record_ledger_entry", "denied", me.user_id),
        ("view_ledger_lot", "denied", me.user_id),
    ]
    assert balance(uow, lot) == 500_000


def test_administrations_and_dispenses_take_from_the_lot(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    given = use(uow, setup.clinician_actor, lot, clock, "35.5", kind=EntryKind.ADMINISTRATION)
    assert given.entry.change_ug == -35_500 and given.entry.balance_after_ug == 464_500
    in_ml = ledger.record_use(
        uow,
        setup.clinician_actor,
        kind="dispense",
        lot_id=lot,
        quantity="0.35",
        unit="ml",
        session_ref="At-home session 3",
        occurred_on=clock.now().date() - timedelta(days=1),
        clock=clock,
    )
    assert in_ml.entry.change_ug == -17_500 and in_ml.entry.balance_after_ug == 447_000
    assert in_ml.entry.occurred_on == date(2026, 1, 4)
    assert in_ml.entry.session_ref == "At-home session 3"
    assert balance(uow, lot) == 447_000


def test_a_dispense_the_lot_cannot_cover_is_refused_and_nothing_changes(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock, mg="100").entry.lot_id
    before = len(events(uow))
    with pytest.raises(Conflict) as raised:
        use(uow, setup.clinician_actor, lot, clock, "120")
    assert raised.value.message == (
        "Lot K-1 holds 100 mg; this dispense of 120 mg would take it below zero."
    )
    assert raised.value.field == "quantity"
    assert balance(uow, lot) == 100_000
    with uow:
        assert [e.number for e in uow.ledger.entries(setup.clinic.id)] == [1]
    new = events(uow)[before:]
    assert [(e.action, e.outcome) for e in new] == [("record_ledger_entry", "failed")]
    assert "would take it below zero" in new[0].detail
    # Exactly the balance is fine, and leaves zero.
    assert use(uow, setup.clinician_actor, lot, clock, "100").entry.balance_after_ug == 0


def test_a_use_lists_every_missing_field_before_any_balance_check(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock, mg="1", mg_per_ml=None).entry.lot_id
    with pytest.raises(FormErrors) as raised:
        ledger.record_use(
            uow,
            setup.clinician_actor,
            kind="administration",
            lot_id=lot,
            quantity="",
            session_ref=" ",
            clock=clock,
        )
    assert dict(raised.value.errors).keys() == {"quantity", "session_ref"}
    with pytest.raises(ValidationError, match="no concentration recorded") as in_ml:
        ledger.record_use(
            uow,
            setup.clinician_actor,
            kind="dispense",
            lot_id=lot,
            quantity="1",
            unit="ml",
            session_ref="S",
            clock=clock,
        )
    assert in_ml.value.field == "unit"
    with pytest.raises(ValidationError) as wrong_kind:
        use(uow, setup.clinician_actor, lot, clock, "1", kind=EntryKind.WASTE)
    assert wrong_kind.value.field == "kind"


def test_a_use_naming_a_patient_follows_the_caseload_rule(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    mine, theirs = setup.patients[0].id, setup.patients[1].id
    given = use(uow, setup.clinician_actor, lot, clock, "10", patient_id=mine)
    assert given.entry.patient_id == mine and given.patient == setup.patients[0].display_name
    before = len(events(uow))
    with pytest.raises(PermissionDenied, match="not on your caseload"):
        use(uow, setup.clinician_actor, lot, clock, "10", patient_id=theirs)
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=1)
    with pytest.raises(NotFound):
        use(uow, setup.admin_actor, lot, clock, "10", patient_id=elsewhere.patients[0].id)
    new = events(uow)[before:]
    denied = [e for e in new if e.action == "record_ledger_entry"]
    foreign = elsewhere.patients[0].id
    assert [(e.outcome, e.patient_id) for e in denied] == [("denied", theirs), ("denied", foreign)]
    assert balance(uow, lot) == 490_000


def test_lot_history_hides_patients_the_reader_may_not_see(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    use(uow, setup.clinician_actor, lot, clock, "10", patient_id=setup.patients[0].id)
    name = setup.patients[0].display_name
    as_admin = ledger.lot_history(uow, setup.admin_actor, lot, clock)
    as_other = ledger.lot_history(uow, setup.other_clinician_actor, lot, clock)
    assert [e.patient for e in as_admin.entries] == [None, name]
    assert [(e.patient, e.patient_hidden) for e in as_other.entries] == [
        (None, False),
        (None, True),
    ]
    assert as_admin.total(EntryKind.DISPENSE) == -10_000
    reads = [e for e in events(uow) if e.action == "view_ledger_lot"]
    assert [(e.actor_user_id, e.detail) for e in reads] == [
        (setup.admin.id, "lot K-1"),
        (setup.other_clinician.id, "lot K-1"),
    ]


def test_another_clinics_lot_looks_like_no_lot(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=0)
    with pytest.raises(NotFound) as raised:
        ledger.lot_history(uow, elsewhere.admin_actor, lot, clock)
    with pytest.raises(NotFound) as missing:
        ledger.lot_history(uow, elsewhere.admin_actor, lot + 1000, clock)
    assert str(raised.value) == f"There is no lot with id {lot} in this clinic's ledger."
    assert str(missing.value).startswith("There is no lot with id")
    with pytest.raises(NotFound):
        use(uow, elsewhere.clinician_actor, lot, clock, "1")
    assert ledger.lots(uow, elsewhere.admin_actor) == []
    assert balance(uow, lot) == 500_000


def _waste(
    uow: SqlUnitOfWork,
    actor: Actor,
    lot: int,
    clock: FixedClock,
    witness: int | None,
    password: str = PASSWORD,
) -> EntryView:
    return ledger.record_waste(
        uow,
        actor,
        lot_id=lot,
        quantity="5",
        reason="Drawn up and not given; squirted into the waste container.",
        witness_id=witness,
        witness_password=password,
        clock=clock,
    )


def test_waste_needs_another_active_staff_member_who_types_their_password(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    me, other = setup.clinician_actor, setup.other_clinician.id
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=0)
    cases = {
        None: "Choose the witness",
        me.user_id: "someone other than you",
        elsewhere.admin.id: "this clinic's active staff",
        setup.patients[0].user_id: "this clinic's active staff",
    }
    for witness, message in cases.items():
        with pytest.raises(FormErrors) as raised:
            _waste(uow, me, lot, clock, witness)
        assert message in dict(raised.value.errors)["witness_id"], witness
    with pytest.raises(FormErrors) as no_password:
        _waste(uow, me, lot, clock, other, password="")
    assert [f for f, _ in no_password.value.errors] == ["witness_password"]
    with pytest.raises(ValidationError, match="That is not Olu Other") as wrong:
        _waste(uow, me, lot, clock, other, password="not the password")
    assert wrong.value.field == "witness_password"
    assert balance(uow, lot) == 500_000
    failed = [e for e in events(uow) if e.outcome == "failed"]
    assert (
        "That is not Olu Other" in failed[-1].detail
        and f"witness user {other}" in failed[-1].detail
    )

    wasted = _waste(uow, me, lot, clock, other)
    assert wasted.kind is EntryKind.WASTE and wasted.witness == setup.other_clinician.name
    assert wasted.entry.witness_id == other and balance(uow, lot) == 495_000


def test_an_inactive_witness_cannot_confirm(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock).entry.lot_id
    nurse = users.create_staff_user(
        uow,
        setup.admin_actor,
        email="nurse@harbour.example.org",
        name="Nia Nurse",
        role="clinician",
        password=PASSWORD,
        clock=clock,
        hasher=FAST_HASHER,
    )
    with uow:
        uow.users.set_active(nurse.id, False)
        uow.commit()
    with pytest.raises(FormErrors) as raised:
        _waste(uow, setup.clinician_actor, lot, clock, nurse.id)
    assert "active staff" in dict(raised.value.errors)["witness_id"]
    choices = ledger.entry_choices(uow, setup.clinician_actor, EntryKind.WASTE)
    assert nurse.id not in {p.id for p in choices.witnesses}
    assert setup.clinician.id not in {p.id for p in choices.witnesses}
    assert setup.other_clinician.id in {p.id for p in choices.witnesses}


def test_corrections_are_new_entries_by_an_admin_with_a_reason(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    lot = receive(uow, setup, clock, mg="100").entry.lot_id
    dispensed = use(uow, setup.clinician_actor, lot, clock, "30")
    with pytest.raises(PermissionDenied, match="Only a clinic admin can record corrections"):
        ledger.record_correction(
            uow, setup.clinician_actor, corrects=2, change="3", reason="typo", clock=clock
        )
    fixed = ledger.record_correction(
        uow,
        setup.admin_actor,
        corrects=dispensed.number,
        change="3",
        reason="The dispense was 27 mg, not 30 mg: the syringe was read wrongly.",
        clock=clock,
    )
    assert fixed.entry.corrects == 2 and fixed.entry.change_ug == 3_000
    assert fixed.entry.balance_after_ug == 73_000
    with pytest.raises(Conflict, match="would take it below zero") as too_much:
        ledger.record_correction(
            uow, setup.admin_actor, corrects=1, change="-80", reason="Recount", clock=clock
        )
    assert too_much.value.field == "change"
    with pytest.raises(Conflict, match="no entry 99") as unknown:
        ledger.record_correction(
            uow, setup.admin_actor, corrects=99, change="1", reason="x", clock=clock
        )
    assert unknown.value.field == "corrects"
    with pytest.raises(FormErrors) as empty:
        ledger.record_correction(
            uow, setup.admin_actor, corrects=1, change="0", reason="", clock=clock
        )
    assert dict(empty.value.errors).keys() == {"change", "reason"}
    history = ledger.lot_history(uow, setup.admin_actor, lot, clock)
    assert [(e.number, e.entry.change_ug, e.corrected_by) for e in history.entries] == [
        (1, 100_000, ()),
        (2, -30_000, (3,)),
        (3, 3_000, ()),
    ]


def test_the_balance_is_the_sum_of_the_entries_and_entries_are_numbered_without_gaps(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    k1 = receive(uow, setup, clock).entry.lot_id
    k2 = receive(uow, setup, clock, lot="K-2", mg="200").entry.lot_id
    _waste(uow, setup.clinician_actor, k2, clock, setup.other_clinician.id)
    steps = [(k1, "100"), (k2, "150"), (k1, "400"), (k2, "60"), (k1, "1"), (k2, "45")]
    refused = 0
    for lot, mg in steps:
        clock.advance(timedelta(minutes=7))
        try:
            use(uow, setup.clinician_actor, lot, clock, mg)
        except Conflict:
            refused += 1
    assert refused == 2
    with uow:
        entries = uow.ledger.entries(setup.clinic.id)
        lots = {lot.id: lot.balance_ug for lot in uow.ledger.lots(setup.clinic.id)}
    assert [e.number for e in entries] == list(range(1, len(entries) + 1))
    for lot_id, held in lots.items():
        mine = [e for e in entries if e.lot_id == lot_id]
        assert held == sum(e.change_ug for e in mine) >= 0
        assert held == mine[-1].balance_after_ug
    assert lots == {k1: 0, k2: 200_000 - 5_000 - 150_000 - 45_000}
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_the_recorded_time_never_goes_back(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    first = receive(uow, setup, clock)
    clock.advance(timedelta(minutes=-30))  # another app server's clock is behind
    second = use(uow, setup.clinician_actor, first.entry.lot_id, clock, "1")
    assert second.entry.at == first.entry.at


def test_a_negative_amount_is_a_form_error_not_a_way_round_the_signs(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with pytest.raises(FormErrors) as receipt:
        receive(uow, setup, clock, mg="-100")
    assert dict(receipt.value.errors) == {"quantity": "The quantity must be more than 0."}
    lot = receive(uow, setup, clock, mg="10").entry.lot_id
    with pytest.raises(FormErrors) as dispense:
        use(uow, setup.clinician_actor, lot, clock, "-50")
    assert dict(dispense.value.errors) == {"quantity": "The quantity must be more than 0."}
    with pytest.raises(FormErrors) as waste:
        ledger.record_waste(
            uow,
            setup.clinician_actor,
            lot_id=lot,
            quantity="-5",
            reason="Spilled",
            witness_id=setup.other_clinician.id,
            witness_password=PASSWORD,
            clock=clock,
        )
    assert dict(waste.value.errors) == {"quantity": "The quantity must be more than 0."}
    assert balance(uow, lot) == 10_000
