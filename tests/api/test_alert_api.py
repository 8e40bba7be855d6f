"""The alerts and insight API: the inbox across the caseload, acknowledge and resolve
with who and when, one patient's insight with its numbers, and who may do what (every
role × every route). SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, api_status, bearer, session_token

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import Priority
from factories import T0, ClinicSetup
from monitoring_seeds import planted, relapse_alert, safety_alert, save_checkins

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")


def headers(uow: UnitOfWork, clock: FixedClock, setup: ClinicSetup, who: str) -> dict[str, str]:
    return bearer(session_token(uow, clock, setup.email(who)))


def test_the_inbox_holds_the_caseload_most_urgent_first(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0, p1 = setup.patients[0].id, setup.patients[1].id
    medium = relapse_alert(uow, p0, clock.now())
    urgent = safety_alert(uow, p0, clock.now(), source_id=7)
    elsewhere = relapse_alert(uow, p1, clock.now(), Priority.HIGH)

    mine = client.get("/api/v1/alerts", headers=headers(uow, clock, setup, "clinician")).json()
    assert [a["id"] for a in mine] == [urgent.id, medium.id]
    first = mine[0]
    assert first["priority"] == "urgent" and first["kind"] == "safety"
    assert first["status"] == "new" and first["patient_name"] == "Patient 0 (Harbour)"
    assert first["reasons"] and first["acknowledged_by_name"] is None

    every = client.get("/api/v1/alerts", headers=headers(uow, clock, setup, "admin")).json()
    assert [a["id"] for a in every] == [urgent.id, elsewhere.id, medium.id]


def test_acknowledge_then_resolve_records_who_and_when(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    alert = relapse_alert(uow, p0, clock.now())
    auth = headers(uow, clock, setup, "clinician")

    acked = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=auth)
    assert acked.status_code == 200, acked.text
    body = acked.json()
    assert body["status"] == "acknowledged"
    assert body["acknowledged_by_name"] == "Cam Clinician (Harbour)"
    assert body["acknowledged_at"].startswith(T0.isoformat()[:16])

    again = client.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=auth)
    assert again.status_code == 409
    assert again.json()["error"]["message"] == "This alert has already been acknowledged."

    blank = client.post(f"/api/v1/alerts/{alert.id}/resolve", json={"note": "  "}, headers=auth)
    assert blank.status_code == 422
    assert blank.json()["error"]["field"] == "note"

    note = "Phoned; agreed an extra session on Thursday."
    done = client.post(f"/api/v1/alerts/{alert.id}/resolve", json={"note": note}, headers=auth)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "resolved" and done.json()["note"] == note
    assert done.json()["resolved_by_name"] == "Cam Clinician (Harbour)"

    twice = client.post(f"/api/v1/alerts/{alert.id}/resolve", json={"note": note}, headers=auth)
    assert twice.status_code == 409

    history = client.get(f"/api/v1/patients/{p0}/alerts", headers=auth).json()
    assert [(a["id"], a["status"]) for a in history] == [(alert.id, "resolved")]
    assert client.get("/api/v1/alerts", headers=auth).json() == []


def test_an_unknown_alert_is_not_found(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    response = client.post(
        "/api/v1/alerts/999999/acknowledge", headers=headers(uow, clock, setup, "clinician")
    )
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "There is no alert with id 999999."


def test_the_insight_has_the_numbers_for_staff_and_no_risk_for_the_patient(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date(), 60, seed=3, skip_every=9))
    url = f"/api/v1/patients/{p0}/insight?days=60"

    staff = client.get(url, headers=headers(uow, clock, setup, "clinician"))
    assert staff.status_code == 200, staff.text
    body = staff.json()
    assert body["insight"]["enough_data"] is True
    alone = next(e for e in body["insight"]["craving"] if e["predictor"] == "trigger:alone")
    assert alone["clear"] is True and alone["ci_low"] < 3 < alone["ci_high"]
    assert alone["outcome"] == "craving" and alone["lag"] == 1
    series = body["series"]
    assert series["days"] == 60 and len(series["craving"]) == 60
    missed = [i for i, seen in enumerate(series["checked_in"]) if not seen]
    assert missed and all(series["craving"][i] is None for i in missed)
    assert len(body["missed_days"]) == len(missed)
    assert body["risk"] is not None
    assert body["risk"]["score"] == sum(r["points"] for r in body["risk"]["reasons"])

    own = client.get(url, headers=headers(uow, clock, setup, "patient0")).json()
    assert own["risk"] is None and own["alerts"] == [] and own["program"] is None
    assert own["insight"]["craving"] == body["insight"]["craving"]

    wrong = client.get(
        f"/api/v1/patients/{p0}/insight?days=0", headers=headers(uow, clock, setup, "clinician")
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "days"


def test_the_caseload_check_ins(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date(), 10, seed=1, skip_every=3))
    relapse_alert(uow, p0, clock.now(), Priority.HIGH)
    rows = client.get(
        "/api/v1/caseload/checkins", headers=headers(uow, clock, setup, "clinician")
    ).json()
    assert [r["display_name"] for r in rows] == ["Patient 0 (Harbour)"]
    row = rows[0]
    assert row["last_checkin"] == T0.date().isoformat() and row["checked_in_today"] is True
    # Of days 0 … 9 (today is 9), days 2, 5 and 8 were skipped: all in the 7 before today.
    assert row["missed_last_7"] == 3
    assert row["open_alerts"] == 1 and row["top_priority"] == "high"


# ---------------------------------------------------------------------------- who may do what


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expected: tuple[int, int, int, int, int, int]
    body: Callable[[str], object] = lambda role: None


CASES = {
    "inbox": Case("GET", "/api/v1/alerts", (200, 200, 200, 403, 403, 401)),
    "patient alerts": Case("GET", "/api/v1/patients/{p}/alerts", (200, 200, 403, 403, 404, 401)),
    "acknowledge": Case("POST", "/api/v1/alerts/{a}/acknowledge", (200, 200, 403, 403, 404, 401)),
    "resolve": Case(
        "POST",
        "/api/v1/alerts/{a}/resolve",
        (200, 200, 403, 403, 404, 401),
        lambda role: {"note": f"seen by {role}"},
    ),
    "insight": Case("GET", "/api/v1/patients/{p}/insight", (200, 200, 403, 200, 404, 401)),
    "caseload check-ins": Case("GET", "/api/v1/caseload/checkins", (200, 200, 200, 403, 403, 401)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_who_may_use_each_route(
    name: str, app: FastAPI, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = CASES[name]
    p0 = setup.patients[0].id
    seen = {}
    for index, role in enumerate(ROLES):
        # A fresh alert on patient 0 for each role, so one role's change never hides another's.
        alert = safety_alert(uow, p0, clock.now(), source_id=100 + index)
        email = None if role == "anonymous" else setup.email(role)
        path = case.path.format(p=p0, a=alert.id)
        seen[role] = api_status(app, uow, clock, email, case.method, path, case.body(role))
    assert seen == dict(zip(ROLES, case.expected, strict=True))
