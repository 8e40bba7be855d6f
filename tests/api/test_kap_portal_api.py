"""The patient's KAP API: every role × every route, a whole at-home day over the API, the
safety plan, preparation and consent, the journal and the practice log, CSRF for a cookie
session, and the operations in the OpenAPI description. On SQLite and PostgreSQL.

In the role × route matrix every role meets patient 0's at-home course with the gate
passed and the dose taken (a session under way). Changes are sent with input the service
refuses after its access check, so the state stays the same for every role: the patient
gets that refusal, staff of the caseload get it too for the steps they may take with the
patient and a 403 for the patient's own entries, the other clinician a 403, another
patient a 404 and nobody logged in a 401.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, api_status, bearer, browser_login, cookie_csrf, session_token

from attune.domain.kap.athome import GateAnswers
from attune.services import kap_home
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _pass_gate(uow: UnitOfWork, setup: ClinicSetup, course: int, clock: FixedClock) -> None:
    now = clock.now()
    answers = GateAnswers(
        now - timedelta(hours=6), True, "Alex", 124, 80, now, True, True, "To rest."
    )
    assert kap_home.dosing_day_gate(uow, setup.patient_actor(0), course, answers, clock).passed


@dataclass(frozen=True)
class HomeWorld:
    setup: ClinicSetup
    course: int
    session: int
    clock: FixedClock

    def fmt(self, path: str) -> str:
        return path.format(p=self.setup.patients[0].id, c=self.course, s=self.session)


@pytest.fixture
def day(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> HomeWorld:
    course = eligible_course(uow, setup, clock, program="at_home")
    clock.advance(timedelta(minutes=5))
    _pass_gate(uow, setup, course.id, clock)
    session = kap_home.record_home_dose(uow, setup.patient_actor(0), course.id, clock.now(), clock)
    clock.advance(timedelta(minutes=16))
    return HomeWorld(setup, course.id, session.id, clock)


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: tuple[int, int, int, int, int, int]
    body: dict[str, object] | None = None


READ = (200, 200, 403, 200, 404, 401)
EVERYONE = (200, 200, 200, 200, 200, 401)
#: The patient's own entries: staff may read them but not write them.
OWN = (403, 403, 403, 422, 404, 401)
FUTURE = "2030-01-01T09:00:00+00:00"
BAD_PLAN = {"warning_signs": ["Quiet"], "people": [{"name": "Sam", "phone": "unknown"}]}

CASES: dict[str, Case] = {
    "protocols": Case("GET", "/api/v1/breathwork/protocols", EVERYONE),
    "timeline": Case("GET", "/api/v1/breathwork/protocols/box/timeline", EVERYONE),
    "practice log": Case("GET", "/api/v1/patients/{p}/breathwork/practice", READ),
    "log a practice": Case(
        "POST",
        "/api/v1/patients/{p}/breathwork/practice",
        OWN,
        {
            "protocol_id": "box",
            "started_at": FUTURE,
            "minutes": 5,
            "calm_before": 3,
            "calm_after": 6,
        },
    ),
    "complete a module": Case(
        "POST",
        "/api/v1/kap-courses/{c}/preparation/what_to_expect",
        (409, 409, 403, 409, 404, 401),
    ),
    "safety plan": Case("GET", "/api/v1/kap-courses/{c}/safety-plan", READ),
    "save the safety plan": Case(
        "PUT", "/api/v1/kap-courses/{c}/safety-plan", (422, 422, 403, 422, 404, 401), BAD_PLAN
    ),
    "withdraw consent": Case(
        "POST", "/api/v1/kap-courses/{c}/consent/withdraw", (200, 409, 403, 409, 404, 401)
    ),
    "today's gate": Case("GET", "/api/v1/kap-courses/{c}/gate/today", READ),
    "the gate": Case(
        "POST", "/api/v1/kap-courses/{c}/gate", OWN, {"systolic": 120, "diastolic": 160}
    ),
    "the dose": Case(
        "POST",
        "/api/v1/kap-courses/{c}/home-doses",
        (403, 403, 403, 409, 404, 401),
        {},
    ),
    "check-ins": Case("GET", "/api/v1/kap-sessions/{s}/checkins", READ),
    "a sitter check-in": Case(
        "POST",
        "/api/v1/kap-sessions/{s}/checkins",
        OWN,
        {"responsive": True, "breathing_normal": True, "distressed": False, "at": FUTURE},
    ),
    "the check-in after": Case(
        "POST", "/api/v1/kap-sessions/{s}/post-session", OWN, {"wellbeing": 11}
    ),
    "journal prompts": Case("GET", "/api/v1/kap-courses/{c}/journal-prompts", READ),
    "journal": Case("GET", "/api/v1/kap-courses/{c}/journal", READ),
    "write in the journal": Case(
        "POST", "/api/v1/kap-courses/{c}/journal", OWN, {"prompt_key": "free", "text": " "}
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_api_route_access(
    name: str, app: FastAPI, day: HomeWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else day.setup.email(role)
        seen[role] = api_status(app, uow, clock, email, case.method, day.fmt(case.path), case.body)
    assert seen == dict(zip(ROLES, case.expected, strict=True))


def test_an_at_home_day_over_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    clock.advance(timedelta(minutes=5))
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    base = f"/api/v1/kap-courses/{course.id}"
    assert client.get(f"{base}/gate/today", headers=me).json() is None
    now = clock.now()
    answers = {
        "last_ate_at": _iso(now - timedelta(hours=6)),
        "sitter_present": True,
        "sitter_name": "Alex",
        "systolic": 158,
        "diastolic": 92,
        "bp_measured_at": _iso(now),
        "phone_charged": True,
        "no_driving_agreed": True,
        "intention": "To be kind to myself.",
    }
    high = client.post(f"{base}/gate", json=answers, headers=me)
    assert high.status_code == 200
    body = high.json()
    assert body["passed"] is False and body["may_dose"] is False
    assert body["day_stopped"] is False
    assert [f["item"] for f in body["failures"]] == ["blood_pressure"]
    assert "Please do not take your medicine yet" in body["failures"][0]["instruction"]
    assert body["alert_reasons"] == ["Blood pressure 158/92: above 140/90."]
    with uow:
        kinds = [f.kind for f in uow.flags.open_for_patient(setup.patients[0].id)]
    assert kinds == ["kap_gate_stopped"]
    refused = client.post(f"{base}/home-doses", json={}, headers=me)
    assert (
        refused.status_code == 409 and "has not been passed" in refused.json()["error"]["message"]
    )
    mistyped = client.post(f"{base}/gate", json={**answers, "systolic": 12}, headers=me)
    assert mistyped.status_code == 422 and mistyped.json()["error"]["field"] == "systolic"
    loose = client.post(f"{base}/gate", json={**answers, "sitter_present": "yes"}, headers=me)
    assert loose.status_code == 422 and loose.json()["error"]["field"] == "sitter_present"
    clock.advance(timedelta(minutes=10))
    passed = client.post(
        f"{base}/gate",
        json={**answers, "systolic": 126, "diastolic": 80, "bp_measured_at": _iso(clock.now())},
        headers=me,
    )
    assert passed.json()["passed"] is True and passed.json()["may_dose"] is True
    assert client.get(f"{base}/gate/today", headers=me).json()["id"] == passed.json()["id"]
    dose = client.post(f"{base}/home-doses", json={}, headers=me)
    assert dose.status_code == 201
    session = dose.json()
    assert session["kind"] == "at_home" and session["dose_number"] == 1
    checkins = f"/api/v1/kap-sessions/{session['id']}/checkins"
    due = client.get(checkins, headers=me).json()
    assert due["next_at"] == _iso(clock.now() + timedelta(minutes=15)).replace("+00:00", "Z")
    clock.advance(timedelta(minutes=15))
    well = {"responsive": True, "breathing_normal": True, "distressed": False}
    first = client.post(checkins, json=well, headers=me)
    assert first.status_code == 201
    assert first.json()["stop"] is False and first.json()["alert"] is False
    assert first.json()["by"] == "sitter"
    clock.advance(timedelta(minutes=15))
    worried = client.post(checkins, json={**well, "concern": "A bad headache"}, headers=me)
    assert worried.json()["stop"] is False and worried.json()["alert"] is True
    clock.advance(timedelta(minutes=15))
    stop = client.post(checkins, json={**well, "breathing_normal": False}, headers=me)
    assert stop.json()["stop"] is True
    assert stop.json()["instructions"][0] == "Call 911 now."
    clock.advance(timedelta(hours=4))
    after = client.post(
        f"/api/v1/kap-sessions/{session['id']}/post-session",
        json={
            "wellbeing": 6,
            "side_effects": ["tiredness"],
            "feels_safe": True,
            "sitter_stayed_until": _iso(clock.now()),
        },
        headers=me,
    )
    assert after.status_code == 201 and after.json()["kind"] == "post_session"
    assert after.json()["stop"] is False
    done = client.get(checkins, headers=me).json()
    assert done["completed"] is True and len(done["done"]) == 4
    odd = client.post(
        f"/api/v1/kap-sessions/{session['id']}/post-session",
        json={"wellbeing": 6, "side_effects": ["glowing"]},
        headers=me,
    )
    assert odd.status_code == 422 and odd.json()["error"]["field"] == "side_effects"


def test_the_safety_plan_preparation_and_consent_over_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    base = f"/api/v1/kap-courses/{course.id}"
    plan = client.get(f"{base}/safety-plan", headers=me).json()
    assert plan["complete"] is True and plan["done_at"] is not None
    bad = client.put(
        f"{base}/safety-plan",
        json={**plan, "people": [{"name": "Sam", "phone": "ask me"}, {"name": "", "phone": "1"}]},
        headers=me,
    )
    assert bad.status_code == 422
    fields = [e["field"] for e in bad.json()["error"]["errors"]]
    assert fields == ["people[0].phone", "people[1].name"]
    changed = client.put(
        f"{base}/safety-plan", json={**plan, "note": "Keep the kettle on."}, headers=me
    )
    assert changed.status_code == 200 and changed.json()["note"] == "Keep the kettle on."
    twice = client.post(f"{base}/preparation/what_to_expect", headers=me)
    assert twice.status_code == 409
    unknown = client.post(f"{base}/preparation/astrology", headers=me)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "module_key"
    withdrawn = client.post(f"{base}/consent/withdraw", headers=me)
    assert withdrawn.status_code == 200 and withdrawn.json()["consent_given_at"] is None
    assert withdrawn.json()["consent_withdrawn_at"] is not None
    again = client.post(f"{base}/consent", headers=me)
    assert again.status_code == 200 and again.json()["consent_given_at"] is not None


def test_the_journal_and_the_practice_log_over_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    base = f"/api/v1/kap-courses/{course.id}"
    prompts = client.get(f"{base}/journal-prompts", headers=me).json()
    assert len(prompts) == 3 and all(p["reason"] for p in prompts)
    first = prompts[0]
    written = client.post(
        f"{base}/journal",
        json={"prompt_key": first["prompt_id"], "text": "Lighter than I expected."},
        headers=me,
    )
    assert written.status_code == 201 and written.json()["prompt_text"] == first["text"]
    unknown = client.post(f"{base}/journal", json={"prompt_key": "x", "text": "y"}, headers=me)
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "prompt_key"
    read = client.get(f"{base}/journal", headers=staff).json()
    assert [e["text"] for e in read] == ["Lighter than I expected."]
    patient = setup.patients[0].id
    url = f"/api/v1/patients/{patient}/breathwork/practice"
    entry = {
        "protocol_id": "4-7-8",
        "started_at": _iso(clock.now() - timedelta(minutes=5)),
        "minutes": 5,
        "calm_before": 3,
        "calm_after": 7,
    }
    assert client.post(url, json=entry, headers=me).status_code == 201
    wrong = client.post(url, json={**entry, "calm_after": 12, "minutes": 0}, headers=me)
    assert wrong.status_code == 422
    assert {e["field"] for e in wrong.json()["error"]["errors"]} == {"minutes", "calm_after"}
    log = client.get(url, headers=staff).json()
    assert log["sessions"] == 1 and log["minutes"] == 5 and log["mean_calm_change"] == "4.0"
    assert log["entries"][0]["protocol_id"] == "4-7-8"


def test_a_cookie_session_needs_the_csrf_header(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    browser_login(client, setup.email("patient0"))
    url = f"/api/v1/kap-courses/{course.id}/journal"
    body = {"prompt_key": "free", "text": "A good day."}
    refused = client.post(url, json=body)
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "csrf_failed"
    gate = client.post(f"/api/v1/kap-courses/{course.id}/gate", json={"systolic": 190})
    assert gate.status_code == 403
    accepted = client.post(url, json=body, headers={"X-CSRF-Token": cookie_csrf(client)})
    assert accepted.status_code == 201


def test_the_operations_are_in_the_openapi_description(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        ("get", "/api/v1/breathwork/protocols"),
        ("get", "/api/v1/breathwork/protocols/{protocol_id}/timeline"),
        ("get", "/api/v1/patients/{patient_id}/breathwork/practice"),
        ("post", "/api/v1/patients/{patient_id}/breathwork/practice"),
        ("post", "/api/v1/kap-courses/{course_id}/preparation/{module_key}"),
        ("get", "/api/v1/kap-courses/{course_id}/safety-plan"),
        ("put", "/api/v1/kap-courses/{course_id}/safety-plan"),
        ("post", "/api/v1/kap-courses/{course_id}/consent/withdraw"),
        ("get", "/api/v1/kap-courses/{course_id}/gate/today"),
        ("post", "/api/v1/kap-courses/{course_id}/gate"),
        ("post", "/api/v1/kap-courses/{course_id}/home-doses"),
        ("get", "/api/v1/kap-sessions/{session_id}/checkins"),
        ("post", "/api/v1/kap-sessions/{session_id}/checkins"),
        ("post", "/api/v1/kap-sessions/{session_id}/post-session"),
        ("get", "/api/v1/kap-courses/{course_id}/journal-prompts"),
        ("get", "/api/v1/kap-courses/{course_id}/journal"),
        ("post", "/api/v1/kap-courses/{course_id}/journal"),
    }
    present = {(m, p) for p, ops in paths.items() for m in ops}
    assert expected <= present
    gate = paths["/api/v1/kap-courses/{course_id}/gate"]["post"]
    assert gate["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/GateOut"
    )
    assert gate["tags"] == ["KAP: the patient's side"]
