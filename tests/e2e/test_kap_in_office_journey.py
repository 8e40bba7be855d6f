"""An in-office KAP course in real headless Chromium, against the real app.

The clinician opens a course, checks eligibility (a raised blood pressure: eligible with
conditions, every reason with its source) and signs it off; a dose tried before consent
and preparation is refused with its reasons and nothing saved. The patient's consent and
preparation are recorded through the services (the portal side has its own journey).
The clinician then starts the session, records the vitals, one of them out of range (the
warning is shown, in the table and on the chart), a rating, tries to sign too soon (each
missing item listed), completes the discharge checklist and signs; a second dose is
refused until the integration session is held; the integration session is booked, then
held the next day. Finally a Spravato session shows its REMS record, the printable page
(printed as paper would be) and the list of records not yet submitted.

Screenshots go to the test's tmp dir and to ``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from browser_kit import (
    DESKTOP,
    collect_problems,
    fresh_database,
    phone_context,
    serve,
    shoot,
    shoot_element,
    submit_login,
)
from playwright.sync_api import Browser, Locator, Page, expect

from attune.db import Database
from attune.services import kap_course, responses
from attune.services.clock import FixedClock
from factories import (
    KAP_SAFETY_PLAN,
    T0,
    ClinicSetup,
    eligible_course,
    make_clinic,
    phq9,
    submitted_intake,
)

pytestmark = pytest.mark.e2e

PATIENT = "Patient 0 (Harbour)"
SPRAVATO_PATIENT = "Patient 1 (Harbour)"


@dataclass(frozen=True)
class Clinic:
    base_url: str
    setup: ClinicSetup
    database: Database
    clock: FixedClock
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path

    def at(self, day: int, hour: int, minute: int = 0) -> datetime:
        """A time in January 2026 (UTC); the clock is set to it."""
        moment = T0.replace(day=day, hour=hour, minute=minute)
        self.clock.set(moment)
        return moment


@pytest.fixture
def clinic(sqlite_template: Path, tmp_path: Path) -> Iterator[Clinic]:
    """The app on a fresh SQLite file: patient 0 has sent their intake and a PHQ-9;
    patient 1 (the other clinician's) has a Spravato course ready for its first dose."""
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0)
    uow = database.unit_of_work()
    setup = make_clinic(uow, clock)
    submitted_intake(uow, setup, clock)
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(total=6), clock
    )
    eligible_course(uow, setup, clock, patient=1, program="spravato_in_office")
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Clinic(base_url, setup, database, clock, shots)


# ---------------------------------------------------------------------------- helpers


def _unexpected(problems: list[str], *statuses: int) -> list[str]:
    """The problems left once the refused forms' answers with these statuses (the page
    load and the browser's console line for each) are set aside."""
    allowed = [f"{code} POST" for code in statuses]
    allowed += [
        f"Failed to load resource: the server responded with a status of {code}"
        for code in statuses
    ]
    return [p for p in problems if not any(p.startswith(a) for a in allowed)]


def _log_in(page: Page, clinic: Clinic, who: str) -> None:
    page.goto(clinic.url("/login"))
    submit_login(page, clinic.setup.email(who))
    expect(page).to_have_url(re.compile(r"/clinic$"))


def _reading(page: Page, at: str, values: tuple[str, str, str, str]) -> None:
    form = page.locator("form[action$='/vitals']")
    form.get_by_label("Time of the reading").fill(at)
    for label, value in zip(
        ("Systolic (mmHg)", "Diastolic (mmHg)", "Heart rate (a minute)", "SpO2 (%)"),
        values,
        strict=True,
    ):
        form.get_by_label(label).fill(value)
    form.get_by_role("button", name="Save the reading").click()
    expect(page.get_by_text("The reading is saved.")).to_be_visible()


def _step(page: Page, title: str) -> Locator:
    """The next step whose heading starts with ``title``."""
    heading = page.locator("h3", has_text=re.compile("^" + re.escape(title)))
    return page.locator(".kap-step").filter(has=heading)


def _yes(form: Locator, question: str) -> None:
    form.get_by_role("group", name=question).get_by_label("Yes", exact=True).check()


# ---------------------------------------------------------------------------- the journey


