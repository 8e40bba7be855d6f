"""The treatment plan through the service: drafts, versions, agreement, the filled-in
level of care and KAP summary, the FHIR export. SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from attune.db import SqlUnitOfWork
from attune.domain.errors import Conflict, FormErrors, NotFound, PermissionDenied
from attune.domain.levelofcare import Level
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    KapCandidacySummary,
    Modality,
    PlanStatus,
    Target,
    TargetStatus,
    TreatmentPlan,
)
from attune.services import levelofcare, plans, responses
from attune.services.clock import FixedClock
from factories import ClinicSetup, phq9, submitted_intake


def _plan(today: date) -> TreatmentPlan:
    return TreatmentPlan(
        goals=(
            Goal(
                "Feel like myself again",
                Target("phq9", Comparison.BELOW, 10, today + timedelta(days=90)),
            ),
        ),
        review_on=today + timedelta(days=90),
        modalities=(Modality.CBT, Modality.ATTACHMENT_BASED),
        aftercare=Aftercare(support_groups=("Tuesday peer group",), follow_up=FollowUp(4)),
        addresses=("alcohol",),
    )


def test_a_draft_takes_the_level_in_force_and_the_kap_screen(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    patient = setup.patients[0].id
    pending = levelofcare.level_of_care(uow, setup.clinician_actor, patient, clock).current
    assert pending is not None
    levelofcare.decide_recommendation(
        uow,
        setup.clinician_actor,
        pending.id,
        "override",
        clock,
        level=Level.OUTPATIENT,
        rationale="Prefers weekly sessions.",
    )
    saved = plans.save_plan(uow, setup.clinician_actor, patient, _plan(clock.now().date()), clock)
    assert saved.version == 1
    assert saved.plan.level_of_care is Level.OUTPATIENT
    assert saved.plan.kap is not None and saved.plan.kap.status
    assert saved.plan.status is PlanStatus.DRAFT
    assert plans.current_plan(uow, setup.patient_actor(0), patient, clock) == saved


def test_given_values_are_kept_and_nothing_is_invented_without_an_intake(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    bare = plans.save_plan(uow, setup.clinician_actor, patient, _plan(clock.now().date()), clock)
    assert bare.plan.level_of_care is None and bare.plan.kap is None
    own = replace(
        _plan(clock.now().date()),
        level_of_care=Level.INTENSIVE_OUTPATIENT,
        kap=KapCandidacySummary("Not assessed yet"),
    )
    saved = plans.save_plan(uow, setup.clinician_actor, patient, own, clock)
    assert saved.plan.level_of_care is Level.INTENSIVE_OUTPATIENT
    assert saved.plan.kap == KapCandidacySummary("Not assessed yet")


def test_a_bad_plan_keeps_the_previous_one(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    today = clock.now().date()
    good = plans.save_plan(uow, setup.clinician_actor, patient, _plan(today), clock)
    bad = TreatmentPlan(
        goals=(Goal("", Target("nope", Comparison.BELOW, 10, today - timedelta(days=1))),),
        review_on=today - timedelta(days=1),
        modalities=(Modality.CBT, Modality.CBT),
    )
    with pytest.raises(FormErrors) as raised:
        plans.save_plan(uow, setup.clinician_actor, patient, bad, clock)
    fields = {f for f, _ in raised.value.errors}
    assert {"goals[0].text", "goals[0].target.instrument_id", "modalities", "review_on"} <= fields
    assert plans.current_plan(uow, setup.clinician_actor, patient, clock) == good
    with uow:
        event = list(uow.audit.in_order())[-2]
    assert (event.action, event.outcome) == ("save_plan", "failed")


def test_agreement_and_versions(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    patient = setup.patients[0].id
    today = clock.now().date()
    me = setup.patient_actor(0)
    first = plans.save_plan(uow, setup.clinician_actor, patient, _plan(today), clock)
    clock.advance(timedelta(hours=1))
    edited = plans.save_plan(
        uow, setup.clinician_actor, patient, replace(_plan(today), description="Weekly."), clock
    )
    # Nobody agreed yet: the same version is edited in place.
    assert (edited.id, edited.version) == (first.id, 1)
    assert edited.updated_at == clock.now() and edited.created_at == first.created_at
    agreed = plans.agree_plan(uow, setup.clinician_actor, edited.id, clock)
    assert agreed.plan.clinician_agreed_on == today and not agreed.agreed
    with pytest.raises(Conflict):
        plans.agree_plan(uow, setup.clinician_actor, edited.id, clock)
    with pytest.raises(PermissionDenied):
        plans.acknowledge_plan(uow, setup.clinician_actor, edited.id, clock)
    with pytest.raises(PermissionDenied):
        plans.agree_plan(uow, me, edited.id, clock)
    done = plans.acknowledge_plan(uow, me, edited.id, clock)
    assert done.agreed and done.plan.status is PlanStatus.AGREED
    assert done.plan.patient_acknowledged_on == today
    # Changing an agreed plan starts the next version; the agreed one stays as it was.
    clock.advance(timedelta(days=30))
    revised = plans.save_plan(
        uow, setup.clinician_actor, patient, replace(done.plan, description="Fortnightly."), clock
    )
    assert revised.version == 2 and revised.id != done.id
    assert revised.plan.status is PlanStatus.DRAFT
    assert revised.plan.clinician_agreed_on is None
    history = plans.plan_history(uow, me, patient, clock)
    assert [p.version for p in history] == [1, 2]
    assert history[0] == done
    # The patient's acknowledgement is of the plan in force, not of the draft revision.
    with pytest.raises(Conflict):
        plans.acknowledge_plan(uow, me, revised.id, clock)
    again = plans.agree_plan(uow, setup.clinician_actor, revised.id, clock)
    with pytest.raises(Conflict, match="newer version"):
        plans.acknowledge_plan(uow, me, done.id, clock)
    assert plans.acknowledge_plan(uow, me, again.id, clock).agreed


def test_careplan_export(uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock) -> None:
    patient = setup.patients[0].id
    saved = plans.save_plan(uow, setup.clinician_actor, patient, _plan(clock.now().date()), clock)
    resource = plans.careplan_json(uow, setup.clinician_actor, saved.id, clock)
    assert resource["resourceType"] == "CarePlan"
    assert resource["subject"] == {"reference": f"Patient/{patient}"}
    assert resource["status"] == "draft"
    # A draft is the care team's work in progress: the patient gets agreed versions only.
    with pytest.raises(NotFound):
        plans.careplan_json(uow, setup.patient_actor(0), saved.id, clock)
    agreed = plans.agree_plan(uow, setup.clinician_actor, saved.id, clock)
    mine = plans.careplan_json(uow, setup.patient_actor(0), agreed.id, clock)
    assert mine["id"] == f"plan-{saved.id}"
    assert resource["id"] == f"plan-{saved.id}"
    with uow:
        event = list(uow.audit.in_order())[-1]
    assert (event.action, event.outcome) == ("export_plan", "allowed")


def test_others_plans_look_like_no_plan(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    saved = plans.save_plan(uow, setup.clinician_actor, patient, _plan(clock.now().date()), clock)
    for call in (plans.careplan_json, plans.acknowledge_plan):
        with pytest.raises(NotFound, match=f"no plan with id {saved.id}"):
            call(uow, setup.patient_actor(1), saved.id, clock)
    with pytest.raises(NotFound, match="no plan with id 777"):
        plans.agree_plan(uow, setup.clinician_actor, 777, clock)
    with pytest.raises(PermissionDenied):
        plans.save_plan(uow, setup.patient_actor(0), patient, _plan(clock.now().date()), clock)
    with pytest.raises(PermissionDenied):
        plans.current_plan(uow, setup.other_clinician_actor, patient, clock)


def _events(uow: SqlUnitOfWork) -> list[tuple[str, str]]:
    with uow:
        return [(e.action, e.outcome) for e in uow.audit.in_order()]


def test_the_plan_view_reads_plan_targets_and_versions_in_one_audited_read(
    uow: SqlUnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    me = setup.patient_actor(0)
    empty = plans.plan_view(uow, setup.clinician_actor, patient, clock)
    assert (empty.plan, empty.goals, empty.history, empty.earlier) == (None, (), (), ())

    today = clock.now().date()
    saved = plans.save_plan(uow, setup.clinician_actor, patient, _plan(today), clock)
    before = len(_events(uow))
    view = plans.plan_view(uow, setup.clinician_actor, patient, clock)
    # One read, one event: no record read on the side to work out the targets.
    assert _events(uow)[before:] == [("view_plan", "allowed")]
    assert view.plan == saved and view.history == (saved,) and view.earlier == ()
    (goal,) = view.goals
    assert goal.goal == saved.plan.goals[0]
    assert goal.check.status is TargetStatus.NO_DATA and goal.check.latest is None

    clock.advance(timedelta(days=1))
    responses.submit_response(uow, me, patient, "phq9", phq9(14), clock)
    (goal,) = plans.plan_view(uow, setup.clinician_actor, patient, clock).goals
    assert goal.check.status is TargetStatus.NOT_YET
    assert goal.check.latest is not None and goal.check.latest.value == 14
    clock.advance(timedelta(days=14))
    responses.submit_response(uow, me, patient, "phq9", phq9(6), clock)
    (goal,) = plans.plan_view(uow, setup.clinician_actor, patient, clock).goals
    assert goal.check.status is TargetStatus.MET
    assert goal.check.latest is not None and goal.check.latest.value == 6
    assert goal.check.met_since == clock.now()

    agreed = plans.agree_plan(uow, setup.clinician_actor, saved.id, clock)
    revised = plans.save_plan(
        uow, setup.clinician_actor, patient, replace(_plan(today), description="Weekly."), clock
    )
    view = plans.plan_view(uow, setup.clinician_actor, patient, clock)
    assert view.plan == revised and view.history == (agreed, revised)
    assert view.earlier == (agreed,)
    # The patient keeps seeing the plan in force while the revision is a draft.
    mine = plans.plan_view(uow, me, patient, clock)
    assert mine.plan == agreed and mine.history == (agreed,)
    (goal,) = mine.goals
    assert goal.check.status is TargetStatus.MET

    before = len(_events(uow))
    with pytest.raises(PermissionDenied):
        plans.plan_view(uow, setup.other_clinician_actor, patient, clock)
    assert _events(uow)[before:] == [("view_plan", "denied")]
