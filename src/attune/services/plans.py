"""The treatment plan: staff write it, the clinician agrees it, the patient acknowledges it.

Versions: saving changes the newest version in place while nobody has agreed or
acknowledged it; once either has happened, a save starts the next version (a draft, both
agreement dates cleared), so an agreed plan always reads as it was agreed. A plan that
breaks a rule raises FormErrors with every ``(field, message)`` and the plan saved before
stays as it was.

Filled in when the plan leaves them empty: the level of care from the recommendation in
force (accepted or overridden: its final level) and the preliminary KAP candidacy summary
from the newest intake (submitted first).

Access: staff on the patient's care team save and agree; the patient reads, exports and
acknowledges their own plan (only the patient can acknowledge it).

:func:`plan_view` is what a plan page shows, read in one go (one ``view_plan`` event): the
newest version, each goal with whether the patient's scores meet its target, and every
version.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from attune.domain.errors import Conflict, NotFound
from attune.domain.kap import screen
from attune.domain.plan import (
    Goal,
    PlanStatus,
    TargetCheck,
    TreatmentPlan,
    acknowledge,
    agree,
    check_target,
    from_dict,
    kap_summary,
    measurements,
    require_valid,
    revise,
    to_dict,
)
from attune.fhir.careplan import to_careplan
from attune.services.access import Action, open_patient, patient_action, refuse_missing
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.levelofcare import accepted_recommendation, intake_of, stored_score
from attune.services.ports import Patient, PlanRecord, UnitOfWork


@dataclass(frozen=True)
class StoredPlan:
    id: int
    patient_id: int
    version: int
    plan: TreatmentPlan
    created_at: datetime
    updated_at: datetime
    created_by: int = 0

    @property
    def agreed(self) -> bool:
        return self.plan.status is PlanStatus.AGREED

    @property
    def touched(self) -> bool:
        """True once the clinician agreed or the patient acknowledged this version."""
        return (
            self.plan.clinician_agreed_on is not None
            or self.plan.patient_acknowledged_on is not None
        )


def stored_plan(record: PlanRecord) -> StoredPlan:
    return StoredPlan(
        id=record.id,
        patient_id=record.patient_id,
        version=record.version,
        plan=from_dict(record.content),
        created_at=record.created_at,
        updated_at=record.updated_at,
        created_by=record.created_by,
    )


def _no_such_plan(plan_id: int) -> NotFound:
    return NotFound(f"There is no plan with id {plan_id}.", field="plan_id")


def current_plan(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> StoredPlan | None:
    """The newest version of the patient's plan, or None before the first is saved."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_PLAN, clock)
        record = uow.plans.latest_for_patient(patient.id)
        uow.commit()
    return stored_plan(record) if record is not None else None


@dataclass(frozen=True)
class GoalStatus:
    """One goal of the plan and whether the patient's latest score meets its target."""

    goal: Goal
    check: TargetCheck


@dataclass(frozen=True)
class PlanView:
    """A plan page's content: ``plan`` the version this reader works from — for staff the
    newest (None before the first is saved), for the patient the newest one their
    clinician agreed, so a draft revision never hides the plan in force — ``goals`` its
    goals in order with their target status as of today, and ``history`` every version,
    oldest first (the newest last)."""

    patient_id: int
    plan: StoredPlan | None
    goals: tuple[GoalStatus, ...]
    history: tuple[StoredPlan, ...]

    @property
    def earlier(self) -> tuple[StoredPlan, ...]:
        """The versions before the newest, newest first."""
        return tuple(reversed(self.history[:-1]))


def _goal_statuses(
    uow: UnitOfWork, plan: TreatmentPlan, patient_id: int, clock: Clock
) -> tuple[GoalStatus, ...]:
    if not plan.goals:
        return ()
    wanted = {g.target.instrument_id for g in plan.goals}
    scored = [
        (r.submitted_at, stored_score(uow.instruments, r))
        for r in reversed(uow.responses.for_patient(patient_id))  # oldest first
        if r.instrument_id in wanted
    ]
    today = clock.now().date()
    return tuple(
        GoalStatus(g, check_target(g.target, measurements(g.target, scored), today))
        for g in plan.goals
    )


