"""The teaching page: one simulated person's year, with and without treatment and KAP.

::

    GET /learn/cycle[?person=N]   any signed-in user (patients and staff)

The person is made up by the cycle simulator (:mod:`attune.sim.teaching`); the page
says plainly that it is a model for teaching and testing, not a prediction for anyone.
It reads no patient record, so it writes no audit event.
"""

from __future__ import annotations

from fastapi import APIRouter
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from attune.domain.errors import ValidationError
from attune.sim.report import MODEL_NOTICE
from attune.sim.teaching import PEOPLE, SCENARIOS, teaching_year
from attune.web.deps import ActorDep
from attune.web.templating import render

router = APIRouter()


def _person(text: str | None) -> int:
    if text is None or text == "":
        return 1
    try:
        return int(text)
    except ValueError:
        raise ValidationError(f"Choose a person from 1 to {PEOPLE}.", field="person") from None


@router.get("/learn/cycle")
def learn_cycle(request: Request, actor: ActorDep, person: str | None = None) -> Response:
    year = teaching_year(_person(person))
    return render(
        request,
        "learn/cycle.html",
        {
            "section": "learn",
            "notice": MODEL_NOTICE,
            "year": year,
            "scenarios": SCENARIOS,
            "charts": [(title, how, Markup(svg)) for title, how, svg in year.charts],
            "people": range(1, PEOPLE + 1),
        },
    )