def _course_and_eligibility(page: Page, clinic: Clinic) -> None:
    _log_in(page, clinic, "clinician")
    page.get_by_role("link", name=PATIENT).click()
    page.get_by_role("navigation", name="Care path").get_by_role("link", name="KAP").click()
    expect(page.get_by_role("heading", name="Open a KAP course")).to_be_visible()
    expect(page.get_by_text("there is no at-home Spravato program")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Ketamine in the office")).check()
    page.get_by_role("button", name="Open the course").click()
    expect(page.get_by_text("The course is open. Check eligibility next.")).to_be_visible()
    blocked = _step(page, "Dose 1 in the office")
    expect(blocked).to_contain_text("The prescriber has not signed off eligibility yet.")
    shoot(page, clinic, "80-kap-course-opened")

    page.get_by_label("Systolic (mmHg)").fill("150")
    page.get_by_label("Diastolic (mmHg)").fill("92")
    page.get_by_role("button", name="Check eligibility").click()
    expect(page.locator(".kap-outcome")).to_have_text("Eligible with conditions")
    raised = page.locator(".kap-reason", has_text="The measured blood pressure is above")
    expect(raised).to_contain_text("Measured 150/92 mmHg")
    raised.get_by_text(re.compile("sources?$", re.IGNORECASE)).first.click()
    expect(raised.locator(".kap-reason__sources li").first).to_be_visible()
    shoot(page, clinic, "81-kap-eligibility-with-conditions")

    sign = page.locator("form[action$='/sign-off']")
    sign.get_by_label("Approve: go ahead").check()
    sign.get_by_role("button", name="Record the sign-off").click()
    expect(page.locator("#f-note-error")).to_have_text(
        "Say how each condition will be met before the first dose."
    )
    expect(page.get_by_label("Approve: go ahead")).to_be_checked()
    page.get_by_label("Note", exact=True).fill(
        "Blood pressure rechecked before each dose; no alcohol in the week of a dose."
    )
    page.get_by_role("button", name="Record the sign-off").click()
    expect(page.get_by_text("The sign-off is recorded.")).to_be_visible()
    expect(page.locator(".kap-signed")).to_contain_text("Approved on 5 January 2026")
    shoot_element(page.locator("#eligibility"), clinic, "82-kap-signed-off")


def _a_dose_too_early(page: Page, clinic: Clinic) -> None:
    _step(page, "Dose 1 in the office").get_by_role("link", name="Open the session form").click()
    expect(page.get_by_role("heading", name="Start an in-office session")).to_be_visible()
    page.get_by_label("Intramuscular (IM)").check()
    page.get_by_label("Dose in mg", exact=True).fill("35")
    page.get_by_label("Weight in kg").fill("70")
    page.get_by_label("Lot number").fill("K-1")
    page.get_by_role("button", name="Start the session").click()
    refusal = page.locator(".kap-refusal")
    expect(refusal).to_contain_text("The course does not allow a dose now. Nothing was saved.")
    expect(refusal).to_contain_text("The patient's consent has not been recorded.")
    expect(refusal).to_contain_text("Preparation is not complete: 0 of 2 sessions held.")
    expect(page.get_by_label("Lot number")).to_have_value("K-1")
    shoot(page, clinic, "83-kap-dose-refused", full_page=False)


def _consent_and_preparation(clinic: Clinic) -> int:
    """The patient's side, through the services (the portal journey drives it in the
    browser): consent, the safety plan and every preparation module."""
    uow = clinic.database.unit_of_work()
    me, patient = clinic.setup.patient_actor(0), clinic.setup.patients[0].id
    course = kap_course.course_view(uow, me, patient, clinic.clock)
    assert course is not None
    kap_course.record_consent(uow, me, course.id, clinic.clock)
    kap_course.save_safety_plan(uow, me, course.id, KAP_SAFETY_PLAN, clinic.clock)
    for module in course.preparation:
        if module.key != "safety_plan":
            kap_course.complete_preparation(uow, me, course.id, module.key, clinic.clock)
    return course.id


def _the_session(page: Page, clinic: Clinic) -> None:
    problems = collect_problems(page)
    clinic.at(5, 10)
    page.goto(clinic.url(f"/clinic/patients/{clinic.setup.patients[0].id}/kap"))
    dose = _step(page, "Dose 1 in the office")
    expect(dose).to_contain_text("Can happen now")
    dose.get_by_role("link", name="Start the session").click()
    page.get_by_label("Intramuscular (IM)").check()
    page.get_by_label("Dose in mg", exact=True).fill("35")
    page.get_by_label("Weight in kg").fill("70")
    page.get_by_label("Lot number").fill("K-1")
    expect(page.get_by_label("Time of dosing")).to_have_value("2026-01-05T10:00")
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_text("The session is started")).to_be_visible()

    _reading(page, "2026-01-05T09:50", ("128", "82", "76", "98"))
    clinic.at(5, 10, 15)
    _reading(page, "2026-01-05T10:15", ("172", "96", "88", "97"))
    warning = "10:15: systolic blood pressure 172 mmHg is above the caution threshold of 160 mmHg."
    expect(page.locator(".kap-warnings")).to_contain_text(warning)
    expect(page.locator("tr.kap-row--warning")).to_contain_text("10:15")
    expect(page.locator("svg.kap-timeline .chart-point--warning")).to_have_count(1)
    clinic.at(5, 10, 20)
    ratings = page.locator("form[action$='/ratings']")
    ratings.get_by_label("Time").fill("2026-01-05T10:20")
    ratings.get_by_label("Sedation (0–4)").select_option("1")
    ratings.get_by_label("Dissociation (0–4)").select_option("2")
    ratings.get_by_role("button", name="Save the rating").click()
    expect(page.get_by_text("The rating is saved.")).to_be_visible()
    clinic.at(5, 10, 30)
    _reading(page, "2026-01-05T10:30", ("150", "90", "84", "96"))
    clinic.at(5, 10, 45)
    _reading(page, "2026-01-05T10:45", ("132", "84", "78", "98"))
    shoot(page, clinic, "84-kap-session-vitals-warning")
    shoot_element(
        page.locator("figure", has_text="Blood pressure").first,
        clinic,
        "84b-kap-blood-pressure-timeline",
    )

    page.get_by_role("button", name="Sign the record").click()
    blockers = page.locator(".kap-sign-blockers")
    expect(blockers).to_contain_text("End of monitoring: Enter when monitoring ended.")
    expect(blockers).to_contain_text("Where the patient went:")
    shoot_element(page.locator("#sign"), clinic, "85-kap-sign-refused")
    assert _unexpected(problems, 422) == []
    problems.clear()

    discharge = page.locator("form[action$='/discharge']")
    for question in (
        "Alert and oriented",
        "Nausea controlled",
        "Walking steadily",
        "An escort is here to take them home",
        "Agrees not to drive until the next day after sleep",
    ):
        _yes(discharge, question)
    discharge.get_by_label("Escort's name").fill("Sam Rivers")
    discharge.get_by_label("Went home").check()
    discharge.get_by_label("Monitoring ended at").fill("2026-01-05T10:45")
    discharge.get_by_role("button", name="Save the discharge checklist").click()
    expect(page.get_by_text("The discharge checklist is saved.")).to_be_visible()
    page.get_by_role("button", name="Sign the record").click()
    expect(page.get_by_text("The record is signed.")).to_be_visible()
    expect(page.locator("#sign")).to_contain_text("Signed on 5 January 2026, 10:45 UTC.")
    shoot(page, clinic, "86-kap-session-signed")
    assert problems == []


