"""The level of care, for the clinician: the recommendation with its six dimensions and
their evidence, safety actions first, a pending change highlighted, accept or override.

::

    GET  /clinic/patients/{patient_id}/level-of-care
    POST /clinic/patients/{patient_id}/level-of-care/{recommendation_id}   accept | override

A recommendation is never applied by itself: the accepted level changes only when the
clinician accepts one, or overrides it with a level and a rationale (both audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, FormErrors, ValidationError
from attune.domain.levelofcare import Action, Dimension, Level, Rules, load_rules
from attune.domain.plan import LEVEL_LABELS
from attune.services import levelofcare
from attune.services.levelofcare import LevelOfCareView
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages.care_common import guarded
from attune.web.templating import render

router = APIRouter(prefix="/clinic/patients/{patient_id}")

#: The safety actions in the order they are shown (the most time-critical first).
ACTION_ORDER = (
    Action.SAME_DAY_SAFETY_ASSESSMENT,
    Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    Action.URGENT_PSYCHIATRIC_ASSESSMENT,
)
STATUS_TEXT = {
    "pending_review": "Waiting for your review",
    "accepted": "Accepted",
    "overridden": "Overridden",
    "superseded": "Superseded",
}


@dataclass(frozen=True)
class Names:
    """Names of levels, dimensions and actions, from the shipped rules."""

    rules: Rules

    def level(self, level: Level | None) -> str:
        if level is None:
            return "none yet"
        try:
            return self.rules.level_info(level).name
        except KeyError:
            return LEVEL_LABELS.get(level, level.value)

    def level_description(self, level: Level) -> str:
        try:
            return self.rules.level_info(level).description
        except KeyError:
            return ""

    def dimension(self, dimension: Dimension) -> str:
        try:
            return self.rules.dimension(dimension).name
        except KeyError:
            return dimension.value.replace("_", " ").capitalize()

    def question(self, dimension: Dimension) -> str:
        try:
            return self.rules.dimension(dimension).question
        except KeyError:
            return ""

    def action(self, action: Action) -> str:
        return self.rules.action_name(action)


@lru_cache(maxsize=1)
def names() -> Names:
    """The shipped rules' names (read once: the rules are immutable data)."""
    return Names(load_rules())


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def parse_level(text: str) -> Level | None:
    if not text:
        return None
    try:
        return Level(text)
    except ValueError:
        raise ValidationError("Choose one of the levels offered.", field="level") from None


def _page(
    request: Request,
    patient_id: int,
    view: LevelOfCareView,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    current = view.current
    actions = (
        sorted(current.recommendation.safety_actions, key=lambda a: ACTION_ORDER.index(a.action))
        if current is not None
        else []
    )
    return render(
        request,
        "clinic/levelofcare.html",
        {
            "patient_id": patient_id,
            "here": "levelofcare",
            "view": view,
            "current": current,
            "actions": actions,
            "names": names(),
            "levels": list(Level),
            "status_text": STATUS_TEXT,
            "form": form or {"decision": "", "level": "", "rationale": ""},
            "errors": errors or {},
            "notice": notice,
        },
        status_code=status_code,
    )


@router.get("/level-of-care")
def level_of_care(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    decided: str = "",
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal", status_code=303)
    view = levelofcare.level_of_care(uow, actor, patient_id, clock)
    notice = {
        "accept": "Recommendation accepted.",
        "override": "Your decision and its rationale are saved.",
    }.get(decided, "")
    return _page(request, patient_id, view, notice=notice)


@router.post("/level-of-care/{recommendation_id}")
def decide(
    request: Request,
    patient_id: int,
    recommendation_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return RedirectResponse("/portal", status_code=303)
    posted = {name: _text(form, name) for name in ("decision", "level", "rationale")}

    def again(error: DomainError, status: int) -> Response:
        found = error.errors if isinstance(error, FormErrors) else ((error.field, error.message),)
        errors = {str(field or "decision"): message for field, message in found}
        view = levelofcare.level_of_care(uow, actor, patient_id, clock)
        return _page(request, patient_id, view, form=posted, errors=errors, status_code=status)

    rerender_form_on_error(request, guarded(request, again))
    decision = posted["decision"]
    levelofcare.decide_recommendation(
        uow,
        actor,
        recommendation_id,
        decision,
        clock,
        level=parse_level(posted["level"]) if decision == "override" else None,
        rationale=posted["rationale"],
    )
    return RedirectResponse(
        f"/clinic/patients/{patient_id}/level-of-care?decided={decision}", status_code=303
    )
