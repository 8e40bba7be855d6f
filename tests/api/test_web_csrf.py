"""Every form POST and every cookie-authenticated API change needs the CSRF token."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from web_helpers import (
    TestClient,
    World,
    bearer,
    browser_login,
    cookie_csrf,
    csrf_in,
    session_token,
)

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import PASSWORD, ClinicSetup

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _unsafe_routes(app: FastAPI) -> list[tuple[str, str]]:
    found = []
    for route in iter_route_contexts(app.routes):
        for method in sorted((route.methods or set()) & UNSAFE):
            found.append((method, str(route.path)))
    return found


def test_every_unsafe_route_refuses_a_logged_in_request_without_the_token(
    app: FastAPI, client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("admin"))
    routes = _unsafe_routes(app)
    assert ("POST", "/logout") in routes
    assert ("POST", "/clinic/patients/{patient_id}/assignments") in routes
    assert ("PUT", "/api/v1/assignments/{assignment_id}/draft") in routes
    for method, path in routes:
        if path == "/api/v1/session" and method == "POST":
            continue  # log-in: no session yet; JSON only (see the test below)
        response = client.request(method, _concrete(path), data={"x": "1"})
        assert response.status_code == 403, (method, path, response.text)
        if path.startswith("/api/"):
            assert response.json()["error"]["type"] == "csrf_failed"
        else:
            assert "security token" in response.text
    # Nothing was done: the session is still live.
    assert client.get("/api/v1/me").status_code == 200


def test_a_wrong_token_gets_a_clear_403_page_not_a_500(
    client: TestClient, setup: ClinicSetup
) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": setup.email("admin"), "password": PASSWORD, "csrf_token": "0" * 64},
    )
    assert response.status_code == 403
    assert "reload the page and try again" in response.text
    assert "Traceback" not in response.text
    # The right token works.
    ok = client.post(
        "/login",
        data={
            "email": setup.email("admin"),
            "password": PASSWORD,
            "csrf_token": csrf_in(page.text),
        },
    )
    assert ok.status_code == 303


def test_a_token_from_another_session_is_refused(
    app: FastAPI, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    setup = world.setup
    with TestClient(app, follow_redirects=False) as mallory:
        browser_login(mallory, setup.email("other"))
        foreign = cookie_csrf(mallory)
    with TestClient(app, follow_redirects=False) as victim:
        browser_login(victim, setup.email("clinician"))
        response = victim.post(
            f"/clinic/patients/{world.patient_id}/assignments",
            data={"csrf_token": foreign, "instrument_id": "gad7", "schedule": "once"},
        )
        assert response.status_code == 403
        record = victim.get(f"/api/v1/patients/{world.patient_id}").json()
    assert [a["instrument_id"] for a in record["assignments"]] == ["phq9"]


def test_login_without_the_nonce_cookie_is_refused(client: TestClient, setup: ClinicSetup) -> None:
    page = client.get("/login")
    token = csrf_in(page.text)
    client.cookies.clear()
    response = client.post(
        "/login", data={"email": setup.email("admin"), "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 403


def test_api_login_accepts_only_json(client: TestClient, setup: ClinicSetup) -> None:
    # A cross-site form can send text/plain or form data, never application/json.
    as_form = client.post(
        "/api/v1/session", data={"email": setup.email("admin"), "password": PASSWORD}
    )
    assert as_form.status_code == 422
    as_text = client.post(
        "/api/v1/session",
        content=f'{{"email": "{setup.email("admin")}", "password": "{PASSWORD}"}}',
        headers={"content-type": "text/plain"},
    )
    assert as_text.status_code == 422
    assert "attune_session" not in as_text.headers.get("set-cookie", "")


@pytest.mark.parametrize("with_header", [True, False])
def test_cookie_api_calls_need_the_header_and_bearer_calls_do_not(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock, with_header: bool
) -> None:
    browser_login(client, world.setup.email("patient0"))
    url = f"/api/v1/assignments/{world.assignment_id}/draft"
    headers = {"X-CSRF-Token": cookie_csrf(client)} if with_header else {}
    response = client.put(url, json={"answers": {"q1": 1}}, headers=headers)
    assert response.status_code == (200 if with_header else 403)
    token = session_token(uow, clock, world.setup.email("patient0"))
    client.cookies.clear()
    assert client.put(url, json={"answers": {"q2": 2}}, headers=bearer(token)).status_code == 200
