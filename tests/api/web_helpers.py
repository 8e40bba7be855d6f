"""Helpers for the API tests: logging in as a browser or an API client, CSRF tokens, and
the one-request steps of the role × route access matrices (``page_response``,
``api_status``)."""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import httpx
from fastapi import FastAPI

from attune.services import auth
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import FAST_HASHER, PASSWORD, ClinicSetup

with warnings.catch_warnings():
    # Starlette suggests another HTTP client package for its TestClient; httpx still works.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class World:
    setup: ClinicSetup
    assignment_id: int
    #: Open flags on patient 0, one per role that may try to acknowledge one.
    flag_ids: tuple[int, ...]

    @property
    def patient_id(self) -> int:
        return self.setup.patients[0].id


def session_token(uow: UnitOfWork, clock: FixedClock, email: str) -> str:
    """A real server session for the user (the same mechanism as the log-in routes)."""
    return auth.log_in(uow, email, PASSWORD, clock, 12, hasher=FAST_HASHER).token


def csrf_in(html: str) -> str:
    found = CSRF_INPUT.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def browser_login(client: TestClient, email: str, password: str = PASSWORD) -> None:
    """Log in through the login form, as a browser does (the cookie stays on the client)."""
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_in(page.text)},
    )
    assert response.status_code == 303, response.text


def cookie_csrf(client: TestClient) -> str:
    """The X-CSRF-Token / form token for the client's current cookie session."""
    response = client.get("/api/v1/me")
    assert response.status_code == 200, response.text
    token = response.json()["csrf_token"]
    assert isinstance(token, str)
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def page_response(
    app: FastAPI,
    uow: UnitOfWork,
    clock: FixedClock,
    email: str | None,
    method: str,
    path: str,
    form: Mapping[str, object] | None = None,
) -> httpx.Response:
    """One page request from a browser logged in as ``email`` (``None``: nobody), with
    redirects not followed. A POST sends ``form`` with the session's CSRF token (no body at
    all when ``form`` is None). A refusal must be one of our own pages, never a traceback."""
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        if email is None:
            csrf = csrf_in(client.get("/login").text)
        else:
            client.cookies.set("attune_session", session_token(uow, clock, email))
            csrf = cookie_csrf(client)
        if method == "GET":
            response = client.get(path)
        else:
            data = None if form is None else {"csrf_token": csrf, **form}
            response = client.post(path, data=data)
    if response.status_code >= 400:
        assert "Traceback" not in response.text
        assert "<h1" in response.text
    return response


def api_status(
    app: FastAPI,
    uow: UnitOfWork,
    clock: FixedClock,
    email: str | None,
    method: str,
    path: str,
    body: object = None,
) -> int:
    """The status of one API request with ``email``'s bearer token (``None``: no token).
    A refusal must be our JSON error with a message, never a traceback."""
    headers = {} if email is None else bearer(session_token(uow, clock, email))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.request(method, path, json=body, headers=headers)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert error["message"] and "Traceback" not in error["message"]
    return response.status_code
