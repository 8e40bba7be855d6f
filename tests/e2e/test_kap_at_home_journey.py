"""An at-home KAP session in real headless Chromium on a phone, against the real app.

A patient with an eligible at-home course (tests/factories.py) goes through the
dosing-day gate with a blood pressure above the clinic's range: the flow stops and says
what to do, and the clinician sees the alert. Ten minutes later the gate passes and the
dose is recorded. The sitter checks in twice (the second time with a concern), the rest
of the sitter's check-ins are recorded through the services, and the patient answers the
check-in after the session. Then a breathing exercise with the guided timer visibly
animating (the circle's size and the phase's words change), a practice logged, and a
journal entry.

The server's clock is a FixedClock the test moves on; nothing here sleeps: Playwright
waits for each condition. Screenshots go to the test's tmp dir and to
``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from browser_kit import (
    CRISIS_LINE,
    DESKTOP,
    collect_problems,
    fresh_database,
    log_in,
    phone_context,
    pick,
    serve,
    shoot,
)
from playwright.sync_api import Browser, Page, expect

from attune.db import Database
from attune.domain.formulation import Formulation
from attune.domain.instruments import builtin_library
from attune.domain.kap.athome_checkins import SitterCheckin
from attune.services import formulation, kap_home, responses
from attune.services.clock import FixedClock
from factories import T0, ClinicSetup, eligible_course, make_clinic

pytestmark = pytest.mark.e2e

PATIENT = "Patient 0 (Harbour)"
CYCLE = Formulation(
    situations=("Sunday evenings on my own",),
    feelings=("Lonely",),
    behaviour=("Drinking wine",),
    soothes=("Feeling unwanted",),
)


def _ecrr_leaning_anxious() -> dict[str, int | None]:
    """ECR-R answers giving attachment anxiety 5 and avoidance 2 (reverse items turned)."""
    instrument = builtin_library().get("ecrr")
    wanted = {"anxiety": 5, "avoidance": 2}
    answers: dict[str, int | None] = {}
    for subscale in instrument.subscales:
        for link_id in subscale.items:
            item = next(i for i in instrument.items if i.link_id == link_id)
            answers[link_id] = 8 - wanted[subscale.key] if item.reverse else wanted[subscale.key]
    return answers


@dataclass(frozen=True)
class Home:
    base_url: str
    setup: ClinicSetup
    course_id: int
    database: Database
    clock: FixedClock
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def home(sqlite_template: Path, tmp_path: Path) -> Iterator[Home]:
    """The app on a fresh SQLite file; patient 0 has an at-home course ready to dose."""
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0 - timedelta(days=1))
    uow = database.unit_of_work()
    setup = make_clinic(uow, clock)
    course = eligible_course(uow, setup, clock, program="at_home")
    # A cycle and an attachment questionnaire, so the journal's prompts draw on both.
    patient = setup.patients[0].id
    formulation.save_formulation(uow, setup.clinician_actor, patient, CYCLE, clock)
    responses.submit_response(
        uow, setup.patient_actor(0), patient, "ecrr", _ecrr_leaning_anxious(), clock
    )
    clock.set(T0)
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Home(base_url, setup, course.id, database, clock, shots)


# ---------------------------------------------------------------------------- helpers


def _fill_gate(page: Page, systolic: int, diastolic: int) -> None:
    page.locator("#f-fasted-hours").select_option(label="5 hours ago")
    pick(page, "f-sitter-present", "Yes")
    page.get_by_label("Your sitter's name").fill("Alex Morgan")
    page.get_by_label("Top number").fill(str(systolic))
    page.get_by_label("Bottom number").fill(str(diastolic))
    page.locator("#f-bp-measured").select_option(label="Just now (in the last 5 minutes)")
    page.get_by_label("My phone is charged (or plugged in) and near me").check()
    page.get_by_label(re.compile("I will not drive")).check()
    page.get_by_label("What would you like to bring to today's session?").fill(
        "To meet whatever comes up with kindness."
    )


def _width(page: Page) -> float:
    box = page.locator("[data-breath-circle]").bounding_box()
    assert box is not None
    return float(box["width"])


def _sitter_checkin(page: Page, *, concern: str = "") -> None:
    pick(page, "f-responsive", "Yes")
    pick(page, "f-breathing-normal", "Yes")
    pick(page, "f-distressed", "No")
    if concern:
        page.get_by_label(re.compile("Anything else you are worried about")).fill(concern)
    page.get_by_role("button", name="Save this check-in").click()


# ---------------------------------------------------------------------------- the journey


def _gate_stops_on_a_high_reading(page: Page, home: Home) -> None:
    card = page.locator(".kapp-home-card")
    expect(card).to_contain_text("Your KAP course")
    shoot(page, home, "50-portal-with-kap-card-phone", full_page=False)
    card.get_by_role("link", name="See where you are").click()
    expect(
        page.get_by_role("heading", name="Where you are: Ready for your first dose")
    ).to_be_visible()
    shoot(page, home, "51-kap-course-phone")
    page.get_by_role("link", name="Open my dosing day").click()
    page.get_by_role("link", name="Start the checklist").click()
    home.clock.advance(timedelta(minutes=2))
    _fill_gate(page, 152, 96)
    shoot(page, home, "52-gate-filled-phone")
    page.get_by_role("button", name="Check my answers").click()
    stop = page.locator(".kapp-stop")
    expect(stop.get_by_role("heading", name="Please do not take your medicine yet")).to_be_visible()
    expect(stop).to_contain_text("Your blood pressure (152/96) is higher than your clinic's range")
    expect(stop).to_contain_text("We have let your care team know")
    expect(stop).to_contain_text(CRISIS_LINE)
    expect(page.get_by_role("button", name="I have taken my dose")).to_have_count(0)
    shoot(page, home, "53-gate-stopped-phone")


def _clinician_sees_the_alert(browser: Browser, home: Home, name: str, *texts: str) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    page = desk.new_page()
    problems = collect_problems(page)
    log_in(page, home, home.setup.email("clinician"))
    page.get_by_role("link", name=PATIENT).click()
    flags = page.locator(".flags")
    for text in texts:
        expect(flags).to_contain_text(text)
    shoot(page, home, name, full_page=False)
    assert problems == []
    desk.close()


def _gate_passes_and_the_dose_is_recorded(page: Page, home: Home) -> None:
    home.clock.advance(timedelta(minutes=10))
    page.get_by_role("link", name="Go through the checklist again").click()
    _fill_gate(page, 128, 82)
    page.get_by_role("button", name="Check my answers").click()
    expect(page.get_by_role("heading", name="You may take your dose")).to_be_visible()
    shoot(page, home, "55-gate-passed-phone", full_page=False)
    page.get_by_role("button", name="I have taken my dose").click()
    expect(page.get_by_role("heading", name=f"Check-ins with {PATIENT}")).to_be_visible()
    expect(page.get_by_text("Your dose is recorded.")).to_be_visible()
    expect(page.locator(".kapp-next__time")).to_have_text("09:27 UTC")
    # The script counts down from the server's own clock (minutes:seconds).
    expect(page.locator("[data-countdown]")).to_have_text(re.compile(r"^in 1[45]:\d\d$"))
    shoot(page, home, "56-session-started-phone")


def _two_sitter_checkins(page: Page, home: Home) -> str:
    session_url = page.url.split("?")[0]
    home.clock.advance(timedelta(minutes=15))
    page.goto(session_url)
    _sitter_checkin(page)
    result = page.locator("#result")
    expect(result).to_contain_text("Check-in saved")
    expect(result).to_contain_text("All is well")
    shoot(page, home, "57-sitter-checkin-well-phone", full_page=False)
    home.clock.advance(timedelta(minutes=15))
    page.goto(session_url)
    _sitter_checkin(page, concern="They say they feel a little sick and cold.")
    expect(result).to_contain_text("Thank you for telling us. A clinician will read this")
    expect(page.locator(".kapp-log__item")).to_have_count(2)
    expect(page.locator(".kapp-log__item").nth(1)).to_contain_text("a concern")
    shoot(page, home, "58-sitter-checkin-concern-phone")
    return session_url


def _the_rest_of_the_sitter_checkins(home: Home, session_url: str) -> int:
    """Every later check-in up to the sitter's four hours, through the services."""
    session_id = int(session_url.rstrip("/").rsplit("/", 1)[1])
    uow = home.database.unit_of_work()
    me = home.setup.patient_actor(0)
    due = kap_home.due_checkins(uow, me, session_id, home.clock)
    at: datetime = due.dosed_at + timedelta(minutes=45)
    while at <= due.dosed_at + timedelta(hours=4):
        home.clock.set(at)
        kap_home.sitter_checkin(
            uow, me, session_id, SitterCheckin(at, True, True, False), home.clock
        )
        at += timedelta(minutes=15)
    home.clock.set(due.dosed_at + timedelta(hours=4, minutes=5))
    return session_id


