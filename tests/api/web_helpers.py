"""Helpers for the API tests: logging in as a browser or an API client, CSRF tokens."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

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
