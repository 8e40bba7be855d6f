"""Logging in and out: cookies, server sessions, generic failures, security headers."""

from __future__ import annotations

from fastapi import FastAPI
from web_helpers import TestClient, bearer, browser_login, cookie_csrf, csrf_in

from attune.config import Settings
from attune.db import Database
from attune.services.clock import FixedClock
from attune.web import create_app
from factories import PASSWORD, ClinicSetup

GENERIC = "That email or password is not right."


def test_login_sets_a_secure_httponly_lax_session_cookie_and_lands_on_the_portal(
    client: TestClient, setup: ClinicSetup
) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post(
        "/login",
        data={
            "email": setup.email("patient0"),
            "password": PASSWORD,
            "csrf_token": csrf_in(page.text),
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/portal"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("attune_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie  # dev mode: plain-HTTP localhost
    home = client.get("/portal")
    assert home.status_code == 200
    assert "Patient 0 (Harbour)" in home.text


def test_staff_land_on_their_caseload(client: TestClient, setup: ClinicSetup) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "email": setup.email("clinician"),
            "password": PASSWORD,
            "csrf_token": csrf_in(page.text),
        },
    )
    assert response.headers["location"] == "/clinic"


def test_outside_dev_mode_the_cookie_is_secure(
    settings: Settings, database: Database, clock: FixedClock, setup: ClinicSetup
) -> None:
    strict = settings.model_copy(update={"dev_mode": False, "secret_key": "k" * 40})
    app = create_app(strict, clock=clock, uow_factory=database.unit_of_work)
    with TestClient(app, follow_redirects=False) as client:
        response = client.post(
            "/api/v1/session", json={"email": setup.email("admin"), "password": PASSWORD}
        )
    assert response.status_code == 200
    assert "; secure" in response.headers["set-cookie"].lower()


def test_failed_login_gives_one_generic_message_and_keeps_the_email(
    client: TestClient, setup: ClinicSetup
) -> None:
    page = client.get("/login")
    token = csrf_in(page.text)
    wrong_password = client.post(
        "/login",
        data={"email": setup.email("patient0"), "password": "nope-nope-nope", "csrf_token": token},
    )
    unknown = client.post(
        "/login",
        data={"email": "nobody@harbour.example.org", "password": PASSWORD, "csrf_token": token},
    )
    for response in (wrong_password, unknown):
        assert response.status_code == 401
        assert GENERIC in response.text
        assert "attune_session" not in response.headers.get("set-cookie", "")
    assert f'value="{setup.email("patient0")}"' in wrong_password.text
    assert client.get("/portal").status_code == 303


def test_api_login_failure_is_generic_json(client: TestClient, setup: ClinicSetup) -> None:
    response = client.post(
        "/api/v1/session", json={"email": setup.email("admin"), "password": "wrong-password"}
    )
    assert response.status_code == 401
    assert response.json() == {
        "error": {"type": "authentication_failed", "message": GENERIC, "field": "email"}
    }


def test_logout_ends_the_session_on_the_server(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("clinician"))
    token = client.cookies.get("attune_session")
    assert token
    csrf = cookie_csrf(client)
    response = client.post("/logout", data={"csrf_token": csrf})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?bye=1"
    assert 'attune_session=""' in response.headers["set-cookie"]
    # Even a copy of the old cookie no longer works: the server session has ended.
    client.cookies.set("attune_session", token)
    again = client.get("/clinic")
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/caseload", headers=bearer(token)).status_code == 401


def test_api_logout_with_a_bearer_token_ends_it(client: TestClient, setup: ClinicSetup) -> None:
    login = client.post(
        "/api/v1/session", json={"email": setup.email("admin"), "password": PASSWORD}
    )
    token = login.json()["token"]
    client.cookies.clear()
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert client.delete("/api/v1/session", headers=bearer(token)).status_code == 204
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_me_describes_the_actor(client: TestClient, setup: ClinicSetup) -> None:
    login = client.post(
        "/api/v1/session", json={"email": setup.email("patient0"), "password": PASSWORD}
    )
    assert login.status_code == 200
    body = login.json()
    assert body["user"] == {
        "user_id": setup.patients[0].user_id,
        "clinic_id": setup.clinic.id,
        "role": "patient",
        "name": "Patient 0 (Harbour)",
        "patient_id": setup.patients[0].id,
    }
    me = client.get("/api/v1/me").json()
    assert me["user"] == body["user"]
    assert me["csrf_token"] == body["csrf_token"]


def test_login_page_redirects_when_already_logged_in(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    assert client.get("/login").headers["location"] == "/portal"
    assert client.get("/").headers["location"] == "/portal"


def test_next_only_returns_to_a_path_on_this_site(client: TestClient, setup: ClinicSetup) -> None:
    page = client.get("/login?next=//evil.example/steal")
    assert 'name="next" value=""' in page.text
    response = client.post(
        "/login",
        data={
            "email": setup.email("clinician"),
            "password": PASSWORD,
            "next": "https://evil.example/",
            "csrf_token": csrf_in(page.text),
        },
    )
    assert response.headers["location"] == "/clinic"


def test_anonymous_pages_redirect_to_login_with_next(client: TestClient, app: FastAPI) -> None:
    response = client.get("/clinic/patients/1")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/clinic/patients/1"
    assert client.get("/").headers["location"] == "/login"


def test_security_headers_on_pages_api_and_assets(client: TestClient) -> None:
    for path in ("/login", "/api/openapi.json", "/static/css/attune.css", "/nope"):
        headers = client.get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    assert client.get("/login").headers["cache-control"] == "no-store"
