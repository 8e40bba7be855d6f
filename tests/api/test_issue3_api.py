"""The care-path JSON API: intake, level of care, and their OpenAPI description."""

from __future__ import annotations

from web_helpers import TestClient, bearer, session_token

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, complete_intake, intake_sections


def _tokens(uow: UnitOfWork, clock: FixedClock, setup: ClinicSetup) -> dict[str, str]:
    return {who: session_token(uow, clock, setup.email(who)) for who in ("clinician", "patient0")}


def test_an_intake_through_the_api_from_opening_to_submitting(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    tokens = _tokens(uow, clock, setup)
    staff, me = bearer(tokens["clinician"]), bearer(tokens["patient0"])
    patient = setup.patients[0].id
    assert client.get(f"/api/v1/patients/{patient}/intake", headers=me).json() is None
    opened = client.post(f"/api/v1/patients/{patient}/intake", headers=staff)
    assert opened.status_code == 201, opened.text
    body = opened.json()
    assert body["status"] == "open" and body["progress"] == {"done": 0, "total": 9}
    intake_id = body["id"]
    sections = intake_sections(complete_intake(clock.now().date()))
    for key, answers in sections.items():
        saved = client.put(
            f"/api/v1/intakes/{intake_id}/sections/{key}", json={"answers": answers}, headers=me
        )
        assert saved.status_code == 200, saved.text
    mine = client.get(f"/api/v1/patients/{patient}/intake", headers=me).json()
    assert mine["progress"] == {"done": 9, "total": 9}
    assert mine["answers"]["addictions"][0]["what"] == "alcohol"
    assert {b["status"] for b in mine["battery"]} == {"not_assigned"}
    sent = client.post(f"/api/v1/intakes/{intake_id}/submit", headers=me)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "submitted"
    assert {b["status"] for b in sent.json()["battery"]} == {"due"}
    again = client.post(f"/api/v1/intakes/{intake_id}/submit", headers=me)
    assert again.status_code == 409


def test_a_bad_section_lists_every_field_and_saves_nothing(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    tokens = _tokens(uow, clock, setup)
    staff, me = bearer(tokens["clinician"]), bearer(tokens["patient0"])
    patient = setup.patients[0].id
    intake_id = client.post(f"/api/v1/patients/{patient}/intake", headers=staff).json()["id"]
    bad = {
        "addictions": [
            {"what": "alcohol", "stopped": True, "days_per_week": 9, "years_of_use": "six"}
        ]
    }
    response = client.put(
        f"/api/v1/intakes/{intake_id}/sections/addictions", json={"answers": bad}, headers=me
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    fields = [e["field"] for e in error["errors"]]
    assert "addictions[0].years_of_use" in fields
    assert all(e["message"] for e in error["errors"])
    unknown = client.put(
        f"/api/v1/intakes/{intake_id}/sections/nonsense", json={"answers": {}}, headers=me
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "section"
    view = client.get(f"/api/v1/patients/{patient}/intake", headers=me).json()
    assert view["answers"]["addictions"] is None
    incomplete = client.post(f"/api/v1/intakes/{intake_id}/submit", headers=me)
    assert incomplete.status_code == 422
    assert len(incomplete.json()["error"]["errors"]) > 5


def test_level_of_care_and_a_decision_through_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    from factories import submitted_intake

    submitted_intake(uow, setup, clock)
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    patient = setup.patients[0].id
    view = client.get(f"/api/v1/patients/{patient}/level-of-care", headers=staff).json()
    assert view["needs_review"] is True and view["level_in_force"] is None
    current = view["current"]
    assert [d["dimension"] for d in current["recommendation"]["dimensions"]] == [
        "withdrawal",
        "biomedical",
        "emotional",
        "readiness",
        "relapse",
        "environment",
    ]
    url = f"/api/v1/recommendations/{current['id']}/decision"
    missing = client.post(url, json={"decision": "override"}, headers=staff)
    assert missing.status_code == 422
    assert {e["field"] for e in missing.json()["error"]["errors"]} == {"level", "rationale"}
    bad_level = client.post(
        url, json={"decision": "override", "level": "moon", "rationale": "x"}, headers=staff
    )
    assert bad_level.status_code == 422 and bad_level.json()["error"]["field"] == "level"
    accepted = client.post(url, json={"decision": "accept"}, headers=staff)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    after = client.get(f"/api/v1/patients/{patient}/level-of-care", headers=staff).json()
    assert after["level_in_force"] == current["recommendation"]["level"]
    assert client.post(url, json={"decision": "accept"}, headers=staff).status_code == 409


def test_openapi_documents_the_care_path(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    present = {(m, p) for p, ops in spec["paths"].items() for m in ops}
    assert {
        ("get", "/api/v1/patients/{patient_id}/intake"),
        ("post", "/api/v1/patients/{patient_id}/intake"),
        ("put", "/api/v1/intakes/{intake_id}/sections/{section_key}"),
        ("post", "/api/v1/intakes/{intake_id}/submit"),
        ("get", "/api/v1/patients/{patient_id}/level-of-care"),
        ("post", "/api/v1/recommendations/{recommendation_id}/decision"),
        ("get", "/api/v1/patients/{patient_id}/plan"),
        ("put", "/api/v1/patients/{patient_id}/plan"),
        ("post", "/api/v1/plans/{plan_id}/agree"),
        ("post", "/api/v1/plans/{plan_id}/acknowledge"),
        ("get", "/api/v1/plans/{plan_id}/careplan"),
        ("get", "/api/v1/patients/{patient_id}/profiles"),
        ("get", "/api/v1/patients/{patient_id}/formulations"),
        ("post", "/api/v1/patients/{patient_id}/formulations"),
    } <= present
    error = spec["components"]["schemas"]["ErrorBody"]["properties"]
    assert "errors" in error
    docs = client.get("/api/docs").text
    assert "/api/v1/intakes/{intake_id}/sections/{section_key}" in docs


def test_a_plan_through_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    from factories import submitted_intake

    submitted_intake(uow, setup, clock)
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    patient = setup.patients[0].id
    assert client.get(f"/api/v1/patients/{patient}/plan", headers=staff).json() is None
    body = {
        "goals": [
            {
                "text": "Feel less low",
                "target": {
                    "instrument_id": "phq9",
                    "comparison": "below",
                    "value": 10,
                    "by": "2026-06-01",
                },
            }
        ],
        "modalities": ["cbt", "group-therapy"],
        "aftercare": {"support_groups": ["Tuesday group"], "follow_up": {"every_weeks": 4}},
        "review_on": "2026-04-01",
    }
    bad = client.put(
        f"/api/v1/patients/{patient}/plan",
        json={
            **body,
            "goals": [{**body["goals"][0], "target": {**body["goals"][0]["target"], "value": 99}}],
        },
        headers=staff,
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["errors"][0]["field"] == "goals[0].target.value"
    assert client.put(f"/api/v1/patients/{patient}/plan", json=body, headers=me).status_code == 403
    saved = client.put(f"/api/v1/patients/{patient}/plan", json=body, headers=staff)
    assert saved.status_code == 200, saved.text
    plan = saved.json()
    assert plan["version"] == 1 and plan["plan"]["status"] == "draft"
    assert plan["plan"]["kap"]["label"].startswith("Preliminary")
    plan_id = plan["id"]
    assert client.post(f"/api/v1/plans/{plan_id}/acknowledge", headers=staff).status_code == 403
    assert client.post(f"/api/v1/plans/{plan_id}/agree", headers=staff).status_code == 200
    acknowledged = client.post(f"/api/v1/plans/{plan_id}/acknowledge", headers=me)
    assert acknowledged.status_code == 200
    assert acknowledged.json()["plan"]["status"] == "agreed"
    careplan = client.get(f"/api/v1/plans/{plan_id}/careplan", headers=me)
    assert careplan.status_code == 200
    assert careplan.json()["resourceType"] == "CarePlan"
    assert careplan.json()["status"] == "active"


def test_profiles_and_the_cycle_through_the_api(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    from attune.services import responses
    from factories import submitted_intake

    submitted_intake(uow, setup, clock)
    patient = setup.patients[0].id
    responses.submit_response(
        uow, setup.patient_actor(0), patient, "ecrr", {f"q{i}": 4 for i in range(1, 37)}, clock
    )
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    theirs = client.get(f"/api/v1/patients/{patient}/profiles", headers=staff).json()
    mine = client.get(f"/api/v1/patients/{patient}/profiles", headers=me).json()
    assert theirs["attachment"]["words_for"] == "clinician"
    assert mine["attachment"]["words_for"] == "patient"
    assert mine["attachment"]["summary"] != theirs["attachment"]["summary"]
    assert set(mine["attachment"]["topics"]) == {
        "Trust",
        "Closeness",
        "Under stress",
        "The therapy relationship",
    }
    (alcohol,) = mine["addictions"]
    assert alcohol["name"] == "alcohol" and alcohol["kind"] == "substance"
    assert alcohol["status"] == "not-yet-completed" and alcohol["total"] is None
    url = f"/api/v1/patients/{patient}/formulations"
    assert client.get(url, headers=me).json() == []
    bad = client.post(url, json={"feelings": ["", "x" * 300]}, headers=staff)
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["error"]["errors"]}
    assert {"feelings[0]", "feelings[1]", "triggers", "behaviour"} <= fields
    first = client.post(
        url,
        json={
            "situations": ["Pay day"],
            "behaviour": ["Betting online"],
            "author_role": "together",
        },
        headers=staff,
    )
    assert first.status_code == 201 and first.json()["number"] == 1
    same = client.post(
        url, json={"situations": ["Pay day"], "behaviour": ["Betting online"]}, headers=me
    )
    assert same.status_code == 409
    second = client.post(
        url,
        json={
            "situations": ["Pay day"],
            "behaviour": ["Betting online"],
            "alternatives": ["Call Sam"],
        },
        headers=me,
    )
    assert second.status_code == 201 and second.json()["author_role"] == "patient"
    history = client.get(url, headers=staff).json()
    assert [v["number"] for v in history] == [1, 2]
    assert history[0]["parts"]["alternatives"] == [] and history[1]["parts"]["alternatives"] == [
        "Call Sam"
    ]
