"""Alerts: raising (safety, de-duplication), the inbox, acknowledge/resolve, escalation,
and the PHQ-9 item 9 hook, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from attune.db import Database
from attune.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from attune.services import alerts, assignments, responses, users
from attune.services.alert_raising import INBOX_PATH
from attune.services.audit import verify_audit
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import (
    AlertKind,
    AlertRecord,
    AlertStatus,
    MessageKind,
    NewAlert,
    OutboxMessage,
    Priority,
)
from factories import T0, ClinicSetup, make_clinic, phq9

REASON = "Said today they have had thoughts of ending their life."


def safety(uow: UnitOfWork, patient_id: int, clock: FixedClock, **changes: object) -> AlertRecord:
    args: dict[str, object] = {
        "patient_id": patient_id,
        "source": "checkin",
        "source_id": 41,
        "reasons": (REASON,),
        "now": clock.now(),
    }
    args.update(changes)
    with uow:
        record = alerts.raise_safety_alert(uow, **args)  # type: ignore[arg-type]
        uow.commit()
    return record


def relapse(uow: UnitOfWork, patient_id: int, clock: FixedClock, priority: Priority) -> AlertRecord:
    with uow:
        record = alerts.raise_alert(
            uow,
            NewAlert(
                patient_id=patient_id,
                kind=AlertKind.RELAPSE_RISK,
                priority=priority,
                title=f"Relapse risk is {priority.name.lower()}",
                reasons=("Craving rose over the last 7 days.",),
                source="risk_scan",
                source_id=None,
                raised_at=clock.now(),
                escalate_at=clock.now() + timedelta(hours=1),
                score=40.0,
            ),
        )
        uow.commit()
    return record


def queued(uow: UnitOfWork, clock: FixedClock) -> list[OutboxMessage]:
    with uow:
        return uow.monitoring.outbox_due(clock.now() + timedelta(days=1))


# --- raising -------------------------------------------------------------------------------


def test_a_safety_alert_is_urgent_goes_to_the_clinician_and_emails_without_details(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0]
    record = safety(uow, patient.id, clock)
    assert record.kind is AlertKind.SAFETY
    assert record.priority is Priority.URGENT
    assert record.status is AlertStatus.NEW
    assert record.reasons == (REASON,)
    assert record.assigned_to == setup.clinician.id
    # The shipped settings escalate an urgent alert after 15 minutes.
    assert record.escalate_at == T0 + timedelta(minutes=15)
    mail = queued(uow, clock)
    assert [(m.to_address, m.kind) for m in mail] == [(setup.email("clinician"), MessageKind.ALERT)]
    assert patient.display_name not in mail[0].body
    assert "suicide" not in mail[0].body.lower() and "thoughts" not in mail[0].body.lower()
    assert INBOX_PATH in mail[0].body


def test_the_same_safety_answer_saved_again_raises_no_second_alert(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    first = safety(uow, patient_id, clock)
    clock.advance(timedelta(minutes=5))
    again = safety(uow, patient_id, clock)
    assert again.id == first.id
    # A worse answer on the same check-in is new information: a second alert.
    worse = safety(uow, patient_id, clock, reasons=("Said they might act on these thoughts.",))
    assert worse.id != first.id
    # Another day's check-in is another source record.
    other = safety(uow, patient_id, clock, source_id=42)
    assert other.id not in {first.id, worse.id}
    with uow:
        assert len(uow.alerts.open_for_patient(patient_id, AlertKind.SAFETY)) == 3
    # One email per alert to the one clinician; repeats are not queued twice.
    assert len(queued(uow, clock)) == 3


def test_a_relapse_alert_stands_until_a_more_urgent_one_comes(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    medium = relapse(uow, patient_id, clock, Priority.MEDIUM)
    assert relapse(uow, patient_id, clock, Priority.MEDIUM).id == medium.id
    assert relapse(uow, patient_id, clock, Priority.LOW).id == medium.id
    high = relapse(uow, patient_id, clock, Priority.HIGH)
    assert high.id != medium.id
    # Only HIGH and URGENT alerts email anyone.
    assert [m.kind for m in queued(uow, clock)] == [MessageKind.ALERT]


def test_an_alert_needs_its_reasons(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    with pytest.raises(ValueError, match="reason"):
        safety(uow, setup.patients[0].id, clock, reasons=())
    with pytest.raises(ValueError, match="reason"):
        safety(uow, setup.patients[0].id, clock, reasons=("  ",))


# --- the inbox -----------------------------------------------------------------------------


def test_the_inbox_holds_the_caseload_most_urgent_first(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    mine, theirs = setup.patients[0].id, setup.patients[1].id
    low = relapse(uow, mine, clock, Priority.MEDIUM)
    clock.advance(timedelta(minutes=1))
    urgent = safety(uow, mine, clock)
    other = safety(uow, theirs, clock, source_id=77)
    clock.advance(timedelta(minutes=30))

    inbox = alerts.alert_inbox(uow, setup.clinician_actor, clock)
    assert [v.id for v in inbox] == [urgent.id, low.id]
    top = inbox[0]
    assert top.patient_name == setup.patients[0].display_name
    assert top.assigned_to_name == setup.clinician.name
    assert top.age == timedelta(minutes=30)
    assert top.overdue  # 15 minutes for an urgent alert

    assert [v.id for v in alerts.alert_inbox(uow, setup.other_clinician_actor, clock)] == [other.id]
    admin_view = alerts.alert_inbox(uow, setup.admin_actor, clock)
    # Two urgent alerts (oldest first), then the medium one.
    assert [v.id for v in admin_view] == [urgent.id, other.id, low.id]
    with pytest.raises(PermissionDenied):
        alerts.alert_inbox(uow, setup.patient_actor(0), clock)
    # The navigation badge's count: the same alerts, no audit event, nothing for a patient.
    assert alerts.open_alert_count(uow, setup.clinician_actor) == 2
    assert alerts.open_alert_count(uow, setup.admin_actor) == 3
    assert alerts.open_alert_count(uow, setup.patient_actor(0)) == 0


def test_the_inbox_puts_new_before_acknowledged_and_escalated_first(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    older = safety(uow, patient_id, clock, source_id=1)
    clock.advance(timedelta(minutes=1))
    newer = safety(uow, patient_id, clock, source_id=2)
    clock.advance(timedelta(minutes=1))
    acked = safety(uow, patient_id, clock, source_id=3)
    alerts.acknowledge_alert(uow, setup.clinician_actor, acked.id, clock)
    clock.set(T0 + timedelta(minutes=15, seconds=30))
    with uow:  # only the older one is overdue yet
        assert [a.id for a in uow.alerts.overdue(clock.now())] == [older.id]
    assert alerts.escalate_overdue(uow, clock) == 1

    order = [v.id for v in alerts.alert_inbox(uow, setup.clinician_actor, clock)]
    assert order == [older.id, newer.id, acked.id]
    assert alerts.alert_inbox(uow, setup.clinician_actor, clock)[0].escalated


def test_patient_alerts_show_every_alert_with_who_and_when(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    first = safety(uow, patient_id, clock)
    alerts.resolve_alert(
        uow, setup.clinician_actor, first.id, "Called; safe, plan reviewed.", clock
    )
    clock.advance(timedelta(hours=1))
    second = relapse(uow, patient_id, clock, Priority.HIGH)
    history = alerts.patient_alerts(uow, setup.clinician_actor, patient_id, clock)
    assert [v.id for v in history] == [second.id, first.id]
    assert history[1].resolved_by_name == setup.clinician.name
    assert history[1].note == "Called; safe, plan reviewed."
    assert not history[1].open and history[0].open
    with pytest.raises(PermissionDenied):
        alerts.patient_alerts(uow, setup.other_clinician_actor, patient_id, clock)
    with pytest.raises(PermissionDenied):
        alerts.patient_alerts(uow, setup.patient_actor(0), patient_id, clock)


# --- acknowledge and resolve ---------------------------------------------------------------


def test_acknowledge_then_resolve_records_who_and_when(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    record = safety(uow, setup.patients[0].id, clock)
    clock.advance(timedelta(minutes=3))
    seen = alerts.acknowledge_alert(uow, setup.clinician_actor, record.id, clock)
    assert seen.status is AlertStatus.ACKNOWLEDGED
    assert seen.acknowledged_at == T0 + timedelta(minutes=3)
    assert seen.acknowledged_by_name == setup.clinician.name
    assert not seen.overdue
    with pytest.raises(Conflict, match="already been acknowledged"):
        alerts.acknowledge_alert(uow, setup.admin_actor, record.id, clock)

    with pytest.raises(ValidationError) as empty:
        alerts.resolve_alert(uow, setup.clinician_actor, record.id, "   ", clock)
    assert empty.value.field == "note"
    clock.advance(timedelta(minutes=20))
    done = alerts.resolve_alert(
        uow, setup.admin_actor, record.id, "  Spoke with them; crisis plan in place. ", clock
    )
    assert done.status is AlertStatus.RESOLVED
    assert done.resolved_by_name == setup.admin.name
    assert done.note == "Spoke with them; crisis plan in place."
    assert done.age == timedelta(minutes=23)
    with pytest.raises(Conflict, match="already been resolved"):
        alerts.resolve_alert(uow, setup.clinician_actor, record.id, "again", clock)
    with pytest.raises(Conflict, match="already been resolved"):
        alerts.acknowledge_alert(uow, setup.clinician_actor, record.id, clock)
    with uow:
        actions = [e.action for e in uow.audit.for_patient(setup.patients[0].id)]
    assert actions.count("acknowledge_alert") == 3  # one allowed, two failed
    assert actions.count("resolve_alert") == 2  # an empty note is refused before access


def test_only_the_patients_staff_may_acknowledge(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    record = safety(uow, setup.patients[0].id, clock)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge_alert(uow, setup.other_clinician_actor, record.id, clock)
    with pytest.raises(PermissionDenied):
        alerts.acknowledge_alert(uow, setup.patient_actor(0), record.id, clock)
    with pytest.raises(NotFound) as missing:
        alerts.acknowledge_alert(uow, setup.clinician_actor, record.id + 999, clock)
    assert missing.value.field == "alert_id"
    other = make_clinic(uow, clock, name="Elsewhere")
    with pytest.raises(NotFound, match=f"no alert with id {record.id}"):
        alerts.resolve_alert(uow, other.admin_actor, record.id, "not mine", clock)
    with uow:
        assert uow.alerts.get(record.id).status is AlertStatus.NEW  # type: ignore[union-attr]


# --- escalation ----------------------------------------------------------------------------


def test_an_unacknowledged_alert_escalates_to_an_admin_when_nobody_else_is_on_the_caseload(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    record = safety(uow, setup.patients[0].id, clock)
    clock.advance(timedelta(minutes=14))
    assert alerts.escalate_overdue(uow, clock) == 0
    clock.advance(timedelta(minutes=1))
    assert alerts.escalate_overdue(uow, clock) == 1
    assert alerts.escalate_overdue(uow, clock) == 0
    with uow:
        stored = uow.alerts.get(record.id)
    assert stored is not None
    assert stored.escalated_to == setup.admin.id
    assert stored.escalated_at == T0 + timedelta(minutes=15)
    mail = [m for m in queued(uow, clock) if m.kind is MessageKind.ESCALATION]
    assert [m.to_address for m in mail] == [setup.email("admin")]
    assert setup.patients[0].display_name not in mail[0].body
    view = alerts.patient_alerts(uow, setup.admin_actor, setup.patients[0].id, clock)[0]
    assert view.escalated_to_name == setup.admin.name
    with uow:
        events = [e for e in uow.audit.for_patient(setup.patients[0].id)]
    assert any(e.action == "escalate_alert" and e.actor_role == "system" for e in events)


def test_escalation_goes_to_a_second_clinician_on_the_caseload_first(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    users.add_to_caseload(uow, setup.admin_actor, setup.other_clinician.id, patient_id, clock)
    record = relapse(uow, patient_id, clock, Priority.HIGH)
    assert record.assigned_to is None  # raise_alert keeps what the caller gave
    first = safety(uow, patient_id, clock)
    assert first.assigned_to == setup.clinician.id
    clock.advance(timedelta(hours=1))
    assert alerts.escalate_overdue(uow, clock) == 2
    with uow:
        assert uow.alerts.get(first.id).escalated_to == setup.other_clinician.id  # type: ignore[union-attr]


def test_an_acknowledged_alert_never_escalates(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    record = safety(uow, setup.patients[0].id, clock)
    alerts.acknowledge_alert(uow, setup.clinician_actor, record.id, clock)
    clock.advance(timedelta(hours=2))
    assert alerts.escalate_overdue(uow, clock) == 0
    assert not [m for m in queued(uow, clock) if m.kind is MessageKind.ESCALATION]


# --- PHQ-9 item 9 --------------------------------------------------------------------------


def test_phq9_item_9_raises_an_urgent_alert_tied_to_its_flag(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    sent = responses.submit_response(
        uow, setup.patient_actor(0), patient_id, "phq9", phq9(total=12, item9=1), clock
    )
    assert sent.crisis
    with uow:
        (flag,) = uow.flags.open_for_patient(patient_id)
        (alert,) = uow.alerts.open_for_patient(patient_id)
    assert alert.kind is AlertKind.SAFETY and alert.priority is Priority.URGENT
    assert (alert.source, alert.source_id) == ("flag", flag.id)
    assert "item 9" in alert.reasons[0]

    alerts.acknowledge_alert(uow, setup.clinician_actor, alert.id, clock)
    with uow:
        acknowledged = uow.flags.get(flag.id)
    assert acknowledged is not None and acknowledged.acknowledged_by == setup.clinician.id


def test_acknowledging_the_flag_acknowledges_its_alert(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    responses.submit_response(
        uow, setup.patient_actor(0), patient_id, "phq9", phq9(total=9, item9=2), clock
    )
    with uow:
        (flag,) = uow.flags.open_for_patient(patient_id)
    responses.acknowledge_flag(uow, setup.clinician_actor, flag.id, clock, note="Called them.")
    (view,) = alerts.patient_alerts(uow, setup.clinician_actor, patient_id, clock)
    assert view.status is AlertStatus.ACKNOWLEDGED
    assert view.acknowledged_by == setup.clinician.id
    # Resolving it later keeps the flag as the clinician left it.
    alerts.resolve_alert(uow, setup.clinician_actor, view.id, "Risk assessed.", clock)
    with uow:
        assert uow.flags.get(flag.id).note == "Called them."  # type: ignore[union-attr]


def test_a_draft_answer_raises_the_alert_at_once_and_the_response_adds_none(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    assignment = assignments.assign_instrument(
        uow, setup.clinician_actor, patient_id, "phq9", clock=clock
    )
    responses.save_draft(uow, setup.patient_actor(0), assignment.id, {"q9": 1}, clock)
    with uow:
        (alert,) = uow.alerts.open_for_patient(patient_id)
    assert "filled in" in alert.reasons[0]
    responses.submit_response(
        uow,
        setup.patient_actor(0),
        patient_id,
        "phq9",
        phq9(total=10, item9=1),
        clock,
        assignment_id=assignment.id,
    )
    with uow:
        assert [a.id for a in uow.alerts.open_for_patient(patient_id)] == [alert.id]


def test_a_resolved_alert_resolved_directly_acknowledges_its_flag_with_the_note(
    uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient_id = setup.patients[0].id
    responses.submit_response(
        uow, setup.patient_actor(0), patient_id, "phq9", phq9(total=5, item9=1), clock
    )
    with uow:
        (alert,) = uow.alerts.open_for_patient(patient_id)
    alerts.resolve_alert(uow, setup.clinician_actor, alert.id, "Seen in clinic today.", clock)
    with uow:
        flag = uow.flags.get(alert.source_id or 0)
    assert flag is not None and not flag.open and flag.note == "Seen in clinic today."


# --- at the same moment --------------------------------------------------------------------


def test_of_several_staff_acknowledging_at_once_exactly_one_wins(
    database: Database, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    record = safety(uow, setup.patients[0].id, clock)
    actors = [setup.clinician_actor, setup.admin_actor] * 2
    start = threading.Barrier(len(actors), timeout=120)
    won: list[int] = []
    refused: list[str] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        unit = database.unit_of_work()
        try:
            start.wait()
            view = alerts.acknowledge_alert(unit, actors[i], record.id, clock)
            with lock:
                won.append(view.acknowledged_by or 0)
        except Conflict as exc:
            with lock:
                refused.append(exc.message)
        except BaseException as exc:
            with lock:
                unexpected.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(actors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert unexpected == []
    assert len(won) == 1 and len(refused) == len(actors) - 1
    assert set(refused) == {"This alert has already been acknowledged."}
    with uow:
        stored = uow.alerts.get(record.id)
    assert stored is not None and stored.acknowledged_by == won[0]
    assert verify_audit(uow).ok
