"""The teaching page in real headless Chromium, for a patient on a laptop and a phone.

Patient 0 follows the Learn link in the main navigation, reads that this is a model and
not a prediction, sees the four ways of living the same simulated year as four titled
charts, and picks another person. On a phone the page fits the screen: wide charts
scroll sideways inside their own box, never the page. Screenshots go to the test's tmp
dir and to ``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import re

import pytest
from browser_kit import DESKTOP, Live, collect_problems, log_in, phone_context, shoot
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.e2e

CHARTS = ("Craving", "Days of use each week", "Coping skill", "Depression (PHQ-9 scale)")


def test_a_patient_reads_the_teaching_page(browser: Browser, live: Live) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    problems = collect_problems(page)
    log_in(page, live, live.setup.email("patient0"))
    page.get_by_role("link", name="Learn").click()
    expect(page).to_have_url(re.compile(r"/learn/cycle$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("One person's year, four ways")
    expect(page.get_by_text("A model, not a prediction.")).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(4)
    for name in CHARTS:
        expect(page.get_by_role("img", name=name)).to_be_visible()
    shoot(page, live, "teaching-desktop")
    page.get_by_role("link", name="2", exact=True).click()
    expect(page).to_have_url(re.compile(r"/learn/cycle\?person=2$"))
    expect(page.get_by_role("heading", name="Person 2")).to_be_visible()
    assert problems == []
    context.close()


def test_the_teaching_page_fits_a_phone(browser: Browser, live: Live) -> None:
    context = phone_context(browser)
    page = context.new_page()
    problems = collect_problems(page)
    log_in(page, live, live.setup.email("patient0"))
    page.goto(live.url("/learn/cycle"))
    expect(page.get_by_role("img", name="Craving")).to_be_attached()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert page.viewport_size is not None
    assert width <= page.viewport_size["width"]
    shoot(page, live, "teaching-phone")
    assert problems == []
    context.close()