def _second_dose_and_integration(page: Page, clinic: Clinic) -> None:
    problems = collect_problems(page)
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Start an in-office session").click()
    page.get_by_label("Intramuscular (IM)").check()
    page.get_by_label("Dose in mg", exact=True).fill("35")
    page.get_by_label("Weight in kg").fill("70")
    page.get_by_label("Lot number").fill("K-1")
    page.get_by_role("button", name="Start the session").click()
    refusal = page.locator(".kap-refusal")
    expect(refusal).to_contain_text(
        "The integration session after dose 1 has not been held yet: it comes before the next dose."
    )
    expect(refusal).to_contain_text("Doses are at least 48 hours apart")
    shoot(page, clinic, "87-kap-second-dose-refused", full_page=False)
    assert _unexpected(problems, 409) == []
    problems.clear()

    page.get_by_role("link", name="Back to the course").click()
    page.get_by_role("link", name="Dose 1").click()
    book = page.locator("form[action$='/integration/schedule']")
    book.get_by_label("Date and time").fill("2026-01-06T15:00")
    book.get_by_role("button", name="Book the integration session").click()
    expect(page.get_by_text("The integration session is booked.")).to_be_visible()
    expect(page.locator("#integration")).to_contain_text("Booked for 6 January 2026, 15:00 UTC.")

    clinic.at(6, 15, 5)  # the next day: the session of the day before has ended
    _log_in(page, clinic, "clinician")
    page.get_by_role("link", name=PATIENT).click()
    page.get_by_role("navigation", name="Care path").get_by_role("link", name="KAP").click()
    step = _step(page, "Integration session after dose 1")
    expect(step).to_contain_text("Can happen now")
    step.get_by_role("link", name="Schedule or record it").click()
    held = page.locator("form[action$='/integration/complete']")
    held.get_by_label("Insights, in the patient's words").fill(
        "I could feel the fear without running from it\nMy partner's quiet is not always anger"
    )
    held.get_by_label("Commitments").fill("Ask my partner what the quiet means")
    held.get_by_label("Notes").fill("Warm session; prepared the next dose's intention.")
    held.get_by_role("button", name="Record the integration session").click()
    expect(page.get_by_text("The integration session is recorded.")).to_be_visible()
    expect(page.locator("#integration")).to_contain_text("Ask my partner what the quiet means")
    shoot(page, clinic, "88-kap-integration-held")
    page.get_by_role("link", name="Back to the course").click()
    dose_two = _step(page, "Dose 2 in the office")
    expect(dose_two).to_contain_text("Doses are at least 48 hours apart")
    expect(dose_two).not_to_contain_text("integration session")
    shoot(page, clinic, "89-kap-course-after-integration")
    assert problems == []


