"""On-hand counts reconciled with the ledger, and the biennial inventory, through the
services on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from test_ledger import DEA, events, receive, use

from attune.db import SqlUnitOfWork
from attune.domain.errors import FormErrors, NotFound, PermissionDenied, ValidationError
from attune.domain.kap.ledger_reports import CountStatus, TakenAt
from attune.services import ledger_reports
from attune.services.clock import FixedClock
from factories import ClinicSetup, make_clinic


def test_a_count_flags_every_difference_and_keeps_who_and_when(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    k1 = receive(uow, setup, clock, lot="K-1", mg="500").entry.lot_id
    receive(uow, setup, clock, lot="K-2", mg="200")
    receive(uow, setup, clock, lot="K-3", mg="100")
    k4 = receive(uow, setup, clock, lot="K-4", mg="10").entry.lot_id
    use(uow, setup.clinician_actor, k1, clock, "20")
    use(uow, setup.clinician_actor, k4, clock, "10")  # K-4 is empty now
    clock.advance(timedelta(hours=2))
    before = len(events(uow))
    view = ledger_reports.record_count(
        uow,
        setup.clinician_actor,
        {"K-1": "470", "k-2": "200", "K-3": "", "X-9": "5", "K-4": None},
        clock,
        note="Evening count, safe 1.",
    )
    statuses = {line.lot: line.status for line in view.lines}
    assert statuses == {
        "K-1": CountStatus.SHORT,
        "K-2": CountStatus.MATCHES,
        "K-3": CountStatus.NOT_COUNTED,
        "X-9": CountStatus.NOT_IN_LEDGER,
    }
    messages = [line.message for line in view.discrepancies]
    assert "Lot K-1: the ledger says 480 mg, 470 mg counted: 10 mg short." in messages
    assert len(view.discrepancies) == 3
    assert view.counted_by == setup.clinician.name
    assert view.record.counted_at == clock.now() and view.record.through_entry == 6
    assert view.record.note == "Evening count, safe 1."
    stored = ledger_reports.count_view(uow, setup.admin_actor, view.record.id)
    assert stored.lines == view.lines
    new = events(uow)[before:]
    assert [(e.action, e.outcome) for e in new] == [("count_stock", "allowed")]
    overview = ledger_reports.overview(uow, setup.admin_actor)
    assert overview.last_count is not None and overview.last_count.record.id == view.record.id
    assert overview.entries == 6


def test_a_count_names_each_bad_figure_and_saves_nothing(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    receive(uow, setup, clock)
    with pytest.raises(FormErrors) as raised:
        ledger_reports.record_count(uow, setup.clinician_actor, {"K-1": "-3", "K-2": "lots"}, clock)
    assert dict(raised.value.errors).keys() == {"counts.K-1", "counts.K-2"}
    with pytest.raises(ValidationError, match="at least one count"):
        ledger_reports.record_count(uow, setup.clinician_actor, {"K-1": ""}, clock)
    assert ledger_reports.recent_counts(uow, setup.admin_actor) == []
    with pytest.raises(PermissionDenied):
        ledger_reports.record_count(uow, setup.patient_actor(0), {"K-1": "1"}, clock)
    assert [e.outcome for e in events(uow) if e.action == "count_stock"] == [
        "failed",
        "failed",
        "denied",
    ]


def test_an_inventory_lists_every_lot_as_of_its_time(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    k1 = receive(uow, setup, clock, lot="K-1", mg="500").entry.lot_id
    k2 = receive(uow, setup, clock, lot="K-2", mg="20").entry.lot_id
    use(uow, setup.clinician_actor, k2, clock, "20")
    clock.advance(timedelta(days=1))
    as_of = clock.now()
    clock.advance(timedelta(hours=1))
    use(uow, setup.clinician_actor, k1, clock, "100")  # after the inventory's time
    receive(uow, setup, clock, lot="K-3", mg="50")
    view = ledger_reports.take_inventory(
        uow,
        setup.admin_actor,
        as_of=as_of,
        taken_at="close_of_business",
        registrant_dea=" ap5836727 ",
        clock=clock,
    )
    report = view.report
    assert report.registrant_dea == DEA and report.taken_at is TakenAt.CLOSE_OF_BUSINESS
    assert [(line.lot, line.balance_ug) for line in report.lines] == [
        ("K-1", 500_000),
        ("K-2", 0),
    ]
    assert report.lines[0].description == "Ketamine HCl 50 mg/mL, 10 mL vial"
    assert view.taken_by == setup.admin.name
    assert view.next_due == date(2028, 1, 6)
    again = ledger_reports.inventory_view(uow, setup.clinician_actor, view.record.id)
    assert again.report == report
    overview = ledger_reports.overview(uow, setup.clinician_actor)
    assert overview.next_inventory_due == date(2028, 1, 6)
    assert [i.id for i in overview.inventories] == [view.record.id]
    assert [e.outcome for e in events(uow) if e.action == "take_inventory"] == ["allowed"]


def test_only_an_admin_takes_an_inventory_and_bad_input_is_named(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    receive(uow, setup, clock)
    with pytest.raises(PermissionDenied, match="Only a clinic admin"):
        ledger_reports.take_inventory(
            uow,
            setup.clinician_actor,
            as_of=clock.now(),
            taken_at="opening",
            registrant_dea=DEA,
            clock=clock,
        )
    with pytest.raises(FormErrors) as raised:
        ledger_reports.take_inventory(
            uow,
            setup.admin_actor,
            as_of=clock.now() + timedelta(days=1),
            taken_at="lunchtime",
            registrant_dea="AB123",
            clock=clock,
        )
    assert dict(raised.value.errors).keys() == {"as_of", "taken_at", "registrant_dea"}
    with pytest.raises(FormErrors) as naive:
        ledger_reports.take_inventory(
            uow,
            setup.admin_actor,
            as_of=datetime(2026, 1, 1, 9, 0),
            taken_at=TakenAt.OPENING,
            registrant_dea=DEA,
            clock=clock,
        )
    assert [f for f, _ in naive.value.errors] == ["as_of"]
    assert ledger_reports.overview(uow, setup.admin_actor).inventories == ()


def test_another_clinics_counts_and_inventories_are_invisible(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    receive(uow, setup, clock)
    count = ledger_reports.record_count(uow, setup.admin_actor, {"K-1": "500"}, clock)
    inventory = ledger_reports.take_inventory(
        uow,
        setup.admin_actor,
        as_of=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        taken_at=TakenAt.OPENING,
        registrant_dea=DEA,
        clock=clock,
    )
    assert count.discrepancies == ()
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=0)
    with pytest.raises(NotFound):
        ledger_reports.count_view(uow, elsewhere.admin_actor, count.record.id)
    with pytest.raises(NotFound):
        ledger_reports.inventory_view(uow, elsewhere.admin_actor, inventory.record.id)
    overview = ledger_reports.overview(uow, elsewhere.admin_actor)
    assert (overview.lots, overview.last_count, overview.inventories) == ((), None, ())
    with pytest.raises(PermissionDenied):
        ledger_reports.overview(uow, setup.patient_actor(0))
