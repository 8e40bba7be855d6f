"""Fixtures for tests through the ASGI app, on SQLite and PostgreSQL (via ``database``).

``client`` is a Starlette TestClient on ``create_app(settings)`` wired to the test's
database and fixed clock. ``world`` adds to the conftest clinic: a PHQ-9 assigned to
patient 0 (due today), plus open flags on patient 0 for the acknowledge tests.
Helpers log users in the way a browser (form + cookie) or an API client (bearer) does.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, World

from attune.config import Settings
from attune.db import Database
from attune.services import assignments, responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.web import create_app
from factories import ClinicSetup, phq9


def _web_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"clinic_phone": "555-0100", "crisis_line": "Crisis line: call or text 988"}
    )


#: One app for the whole session: building one takes about a second (FastAPI resolves
#: every route's dependencies), so each test points the shared app at its own settings,
#: database and clock through ``app.state`` (the only place the routes read them from).
_SHARED: list[FastAPI] = []


@pytest.fixture
def app(settings: Settings, database: Database, clock: FixedClock) -> FastAPI:
    web_settings = _web_settings(settings)
    if not _SHARED:
        _SHARED.append(create_app(web_settings, clock=clock, uow_factory=database.unit_of_work))
    shared = _SHARED[0]
    shared.state.settings = web_settings
    shared.state.clock = clock
    shared.state.uow_factory = database.unit_of_work
    shared.state.instruments = database.unit_of_work().instruments
    return shared


@pytest.fixture
def fresh_app(settings: Settings, database: Database, clock: FixedClock) -> FastAPI:
    """An app of its own, for a test that adds routes to it."""
    return create_app(_web_settings(settings), clock=clock, uow_factory=database.unit_of_work)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def world(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> World:
    flags = []
    for _ in range(6):
        submitted = responses.submit_response(
            uow, setup.clinician_actor, setup.patients[0].id, "phq9", phq9(12, item9=1), clock
        )
        assert submitted.crisis
    with uow:
        flags = [f.id for f in uow.flags.open_for_patient(setup.patients[0].id)]
    assigned = assignments.assign_instrument(
        uow, setup.clinician_actor, setup.patients[0].id, "phq9", None, None, clock
    )
    return World(setup, assigned.id, tuple(flags))
