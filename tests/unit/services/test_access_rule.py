"""The access rule itself (``access.decide``), without a database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from attune.domain.errors import NotFound, PermissionDenied
from attune.services.access import (
    ADMIN_ACTIONS,
    PATIENT_ACTIONS,
    PATIENT_ONLY_ACTIONS,
    Action,
    decide,
)
from attune.services.actors import Actor, Role
from attune.services.ports import Patient

CLINIC, OTHER_CLINIC = 1, 2
PATIENT = Patient(7, CLINIC, "Sam", None, None, 70, datetime(2026, 1, 1, tzinfo=UTC))

ADMIN = Actor(1, CLINIC, Role.ADMIN, "Ada")
CLINICIAN = Actor(2, CLINIC, Role.CLINICIAN, "Cam")
SELF = Actor(70, CLINIC, Role.PATIENT, "Sam", patient_id=7)
OTHER_PATIENT = Actor(71, CLINIC, Role.PATIENT, "Kit", patient_id=8)
FOREIGN_ADMIN = Actor(3, OTHER_CLINIC, Role.ADMIN, "Lee")


@pytest.mark.parametrize("action", list(Action))
def test_admin_may_do_anything_in_their_clinic(action: Action) -> None:
    decision = decide(ADMIN, 7, PATIENT, action, on_caseload=False)
    # ...except what only the patient can do (acknowledging their plan).
    assert decision.allowed is (action not in PATIENT_ONLY_ACTIONS)
    if not decision.allowed:
        assert isinstance(decision.error, PermissionDenied)


@pytest.mark.parametrize("action", list(Action))
def test_clinician_needs_the_patient_on_their_caseload(action: Action) -> None:
    on = decide(CLINICIAN, 7, PATIENT, action, on_caseload=True)
    off = decide(CLINICIAN, 7, PATIENT, action, on_caseload=False)
    assert on.allowed is (action not in ADMIN_ACTIONS | PATIENT_ONLY_ACTIONS)
    assert not off.allowed
    assert isinstance(off.error, PermissionDenied)


@pytest.mark.parametrize("action", list(Action))
def test_patient_may_do_portal_actions_on_their_own_record_only(action: Action) -> None:
    own = decide(SELF, 7, PATIENT, action, on_caseload=False)
    assert own.allowed is (action in PATIENT_ACTIONS)
    if not own.allowed:
        assert isinstance(own.error, PermissionDenied)
    other = decide(OTHER_PATIENT, 7, PATIENT, action, on_caseload=False)
    assert not other.allowed and isinstance(other.error, NotFound)


@pytest.mark.parametrize("actor", [ADMIN, CLINICIAN, SELF])
def test_a_missing_patient_and_another_clinics_patient_look_the_same(actor: Actor) -> None:
    missing = decide(actor, 7, None, Action.VIEW_RECORD, on_caseload=True)
    foreign = decide(
        Actor(actor.user_id, OTHER_CLINIC, actor.role, actor.name, actor.patient_id),
        7,
        PATIENT,
        Action.VIEW_RECORD,
        on_caseload=True,
    )
    assert not missing.allowed and not foreign.allowed
    assert str(missing.error) == str(foreign.error) == "There is no patient with id 7."


def test_another_clinics_admin_is_refused_even_on_a_caseload() -> None:
    decision = decide(FOREIGN_ADMIN, 7, PATIENT, Action.VIEW_RECORD, on_caseload=True)
    assert not decision.allowed and isinstance(decision.error, NotFound)
