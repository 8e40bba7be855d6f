"""Who may see or change a patient's data: every role against every action, on both DBs.

The target is patient 0 of the Harbour clinic, who is on ``clinician``'s caseload (not on
``other_clinician``'s). Every attempt must leave exactly one audit event saying who, in
what role, on which patient, what, when and with what outcome, including refusals.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied
from attune.services import assignments, portal, records, responses
from attune.services.access import Action, open_patient
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import ClinicSetup, make_clinic

A = Action
EVERYONE = [
    "admin",
    "clinician",
    "other_clinician",
    "patient_self",
    "patient_other",
    "admin_elsewhere",
    "clinician_elsewhere",
]
#: Issue 4: the patient's own KAP portal steps, and those only the patient (or their
#: sitter, through the patient's session) may enter.
KAP_PATIENT = {
    A.VIEW_KAP,
    A.RECORD_KAP_CONSENT,
    A.COMPLETE_KAP_PREPARATION,
    A.SAVE_KAP_SAFETY_PLAN,
    A.KAP_DOSING_GATE,
    A.RECORD_KAP_HOME_DOSE,
    A.RECORD_KAP_CHECKIN,
    A.WRITE_KAP_JOURNAL,
    A.LOG_BREATHWORK,
}
KAP_PATIENT_ONLY = {
    A.KAP_DOSING_GATE,
    A.RECORD_KAP_HOME_DOSE,
    A.RECORD_KAP_CHECKIN,
    A.WRITE_KAP_JOURNAL,
    A.LOG_BREATHWORK,
}
# Issue 5: the patient's own check-ins, insight and reminder; the check-in is theirs alone.
MONITORING_PATIENT = {A.RECORD_CHECKIN, A.VIEW_CHECKINS, A.VIEW_INSIGHT, A.SET_REMINDER}
MONITORING_PATIENT_ONLY = {A.RECORD_CHECKIN}
# What each kind of actor may do with patient 0 (everything else is refused).
ALLOWED: dict[str, set[Action]] = {
    "admin": set(Action) - {A.ACKNOWLEDGE_PLAN} - KAP_PATIENT_ONLY - MONITORING_PATIENT_ONLY,
    "clinician": set(Action)
    - {A.ADD_TO_CASELOAD, A.ACKNOWLEDGE_PLAN}
    - KAP_PATIENT_ONLY
    - MONITORING_PATIENT_ONLY,
    "other_clinician": set(),
    "patient_self": {
        A.VIEW_RECORD,
        A.VIEW_DUE,
        A.SAVE_DRAFT,
        A.SUBMIT_RESPONSE,
        # Issue 3: their own intake, profiles, cycle (co-authoring) and plan.
        A.VIEW_INTAKE,
        A.SAVE_INTAKE,
        A.SUBMIT_INTAKE,
        A.VIEW_PROFILES,
        A.VIEW_FORMULATION,
        A.SAVE_FORMULATION,
        A.VIEW_PLAN,
        A.EXPORT_PLAN,
        A.ACKNOWLEDGE_PLAN,
        *KAP_PATIENT,
        *MONITORING_PATIENT,
    },
    "patient_other": set(),
    "admin_elsewhere": set(),
    "clinician_elsewhere": set(),
}
# Refusals that must look like "no such patient", so ids cannot be probed.
HIDDEN = {"patient_other", "admin_elsewhere", "clinician_elsewhere"}


@pytest.fixture
def world(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> dict[str, Actor]:
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=1)
    return {
        "admin": setup.admin_actor,
        "clinician": setup.clinician_actor,
        "other_clinician": setup.other_clinician_actor,
        "patient_self": setup.patient_actor(0),
        "patient_other": setup.patient_actor(1),
        "admin_elsewhere": elsewhere.admin_actor,
        "clinician_elsewhere": elsewhere.clinician_actor,
    }


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


@pytest.mark.parametrize("who", EVERYONE)
def test_each_role_against_each_action(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    world: dict[str, Actor],
    who: str,
) -> None:
    actor = world[who]
    target = setup.patients[0].id
    for action in Action:
        clock.advance(timedelta(minutes=1))
        before = len(_events(uow))
        allowed = action in ALLOWED[who]
        with uow:
            if allowed:
                patient = open_patient(uow, actor, target, action, clock)
                assert patient.id == target
                uow.commit()
            else:
                expected = NotFound if who in HIDDEN else PermissionDenied
                with pytest.raises(expected) as raised:
                    open_patient(uow, actor, target, action, clock)
                if who in HIDDEN:
                    assert str(raised.value) == f"There is no patient with id {target}."
        new = _events(uow)[before:]
        assert len(new) == 1, (who, action)
        event = new[0]
        assert event.actor_user_id == actor.user_id
        assert event.actor_role == str(actor.role)
        assert event.action == str(action)
        assert event.outcome == ("allowed" if allowed else "denied"), (who, action)
        assert event.at == clock.now()
        # Even when the refusal hides that the patient exists, the log names who was tried.
        assert event.patient_id == target
        if not allowed:
            assert event.detail.startswith("denied")


def test_an_unknown_patient_is_not_found_and_audited(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup
) -> None:
    with uow, pytest.raises(NotFound, match="no patient with id 9999"):
        open_patient(uow, setup.admin_actor, 9999, Action.VIEW_RECORD, clock)
    event = _events(uow)[-1]
    assert (event.patient_id, event.outcome) == (None, "denied")
    assert "9999" in event.detail


Call = Callable[[SqlUnitOfWork, Actor, int, FixedClock], object]

SERVICE_CALLS: dict[str, tuple[Action, Call]] = {
    "patient_record": (A.VIEW_RECORD, lambda u, a, p, c: records.patient_record(u, a, p, c)),
    "due_for_patient": (A.VIEW_DUE, lambda u, a, p, c: assignments.due_for_patient(u, a, p, c)),
    "portal_home": (A.VIEW_DUE, lambda u, a, p, c: portal.portal_home(u, a, p, c)),
    "submit_response": (
        A.SUBMIT_RESPONSE,
        lambda u, a, p, c: responses.submit_response(
            u, a, p, "phq9", {f"q{i}": 0 for i in range(1, 10)}, c
        ),
    ),
    "assign_instrument": (
        A.ASSIGN_INSTRUMENT,
        lambda u, a, p, c: assignments.assign_instrument(u, a, p, "gad7", 28, None, c),
    ),
}


@pytest.mark.parametrize("service", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", EVERYONE)
def test_services_go_through_the_choke_point(
    uow: SqlUnitOfWork,
    clock: FixedClock,
    setup: ClinicSetup,
    world: dict[str, Actor],
    who: str,
    service: str,
) -> None:
    action, call = SERVICE_CALLS[service]
    actor = world[who]
    before = len(_events(uow))
    if action in ALLOWED[who]:
        call(uow, actor, setup.patients[0].id, clock)
        outcome = "allowed"
    else:
        with pytest.raises(NotFound if who in HIDDEN else PermissionDenied):
            call(uow, actor, setup.patients[0].id, clock)
        outcome = "denied"
    new = _events(uow)[before:]
    assert [(e.action, e.outcome, e.actor_user_id) for e in new] == [
        (str(action), outcome, actor.user_id)
    ]