def _post_session_checkin(page: Page, home: Home, session_url: str) -> None:
    page.goto(session_url)
    expect(page.get_by_text("The sitter's check-ins are done for this session")).to_be_visible()
    page.get_by_role("link", name="How are you now?").click()
    page.locator("#f-wellbeing").get_by_label("7", exact=True).check()
    page.locator("#f-side-effects").get_by_label("Nausea").check()
    pick(page, "f-feels-safe", "Yes")
    page.get_by_label("How long after your dose did your sitter stay with you?").select_option(
        label="They are still with me"
    )
    shoot(page, home, "59-post-session-form-phone")
    page.get_by_role("button", name="Send and close my session").click()
    result = page.locator("#result")
    expect(result).to_contain_text("Thank you")
    expect(result).to_contain_text("Side effects like these usually ease within the day")
    expect(page.get_by_role("heading", name="This session is complete")).to_be_visible()
    shoot(page, home, "60-session-complete-phone")


def _breathwork(page: Page, home: Home) -> None:
    page.goto(home.url("/portal/breathwork"))
    page.get_by_role("link", name="Try it Box breathing").click()
    cue = page.locator("[data-breath-cue]")
    expect(cue).to_have_text("Ready when you are")
    sound = page.get_by_label("Play a soft sound when the breath changes")
    expect(sound).not_to_be_checked()
    sound.check()
    page.get_by_role("button", name="Start").click()
    expect(cue).to_have_text("Breathe in")
    start = _width(page)
    page.wait_for_function(
        "w => document.querySelector('[data-breath-circle]').getBoundingClientRect().width"
        " > w + 40",
        arg=start,
    )
    shoot(page, home, "61-breathwork-breathe-in-phone", full_page=False)
    expect(cue).to_have_text("Hold", timeout=10_000)
    full = _width(page)
    assert full > start + 40
    expect(page.locator("[data-breath-count]")).to_have_text(re.compile(r"^[1-4]$"))
    expect(cue).to_have_text("Breathe out", timeout=10_000)
    page.wait_for_function(
        "w => document.querySelector('[data-breath-circle]').getBoundingClientRect().width"
        " < w - 40",
        arg=full,
    )
    shoot(page, home, "62-breathwork-breathe-out-phone", full_page=False)
    page.get_by_role("button", name="Stop").click()
    expect(cue).to_have_text("Stopped")
    expect(page.get_by_label("Minutes you practised")).to_have_value("1")
    page.locator("#f-calm-before").get_by_label("4", exact=True).check()
    page.locator("#f-calm-after").get_by_label("7", exact=True).check()
    page.get_by_role("button", name="Save to my practice log").click()
    expect(page.get_by_text("Saved in your practice log.")).to_be_visible()
    log = page.locator(".kapp-practice-item")
    expect(log).to_have_count(1)
    expect(log.first).to_contain_text("Box breathing, 1 minute")
    expect(log.first).to_contain_text("Calm before 4, after 7")
    expect(page.locator(".kapp-log-summary")).to_contain_text("3 points calmer afterwards")
    shoot(page, home, "63-breathwork-logged-phone")