def _spravato(browser: Browser, clinic: Clinic) -> None:
    desk = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = desk.new_page()
    problems = collect_problems(page)
    clinic.at(6, 16)
    _log_in(page, clinic, "other")
    page.get_by_role("link", name=SPRAVATO_PATIENT).click()
    page.get_by_role("navigation", name="Care path").get_by_role("link", name="KAP").click()
    expect(page.get_by_role("heading", name="Spravato (esketamine) in the office")).to_be_visible()
    page.get_by_role("link", name="Start an in-office session").click()
    page.get_by_label("Intranasal").check()
    page.get_by_label("Dose in mg", exact=True).fill("56")
    page.get_by_label("Weight in kg").fill("82")
    page.get_by_label("Lot number").fill("SP-204")
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_text("The session is started")).to_be_visible()
    page.get_by_role("link", name="Spravato REMS monitoring record").click()
    expect(page.get_by_role("heading", name="Spravato REMS monitoring record")).to_be_visible()
    expect(page.locator(".kap-sign-blockers")).to_contain_text("Enter the REMS patient ID.")
    expect(page.get_by_label("Lot number")).to_have_value("SP-204")
    page.get_by_label("REMS patient ID").fill("R-5521")
    page.get_by_label("Lowest SpO2 on pulse oximetry (%)").fill("ninety")
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator("#f-lowest-spo2-error")).to_have_text("Enter a whole number, e.g. 120.")
    expect(page.get_by_label("REMS patient ID")).to_have_value("R-5521")
    page.get_by_label("Lowest SpO2 on pulse oximetry (%)").fill("96")
    page.get_by_role("button", name="Save the record").click()
    expect(page.get_by_text("The REMS record is saved.")).to_be_visible()
    shoot(page, clinic, "90-kap-rems-record")
    assert _unexpected(problems, 422) == []
    problems.clear()

    page.get_by_role("link", name="Printable page").click()
    expect(
        page.get_by_role("heading", name=re.compile("REMS patient monitoring record"))
    ).to_be_visible()
    expect(page.locator(".kap-rems-sheet")).to_contain_text("R-5521")
    shoot(page, clinic, "91-kap-rems-printable")
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    shoot(page, clinic, "92-kap-rems-as-printed")
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page.goto(clinic.url("/clinic/kap/rems"))
    expect(page.locator("table.kap-rems-list")).to_contain_text(SPRAVATO_PATIENT)
    expect(page.locator("table.kap-rems-list")).to_contain_text("Missing answers")
    shoot(page, clinic, "93-kap-rems-not-submitted")
    assert problems == []
    desk.close()


def _phone_view(browser: Browser, clinic: Clinic) -> None:
    """The session record on a phone-sized screen (a nurse at the chair)."""
    phone = phone_context(browser)
    page = phone.new_page()
    _log_in(page, clinic, "clinician")
    page.goto(clinic.url(f"/clinic/patients/{clinic.setup.patients[0].id}/kap/sessions/1"))
    expect(page.locator("svg.kap-timeline")).to_have_count(3)
    shoot(page, clinic, "94-kap-session-phone")
    phone.close()


def test_an_in_office_course_from_eligibility_to_integration(
    browser: Browser, clinic: Clinic
) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    desk.set_default_timeout(10_000)
    page = desk.new_page()
    problems = collect_problems(page)
    _course_and_eligibility(page, clinic)
    _a_dose_too_early(page, clinic)
    assert _unexpected(problems, 422, 409) == []
    _consent_and_preparation(clinic)
    _the_session(page, clinic)
    _second_dose_and_integration(page, clinic)
    desk.close()
    _phone_view(browser, clinic)
    _spravato(browser, clinic)
