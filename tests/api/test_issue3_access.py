"""Who may use the care-path routes: every role × every new page and API route.

The rule lives in services/access.py; this checks the web layer sends every request
through it and maps the answers to the right statuses. All roles look at patient 0 (on
``clinician``'s caseload), who has a submitted intake with a recommendation waiting for
review, a cycle, a draft plan, and a second intake open. Changes that would succeed are
sent with input the service refuses after its access check (an empty cycle, an override
without a rationale, an incomplete intake), so every role meets the same state; agreeing
and acknowledging really happen, so their order shows (admin first, then clinician).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from fastapi import FastAPI
from web_helpers import (
    TestClient,
    api_status,
    cookie_csrf,
    csrf_in,
    page_response,
    session_token,
)

from attune.domain.formulation import Formulation
from attune.domain.plan import Comparison, Goal, Target, TreatmentPlan
from attune.services import formulation, levelofcare, plans
from attune.services import intake as intake_service
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, submitted_intake

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")


@dataclass(frozen=True)
class CareWorld:
    setup: ClinicSetup
    open_intake: int
    recommendation: int
    plan: int

    @property
    def patient(self) -> int:
        return self.setup.patients[0].id

    def fmt(self, path: str) -> str:
        return path.format(
            p=self.patient, i=self.open_intake, r=self.recommendation, plan=self.plan
        )


@pytest.fixture
def care(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> CareWorld:
    staff, patient = setup.clinician_actor, setup.patients[0].id
    submitted_intake(uow, setup, clock)
    view = levelofcare.level_of_care(uow, staff, patient, clock)
    assert view.current is not None and view.current.pending
    formulation.save_formulation(
        uow, staff, patient, Formulation(situations=("Pay day",), behaviour=("Drinking",)), clock
    )
    goal = Goal("Feel better", Target("phq9", Comparison.BELOW, 10, date(2026, 6, 1)))
    plan = plans.save_plan(
        uow, staff, patient, TreatmentPlan(goals=(goal,), review_on=date(2026, 4, 1)), clock
    )
    opened = intake_service.open_intake(uow, staff, patient, clock)
    return CareWorld(setup, opened.id, view.current.id, plan.id)


Body = dict[str, object] | None


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    #: Status by role, in the order of ROLES.
    expected: tuple[int, int, int, int, int, int]
    body: Body = None


STAFF_PAGE = (200, 200, 403, 303, 303, 303)
PATIENT_PAGE = (303, 303, 303, 200, 200, 303)

PAGE_CASES: dict[str, Case] = {
    "portal intake": Case("GET", "/portal/intake", PATIENT_PAGE),
    "portal section": Case("GET", "/portal/intake/{i}/goals", (303, 303, 303, 200, 404, 303)),
    "portal save section": Case(
        "POST",
        "/portal/intake/{i}/goals",
        (303, 303, 303, 303, 404, 303),
        {"goals": "Sleep better", "action": "next"},
    ),
    "portal submit": Case("POST", "/portal/intake/{i}/submit", (303, 303, 303, 422, 404, 303), {}),
    "portal picture": Case("GET", "/portal/picture", PATIENT_PAGE),
    "portal cycle": Case("GET", "/portal/cycle", PATIENT_PAGE),
    "portal plan": Case("GET", "/portal/plan", PATIENT_PAGE),
    "portal acknowledge": Case(
        # The world's plan is a draft: nothing to acknowledge until the clinician agrees it.
        "POST",
        "/portal/plan/{plan}/acknowledge",
        (303, 303, 303, 409, 404, 303),
        {},
    ),
    "portal careplan": Case(
        # The world's plan is a draft, which the patient does not see until it is agreed.
        "GET",
        "/portal/plan/{plan}/careplan.json",
        (303, 303, 303, 404, 404, 303),
    ),
    "clinic intake": Case("GET", "/clinic/patients/{p}/intake", STAFF_PAGE),
    "clinic profiles": Case("GET", "/clinic/patients/{p}/profiles", STAFF_PAGE),
    "clinic cycle": Case("GET", "/clinic/patients/{p}/cycle", STAFF_PAGE),
    "clinic level of care": Case("GET", "/clinic/patients/{p}/level-of-care", STAFF_PAGE),
    "clinic plan": Case("GET", "/clinic/patients/{p}/plan", STAFF_PAGE),
    "clinic open intake": Case(
        "POST", "/clinic/patients/{p}/intake", (409, 409, 403, 303, 303, 303), {}
    ),
    "clinic save cycle": Case(
        "POST", "/clinic/patients/{p}/cycle", (422, 422, 403, 303, 303, 303), {"situations": ""}
    ),
    "clinic decide": Case(
        "POST",
        "/clinic/patients/{p}/level-of-care/{r}",
        (422, 422, 403, 303, 303, 303),
        {"decision": "override", "level": "", "rationale": ""},
    ),
    "clinic decide unreadable": Case(
        "POST",
        "/clinic/patients/{p}/level-of-care/{r}",
        (422, 422, 403, 303, 303, 303),
        {"decision": "override", "level": "moon", "rationale": "x"},
    ),
    "clinic save plan": Case(
        "POST", "/clinic/patients/{p}/plan", (422, 422, 403, 303, 303, 303), {"review_on": ""}
    ),
    "clinic agree": Case(
        "POST", "/clinic/patients/{p}/plan/{plan}/agree", (303, 409, 403, 303, 303, 303), {}
    ),
    "clinic careplan": Case("GET", "/clinic/patients/{p}/plan/{plan}/careplan.json", STAFF_PAGE),
}

BAD_PLAN = {
    "goals": [
        {
            "text": "Feel better",
            "target": {
                "instrument_id": "phq9",
                "comparison": "below",
                "value": 99,
                "by": "2026-06-01",
            },
        }
    ],
    "review_on": "2026-04-01",
}

API_CASES: dict[str, Case] = {
    "intake": Case("GET", "/api/v1/patients/{p}/intake", (200, 200, 403, 200, 404, 401)),
    "open intake": Case("POST", "/api/v1/patients/{p}/intake", (409, 409, 403, 403, 404, 401)),
    "save section": Case(
        "PUT",
        "/api/v1/intakes/{i}/sections/goals",
        (200, 200, 403, 200, 404, 401),
        {"answers": {"goals": "Sleep better"}},
    ),
    "submit intake": Case("POST", "/api/v1/intakes/{i}/submit", (422, 422, 403, 422, 404, 401)),
    "level of care": Case(
        "GET", "/api/v1/patients/{p}/level-of-care", (200, 200, 403, 403, 404, 401)
    ),
    "decide": Case(
        "POST",
        "/api/v1/recommendations/{r}/decision",
        (422, 422, 403, 403, 404, 401),
        {"decision": "override"},
    ),
    "plan": Case("GET", "/api/v1/patients/{p}/plan", (200, 200, 403, 200, 404, 401)),
    "save plan": Case("PUT", "/api/v1/patients/{p}/plan", (422, 422, 403, 403, 404, 401), BAD_PLAN),
    "agree": Case("POST", "/api/v1/plans/{plan}/agree", (200, 409, 403, 403, 404, 401)),
    # A draft plan: nothing to acknowledge until the clinician agrees it.
    "acknowledge": Case("POST", "/api/v1/plans/{plan}/acknowledge", (403, 403, 403, 409, 404, 401)),
    # A draft plan: the patient gets agreed versions only.
    "careplan": Case("GET", "/api/v1/plans/{plan}/careplan", (200, 200, 403, 404, 404, 401)),
    "profiles": Case("GET", "/api/v1/patients/{p}/profiles", (200, 200, 403, 200, 404, 401)),
    "cycle versions": Case(
        "GET", "/api/v1/patients/{p}/formulations", (200, 200, 403, 200, 404, 401)
    ),
    "save cycle": Case(
        "POST", "/api/v1/patients/{p}/formulations", (422, 422, 403, 422, 404, 401), {}
    ),
}


def _login(
    client: TestClient, uow: UnitOfWork, clock: FixedClock, care: CareWorld, role: str
) -> str:
    """Log the client in as the role (cookie) and return the form's CSRF token."""
    if role == "anonymous":
        return csrf_in(client.get("/login").text)
    client.cookies.set("attune_session", session_token(uow, clock, care.setup.email(role)))
    return cookie_csrf(client)


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_route_access(
    name: str, app: FastAPI, care: CareWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = PAGE_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else care.setup.email(role)
        path = care.fmt(case.path)
        response = page_response(app, uow, clock, email, case.method, path, case.body or {})
        seen[role] = response.status_code
        if response.status_code == 303:
            location = response.headers["location"]
            if role == "anonymous":
                assert location.startswith("/login"), (role, location)
            elif role in ("patient0", "patient1") and case.path.startswith("/clinic"):
                assert location.startswith("/portal"), (role, location)
            elif role in ("admin", "clinician", "other") and case.path.startswith("/portal"):
                assert location == "/clinic", (role, location)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_route_access(
    name: str, app: FastAPI, care: CareWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = API_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else care.setup.email(role)
        seen[role] = api_status(app, uow, clock, email, case.method, care.fmt(case.path), case.body)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


def test_a_patient_never_reaches_the_clinicians_words(
    app: FastAPI, care: CareWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    """The clinician-only pages send a patient home even with their own patient id."""
    with TestClient(app, follow_redirects=False) as client:
        _login(client, uow, clock, care, "patient0")
        for path in ("intake", "profiles", "cycle", "level-of-care", "plan"):
            response = client.get(f"/clinic/patients/{care.patient}/{path}")
            assert response.status_code == 303 and response.headers["location"].startswith(
                "/portal"
            )
