"""Who may use the clinician's KAP routes: every role × every page and API route.

All roles look at patient 0 (on ``clinician``'s caseload), who has a Spravato course ready
and one in-office session started (a draft, with its REMS record). Changes are sent with
input the service refuses after its access check (or that the course refuses), so every
role meets the same state: staff of the caseload get the refusal (422/409), the other
clinician is refused access (403), a patient is sent to their portal on a page and refused
on the API (403, or 404 for another patient's record), and nobody logged in is sent to log
in (pages) or gets a 401 (API). Nothing in this module changes what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi import FastAPI
from web_helpers import api_status, page_response

from attune.services import kap_sessions
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")


@dataclass(frozen=True)
class KapWorld:
    setup: ClinicSetup
    course: int
    session: int
    eligibility: int

    def fmt(self, path: str) -> str:
        return path.format(
            p=self.setup.patients[0].id, c=self.course, s=self.session, e=self.eligibility
        )


@pytest.fixture
def kap(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> KapWorld:
    course = eligible_course(uow, setup, clock, program="spravato_in_office")
    clock.advance(timedelta(hours=1))
    session = kap_sessions.start_session(
        uow,
        setup.clinician_actor,
        course.id,
        "intranasal",
        "56",
        None,
        "70",
        "SP-1",
        clock.now(),
        clock,
    )
    assert course.eligibility is not None
    return KapWorld(setup, course.id, session.id, course.eligibility.id)


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: tuple[int, int, int, int, int, int]
    body: dict[str, object] | None = None


STAFF_PAGE = (200, 200, 403, 303, 303, 303)
#: The clinic-wide list: the other clinician sees it too (empty: none of their caseload).
CLINIC_PAGE = (200, 200, 200, 303, 303, 303)
REFUSED = (422, 422, 403, 303, 303, 303)
CLASHES = (409, 409, 403, 303, 303, 303)
S = "/clinic/patients/{p}/kap/sessions/{s}"

PAGE_CASES: dict[str, Case] = {
    "course page": Case("GET", "/clinic/patients/{p}/kap", STAFF_PAGE),
    "open a course": Case("POST", "/clinic/patients/{p}/kap", CLASHES, {"program": "in_office"}),
    "open without a program": Case("POST", "/clinic/patients/{p}/kap", REFUSED, {}),
    "assess": Case(
        "POST", "/clinic/patients/{p}/kap/{c}/eligibility", REFUSED, {"systolic": "abc"}
    ),
    "sign off": Case(
        "POST", "/clinic/patients/{p}/kap/{c}/eligibility/{e}/sign-off", REFUSED, {"decision": ""}
    ),
    "consent": Case("POST", "/clinic/patients/{p}/kap/{c}/consent", CLASHES, {}),
    "stop": Case("POST", "/clinic/patients/{p}/kap/{c}/stop", REFUSED, {"reason": ""}),
    "aftercare": Case("POST", "/clinic/patients/{p}/kap/{c}/aftercare", CLASHES, {}),
    "start form": Case("GET", "/clinic/patients/{p}/kap/{c}/sessions/new", STAFF_PAGE),
    "start": Case("POST", "/clinic/patients/{p}/kap/{c}/sessions/new", REFUSED, {"route": ""}),
    "start too soon": Case(
        "POST",
        "/clinic/patients/{p}/kap/{c}/sessions/new",
        CLASHES,
        {
            "route": "intranasal",
            "dose_mg": "56",
            "weight_kg": "70",
            "lot_number": "SP-1",
            "started_at": "2026-01-05T10:00",
        },
    ),
    "session": Case("GET", S, STAFF_PAGE),
    "details": Case("POST", S + "/details", REFUSED, {"route": "oral"}),
    "vitals": Case("POST", S + "/vitals", REFUSED, {"at": ""}),
    "ratings": Case("POST", S + "/ratings", REFUSED, {"at": "", "sedation": "9"}),
    "adverse event": Case("POST", S + "/adverse-events", REFUSED, {"kind": ""}),
    "close adverse event": Case(
        "POST", S + "/adverse-events/0/close", REFUSED, {"resolved_at": ""}
    ),
    "discharge": Case("POST", S + "/discharge", REFUSED, {"disposition": "moon"}),
    "sign": Case("POST", S + "/sign", REFUSED, {}),
    "schedule": Case("POST", S + "/integration/schedule", REFUSED, {"at": ""}),
    "complete": Case("POST", S + "/integration/complete", REFUSED, {"insights": ""}),
    "rems form": Case("GET", S + "/rems", STAFF_PAGE),
    "save rems": Case("POST", S + "/rems", REFUSED, {"lowest_spo2": "x"}),
    "rems printable": Case("GET", S + "/rems/print", STAFF_PAGE),
    "rems pdf": Case("GET", "/clinic/patients/{p}/kap/sessions/{s}/rems.pdf", STAFF_PAGE),
    "rems submitted": Case(
        "POST", S + "/rems/submitted", REFUSED, {"confirmation": "", "submitted_on": ""}
    ),
    "rems list": Case("GET", "/clinic/kap/rems", CLINIC_PAGE),
    "rems list submitted": Case(
        "POST",
        "/clinic/kap/rems/{s}/submitted",
        (422, 422, 403, 303, 303, 303),
        {"confirmation": "", "submitted_on": "2026-01-05"},
    ),
}

API_STAFF = (200, 200, 403, 403, 404, 401)
API_REFUSED = (422, 422, 403, 403, 404, 401)
API_CLASHES = (409, 409, 403, 403, 404, 401)
AS = "/api/v1/kap-sessions/{s}"

API_CASES: dict[str, Case] = {
    "course": Case("GET", "/api/v1/patients/{p}/kap-course", (200, 200, 403, 200, 404, 401)),
    "open": Case("POST", "/api/v1/patients/{p}/kap-course", API_CLASHES, {"program": "at_home"}),
    "assess": Case(
        "POST",
        "/api/v1/kap-courses/{c}/eligibility",
        API_REFUSED,
        {"systolic": 120, "diastolic": 130},
    ),
    "sign off": Case(
        "POST", "/api/v1/kap-courses/{c}/eligibility/{e}/sign-off", API_REFUSED, {"decision": "x"}
    ),
    "consent": Case("POST", "/api/v1/kap-courses/{c}/consent", (409, 409, 403, 409, 404, 401)),
    "stop": Case("POST", "/api/v1/kap-courses/{c}/stop", API_REFUSED, {"reason": " "}),
    "aftercare": Case("POST", "/api/v1/kap-courses/{c}/aftercare", API_CLASHES),
    "start": Case(
        "POST",
        "/api/v1/kap-courses/{c}/sessions",
        API_CLASHES,
        {
            "route": "intranasal",
            "dose_mg": "56",
            "weight_kg": "70",
            "started_at": "2026-01-05T10:00:00Z",
        },
    ),
    "session": Case("GET", AS, API_STAFF),
    "change": Case("PATCH", AS, API_REFUSED, {"route": "oral"}),
    "vitals": Case(
        "POST", AS + "/vitals", API_REFUSED, {"at": "2026-01-05T10:05:00Z", "systolic": 120}
    ),
    "ratings": Case(
        "POST",
        AS + "/ratings",
        API_REFUSED,
        {"at": "2026-01-05T10:05:00Z", "sedation": 9, "dissociation": 1},
    ),
    "adverse event": Case(
        "POST",
        AS + "/adverse-events",
        API_REFUSED,
        {"kind": "nausea", "severity": "mild", "onset": "2026-01-05T10:05:00Z", "action": ""},
    ),
    "close adverse event": Case(
        "POST",
        AS + "/adverse-events/0/close",
        (404, 404, 403, 403, 404, 401),
        {"resolved_at": "2026-01-05T10:05:00Z"},
    ),
    "discharge": Case("PUT", AS + "/discharge", API_REFUSED, {"ended_at": "2026-01-05T08:00:00Z"}),
    "sign": Case("POST", AS + "/sign", API_REFUSED),
    "rems": Case("GET", AS + "/rems", API_STAFF),
    "save rems": Case("PUT", AS + "/rems", API_REFUSED, {"fields": {"lowest_spo2": "x"}}),
    "rems submitted": Case(
        "POST",
        AS + "/rems/submitted",
        API_REFUSED,
        {"confirmation": "", "submitted_on": "2026-01-05"},
    ),
    "rems pdf": Case("GET", AS + "/rems.pdf", API_STAFF),
    "unsubmitted": Case("GET", "/api/v1/kap/rems/unsubmitted", (200, 200, 200, 403, 403, 401)),
    "schedule": Case(
        "POST", AS + "/integration/schedule", API_REFUSED, {"at": "2026-01-05T11:00:00Z"}
    ),
    "complete": Case("POST", AS + "/integration/complete", API_REFUSED, {"insights": []}),
}


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_route_access(
    name: str, app: FastAPI, kap: KapWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = PAGE_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else kap.setup.email(role)
        path = kap.fmt(case.path)
        response = page_response(app, uow, clock, email, case.method, path, case.body or {})
        seen[role] = response.status_code
        if response.status_code == 303:
            location = response.headers["location"]
            expected = "/login" if role == "anonymous" else "/portal"
            assert location.startswith(expected), (role, location)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_route_access(
    name: str, app: FastAPI, kap: KapWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = API_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else kap.setup.email(role)
        seen[role] = api_status(app, uow, clock, email, case.method, kap.fmt(case.path), case.body)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


def test_nothing_was_changed_by_the_refused_requests(
    app: FastAPI, kap: KapWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    """Every refused change above leaves the course and the session as they were."""
    for name in PAGE_CASES:
        test_page_route_access(name, app, kap, uow, clock)
    view = kap_sessions.session_view(uow, kap.setup.clinician_actor, kap.session, clock)
    assert view.record.vitals == () and view.record.ratings == ()
    assert view.record.adverse_events == () and view.status == "draft"
    assert view.rems is not None and not view.rems.submitted
