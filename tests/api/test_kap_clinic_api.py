"""The clinician's KAP API on SQLite and PostgreSQL, as an API client uses it (bearer
token): the course from opening to a signed session and its integration, the Spravato
REMS record, refusals with every reason, and the operations in the OpenAPI schema."""

from __future__ import annotations

import typing
from datetime import timedelta

from web_helpers import TestClient, bearer, session_token

from attune.domain.kap.session_events import AdverseEventKind
from attune.services import kap_course
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.web.api import kap_clinic_schemas
from factories import KAP_SAFETY_PLAN, ClinicSetup, eligible_course, submitted_intake


def staff(uow: UnitOfWork, clock: FixedClock, setup: ClinicSetup) -> dict[str, str]:
    return bearer(session_token(uow, clock, setup.email("clinician")))


def test_a_course_from_opening_to_its_first_dose(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    h = staff(uow, clock, setup)
    patient = setup.patients[0].id
    assert client.get(f"/api/v1/patients/{patient}/kap-course", headers=h).json() is None

    at_home_spravato = client.post(
        f"/api/v1/patients/{patient}/kap-course", json={"program": "spravato_at_home"}, headers=h
    )
    assert at_home_spravato.status_code == 409
    assert "never taken at home" in at_home_spravato.json()["error"]["message"]

    opened = client.post(
        f"/api/v1/patients/{patient}/kap-course", json={"program": "in_office"}, headers=h
    )
    assert opened.status_code == 201
    course = opened.json()
    assert course["phase"] == "preparation" and course["doses_planned"] == 6
    dose = next(s for s in course["next_steps"] if s["kind"] == "dose_in_office")
    assert not dose["allowed"]
    assert "The prescriber has not signed off eligibility yet." in dose["reasons"]

    half = client.post(
        f"/api/v1/kap-courses/{course['id']}/eligibility", json={"systolic": 150}, headers=h
    )
    assert half.status_code == 422
    checked = client.post(
        f"/api/v1/kap-courses/{course['id']}/eligibility",
        json={"systolic": 150, "diastolic": 92},
        headers=h,
    )
    assert checked.status_code == 201
    result = checked.json()
    assert result["outcome"] == "eligible_with_conditions"
    assert result["blood_pressure"] == "150/92 mmHg" and len(result["digest"]) == 64
    raised = next(r for r in result["reasons"] if r["code"] == "blood_pressure_raised")
    assert raised["severity"] == "condition" and raised["sources"]

    sign = f"/api/v1/kap-courses/{course['id']}/eligibility/{result['id']}/sign-off"
    no_note = client.post(sign, json={"decision": "approve"}, headers=h)
    assert no_note.status_code == 422
    assert no_note.json()["error"]["errors"] == [
        {"field": "note", "message": "Say how each condition will be met before the first dose."}
    ]
    signed = client.post(sign, json={"decision": "approve", "note": "Rechecked."}, headers=h)
    assert signed.status_code == 201 and signed.json()["permits_dosing"] is True

    consent = client.post(f"/api/v1/kap-courses/{course['id']}/consent", headers=h)
    assert consent.status_code == 200 and consent.json()["consent_given_at"] is not None
    dose_body = {
        "route": "iv",
        "mg_per_kg": "0.5",
        "weight_kg": "70",
        "lot_number": "K-1",
        "started_at": "2026-01-05T09:00:00Z",
    }
    early = client.post(f"/api/v1/kap-courses/{course['id']}/sessions", json=dose_body, headers=h)
    assert early.status_code == 409
    assert early.json()["error"]["message"] == "Preparation is not complete: 0 of 2 sessions held."

    me = setup.patient_actor(0)
    kap_course.save_safety_plan(uow, me, course["id"], KAP_SAFETY_PLAN, clock)
    for module in course["preparation"]:
        if module["key"] != "safety_plan":
            kap_course.complete_preparation(uow, me, course["id"], module["key"], clock)
    started = client.post(f"/api/v1/kap-courses/{course['id']}/sessions", json=dose_body, headers=h)
    assert started.status_code == 201
    session = started.json()
    assert session["record"]["dose_mg"] is None and session["record"]["mg_per_kg"] == "0.5"
    assert session["status"] == "draft" and session["rems"] is None
    after = client.get(f"/api/v1/patients/{patient}/kap-course", headers=h).json()
    assert after["phase"] == "dosing" and after["doses_given"] == 1
    assert after["sessions"][0]["dose_summary"] == (
        "Ketamine 35 mg Intravenous (IV) (0.5 mg/kg), lot K-1"
    )


def test_an_in_office_session_to_its_signature_and_integration(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(hours=2))  # 11:00
    h = staff(uow, clock, setup)
    started = client.post(
        f"/api/v1/kap-courses/{course.id}/sessions",
        json={
            "route": "im",
            "dose_mg": "35",
            "weight_kg": "70",
            "lot_number": "K-1",
            "started_at": "2026-01-05T10:00:00Z",
        },
        headers=h,
    )
    assert started.status_code == 201
    url = f"/api/v1/kap-sessions/{started.json()['id']}"

    naive = client.post(url + "/vitals", json={"at": "2026-01-05T09:50", "spo2": 98}, headers=h)
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "at"
    for at, values in (
        ("09:50", (128, 82, 76, 98)),
        ("10:15", (150, 90, 84, 88)),
        ("10:30", (132, 84, 80, 97)),
        ("10:45", (126, 80, 78, 98)),
    ):
        sys, dia, hr, spo2 = values
        saved = client.post(
            url + "/vitals",
            json={
                "at": f"2026-01-05T{at}:00Z",
                "systolic": sys,
                "diastolic": dia,
                "heart_rate": hr,
                "spo2": spo2,
            },
            headers=h,
        )
        assert saved.status_code == 200
    assert saved.json()["warnings"] == [
        "10:15: oxygen saturation 88% is below the urgent threshold of 90%."
    ]
    impossible = client.post(
        url + "/vitals", json={"at": "2026-01-05T10:50:00Z", "spo2": 140}, headers=h
    )
    assert impossible.status_code == 422
    assert impossible.json()["error"]["errors"][0]["field"] == "vitals[4].spo2"

    rating = client.post(
        url + "/ratings",
        json={"at": "2026-01-05T10:20:00Z", "sedation": 3, "dissociation": 2},
        headers=h,
    )
    assert rating.status_code == 200 and len(rating.json()["warnings"]) == 2
    refused = client.post(url + "/sign", headers=h)
    assert refused.status_code == 422
    fields = [e["field"] for e in refused.json()["error"]["errors"]]
    assert fields == ["ended_at", "disposition"]

    event = client.post(
        url + "/adverse-events",
        json={
            "kind": "nausea",
            "severity": "mild",
            "onset": "2026-01-05T10:25:00Z",
            "action": "Ondansetron 4 mg",
        },
        headers=h,
    )
    assert event.status_code == 200
    course_now = client.get(f"/api/v1/patients/{course.patient_id}/kap-course", headers=h)
    assert course_now.json()["open_adverse_events"] == [f"s{started.json()['id']}-ae1"]
    unknown = client.post(
        url + "/adverse-events",
        json={
            "kind": "sneezing",
            "severity": "mild",
            "onset": "2026-01-05T10:25:00Z",
            "action": "x",
        },
        headers=h,
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "kind"
    closed = client.post(
        url + "/adverse-events/0/close", json={"resolved_at": "2026-01-05T10:40:00Z"}, headers=h
    )
    assert closed.status_code == 200

    discharge = client.put(
        url + "/discharge",
        json={
            "alert_and_oriented": True,
            "nausea_controlled": True,
            "walking_steadily": True,
            "escort_present": True,
            "escort_name": "Sam",
            "no_driving_acknowledged": True,
            "ended_at": "2026-01-05T10:45:00Z",
            "disposition": "discharged",
        },
        headers=h,
    )
    assert discharge.status_code == 200
    assert all(item["met"] for item in discharge.json()["discharge"])
    signed = client.post(url + "/sign", headers=h)
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    changed = client.patch(url, json={"lot_number": "K-2"}, headers=h)
    assert changed.status_code == 409

    outside = client.post(
        url + "/integration/schedule", json={"at": "2026-01-05T12:00:00Z"}, headers=h
    )
    assert outside.status_code == 422 and outside.json()["error"]["field"] == "at"
    booked = client.post(
        url + "/integration/schedule", json={"at": "2026-01-06T15:00:00Z"}, headers=h
    )
    assert booked.status_code == 200 and booked.json()["status"] == "not_yet_open"
    clock.set(clock.now().replace(day=6, hour=15))
    h = staff(uow, clock, setup)
    held = client.post(
        url + "/integration/complete",
        json={"insights": ["The fear passed"], "commitments": ["Call my sister"], "notes": ""},
        headers=h,
    )
    assert held.status_code == 200
    assert held.json()["status"] == "held_in_window"
    assert held.json()["note"]["insights"] == ["The fear passed"]


def test_the_spravato_rems_record_over_the_api(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="spravato_in_office")
    clock.advance(timedelta(hours=3))
    h = staff(uow, clock, setup)
    started = client.post(
        f"/api/v1/kap-courses/{course.id}/sessions",
        json={
            "route": "intranasal",
            "dose_mg": "84",
            "weight_kg": "70",
            "lot_number": "SP-9",
            "started_at": "2026-01-05T10:00:00Z",
        },
        headers=h,
    )
    assert started.status_code == 201
    sid = started.json()["id"]
    rems = client.get(f"/api/v1/kap-sessions/{sid}/rems", headers=h)
    assert rems.status_code == 200
    body = rems.json()
    assert body["record"]["dose"] == "84" and body["record"]["lot_number"] == "SP-9"
    assert not body["complete"] and body["due"] == "2026-01-12"
    fields = {p["field"] for p in body["problems"]}
    assert "patient.rems_patient_id" in fields and "lowest_spo2" in fields

    wrong = client.put(
        f"/api/v1/kap-sessions/{sid}/rems", json={"fields": {"lowest_spo2": "low"}}, headers=h
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "lowest_spo2"
    saved = client.put(
        f"/api/v1/kap-sessions/{sid}/rems",
        json={"fields": {"lowest_spo2": 95, "sedation": False}},
        headers=h,
    )
    assert saved.status_code == 200 and saved.json()["record"]["lowest_spo2"] == 95
    early = client.post(
        f"/api/v1/kap-sessions/{sid}/rems/submitted",
        json={"confirmation": "C-1", "submitted_on": "2026-01-05"},
        headers=h,
    )
    assert early.status_code == 422
    assert len(early.json()["error"]["errors"]) > 5  # every missing field, not just one

    pdf = client.get(f"/api/v1/kap-sessions/{sid}/rems.pdf", headers=h)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pending = client.get("/api/v1/kap/rems/unsubmitted", headers=h).json()
    assert [p["session_id"] for p in pending] == [sid]
    assert pending[0]["patient_name"] == "Patient 0 (Harbour)" and not pending[0]["complete"]
    other = bearer(session_token(uow, clock, setup.email("other")))
    assert client.get("/api/v1/kap/rems/unsubmitted", headers=other).json() == []


def test_the_operations_are_in_the_openapi_schema(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {
        "/api/v1/patients/{patient_id}/kap-course": {"get", "post"},
        "/api/v1/kap-courses/{course_id}/eligibility": {"post"},
        "/api/v1/kap-courses/{course_id}/eligibility/{eligibility_id}/sign-off": {"post"},
        "/api/v1/kap-courses/{course_id}/sessions": {"post"},
        "/api/v1/kap-sessions/{session_id}": {"get", "patch"},
        "/api/v1/kap-sessions/{session_id}/vitals": {"post"},
        "/api/v1/kap-sessions/{session_id}/discharge": {"put"},
        "/api/v1/kap-sessions/{session_id}/sign": {"post"},
        "/api/v1/kap-sessions/{session_id}/rems": {"get", "put"},
        "/api/v1/kap-sessions/{session_id}/rems.pdf": {"get"},
        "/api/v1/kap/rems/unsubmitted": {"get"},
        "/api/v1/kap-sessions/{session_id}/integration/complete": {"post"},
    }
    for path, methods in expected.items():
        assert methods <= set(paths[path]), path
        for method in methods:
            assert paths[path][method]["summary"], (path, method)
    pdf = paths["/api/v1/kap-sessions/{session_id}/rems.pdf"]["get"]
    assert "application/pdf" in pdf["responses"]["200"]["content"]


def test_the_api_offers_every_kind_of_adverse_event_the_domain_knows() -> None:
    offered = set(typing.get_args(kap_clinic_schemas.EventKind))
    assert offered == {k.value for k in AdverseEventKind}
