"""A patient's check-ins for the clinician: what they show, the risk now, the alerts.

::

    GET /clinic/patients/{patient_id}/insight?days=90

The page shows the relapse risk now with every reason and its points, the patient's
alerts (open ones with acknowledge and resolve, then the history with who and when),
what precedes next-day craving and use and which coping precedes lower craving (forest
plots with their intervals, the numbers in tables and the uncertainty in words), weekday
patterns, the patient's usual levels, and the raw daily series (charts and a table of
every day). With too few check-ins it says so instead of guessing. Staff only: who may
see which patient is the services' decision; a patient is sent to "My patterns".
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.monitoring.risk import RiskLevel
from attune.services import insight as insight_service
from attune.web.deps import ActorDep, ClockDep, UowDep
from attune.web.pages.alerts import NOTICES, card
from attune.web.pages.insight_view import (
    answer_rows,
    daily_blocks,
    effect_panels,
    family_level,
    summary,
    usual_levels,
    weekday_rows,
)
from attune.web.templating import render

router = APIRouter(prefix="/clinic/patients/{patient_id}")

#: The periods the page offers, in days.
PERIODS = (30, 60, 90, 180, 365)
RISK_NAMES = {RiskLevel.LOW: "Low", RiskLevel.MEDIUM: "Medium", RiskLevel.HIGH: "High"}


@router.get("/insight")
def insight_page(
    request: Request,
    patient_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    days: int = 90,
    done: str = "",
) -> Response:
    if not actor.is_staff:
        # A patient's own view of their check-ins is "My patterns" in the portal.
        return RedirectResponse("/portal/patterns", status_code=303)
    view = insight_service.patient_insight(uow, actor, patient_id, clock, days)
    charts, table = daily_blocks(view.series)
    cards = [card(a) for a in view.alerts]
    level = family_level(view.insight)
    panels = effect_panels(view.insight)
    return render(
        request,
        "clinic/insight.html",
        {
            "view": view,
            "insight": view.insight,
            "risk": view.risk,
            "risk_name": RISK_NAMES[view.risk.level] if view.risk else "",
            "program": (view.program or "").replace("_", " "),
            "open_cards": [c for c in cards if c.alert.open],
            "closed_cards": [c for c in cards if not c.alert.open],
            "panels": panels,
            "summary": summary(view.insight, panels),
            "weekdays": weekday_rows(view.insight),
            "single_level": None if level is None else f"{level * 100:.1f}",
            "usual": usual_levels(view.insight),
            "charts": charts,
            "table": table,
            "answers": answer_rows(view.checkins),
            "periods": PERIODS if days in PERIODS else tuple(sorted({*PERIODS, days})),
            "days": days,
            "notice": NOTICES.get(done, ""),
            "back": str(view.patient_id),
        },
    )
