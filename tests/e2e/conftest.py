"""Browser tests: the real app under uvicorn, driven by the system's headless Chromium.

``live`` serves ``create_app`` from a background thread on a free loopback port, against
a fresh migrated SQLite file seeded through the services (tests/factories.py): a clinic,
patient 0 with a PHQ-9 due today and two earlier PHQ-9 scores (so the clinician's chart
has a history). The listening socket is bound before the server thread starts, so the
browser's first request simply waits in the backlog: no polling, no sleeps.

Screenshots go to the test's tmp dir and, when ``ATTUNE_SCREENSHOT_DIR`` is set, are
copied there too (e.g. ``ATTUNE_SCREENSHOT_DIR=/work/notes/screenshots``).
"""

from __future__ import annotations

import shutil
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from browser_kit import CHROMIUM, CHROMIUM_ARGS, CLINIC_PHONE, CRISIS_LINE, Live
from playwright.sync_api import Browser, Playwright, sync_playwright

from attune.config import Settings
from attune.db import open_database
from attune.services import assignments, responses
from attune.services.clock import FixedClock
from attune.web import create_app
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


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[Live]:
    path = tmp_path / "attune.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path.as_posix()}"
    database = open_database(url)
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
    settings = Settings(
        dev_mode=True,
        database_url=url,
        data_dir=tmp_path,
        clinic_phone=CLINIC_PHONE,
        crisis_line=CRISIS_LINE,
    )
    app = create_app(settings, clock=clock, uow_factory=database.unit_of_work)
    sock = _free_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    shots = tmp_path / "screenshots"
    shots.mkdir()
    try:
        yield Live(f"http://127.0.0.1:{port}", setup, assigned.id, shots)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        database.dispose()
