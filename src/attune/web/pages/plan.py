"""The treatment plan: the clinician's editor, agreement and export; the patient's view and
acknowledgement.

::

    GET  /clinic/patients/{patient_id}/plan                          the plan and its editor
    POST /clinic/patients/{patient_id}/plan                          save the draft
    POST /clinic/patients/{patient_id}/plan/{plan_id}/agree          the clinician agrees it
    GET  /clinic/patients/{patient_id}/plan/{plan_id}/careplan.json  FHIR R4 CarePlan
    GET  /portal/plan                                                the patient's plan
    POST /portal/plan/{plan_id}/acknowledge                          the patient acknowledges it
    GET  /portal/plan/{plan_id}/careplan.json                        FHIR R4 CarePlan

Each goal's target is shown as met, not yet met, or no data, from the patient's scores.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors
from attune.domain.plan import (
    LEVEL_LABELS,
    MODALITY_LABELS,
    Comparison,
    Goal,
    Modality,
    TargetCheck,
)
from attune.services import plans
from attune.services.plans import PlanView
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep, get_instruments
from attune.web.errors import rerender_form_on_error
from attune.web.pages import plan_form
from attune.web.pages.care_common import guarded
from attune.web.pages.intake_form import field_id
from attune.web.templating import render

router = APIRouter()

STATUS_CLASS = {"met": "status-met", "not-yet": "status-not-yet", "no-data": "status-no-data"}
STATUS_TEXT = {"met": "Met", "not-yet": "Not yet", "no-data": "No data yet"}


@dataclass(frozen=True)
class GoalView:
    goal: Goal
    target: str
    check: TargetCheck


def goal_views(view: PlanView, request: Request) -> list[GoalView]:
    """Each goal with its target in words and whether the latest score meets it."""
    library = get_instruments(request)
    return [
        GoalView(g.goal, plan_form.target_words(g.goal.target, library), g.check)
        for g in view.goals
    ]


def _page(
    request: Request,
    patient_id: int,
    view: PlanView,
    form: plan_form.PlanForm,
    *,
    errors: Sequence[tuple[str, str]] = (),
    extra_rows: int = 0,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    by_control = plan_form.error_map(errors)
    rows = [*form.goals, *({} for _ in range(1 + extra_rows))]
    names = {
        "goals",
        "modalities",
        *plan_form.TEXT_FIELDS,
        *plan_form.LIST_FIELDS,
        *(f"goals[{i}].{k}" for i in range(len(rows)) for k in plan_form.GOAL_KEYS),
    }
    return render(
        request,
        "clinic/plan.html",
        {
            "patient_id": patient_id,
            "here": "plan",
            "stored": view.plan,
            "earlier": view.earlier,
            "goals": goal_views(view, request),
            "form": form,
            "rows": rows,
            "saved_rows": len(form.goals),
            "measures": plan_form.measures(get_instruments(request)),
            "comparisons": [(c.value, plan_form.COMPARISON_WORDS[c]) for c in Comparison],
            "modalities": [(m.value, MODALITY_LABELS[m]) for m in Modality],
            "modality_labels": MODALITY_LABELS,
            "level_labels": LEVEL_LABELS,
            "status_class": STATUS_CLASS,
            "status_text": STATUS_TEXT,
            "patient": False,
            "errors": by_control,
            "error_list": [
                (
                    field_id(c) if c in names else "plan-form",
                    m,
                )
                for c, m in ((plan_form.control_for(f), m) for f, m in errors)
            ],
            "fid": field_id,
            "notice": notice,
        },
        status_code=status_code,
    )


NOTICES = {
    "saved": "The draft is saved.",
    "agreed": "You agreed the plan. The patient can now see it and acknowledge it.",
}


@router.get("/clinic/patients/{patient_id}/plan")
def clinic_plan(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    done: str = "",
    more: int = 0,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/plan", status_code=303)
    view = plans.plan_view(uow, actor, patient_id, clock)
    form = plan_form.form_from_plan(view.plan.plan if view.plan else None)
    return _page(
        request,
        patient_id,
        view,
        form,
        extra_rows=max(0, min(more, 5)),
        notice=NOTICES.get(done, ""),
    )


@router.post("/clinic/patients/{patient_id}/plan")
def clinic_save_plan(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/plan", status_code=303)
    posted = plan_form.form_from_post(form.multi_items())

    def again(error: DomainError, status: int) -> Response:
        found = (
            error.errors if isinstance(error, FormErrors) else ((error.field or "", error.message),)
        )
        view = plans.plan_view(uow, actor, patient_id, clock)
        return _page(request, patient_id, view, posted, errors=found, status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    plans.save_plan(uow, actor, patient_id, plan_form.parse_plan(posted), clock)
    base = f"/clinic/patients/{patient_id}/plan"
    if form.get("action") == "add":
        return RedirectResponse(f"{base}?done=saved&more=1#goals", status_code=303)
    return RedirectResponse(f"{base}?done=saved", status_code=303)


@router.post("/clinic/patients/{patient_id}/plan/{plan_id}/agree")
def clinic_agree(
    request: Request,
    patient_id: int,
    plan_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/plan", status_code=303)
    plans.agree_plan(uow, actor, plan_id, clock)
    return RedirectResponse(f"/clinic/patients/{patient_id}/plan?done=agreed", status_code=303)


def careplan_response(careplan: dict[str, object], plan_id: int) -> Response:
    return Response(
        json.dumps(careplan, indent=2, ensure_ascii=False),
        media_type="application/fhir+json",
        headers={"content-disposition": f'attachment; filename="careplan-{plan_id}.json"'},
    )


@router.get("/clinic/patients/{patient_id}/plan/{plan_id}/careplan.json")
def clinic_careplan(
    patient_id: int, plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal/plan", status_code=303)
    return careplan_response(plans.careplan_json(uow, actor, plan_id, clock), plan_id)


# ---------------------------------------------------------------------------- portal


@router.get("/portal/plan")
def portal_plan(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, done: str = ""
) -> Response:
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    view = plans.plan_view(uow, actor, actor.patient_id, clock)
    return render(
        request,
        "portal/plan.html",
        {
            "stored": view.plan,
            "goals": goal_views(view, request),
            "modality_labels": MODALITY_LABELS,
            "level_labels": LEVEL_LABELS,
            "status_class": STATUS_CLASS,
            "status_text": STATUS_TEXT,
            "patient": True,
            "notice": "Thank you. Your care team can see that you have read your plan."
            if done == "acknowledged"
            else "",
        },
    )


@router.post("/portal/plan/{plan_id}/acknowledge")
def portal_acknowledge(
    request: Request, plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    plans.acknowledge_plan(uow, actor, plan_id, clock)
    return RedirectResponse("/portal/plan?done=acknowledged", status_code=303)


@router.get("/portal/plan/{plan_id}/careplan.json")
def portal_careplan(plan_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    return careplan_response(plans.careplan_json(uow, actor, plan_id, clock), plan_id)