def _breathwork_without_motion(browser: Browser, home: Home) -> None:
    still = phone_context(browser, reduced_motion="reduce")
    page = still.new_page()
    problems = collect_problems(page)
    log_in(page, home, home.setup.email("patient0"))
    page.goto(home.url("/portal/breathwork/4-7-8"))
    expect(page.locator("[data-breath-circle]")).to_be_hidden()
    expect(page.get_by_text("Your device is set to reduce motion")).to_be_visible()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("[data-breath-cue]")).to_have_text("Breathe in")
    expect(page.locator("[data-breath-count]")).to_have_text(re.compile(r"^[1-4]$"))
    shoot(page, home, "64-breathwork-reduced-motion-phone", full_page=False)
    assert problems == []
    still.close()


def _journal(page: Page, home: Home) -> None:
    page.goto(home.url("/portal/kap/journal"))
    prompts = page.locator(".kapp-prompt")
    expect(prompts.filter(has_text="From your cycle")).to_have_count(1)
    first = prompts.first
    expect(first).to_contain_text("Why this one:")
    words = "I noticed how much I wanted to be looked after, and that asking is allowed."
    first.get_by_label("Your answer").fill(words)
    first.get_by_role("button", name="Save in my journal").click()
    expect(page.get_by_text("Saved in your journal.")).to_be_visible()
    expect(page.locator(".kapp-entry")).to_contain_text(words)
    shoot(page, home, "65-journal-phone")


def test_an_at_home_session_through_its_gate(browser: Browser, home: Home) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    problems = collect_problems(page)
    log_in(page, home, home.setup.email("patient0"))
    _gate_stops_on_a_high_reading(page, home)
    _clinician_sees_the_alert(
        browser, home, "54-clinician-sees-gate-alert", "Kap gate stopped", "152/96"
    )
    _gate_passes_and_the_dose_is_recorded(page, home)
    session_url = _two_sitter_checkins(page, home)
    _the_rest_of_the_sitter_checkins(home, session_url)
    _post_session_checkin(page, home, session_url)
    _breathwork(page, home)
    _journal(page, home)
    assert problems == []
    phone.close()
    _breathwork_without_motion(browser, home)
    _clinician_sees_the_alert(
        browser, home, "66-clinician-sees-checkin-concern", "Kap checkin alert", "sick and cold"
    )
