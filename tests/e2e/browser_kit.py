"""Constants and helpers shared by the browser tests (the fixtures are in conftest).

``fresh_database`` and ``serve`` start the real app under uvicorn on a free loopback
port: the listening socket is bound before the server thread starts, so the browser's
first request simply waits in the backlog (no polling, no sleeps). ``collect_problems``,
``log_in``, ``shoot`` and friends are the steps every journey takes.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    Response,
    expect,
)

from attune.config import Settings
from attune.db import Database, open_database
from attune.services.clock import FixedClock
from attune.web import create_app
from factories import PASSWORD, ClinicSetup

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
CLINIC_PHONE = "555-0100"
CRISIS_LINE = "Crisis line: call or text 988, any time."


class Served(Protocol):
    """What a journey's fixture gives: the app's address and where screenshots go."""

    @property
    def shots(self) -> Path: ...

    def url(self, path: str) -> str: ...


@dataclass(frozen=True)
class Live:
    base_url: str
    setup: ClinicSetup
    assignment_id: int
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path


# ---------------------------------------------------------------------------- the server


def fresh_database(sqlite_template: Path, tmp_path: Path) -> tuple[str, Database]:
    """A copy of the migrated SQLite template in ``tmp_path``: its URL and the database."""
    path = tmp_path / "attune.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path.as_posix()}"
    return url, open_database(url)


def _free_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    return sock


@contextmanager
def serve(
    url: str, database: Database, clock: FixedClock, tmp_path: Path
) -> Iterator[tuple[str, Path]]:
    """Serve the app on ``database`` from a background thread; yield its base URL and an
    empty screenshot folder. Stops the server and disposes of the database afterwards."""
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
        yield f"http://127.0.0.1:{port}", shots
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
        database.dispose()


# ---------------------------------------------------------------------------- the browser


def phone_context(browser: Browser, **options: Any) -> BrowserContext:
    """A phone-sized touch context (``options`` add to it, e.g. ``reduced_motion``)."""
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)


def collect_problems(page: Page, *, failed_loads: bool = True) -> list[str]:
    """A list that fills with the page's console errors and page errors and, unless
    ``failed_loads`` is false, every answer with a status of 400 or more."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            found.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    if failed_loads:
        page.on("response", on_response)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def submit_login(page: Page, email: str) -> None:
    """Fill in the login form on the current page and send it."""
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, served: Served, email: str) -> None:
    """Open the app's front page, expect the login form, and log in as ``email``."""
    page.goto(served.url("/"))
    expect(page).to_have_url(re.compile(r"/login$"))
    submit_login(page, email)


def is_draft_save(response: Response) -> bool:
    return response.url.endswith("/draft") and response.request.method == "PUT"


def pick(page: Page, field_id: str, label: str) -> None:
    """Tick the radio button or checkbox labelled ``label`` in the question ``field_id``."""
    page.locator(f"#{field_id}").get_by_label(label, exact=True).check()


# ---------------------------------------------------------------------------- screenshots


def publish(path: Path) -> None:
    """Copy a screenshot to ATTUNE_SCREENSHOT_DIR, if set, for people to look at."""
    target = os.environ.get("ATTUNE_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(target) / path.name)


def shoot(page: Page, served: Served, name: str, *, full_page: bool = True) -> None:
    """Screenshot the page as ``<name>.png`` in the test's folder, and publish it."""
    path = served.shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    publish(path)


def shoot_element(locator: Locator, served: Served, name: str) -> None:
    """Screenshot one element as ``<name>.png`` in the test's folder, and publish it."""
    path = served.shots / f"{name}.png"
    locator.screenshot(path=str(path))
    publish(path)
