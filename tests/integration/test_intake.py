"""The intake service: opening, saving sections over several sittings, submitting.

Runs on SQLite and PostgreSQL (the ``db_url`` fixture). Patient 0 of the Harbour clinic
is on ``clinician``'s caseload.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied
from attune.domain.intake import AddictionType, Stage
from attune.services import assignments, responses
from attune.services import intake as svc
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import (
    ClinicSetup,
    complete_intake,
    fill_intake,
    intake_sections,
    phq9,
    submitted_intake,
)


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def _open(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> svc.IntakeView:
    return svc.open_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)


def test_a_clinician_opens_an_empty_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    view = _open(uow, setup, clock)
    assert view.status is svc.IntakeStatus.OPEN
    assert view.patient_id == setup.patients[0].id
    assert view.opened_at == clock.now()
    assert view.submitted_at is None
    assert view.intake.addictions is None
    assert view.sections_done == ()
    assert view.progress == (0, len(svc.SECTION_KEYS))
    # Before any addiction is named the battery is the core set, none of it assigned yet.
    assert [b.instrument_id for b in view.battery] == [
        "ecrr", "phq9", "gad7", "pcl5", "ace", "ders16",
    ]  # fmt: skip
    assert {b.status for b in view.battery} == {svc.BatteryStatus.NOT_ASSIGNED}
    event = _events(uow)[-1]
    assert (event.action, event.outcome, event.actor_user_id) == (
        "open_intake",
        "allowed",
        setup.clinician.id,
    )


def test_a_second_open_intake_is_refused(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _open(uow, setup, clock)
    with pytest.raises(Conflict, match="already has an intake open"):
        _open(uow, setup, clock)
    event = _events(uow)[-1]
    assert (event.action, event.outcome) == ("open_intake", "failed")


def test_only_staff_open_an_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    with pytest.raises(PermissionDenied):
        svc.open_intake(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    with pytest.raises(PermissionDenied):
        svc.open_intake(uow, setup.other_clinician_actor, setup.patients[0].id, clock)
    with uow:
        assert uow.intakes.latest_for_patient(setup.patients[0].id) is None


def test_the_patient_fills_it_in_over_several_sittings(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    sections = intake_sections(complete_intake(clock.now().date()))
    first = svc.save_intake_section(uow, me, opened.id, "addictions", sections["addictions"], clock)
    assert first.sections_done == ("addictions",)
    assert "audit" in [b.instrument_id for b in first.battery]
    clock.advance(timedelta(days=1))
    # A later sitting: what was saved is still there.
    again = svc.current_intake(uow, me, setup.patients[0].id, clock)
    assert again is not None
    assert again.intake.uses(AddictionType.ALCOHOL)
    svc.save_intake_section(uow, me, opened.id, "readiness", {"ruler": 6}, clock)
    view = svc.current_intake(uow, me, setup.patients[0].id, clock)
    assert view is not None
    assert view.intake.readiness.ruler == 6
    # Half a section is kept but the section is not done until every answer is given.
    assert view.sections_done == ("addictions",)
    assert view.progress == (1, 9)
    done = svc.save_intake_section(
        uow, me, opened.id, "readiness", {"readiness": {"ruler": 6, "stage": "action"}}, clock
    )
    assert done.intake.readiness.stage is Stage.ACTION
    assert done.sections_done == ("addictions", "readiness")


def test_a_bad_section_is_refused_with_every_field_and_earlier_sections_stay(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    today = clock.now().date()
    sections = intake_sections(complete_intake(today))
    svc.save_intake_section(uow, me, opened.id, "addictions", sections["addictions"], clock)
    svc.save_intake_section(uow, me, opened.id, "goals", {"goals": "Sleep again."}, clock)
    before = svc.current_intake(uow, me, setup.patients[0].id, clock)
    bad = {
        "addictions": [
            {
                "what": "alcohol",
                "stopped": True,
                "days_per_week": 9,
                "last_use": (today + timedelta(days=3)).isoformat(),
                "years_of_use": -1,
            },
            {"what": "gambling", "days_per_week": "often"},
        ]
    }
    with pytest.raises(FormErrors) as raised:
        svc.save_intake_section(uow, me, opened.id, "addictions", bad, clock)
    fields = [field for field, _ in raised.value.errors]
    assert "addictions[1].days_per_week" in fields  # unreadable
    assert "addictions[0].days_per_week" in fields  # out of range
    assert "addictions[0].last_use" in fields  # in the future
    assert "addictions[0].years_of_use" in fields  # below 0
    assert all(message for _, message in raised.value.errors)
    event = _events(uow)[-1]
    assert (event.action, event.outcome) == ("save_intake", "failed")
    after = svc.current_intake(uow, me, setup.patients[0].id, clock)
    assert after == before


def test_a_contradiction_is_named_by_its_field(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    with pytest.raises(FormErrors) as raised:
        svc.save_intake_section(
            uow,
            setup.patient_actor(0),
            opened.id,
            "situation",
            {"lives_alone": True, "lives_with_someone_who_uses": True},
            clock,
        )
    assert [f for f, _ in raised.value.errors] == ["situation.lives_with_someone_who_uses"]


def test_unknown_sections_and_keys_are_refused(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    with pytest.raises(FormErrors) as raised:
        svc.save_intake_section(uow, me, opened.id, "withdrawal", {"seizures": 1, "x": 2}, clock)
    assert {f for f, _ in raised.value.errors} == {"withdrawal.seizures", "withdrawal.x"}
    with pytest.raises(FormErrors) as raised:
        svc.save_intake_section(uow, me, opened.id, "goals", {"goals": "", "more": "x"}, clock)
    assert [f for f, _ in raised.value.errors] == ["goals.more"]
    with pytest.raises(Exception, match="no intake section 'hobbies'"):
        svc.save_intake_section(uow, me, opened.id, "hobbies", {}, clock)


def test_someone_elses_intake_looks_like_no_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    with pytest.raises(NotFound, match=f"no intake with id {opened.id}"):
        svc.save_intake_section(
            uow, setup.patient_actor(1), opened.id, "goals", {"goals": "x"}, clock
        )
    with pytest.raises(NotFound, match="no intake with id 999"):
        svc.save_intake_section(uow, setup.patient_actor(0), 999, "goals", {"goals": "x"}, clock)
    assert _events(uow)[-1].outcome == "denied"


def test_submitting_checks_everything_and_keeps_the_answers(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    svc.save_intake_section(uow, me, opened.id, "goals", {"goals": "Sleep again."}, clock)
    with pytest.raises(FormErrors) as raised:
        svc.submit_intake(uow, me, opened.id, clock)
    fields = {f for f, _ in raised.value.errors}
    assert {"addictions", "withdrawal.seizures", "readiness.ruler"} <= fields
    assert "goals" not in fields
    view = svc.current_intake(uow, me, setup.patients[0].id, clock)
    assert view is not None
    assert view.status is svc.IntakeStatus.OPEN
    assert view.intake.goals == "Sleep again."


def test_submitting_assigns_the_battery_once_and_evaluates(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    # GAD-7 is already assigned and not answered: it is not assigned twice.
    assignments.assign_instrument(uow, setup.clinician_actor, patient, "gad7", 14, None, clock)
    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    fill_intake(uow, me, opened.id, clock)
    clock.advance(timedelta(minutes=5))
    view = svc.submit_intake(uow, me, opened.id, clock)
    assert view.status is svc.IntakeStatus.SUBMITTED
    assert view.submitted_at == clock.now()
    assert view.complete
    expected = ["ecrr", "audit", "phq9", "gad7", "pcl5", "ace", "ders16"]
    assert [b.instrument_id for b in view.battery] == expected
    assert {b.status for b in view.battery} == {svc.BatteryStatus.DUE}
    due = assignments.due_for_patient(uow, me, patient, clock)
    assert sorted(d.instrument_id for d in due) == sorted(expected)
    with uow:
        gad7 = [a for a in uow.assignments.for_patient(patient) if a.instrument_id == "gad7"]
        recommendations = uow.recommendations.for_patient(patient)
    assert len(gad7) == 1 and gad7[0].every_days == 14
    assert [r.status for r in recommendations] == ["pending_review"]
    actions = [e.action for e in _events(uow)[-3:]]
    assert actions == ["submit_intake", "evaluate_level_of_care", "view_due"]
    with pytest.raises(Conflict, match="already been submitted"):
        svc.submit_intake(uow, me, opened.id, clock)
    with pytest.raises(Conflict, match="can no longer be changed"):
        svc.save_intake_section(uow, me, opened.id, "goals", {"goals": "x"}, clock)


def test_a_new_intake_may_be_opened_after_one_is_submitted(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    fill_intake(uow, setup.patient_actor(0), opened.id, clock)
    svc.submit_intake(uow, setup.clinician_actor, opened.id, clock)
    clock.advance(timedelta(days=90))
    again = _open(uow, setup, clock)
    assert again.id != opened.id
    current = svc.current_intake(uow, setup.admin_actor, setup.patients[0].id, clock)
    assert current is not None and current.id == again.id


def test_no_intake_yet_is_none(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    assert svc.current_intake(uow, setup.patient_actor(0), setup.patients[0].id, clock) is None


def test_the_battery_shows_what_has_been_answered_since_opening(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me, patient = setup.patient_actor(0), setup.patients[0].id
    # Answered before the intake was opened: it does not count as done for this intake.
    responses.submit_response(uow, me, patient, "gad7", {f"q{i}": 1 for i in range(1, 8)}, clock)
    clock.advance(timedelta(days=1))
    submitted_intake(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    responses.submit_response(uow, me, patient, "phq9", phq9(5), clock)
    view = svc.current_intake(uow, me, patient, clock)
    assert view is not None
    status = {b.instrument_id: b.status for b in view.battery}
    assert status["phq9"] is svc.BatteryStatus.DONE
    assert status["gad7"] is svc.BatteryStatus.DUE
    assert status["ecrr"] is svc.BatteryStatus.DUE
    assert all(b.reason and b.abbreviation for b in view.battery)


def test_thoughts_of_ending_life_now_raise_one_urgent_alert_when_saved(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    from dataclasses import replace

    from attune.services.ports_monitoring import AlertKind, Priority

    opened = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    base = complete_intake(clock.now().date())
    at_risk = replace(base, mental_health=replace(base.mental_health, suicidal_thoughts_now=True))
    section = intake_sections(at_risk)["mental_health"]
    svc.save_intake_section(uow, me, opened.id, "mental_health", section, clock)
    # Saving the same answer again (and submitting) keeps one open alert for this intake.
    svc.save_intake_section(uow, me, opened.id, "mental_health", section, clock)
    with uow:
        alerts = uow.alerts.open_for_patient(setup.patients[0].id)
    assert [(a.kind, a.priority, a.source, a.source_id) for a in alerts] == [
        (AlertKind.SAFETY, Priority.URGENT, svc.INTAKE_SOURCE, opened.id)
    ]
    assert "thoughts of ending their life now" in alerts[0].reasons[0]


def test_no_alert_when_the_intake_answer_is_no(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    opened = _open(uow, setup, clock)
    sections = intake_sections(complete_intake(clock.now().date()))
    svc.save_intake_section(
        uow, setup.patient_actor(0), opened.id, "mental_health", sections["mental_health"], clock
    )
    with uow:
        assert uow.alerts.open_for_patient(setup.patients[0].id) == []