def plan_view(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> PlanView:
    """The newest plan with each goal's target status from the patient's scores, and
    every version (one audited ``view_plan`` read)."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_PLAN, clock)
        history = tuple(stored_plan(r) for r in uow.plans.for_patient(patient.id))
        if not actor.is_staff:
            history = tuple(p for p in history if p.plan.clinician_agreed_on is not None)
        shown = history[-1] if history else None
        goals = _goal_statuses(uow, shown.plan, patient.id, clock) if shown is not None else ()
        uow.commit()
    return PlanView(patient.id, shown, goals, history)


def _newest_agreed(records: list[PlanRecord]) -> PlanRecord | None:
    agreed = [r for r in records if stored_plan(r).plan.clinician_agreed_on is not None]
    return agreed[-1] if agreed else None


def plan_history(
    uow: UnitOfWork, actor: Actor, patient_id: int, clock: Clock = SYSTEM_CLOCK
) -> tuple[StoredPlan, ...]:
    """Every version of the patient's plan, oldest first."""
    with uow:
        patient = open_patient(uow, actor, patient_id, Action.VIEW_PLAN, clock)
        records = uow.plans.for_patient(patient.id)
        uow.commit()
    return tuple(stored_plan(r) for r in records)


def _filled(uow: UnitOfWork, patient: Patient, plan: TreatmentPlan, clock: Clock) -> TreatmentPlan:
    if plan.level_of_care is None:
        accepted = accepted_recommendation(uow, patient.id)
        if accepted is not None and accepted.final_level is not None:
            plan = replace(plan, level_of_care=accepted.final_level)
    if plan.kap is None:
        record = uow.intakes.latest_for_patient(
            patient.id, submitted_only=True
        ) or uow.intakes.latest_for_patient(patient.id)
        if record is not None:
            found = screen(intake_of(record), today=clock.now().date(), sex=patient.sex)
            plan = replace(plan, kap=kap_summary(found))
    return plan


def save_plan(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    plan: TreatmentPlan,
    clock: Clock = SYSTEM_CLOCK,
) -> StoredPlan:
    """Save the plan as a draft (staff). Any agreement on ``plan`` is cleared: agreeing is
    :func:`agree_plan` and :func:`acknowledge_plan`."""
    now = clock.now()
    with (
        uow,
        patient_action(uow, actor, patient_id, Action.SAVE_PLAN, clock) as patient,
    ):
        draft = _filled(uow, patient, revise(plan), clock)
        require_valid(draft, today=now.date(), library=uow.instruments)
        latest = uow.plans.latest_for_patient(patient.id)
        content = to_dict(draft)
        if latest is not None and not stored_plan(latest).touched:
            record = uow.plans.update(
                latest.id, content=content, status=draft.status.value, updated_at=now
            )
        else:
            record = uow.plans.add(
                patient_id=patient.id,
                version=latest.version + 1 if latest is not None else 1,
                content=content,
                status=draft.status.value,
                created_by=actor.user_id,
                created_at=now,
            )
        uow.commit()
    return stored_plan(record)


def _change_agreement(
    uow: UnitOfWork,
    actor: Actor,
    plan_id: int,
    action: Action,
    clock: Clock,
) -> StoredPlan:
    now = clock.now()
    detail = f"plan {plan_id}"
    with uow:
        record = uow.plans.get(plan_id)
        if record is None:
            refuse_missing(
                uow, actor, action, clock, _no_such_plan(plan_id), detail=f"no plan {plan_id}"
            )
        try:
            with patient_action(uow, actor, record.patient_id, action, clock, detail=detail):
                fresh = uow.plans.get(record.id, for_update=True)
                assert fresh is not None
                record = fresh
                if action is Action.ACKNOWLEDGE_PLAN:
                    # The patient acknowledges the plan in force: the newest agreed version,
                    # even while the clinician drafts a revision.
                    latest = _newest_agreed(uow.plans.for_patient(record.patient_id))
                    if stored_plan(record).plan.clinician_agreed_on is None:
                        raise Conflict(
                            "Your clinician has not agreed this plan with you yet.",
                            field="plan_id",
                        )
                else:
                    latest = uow.plans.latest_for_patient(record.patient_id)
                if latest is None or latest.id != record.id:
                    raise Conflict(
                        "A newer version of this plan has been saved; please look at that one.",
                        field="plan_id",
                    )
                current = stored_plan(record).plan
                step = agree if action is Action.AGREE_PLAN else acknowledge
                changed = step(current, now.date())
                updated = uow.plans.update(
                    record.id, content=to_dict(changed), status=changed.status.value, updated_at=now
                )
                uow.commit()
        except NotFound as exc:
            raise _no_such_plan(plan_id) from exc
    return stored_plan(updated)


def agree_plan(
    uow: UnitOfWork, actor: Actor, plan_id: int, clock: Clock = SYSTEM_CLOCK
) -> StoredPlan:
    """The clinician (or an admin) agrees the newest version of the plan."""
    return _change_agreement(uow, actor, plan_id, Action.AGREE_PLAN, clock)


def acknowledge_plan(
    uow: UnitOfWork, actor: Actor, plan_id: int, clock: Clock = SYSTEM_CLOCK
) -> StoredPlan:
    """The patient acknowledges the newest version of their plan (patients only)."""
    return _change_agreement(uow, actor, plan_id, Action.ACKNOWLEDGE_PLAN, clock)


def careplan_json(
    uow: UnitOfWork, actor: Actor, plan_id: int, clock: Clock = SYSTEM_CLOCK
) -> dict[str, object]:
    """One version of the plan as a FHIR R4 CarePlan (JSON-ready dict)."""
    with uow:
        record = uow.plans.get(plan_id)
        if record is None:
            refuse_missing(
                uow,
                actor,
                Action.EXPORT_PLAN,
                clock,
                _no_such_plan(plan_id),
                detail=f"no plan {plan_id}",
            )
        try:
            patient = open_patient(
                uow, actor, record.patient_id, Action.EXPORT_PLAN, clock, detail=f"plan {plan_id}"
            )
        except NotFound as exc:
            raise _no_such_plan(plan_id) from exc
        uow.commit()
    stored = stored_plan(record)
    if not actor.is_staff and stored.plan.clinician_agreed_on is None:
        # A draft is the care team's work in progress; the patient sees agreed versions.
        raise _no_such_plan(plan_id)
    return to_careplan(
        stored.plan,
        patient_reference=f"Patient/{patient.id}",
        plan_id=f"plan-{stored.id}",
        created=stored.created_at,
        library=uow.instruments,
    )
