"""The patient's daily check-in over the API: saving (201 new, 200 replaced), field errors
(422 naming each), a past day kept as saved (409), crisis resources after a safety
answer, the history, and the reminder.

The clock stands at Monday 5 January 2026, 09:00 UTC; the clinic's time zone is UTC.
"""

from __future__ import annotations

from datetime import timedelta

from web_helpers import TestClient, bearer, session_token

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import AlertKind
from factories import ClinicSetup

BODY: dict[str, object] = {
    "mood": 6,
    "stress": 4,
    "loneliness": 3,
    "craving": 2,
    "safety": "none",
}


def _patient(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> dict[str, str]:
    return bearer(session_token(uow, clock, setup.email("patient0")))


def test_a_check_in_is_created_then_replaced_the_same_day(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    headers = _patient(setup, uow, clock)
    body = {
        **BODY,
        "uses": [{"what": "alcohol", "amount": 2, "unit": "standard_drinks"}],
        "triggers": ["alone"],
        "coping": ["reached_out"],
        "sleep_hours": 7.5,
        "sleep_quality": 3,
    }
    created = client.post("/api/v1/checkins", json=body, headers=headers)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["created"] is True and out["crisis"] is False
    assert out["crisis_resources"] is None
    checkin = out["checkin"]
    assert checkin["day"] == "2026-01-05" and checkin["used"] is True
    assert checkin["uses"] == [
        {"what": "alcohol", "amount": 2.0, "unit": "standard_drinks", "detail": ""}
    ]
    assert (checkin["triggers"], checkin["coping"]) == (["alone"], ["reached_out"])
    clock.advance(timedelta(hours=2))
    replaced = client.post("/api/v1/checkins", json={**BODY, "mood": 3}, headers=headers)
    assert replaced.status_code == 200 and replaced.json()["created"] is False
    assert replaced.json()["checkin"]["id"] == checkin["id"]
    listed = client.get("/api/v1/checkins?days=7", headers=headers).json()
    assert listed["today"] == "2026-01-05" and listed["checked_in_today"] is True
    assert listed["timezone"] == "UTC"
    assert listed["editable_until"] == "2026-01-06T00:00:00Z"
    assert [(c["day"], c["mood"], c["used"]) for c in listed["checkins"]] == [
        ("2026-01-05", 3, False)
    ]
    assert listed["streak"]


def test_bad_answers_are_a_422_naming_every_field(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    headers = _patient(setup, uow, clock)
    body = {**BODY, "mood": 11, "triggers": ["alone", "moonlight"], "sleep_hours": 30}
    response = client.post("/api/v1/checkins", json=body, headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["type"] == "validation_error"
    assert [e["field"] for e in error["errors"]] == ["mood", "triggers", "sleep_hours"]
    missing = client.post("/api/v1/checkins", json={"mood": 5}, headers=headers)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "stress"
    unknown = {**BODY, "uses": [{"what": "moonshine"}]}
    what = client.post("/api/v1/checkins", json=unknown, headers=headers)
    assert what.status_code == 422 and what.json()["error"]["field"] == "uses.0.what"
    future = client.post("/api/v1/checkins", json={**BODY, "day": "2026-01-06"}, headers=headers)
    assert future.status_code == 422 and future.json()["error"]["field"] == "day"
    assert client.get("/api/v1/checkins", headers=headers).json()["checkins"] == []


def test_a_missed_day_is_filled_in_once_and_then_kept(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    headers = _patient(setup, uow, clock)
    yesterday = {**BODY, "day": "2026-01-04"}
    assert client.post("/api/v1/checkins", json=yesterday, headers=headers).status_code == 201
    again = client.post("/api/v1/checkins", json={**yesterday, "mood": 1}, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["field"] == "day"
    listed = client.get("/api/v1/checkins", headers=headers).json()
    assert [(c["day"], c["mood"]) for c in listed["checkins"]] == [("2026-01-04", 6)]
    assert listed["checked_in_today"] is False


def test_a_safety_answer_returns_the_crisis_resources_and_raises_an_alert(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    headers = _patient(setup, uow, clock)
    body = {**BODY, "safety": "might_act"}
    response = client.post("/api/v1/checkins", json=body, headers=headers)
    assert response.status_code == 201
    out = response.json()
    assert out["crisis"] is True
    assert out["crisis_resources"]["crisis_line"] == "Crisis line: call or text 988"
    assert out["crisis_resources"]["clinic_phone"] == "555-0100"
    with uow:
        alerts = uow.alerts.open_for_patient(setup.patients[0].id, AlertKind.SAFETY)
    assert len(alerts) == 1


def test_the_reminder_is_read_and_changed(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    headers = _patient(setup, uow, clock)
    first = client.get("/api/v1/reminder", headers=headers).json()
    assert first == {
        "enabled": False,
        "at": "19:00",
        "timezone": None,
        "effective_timezone": "UTC",
        "updated_at": None,
    }
    body = {"enabled": True, "at": "08:15", "timezone": "Pacific/Honolulu"}
    changed = client.put("/api/v1/reminder", json=body, headers=headers)
    assert changed.status_code == 200
    assert changed.json()["at"] == "08:15" and changed.json()["enabled"] is True
    assert changed.json()["effective_timezone"] == "Pacific/Honolulu"
    # The patient's day now follows Honolulu: at 09:00 UTC it is 23:00 on 4 January there.
    assert client.get("/api/v1/checkins", headers=headers).json()["today"] == "2026-01-04"
    bad = client.put("/api/v1/reminder", json={**body, "timezone": "Mars/Base"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "timezone"


def test_staff_are_refused_the_patients_own_check_in(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    for method, path, body in (
        ("POST", "/api/v1/checkins", BODY),
        ("GET", "/api/v1/checkins", None),
        ("GET", "/api/v1/reminder", None),
        ("PUT", "/api/v1/reminder", {"enabled": True, "at": "08:00"}),
    ):
        response = client.request(method, path, json=body, headers=staff)
        assert response.status_code == 403, (method, path)
        assert "the patient's own" in response.json()["error"]["message"]
    assert client.get("/api/v1/checkins").status_code == 401
