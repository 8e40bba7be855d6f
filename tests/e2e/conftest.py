"""Browser tests: the real app under uvicorn, driven by the system's headless Chromium.

``live`` serves ``create_app`` from a background thread on a free loopback port, against
a fresh migrated SQLite file seeded through the services (tests/factories.py): a clinic,
patient 0 with a PHQ-9 due today and two earlier PHQ-9 scores (so the clinician's chart
has a history). The server itself is ``browser_kit.serve``, shared with every journey.

Screenshots go to the test's tmp dir and, when ``ATTUNE_SCREENSHOT_DIR`` is set, are
copied there too (e.g. ``ATTUNE_SCREENSHOT_DIR=/work/notes/screenshots``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from browser_kit import CHROMIUM, CHROMIUM_ARGS, Live, fresh_database, serve
from playwright.sync_api import Browser, Playwright, sync_playwright

from attune.services import assignments, responses
from attune.services.clock import FixedClock
from factories import T0, make_clinic, phq9


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests need the system Chromium at {CHROMIUM} (install Debian's "
            "'chromium' package; `make test` does it)"
        )
    launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[Live]:
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0 - timedelta(days=28))
    uow = database.unit_of_work()
    setup = make_clinic(uow, clock)
    patient = setup.patients[0].id
    for total in (17, 13):  # an earlier history for the chart
        responses.submit_response(uow, setup.patient_actor(0), patient, "phq9", phq9(total), clock)
        clock.advance(timedelta(days=14))
    clock.set(T0)
    assigned = assignments.assign_instrument(
        uow, setup.clinician_actor, patient, "phq9", 14, None, clock
    )
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Live(base_url, setup, assigned.id, shots)
