"""A patient and a clinician, in real headless Chromium, against the real app."""

from __future__ import annotations

import re

import pytest
from browser_kit import (
    CLINIC_PHONE,
    CRISIS_LINE,
    DESKTOP,
    PHONE,
    Live,
    collect_problems,
    is_draft_save,
    log_in,
    phone_context,
    shoot,
)
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.e2e

#: The patient's PHQ-9: items 1-8 add up to 9, item 9 is "Several days" (total 10).
ANSWERS = {
    "q1": "More than half the days",
    "q2": "More than half the days",
    "q3": "Several days",
    "q4": "Several days",
    "q5": "Several days",
    "q6": "Several days",
    "q7": "Several days",
    "q8": "Not at all",
    "q9": "Several days",
}


def _choose(page: Page, item: str, label: str) -> None:
    """Pick an answer and wait for the draft save it triggers."""
    with page.expect_response(is_draft_save) as saved:
        page.locator(
            f"#item-{item} label.option", has_text=re.compile(f"^\\s*{label}\\s*$")
        ).click()
    assert saved.value.ok


def test_patient_answers_phq9_with_item9_and_the_clinician_sees_it(
    browser: Browser, live: Live
) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    problems = collect_problems(page, failed_loads=False)

    log_in(page, live, live.setup.email("patient0"))
    expect(page).to_have_url(re.compile(r"/portal$"))
    expect(
        page.get_by_role("heading", name=re.compile("Patient Health Questionnaire-9"))
    ).to_be_visible()
    expect(page.get_by_text("Ready for you today")).to_be_visible()
    shoot(page, live, "01-patient-portal-phone")

    page.get_by_role("link", name="Start PHQ-9").click()
    expect(page).to_have_url(re.compile(rf"/portal/answer/{live.assignment_id}$"))
    expect(page.get_by_text("Over the last 2 weeks")).to_be_visible()
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("Answered 0 of 9")
    inline_crisis = page.locator('[data-crisis-for="q9"]')
    expect(inline_crisis).to_be_hidden()
    for number, (item, label) in enumerate(ANSWERS.items(), start=1):
        _choose(page, item, label)
        expect(progress).to_have_text(f"Answered {number} of 9")
        if number == 4:
            expect(page.locator("[data-save-status]")).to_contain_text("Saved")
            shoot(page, live, "02-answering-phone", full_page=False)
    assert page.locator("progress").evaluate("el => el.value") == 9
    # The crisis resources appear the moment item 9 is answered, before sending.
    expect(inline_crisis).to_be_visible()
    expect(inline_crisis).to_contain_text(CRISIS_LINE)
    shoot(page, live, "02b-crisis-while-answering-phone", full_page=False)
    _choose(page, "q9", "Not at all")
    expect(inline_crisis).to_be_hidden()
    _choose(page, "q9", ANSWERS["q9"])

    page.get_by_role("button", name="Send my answers").click()
    crisis = page.locator(".crisis")
    expect(crisis).to_be_visible()
    expect(crisis).to_contain_text(CRISIS_LINE)
    expect(crisis).to_contain_text(CLINIC_PHONE)
    expect(crisis).to_contain_text("let your care team know")
    box = crisis.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] / 2  # shown at once, at the top
    expect(page.get_by_text("10 out of 27 — Moderate")).to_be_visible()
    shoot(page, live, "03-crisis-resources-phone", full_page=False)
    shoot(page, live, "04-thank-you-phone")
    leftover = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('attune-draft-')).length"
    )
    assert leftover == 0
    assert problems == []
    phone.close()

    desk = browser.new_context(viewport=DESKTOP)
    page = desk.new_page()
    problems = collect_problems(page, failed_loads=False)
    log_in(page, live, live.setup.email("clinician"))
    expect(page).to_have_url(re.compile(r"/clinic$"))
    row = page.locator("tr", has_text="Patient 0 (Harbour)")
    expect(row).to_have_class("row--flagged")
    expect(row).to_contain_text("PHQ-9 10 · Moderate")
    expect(row).to_contain_text("suicidal ideation")
    shoot(page, live, "05-clinician-caseload")

    page.get_by_role("link", name="Patient 0 (Harbour)").click()
    chart = page.locator("svg.chart")
    expect(chart).to_be_visible()
    expect(chart.locator("circle.chart-point")).to_have_count(3)
    expect(chart.locator("desc")).to_contain_text("latest 10 (Moderate)")
    flags = page.locator(".flag")
    expect(flags).to_have_count(1)
    expect(flags).to_contain_text("Suicidal ideation")
    newest = page.locator("details.response").first
    expect(newest).to_contain_text("Total 10 · Moderate")
    expect(newest.locator("tr", has_text="better off dead")).to_contain_text("Several days")
    shoot(page, live, "06-clinician-patient")

    flags.get_by_label(re.compile("Note")).fill("Called the same day; safety plan reviewed.")
    flags.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Flag acknowledged.")).to_be_visible()
    expect(page.locator(".flag")).to_have_count(0)
    assert problems == []
    desk.close()


def test_reloading_mid_form_restores_answers_even_when_saving_failed(
    browser: Browser, live: Live
) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    log_in(page, live, live.setup.email("patient0"))
    page.goto(live.url(f"/portal/answer/{live.assignment_id}"))
    first = list(ANSWERS.items())[:3]
    for item, label in first:
        _choose(page, item, label)

    page.reload()
    progress = page.locator("#progress-text")
    expect(progress).to_have_text("Answered 3 of 9")
    for item, label in first:
        expect(
            page.locator(f"#item-{item} label.option", has_text=label).locator("input")
        ).to_be_checked()

    # The connection drops: draft saves fail, the answers stay on the device.
    page.route("**/draft", lambda route: route.abort())
    page.locator("#item-q4 label.option", has_text="Several days").click()
    page.locator("#item-q5 label.option", has_text="Nearly every day").click()
    expect(page.locator("[data-save-status]")).to_contain_text("kept on this device")

    page.reload()
    expect(progress).to_have_text("Answered 5 of 9")
    expect(
        page.locator("#item-q5 label.option", has_text="Nearly every day").locator("input")
    ).to_be_checked()
    expect(page.locator("[data-save-status]")).to_contain_text("kept on this device")
    shoot(page, live, "07-restored-after-reload-phone", full_page=False)

    # Back online: the restored answers reach the server.
    page.unroute("**/draft")
    with page.expect_response(is_draft_save) as saved:
        page.reload()
    assert saved.value.ok
    expect(page.locator("[data-save-status]")).to_contain_text("Saved")
    due = page.request.get(live.url(f"/api/v1/patients/{live.setup.patients[0].id}/due"))
    assert due.ok
    (entry,) = [d for d in due.json() if d["assignment_id"] == live.assignment_id]
    assert entry["draft"] == {"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 3}
    phone.close()
