"""One error mapping: the DomainError tree to HTTP statuses, JSON shape, no stack traces."""

from __future__ import annotations

import html

import pytest
from fastapi import FastAPI
from web_helpers import TestClient

from attune.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidAnswer,
    NotFound,
    PermissionDenied,
    UnknownInstrument,
    ValidationError,
)

CASES = [
    (InvalidAnswer("q9: 7 is not an allowed answer", field="q9"), 422, "validation_error"),
    (ValidationError("bad", field="every_days"), 422, "validation_error"),
    (UnknownInstrument("no instrument 'x'", field="instrument"), 404, "not_found"),
    (NotFound("no such patient"), 404, "not_found"),
    (PermissionDenied("not yours"), 403, "permission_denied"),
    (AuthenticationFailed("log in again"), 401, "authentication_failed"),
    (Conflict("already done", field="assignment_id"), 409, "conflict"),
]


@pytest.fixture
def app(fresh_app: FastAPI) -> FastAPI:
    """These tests add routes, so each gets an app of its own."""
    return fresh_app


def _raising(app: FastAPI, error: Exception) -> None:
    def boom() -> None:
        raise error

    app.add_api_route("/api/v1/test-boom", boom, methods=["GET"])
    app.add_api_route("/test-boom", boom, methods=["GET"])


@pytest.mark.parametrize(("error", "status", "kind"), CASES)
def test_each_domain_error_maps_to_one_status(
    app: FastAPI, error: DomainError, status: int, kind: str
) -> None:
    _raising(app, error)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        api = client.get("/api/v1/test-boom")
        page = client.get("/test-boom")
    assert api.status_code == status
    assert api.json() == {"error": {"type": kind, "message": error.message, "field": error.field}}
    if status == 401:
        assert api.headers["www-authenticate"].startswith("Bearer")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    else:
        assert page.status_code == status
        assert html.escape(error.message).replace("&#x27;", "&#39;") in page.text


def test_an_unexpected_error_is_a_calm_500_without_a_trace(app: FastAPI) -> None:
    _raising(app, RuntimeError("secret internals: password=hunter2"))
    with TestClient(app, raise_server_exceptions=False) as client:
        api = client.get("/api/v1/test-boom")
        page = client.get("/test-boom")
    assert api.status_code == 500 and page.status_code == 500
    assert api.json()["error"]["type"] == "internal_error"
    for text in (api.text, page.text):
        assert "hunter2" not in text and "Traceback" not in text and "RuntimeError" not in text
    assert "Something went wrong on our side" in page.text


def test_unknown_routes_and_bad_path_params(client: TestClient) -> None:
    assert client.get("/api/v1/nowhere").json()["error"]["type"] == "not_found"
    assert client.get("/nowhere").status_code == 404
    login = client.post("/api/v1/session", json={"email": "a@b.c"})
    assert login.status_code == 422
    assert login.json()["error"]["field"] == "password"
