"""Who may use which route: every role × every route, through the HTTP edge.

The rule itself lives in services/access.py; this checks that the web layer passes every
request through it and maps its answers to the right statuses. Roles, all looking at
patient 0 (on ``clinician``'s caseload):

admin · clinician (own patient) · other clinician (not theirs) · the patient themself ·
another patient · anonymous.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, World, api_status, bearer, page_response, session_token

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import phq9

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")

Body = Callable[[World, str], dict[str, object] | None]


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    #: Status by role, in the order of ROLES.
    expected: tuple[int, int, int, int, int, int]
    body: Body = lambda world, role: None
    #: For pages: where a 303 must point, by role (None: not checked).
    locations: tuple[str | None, ...] = (None,) * 6


def _fmt(path: str, world: World, role: str) -> str:
    flag = world.flag_ids[ROLES.index(role)]
    return path.format(p=world.patient_id, a=world.assignment_id, f=flag)


CHECKIN: dict[str, object] = {
    "mood": 5,
    "stress": 5,
    "loneliness": 5,
    "craving": 5,
    "safety": "none",
}
CHECKIN_FORM = {"mood": "5", "stress": "5", "loneliness": "5", "craving": "5"} | {
    "used": "no",
    "safety": "none",
}

ASSIGN_TO = {"admin": "gad7", "clinician": "pcl5", "other": "ace", "patient0": "dast10"}

API_CASES = {
    "me": Case("GET", "/api/v1/me", (200, 200, 200, 200, 200, 401)),
    "due": Case("GET", "/api/v1/patients/{p}/due", (200, 200, 403, 200, 404, 401)),
    "draft": Case(
        "PUT",
        "/api/v1/assignments/{a}/draft",
        (200, 200, 403, 200, 404, 401),
        lambda w, r: {"answers": {"q1": 1}},
    ),
    "submit": Case(
        "POST",
        "/api/v1/patients/{p}/responses",
        (201, 201, 403, 201, 404, 401),
        lambda w, r: {"instrument_id": "phq9", "answers": phq9(5)},
    ),
    "caseload": Case("GET", "/api/v1/caseload", (200, 200, 200, 403, 403, 401)),
    "record": Case("GET", "/api/v1/patients/{p}", (200, 200, 403, 200, 404, 401)),
    "assign": Case(
        "POST",
        "/api/v1/patients/{p}/assignments",
        (201, 201, 403, 403, 404, 401),
        lambda w, r: {"instrument_id": ASSIGN_TO.get(r, "gad7"), "every_days": 28},
    ),
    "acknowledge": Case(
        "POST",
        "/api/v1/flags/{f}/acknowledge",
        (200, 200, 403, 403, 404, 401),
        lambda w, r: {"note": "called the patient"},
    ),
    "instruments": Case("GET", "/api/v1/instruments", (200, 200, 200, 200, 200, 401)),
    # The daily check-in is each patient's own: staff are refused, a patient acts on theirs.
    "checkin": Case(
        "POST", "/api/v1/checkins", (403, 403, 403, 201, 201, 401), lambda w, r: CHECKIN
    ),
    "checkins": Case("GET", "/api/v1/checkins", (403, 403, 403, 200, 200, 401)),
    "reminder": Case("GET", "/api/v1/reminder", (403, 403, 403, 200, 200, 401)),
    "reminder change": Case(
        "PUT",
        "/api/v1/reminder",
        (403, 403, 403, 200, 200, 401),
        lambda w, r: {"enabled": True, "at": "08:00", "timezone": None},
    ),
}

PATIENT_HOME = "/portal"
STAFF_HOME = "/clinic"
LOGIN = "/login"
#: Where a patient-only page sends each role that is not a patient.
SELF_ONLY = (STAFF_HOME, STAFF_HOME, STAFF_HOME, None, None, LOGIN)


def _form(data: dict[str, object]) -> Body:
    return lambda world, role: data


PAGE_CASES = {
    "portal": Case(
        "GET",
        "/portal",
        (303, 303, 303, 200, 200, 303),
        locations=(STAFF_HOME, STAFF_HOME, STAFF_HOME, None, None, LOGIN),
    ),
    "answer page": Case(
        "GET",
        "/portal/answer/{a}",
        (303, 303, 303, 200, 404, 303),
        locations=(STAFF_HOME, STAFF_HOME, STAFF_HOME, None, None, LOGIN),
    ),
    "answer submit": Case(
        "POST",
        "/portal/answer/{a}",
        (303, 303, 303, 303, 404, 303),
        _form({"instrument_id": "phq9", "action": "submit", **phq9(5)}),
        locations=(STAFF_HOME, STAFF_HOME, STAFF_HOME, "/portal/done/", None, LOGIN),
    ),
    "caseload": Case(
        "GET",
        "/clinic",
        (200, 200, 200, 303, 303, 303),
        locations=(None, None, None, PATIENT_HOME, PATIENT_HOME, LOGIN),
    ),
    "patient": Case(
        "GET",
        "/clinic/patients/{p}",
        (200, 200, 403, 303, 303, 303),
        locations=(None, None, None, PATIENT_HOME, PATIENT_HOME, LOGIN),
    ),
    "assign": Case(
        "POST",
        "/clinic/patients/{p}/assignments",
        (303, 303, 403, 303, 303, 303),
        lambda w, r: {"instrument_id": ASSIGN_TO.get(r, "gad7"), "schedule": "once"},
        locations=(
            "/clinic/patients/",
            "/clinic/patients/",
            None,
            PATIENT_HOME,
            PATIENT_HOME,
            LOGIN,
        ),
    ),
    "acknowledge": Case(
        "POST",
        "/clinic/patients/{p}/flags/{f}/acknowledge",
        (303, 303, 403, 303, 303, 303),
        _form({"note": ""}),
        locations=(
            "/clinic/patients/",
            "/clinic/patients/",
            None,
            PATIENT_HOME,
            PATIENT_HOME,
            LOGIN,
        ),
    ),
    "checkin page": Case(
        "GET", "/portal/checkin", (303, 303, 303, 200, 200, 303), locations=SELF_ONLY
    ),
    "checkin save": Case(
        "POST",
        "/portal/checkin",
        (303, 303, 303, 303, 303, 303),
        _form(CHECKIN_FORM),
        locations=(
            STAFF_HOME,
            STAFF_HOME,
            STAFF_HOME,
            "/portal/checkin/saved",
            "/portal/checkin/saved",
            LOGIN,
        ),
    ),
    "checkin saved (none yet)": Case(
        "GET",
        "/portal/checkin/saved?day=2026-01-05",
        (303, 303, 303, 404, 404, 303),
        locations=SELF_ONLY,
    ),
    "reminder page": Case(
        "GET", "/portal/checkin/reminder", (303, 303, 303, 200, 200, 303), locations=SELF_ONLY
    ),
    "reminder save": Case(
        "POST",
        "/portal/checkin/reminder",
        (303, 303, 303, 303, 303, 303),
        _form({"enabled": "yes", "at": "08:00", "timezone": ""}),
        locations=(
            STAFF_HOME,
            STAFF_HOME,
            STAFF_HOME,
            "/portal/checkin/reminder",
            "/portal/checkin/reminder",
            LOGIN,
        ),
    ),
    "my patterns": Case(
        "GET", "/portal/patterns", (303, 303, 303, 200, 200, 303), locations=SELF_ONLY
    ),
}


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_route_access(
    name: str, app: FastAPI, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = API_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else world.setup.email(role)
        path, body = _fmt(case.path, world, role), case.body(world, role)
        seen[role] = api_status(app, uow, clock, email, case.method, path, body)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_route_access(
    name: str, app: FastAPI, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = PAGE_CASES[name]
    seen = {}
    for index, role in enumerate(ROLES):
        email = None if role == "anonymous" else world.setup.email(role)
        path, form = _fmt(case.path, world, role), case.body(world, role)
        response = page_response(app, uow, clock, email, case.method, path, form)
        seen[role] = response.status_code
        expected_location = case.locations[index]
        if response.status_code == 303 and expected_location is not None:
            assert response.headers["location"].startswith(expected_location), (role, response)
        if response.status_code in (403, 404):
            assert "Traceback" not in response.text
            assert '<h1 id="error-title">' in response.text
    assert seen == dict(zip(ROLES, case.expected, strict=True))


def test_caseloads_show_only_the_patients_each_may_see(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    names = {}
    for role in ("admin", "clinician", "other"):
        token = session_token(uow, clock, world.setup.email(role))
        rows = client.get("/api/v1/caseload", headers=bearer(token)).json()
        names[role] = sorted(row["display_name"] for row in rows)
    assert names == {
        "admin": ["Patient 0 (Harbour)", "Patient 1 (Harbour)"],
        "clinician": ["Patient 0 (Harbour)"],
        "other": ["Patient 1 (Harbour)"],
    }


def test_a_patient_sees_their_own_record_without_the_clinicians_flags(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    token = session_token(uow, clock, world.setup.email("patient0"))
    record = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(token)).json()
    assert record["open_flags"] == []
    staff = session_token(uow, clock, world.setup.email("clinician"))
    record = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(staff)).json()
    assert len(record["open_flags"]) == len(world.flag_ids)


def test_another_clinic_looks_like_no_patient_at_all(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    from factories import make_clinic

    elsewhere = make_clinic(uow, clock, name="Elsewhere")
    token = session_token(uow, clock, elsewhere.email("admin"))
    response = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(token))
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "not_found"
    missing = client.get("/api/v1/patients/999999", headers=bearer(token))
    assert missing.json()["error"]["message"] == "There is no patient with id 999999."
