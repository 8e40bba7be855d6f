"""The clinician's alert inbox in real headless Chromium, against the real app.

Patient 0 has two months of check-ins (being alone is followed by stronger craving the
next day) and today answers the safety question with thoughts of ending their life: an
urgent alert is raised at once. The clinician sees the open count in the navigation,
opens the inbox (the alert with its reason), follows the patient's link to their
check-ins page (the risk now with its reasons, what precedes craving as a forest plot
with intervals, the raw series), acknowledges the alert there, tries to resolve it
without a note (the message appears beside the field, nothing saved), then resolves it
with a note: it moves to the history with who and when, and the inbox is empty.

Screenshots go to the test's tmp dir and to ``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_kit import DESKTOP, Live, collect_problems, fresh_database, serve, shoot, submit_login
from playwright.sync_api import Browser, Page, expect

from attune.domain.monitoring.checkin import CheckIn, Safety
from attune.services import checkins
from attune.services.clock import FixedClock
from factories import T0, make_clinic
from monitoring_seeds import planted, save_checkins

pytestmark = pytest.mark.e2e

PATIENT = "Patient 0 (Harbour)"
NOTE = "Phoned the same morning; safe, with their partner; seen in clinic this afternoon."


@pytest.fixture
def clinic(sqlite_template: Path, tmp_path: Path) -> Iterator[Live]:
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0)
    uow = database.unit_of_work()
    setup = make_clinic(uow, clock)
    patient = setup.patients[0].id
    save_checkins(uow, patient, planted(T0.date(), 60, seed=3, skip_every=9)[:-1])
    saved = checkins.record_checkin(
        uow,
        setup.patient_actor(0),
        patient,
        CheckIn(day=T0.date(), mood=2, stress=8, loneliness=8, craving=7, safety=Safety.THOUGHTS),
        clock,
    )
    assert saved.safety_alert is not None
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Live(base_url, setup, 0, shots)


def _log_in(page: Page, clinic: Live) -> None:
    page.goto(clinic.url("/login"))
    submit_login(page, clinic.setup.email("clinician"))
    expect(page).to_have_url(re.compile(r"/clinic$"))


def test_a_clinician_acknowledges_and_resolves_a_safety_alert(
    browser: Browser, clinic: Live
) -> None:
    page = browser.new_page(viewport=DESKTOP)
    problems = collect_problems(page, failed_loads=False)
    _log_in(page, clinic)

    # The caseload: the open count in the navigation and the check-ins column.
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"^Alerts 1 open$"))).to_be_visible()
    row = page.get_by_role("row", name=re.compile(re.escape(PATIENT)))
    expect(row).to_contain_text("Today")
    expect(row).to_contain_text("1 open alert")
    shoot(page, clinic, "90-caseload-check-ins", full_page=False)

    # The inbox: the alert with its reason.
    nav.get_by_role("link", name=re.compile("^Alerts")).click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    card = page.locator(".alert-card").first
    expect(card).to_contain_text("Urgent")
    expect(card).to_contain_text("Thoughts of suicide or self-harm")
    expect(card).to_contain_text("thoughts of ending their life")
    shoot(page, clinic, "91-alert-inbox")

    # The patient's check-ins page.
    card.get_by_role("link", name=PATIENT, exact=True).click()
    expect(page.get_by_role("heading", name=f"{PATIENT}: check-ins")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Relapse risk now"))).to_be_visible()
    forest = page.locator("#effects-craving-triggers")
    expect(forest.locator("svg.chart--forest")).to_be_visible()
    expect(forest).to_contain_text("Being alone: next-day craving higher by")
    expect(page.locator("svg.chart--daily").first).to_be_visible()
    shoot(page, clinic, "92-patient-check-ins")

    # Acknowledge it there.
    alerts = page.locator("#alerts")
    alerts.get_by_role("button", name=re.compile("^Acknowledge")).click()
    expect(page.get_by_role("status")).to_have_text("The alert is acknowledged.")
    acknowledged = page.locator("#alerts .alert-card").first
    expect(acknowledged).to_contain_text("Acknowledged by Cam Clinician (Harbour)")
    expect(page.get_by_role("link", name=re.compile(r"^Alerts 1 open$"))).to_be_visible()

    # Resolving needs a note: without one, the message is beside the field.
    acknowledged.get_by_text("Resolve with a note").click()
    acknowledged.get_by_role("button", name="Resolve the alert").click()
    expect(page.locator("#note-error")).to_have_text(
        "Say what was done about this alert before resolving it."
    )
    page.get_by_label("What was done").fill(NOTE)
    shoot(page, clinic, "93-resolve-needs-a-note", full_page=False)
    page.get_by_role("button", name="Resolve the alert").click()

    # Back on the patient's page: resolved, in the history with who and when.
    expect(page).to_have_url(re.compile(r"/insight\?done=resolved#alerts$"))
    expect(page.get_by_role("status")).to_contain_text("The alert is resolved.")
    expect(page.locator("#alerts")).to_contain_text("No open alerts.")
    page.get_by_text("Resolved alerts (1), with who and when").click()
    history = page.locator(".alert-history .alert-card").first
    expect(history).to_contain_text("Resolved by Cam Clinician (Harbour) on 5 January 2026")
    expect(history).to_contain_text(NOTE)
    shoot(page, clinic, "94-alert-resolved")

    nav.get_by_role("link", name="Alerts").click()
    expect(page.get_by_role("heading", name="No open alerts")).to_be_visible()
    # The one refused form (the resolve without a note) is the only problem allowed.
    assert [p for p in problems if "status of 422" not in p] == []
    page.close()
