"""Issue 3 services against every kind of actor, on both databases.

Extends tests/integration/test_access_matrix.py (which checks the rule itself for every
action, including the new ones) to the services: each one must go through the choke
point, so an allowed call is audited under its action and a refused one leaves exactly
one ``denied`` event and changes nothing. The target is patient 0 of Harbour (on
``clinician``'s caseload); the actors and the expected outcomes are the matrix's own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from test_access_matrix import ALLOWED, EVERYONE, HIDDEN

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied
from attune.domain.formulation import from_lines
from attune.domain.plan import Comparison, Goal, Target, TreatmentPlan
from attune.services import formulation, intake, levelofcare, plans, profiles
from attune.services.access import Action
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import ClinicSetup, fill_intake, make_clinic

A = Action


@dataclass(frozen=True)
class Ctx:
    uow: SqlUnitOfWork
    setup: ClinicSetup
    clock: FixedClock

    @property
    def patient(self) -> int:
        return self.setup.patients[0].id


def _opened(c: Ctx) -> int:
    return intake.open_intake(c.uow, c.setup.admin_actor, c.patient, c.clock).id


def _submitted(c: Ctx) -> int:
    opened = _opened(c)
    fill_intake(c.uow, c.setup.admin_actor, opened, c.clock)
    intake.submit_intake(c.uow, c.setup.admin_actor, opened, c.clock)
    return opened


def _pending(c: Ctx) -> int:
    _submitted(c)
    view = levelofcare.level_of_care(c.uow, c.setup.admin_actor, c.patient, c.clock)
    assert view.current is not None
    return view.current.id


def _plan(c: Ctx) -> TreatmentPlan:
    later = c.clock.now().date() + timedelta(days=60)
    return TreatmentPlan(
        goals=(Goal("Sleep through the night", Target("phq9", Comparison.BELOW, 10, later)),),
        review_on=later,
    )


def _saved_plan(c: Ctx) -> int:
    return plans.save_plan(c.uow, c.setup.admin_actor, c.patient, _plan(c), c.clock).id


def _agreed_plan(c: Ctx) -> int:
    """A plan the clinician agreed: what a patient may acknowledge and download."""
    return plans.agree_plan(c.uow, c.setup.admin_actor, _saved_plan(c), c.clock).id


def _none(c: Ctx) -> int:
    return 0


CYCLE = from_lines({"situations": "Evenings", "behaviour": "Drinking", "relief": "Calm"})

Prep = Callable[[Ctx], int]
Call = Callable[[Ctx, Actor, int], object]

SERVICE_CALLS: dict[str, tuple[Action, Prep, Call]] = {
    "open_intake": (
        A.OPEN_INTAKE,
        _none,
        lambda c, a, _: intake.open_intake(c.uow, a, c.patient, c.clock),
    ),
    "current_intake": (
        A.VIEW_INTAKE,
        _opened,
        lambda c, a, _: intake.current_intake(c.uow, a, c.patient, c.clock),
    ),
    "save_intake_section": (
        A.SAVE_INTAKE,
        _opened,
        lambda c, a, i: intake.save_intake_section(
            c.uow, a, i, "goals", {"goals": "Rest"}, c.clock
        ),
    ),
    "submit_intake": (
        A.SUBMIT_INTAKE,
        lambda c: fill_intake(c.uow, c.setup.admin_actor, _opened(c), c.clock).id,
        lambda c, a, i: intake.submit_intake(c.uow, a, i, c.clock),
    ),
    "patient_profiles": (
        A.VIEW_PROFILES,
        _none,
        lambda c, a, _: profiles.patient_profiles(c.uow, a, c.patient, c.clock),
    ),
    "save_formulation": (
        A.SAVE_FORMULATION,
        _none,
        lambda c, a, _: formulation.save_formulation(c.uow, a, c.patient, CYCLE, c.clock),
    ),
    "formulation_history": (
        A.VIEW_FORMULATION,
        _none,
        lambda c, a, _: formulation.formulation_history(c.uow, a, c.patient, c.clock),
    ),
    "level_of_care": (
        A.VIEW_LEVEL_OF_CARE,
        _none,
        lambda c, a, _: levelofcare.level_of_care(c.uow, a, c.patient, c.clock),
    ),
    "evaluate_level_of_care": (
        A.EVALUATE_LEVEL_OF_CARE,
        _submitted,
        lambda c, a, _: levelofcare.evaluate_level_of_care(c.uow, a, c.patient, c.clock),
    ),
    "decide_recommendation": (
        A.DECIDE_RECOMMENDATION,
        _pending,
        lambda c, a, r: levelofcare.decide_recommendation(c.uow, a, r, "accept", c.clock),
    ),
    "current_plan": (
        A.VIEW_PLAN,
        _saved_plan,
        lambda c, a, _: plans.current_plan(c.uow, a, c.patient, c.clock),
    ),
    "plan_view": (
        A.VIEW_PLAN,
        _saved_plan,
        lambda c, a, _: plans.plan_view(c.uow, a, c.patient, c.clock),
    ),
    "save_plan": (
        A.SAVE_PLAN,
        _none,
        lambda c, a, _: plans.save_plan(c.uow, a, c.patient, _plan(c), c.clock),
    ),
    "agree_plan": (
        A.AGREE_PLAN,
        _saved_plan,
        lambda c, a, p: plans.agree_plan(c.uow, a, p, c.clock),
    ),
    "acknowledge_plan": (
        A.ACKNOWLEDGE_PLAN,
        _agreed_plan,
        lambda c, a, p: plans.acknowledge_plan(c.uow, a, p, c.clock),
    ),
    "careplan_json": (
        A.EXPORT_PLAN,
        _agreed_plan,
        lambda c, a, p: plans.careplan_json(c.uow, a, p, c.clock),
    ),
}


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def _state(uow: SqlUnitOfWork, patient: int) -> tuple[object, ...]:
    with uow:
        return (
            uow.intakes.latest_for_patient(patient),
            uow.formulations.for_patient(patient),
            uow.recommendations.for_patient(patient),
            uow.plans.for_patient(patient),
            uow.assignments.for_patient(patient, active_only=False),
        )


def test_every_new_action_has_a_service_here() -> None:
    issue3 = {a for a in Action if a.value not in _SKELETON | _LATER}
    assert {action for action, _, _ in SERVICE_CALLS.values()} == issue3


_SKELETON = {
    "view_record", "view_caseload", "view_due", "save_draft", "submit_response",
    "assign_instrument", "acknowledge_flag", "create_patient", "add_to_caseload",
}  # fmt: skip
#: Actions of later issues, tested with their own services (the ledger: test_ledger_*.py;
#: KAP: test_kap_access_matrix.py; check-ins, insight and alerts: test_access_matrix.py,
#: test_checkins.py, test_alerts.py, test_insight_service.py).
_MONITORING = {
    "record_checkin", "view_checkins", "view_insight", "set_reminder", "view_alerts",
    "acknowledge_alert", "resolve_alert",
}  # fmt: skip
_LATER = (
    {"record_ledger_entry"}
    | {a.value for a in Action if "kap" in a.value}
    | {"log_breathwork"}
    | _MONITORING
)


@pytest.mark.parametrize("service", sorted(SERVICE_CALLS))
@pytest.mark.parametrize("who", EVERYONE)
def test_issue3_services_go_through_the_choke_point(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, who: str, service: str
) -> None:
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=1)
    world = {
        "admin": setup.admin_actor,
        "clinician": setup.clinician_actor,
        "other_clinician": setup.other_clinician_actor,
        "patient_self": setup.patient_actor(0),
        "patient_other": setup.patient_actor(1),
        "admin_elsewhere": elsewhere.admin_actor,
        "clinician_elsewhere": elsewhere.clinician_actor,
    }
    action, prep, call = SERVICE_CALLS[service]
    ctx = Ctx(uow, setup, clock)
    record_id = prep(ctx)
    clock.advance(timedelta(minutes=1))
    actor = world[who]
    before_state = _state(uow, ctx.patient)
    before = len(_events(uow))
    if action in ALLOWED[who]:
        call(ctx, actor, record_id)
        new = _events(uow)[before:]
        assert (new[0].action, new[0].outcome, new[0].actor_user_id) == (
            str(action),
            "allowed",
            actor.user_id,
        )
        # Anything after it is the system re-evaluating the level of care.
        assert all(e.action == "evaluate_level_of_care" for e in new[1:])
    else:
        with pytest.raises(NotFound if who in HIDDEN else PermissionDenied):
            call(ctx, actor, record_id)
        new = _events(uow)[before:]
        assert [(e.action, e.outcome, e.actor_user_id) for e in new] == [
            (str(action), "denied", actor.user_id)
        ]
        assert new[0].patient_id == ctx.patient
        assert _state(uow, ctx.patient) == before_state
