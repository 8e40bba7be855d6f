"""A daily check-in on a phone, in real headless Chromium, against the real app.

Patient 0 opens the check-in from the start page and checks in with a few taps (four
numbers, "no", "no", save) and is thanked with their streak in warm words. Later that day
they change it: they used (the words for a lapse appear as soon as "yes" is chosen, and
the question about what), and they say they have had thoughts of hurting themselves; the
clinic's crisis resources appear on the form at once and come first after saving, and the
care team has an urgent alert. Every tap target is big enough for a thumb and nothing
runs off the side of the screen. Screenshots go to the test's tmp dir and to
``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from browser_kit import (
    CLINIC_PHONE,
    CRISIS_LINE,
    DESKTOP,
    collect_problems,
    fresh_database,
    log_in,
    phone_context,
    serve,
    shoot,
)
from playwright.sync_api import Browser, Page, expect

from attune.db import Database
from attune.services.clock import FixedClock
from attune.services.ports_monitoring import AlertKind, Priority
from factories import T0, ClinicSetup, make_clinic

pytestmark = pytest.mark.e2e

TODAY = date(2026, 1, 5)


@dataclass(frozen=True)
class Served:
    base_url: str
    setup: ClinicSetup
    database: Database
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def live(sqlite_template: Path, tmp_path: Path) -> Iterator[Served]:
    """A clinic (tests/factories.py) served at Monday 5 January 2026, 09:00 UTC."""
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0)
    setup = make_clinic(database.unit_of_work(), clock)
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Served(base_url, setup, database, shots)


#: WCAG 2.2's minimum target size is 24 CSS pixels; the numbers are drawn taller.
MIN_TARGET = 24


def _tap_number(page: Page, field: str, value: int) -> None:
    page.locator(f"#f-{field} label.ci-scale__n", has_text=re.compile(f"^{value}$")).click()


def _tap(page: Page, field: str, label: str) -> None:
    page.locator(f"#f-{field} label", has_text=re.compile(f"^\\s*{re.escape(label)}\\s*$")).click()


def _fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size
    assert viewport is not None and width <= viewport["width"], width


def _targets_are_big_enough(page: Page) -> None:
    for selector in ("label.ci-scale__n span", ".ci-pair label span", ".ci-chip span"):
        for box in (el.bounding_box() for el in page.locator(selector).all()):
            if box is None:  # hidden until "yes" is chosen
                continue
            assert box["width"] >= MIN_TARGET and box["height"] >= 40, (selector, box)


def test_a_patient_checks_in_on_a_phone_in_a_few_taps(browser: Browser, live: Served) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    problems = collect_problems(page, failed_loads=False)
    log_in(page, live, live.setup.email("patient0"))
    expect(page).to_have_url(re.compile(r"/portal$"))
    page.get_by_role("link", name="Check in", exact=True).click()
    expect(page.get_by_role("heading", name="How was today?")).to_be_visible()
    expect(page.get_by_text("Open until midnight tonight")).to_be_visible()
    _fits_the_screen(page)
    _targets_are_big_enough(page)
    shoot(page, live, "checkin-01-form-phone")

    # Seven taps: four numbers, "no" to use, "no" to the safety question, save.
    for field, value in (("mood", 7), ("stress", 3), ("loneliness", 2), ("craving", 1)):
        _tap_number(page, field, value)
    _tap(page, "used", "No")
    expect(page.locator("#f-uses")).to_be_hidden()
    _tap(page, "safety", "No")
    expect(page.locator(".ci-crisis")).to_be_hidden()
    page.get_by_role("button", name="Save my check-in").click()

    expect(page).to_have_url(re.compile(r"/portal/checkin/saved\?day=2026-01-05$"))
    expect(page.get_by_role("heading", name="Thank you for checking in")).to_be_visible()
    expect(page.locator(".ci-streak")).to_contain_text("day")
    expect(page.get_by_text("You can change today's answers until midnight")).to_be_visible()
    _fits_the_screen(page)
    shoot(page, live, "checkin-02-thanks-phone")

    # Later that day: a lapse, and thoughts of self-harm.
    page.get_by_role("link", name="Change today's answers").click()
    expect(page.get_by_text("You have checked in today.")).to_be_visible()
    _tap(page, "used", "Yes")
    expect(page.locator("#f-uses")).to_be_visible()
    expect(page.get_by_text("Thank you for being honest.")).to_be_visible()
    page.locator("#f-uses label.ci-chip").first.click()
    page.locator("#f-uses input[name^='amount_']").first.fill("2")
    _tap(page, "triggers", "Being alone")
    _tap(page, "safety", "Yes, I have had thoughts like that")
    crisis = page.locator(".ci-crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text(CRISIS_LINE)
    expect(crisis).to_contain_text(CLINIC_PHONE)
    _targets_are_big_enough(page)
    _fits_the_screen(page)
    shoot(page, live, "checkin-03-safety-answer-phone")
    page.get_by_role("button", name="Save my changes").click()

    expect(page).to_have_url(re.compile(r"/portal/checkin/saved"))
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You don't have to face this alone")
    expect(alert).to_contain_text(CRISIS_LINE)
    expect(alert).to_contain_text("We have let your care team know")
    expect(
        page.get_by_role("heading", name="Thank you for being honest about using")
    ).to_be_visible()
    shoot(page, live, "checkin-04-crisis-and-support-phone")
    assert problems == []
    phone.close()

    uow = live.database.unit_of_work()
    patient = live.setup.patients[0].id
    with uow:
        alerts = uow.alerts.open_for_patient(patient, AlertKind.SAFETY)
        saved = uow.monitoring.checkins_between(patient, TODAY, TODAY)
    assert [a.priority for a in alerts] == [Priority.URGENT]
    assert len(saved) == 1 and saved[0].checkin.used and saved[0].checkin.triggers == ("alone",)


def test_the_check_in_and_my_patterns_on_a_desktop(browser: Browser, live: Served) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    page = desk.new_page()
    problems = collect_problems(page)
    log_in(page, live, live.setup.email("patient0"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Check in").click()
    expect(page.get_by_role("heading", name="How was today?")).to_be_visible()
    shoot(page, live, "checkin-05-form-desktop")
    page.goto(live.url("/portal/patterns"))
    expect(page.get_by_role("heading", name="My patterns", exact=True)).to_be_visible()
    expect(page.get_by_text("0 of 21")).to_be_visible()
    # The wide drawing shows on a desktop, the narrow one on a phone.
    expect(page.locator(".pt-wide svg").first).to_be_visible()
    expect(page.locator(".pt-narrow svg").first).to_be_hidden()
    shoot(page, live, "checkin-06-patterns-desktop")
    assert problems == []
    desk.close()
