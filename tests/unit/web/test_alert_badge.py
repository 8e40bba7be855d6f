"""The open-alert count in the navigation: only for staff, and never breaking a page."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from starlette.requests import Request

from attune.services.actors import Actor, Role
from attune.web.alert_badge import open_alert_counter

STAFF = Actor(1, 1, Role.CLINICIAN, "Cam")
PATIENT = Actor(2, 1, Role.PATIENT, "Pat", 7)


def request_with(actor: Actor | None, factory: object) -> Request:
    app = SimpleNamespace(state=SimpleNamespace(uow_factory=factory))
    request = Request({"type": "http", "app": app, "state": {}})
    if actor is not None:
        request.state.actor = actor
    return request


def test_nobody_and_patients_get_no_count_and_no_database_read() -> None:
    def factory() -> object:
        raise AssertionError("the count must not read the database")

    assert open_alert_counter(request_with(None, factory))() is None
    assert open_alert_counter(request_with(PATIENT, factory))() is None


def test_a_count_that_cannot_be_read_leaves_the_link_without_a_number(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def factory() -> object:
        raise OSError("the database is down")

    assert open_alert_counter(request_with(STAFF, factory))() is None
    assert "could not count the open alerts" in caplog.text
