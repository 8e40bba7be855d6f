"""The care path in real headless Chromium, against the real app: a new patient, the
clinician opens an intake, the patient completes it on a phone (one bad answer shown next
to its field and corrected), answers part of the battery, the clinician reads the
profiles, fills in the cycle, accepts the level of care, writes and agrees the plan, and
the patient reads and acknowledges it.

Screenshots go to the test's tmp dir and to ``ATTUNE_SCREENSHOT_DIR`` when it is set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from browser_kit import (
    DESKTOP,
    collect_problems,
    fresh_database,
    is_draft_save,
    log_in,
    phone_context,
    pick,
    serve,
    shoot,
    shoot_element,
)
from fhir.resources.R4B.careplan import CarePlan
from playwright.sync_api import Browser, Page, expect

from attune.db import Database
from attune.domain.instruments import builtin_library
from attune.services import assignments, responses, users
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from factories import FAST_HASHER, PASSWORD, T0, ClinicSetup, make_clinic, patient_actor

pytestmark = pytest.mark.e2e

NEW_PATIENT = "Robin Rivers"


@dataclass(frozen=True)
class Journey:
    base_url: str
    setup: ClinicSetup
    patient_id: int
    email: str
    actor: Actor
    database: Database
    clock: FixedClock
    shots: Path

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def journey(sqlite_template: Path, tmp_path: Path) -> Iterator[Journey]:
    """The app on a fresh SQLite file with a clinic and one new patient, nothing else."""
    url, database = fresh_database(sqlite_template, tmp_path)
    clock = FixedClock(T0)
    uow = database.unit_of_work()
    setup = make_clinic(uow, clock)
    email = "robin@harbour.example.org"
    patient = users.create_patient(
        uow,
        None,
        display_name=NEW_PATIENT,
        email=email,
        password=PASSWORD,
        clinician_ids=[setup.clinician.id],
        date_of_birth=date(1988, 5, 14),
        sex="female",
        clinic_id=setup.clinic.id,
        clock=clock,
        hasher=FAST_HASHER,
    )
    with serve(url, database, clock, tmp_path) as (base_url, shots):
        yield Journey(
            base_url,
            setup,
            patient.id,
            email,
            patient_actor(patient),
            database,
            clock,
            shots,
        )


# ---------------------------------------------------------------------------- helpers


def _answer_questionnaire(page: Page, picks: list[int]) -> None:
    """Choose the option at each index, item by item, waiting for each draft save."""
    items = page.locator("fieldset[data-item]")
    expect(items).to_have_count(len(picks))
    for index, choice in enumerate(picks):
        with page.expect_response(is_draft_save) as saved:
            items.nth(index).locator("label.option").nth(choice).click()
        assert saved.value.ok
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", name=re.compile("your answers are saved"))).to_be_visible()


def _care_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Care path").get_by_role("link", name=name).click()


def _answers_for(instrument_id: str) -> dict[str, int | None]:
    """Answers for the questionnaires the patient leaves to this test: an ECR-R leaning
    towards worry about closeness, and middling answers elsewhere."""
    instrument = builtin_library().get(instrument_id)
    if instrument_id == "ecrr":
        wanted = {"anxiety": 5, "avoidance": 2}
        answers: dict[str, int | None] = {}
        for subscale in instrument.subscales:
            for link_id in subscale.items:
                item = next(i for i in instrument.items if i.link_id == link_id)
                target = wanted[subscale.key]
                answers[link_id] = 8 - target if item.reverse else target
        return answers
    if instrument_id == "ace":
        return {item.link_id: (1 if item.number in (2, 4) else 0) for item in instrument.items}
    return {item.link_id: item.options[1].code for item in instrument.items}


# ---------------------------------------------------------------------------- the journey


def _clinician_opens_the_intake(browser: Browser, journey: Journey) -> None:
    desk = browser.new_context(viewport=DESKTOP)
    page = desk.new_page()
    problems = collect_problems(page)
    log_in(page, journey, journey.setup.email("clinician"))
    page.get_by_role("link", name=NEW_PATIENT).click()
    _care_nav(page, "Intake")
    expect(page.get_by_role("heading", name="Open an intake")).to_be_visible()
    page.get_by_role("button", name="Open an intake").click()
    expect(page.get_by_text("The intake is open")).to_be_visible()
    expect(page.get_by_text("saved 0 of 9 sections")).to_be_visible()
    shoot(page, journey, "20-clinician-opens-intake")
    assert problems == []
    desk.close()


def _patient_fills_in_the_intake(browser: Browser, journey: Journey) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    problems = collect_problems(page)
    log_in(page, journey, journey.email)
    expect(page).to_have_url(re.compile(r"/portal$"))
    card = page.locator(".due-item--intake")
    expect(card).to_contain_text("0 of 9 sections done")
    shoot(page, journey, "21-portal-intake-waiting-phone")
    card.get_by_role("link", name=re.compile("^Start")).click()
    expect(page.get_by_text("0 of 9 sections done")).to_be_visible()
    shoot(page, journey, "22-intake-sections-phone")
    page.get_by_role("link", name=re.compile("^Start with .What you would like help with")).click()

    # 1. What you would like help with: one row, then "Save and add another".
    page.locator("#f-addictions-0-what").select_option(label="Alcohol")
    page.locator("#f-addictions-0-detail").fill("wine, mostly in the evening")
    pick(page, "f-addictions-0-stopped", "No")
    page.locator("#f-addictions-0-days-per-week").fill("5")
    page.locator("#f-addictions-0-amount").fill("4")
    page.locator("#f-addictions-0-unit").select_option(label="standard drinks")
    page.locator("#f-addictions-0-last-use").fill("2026-01-04")
    page.locator("#f-addictions-0-years-of-use").fill("8")
    shoot(page, journey, "23-intake-addictions-phone")
    page.get_by_role("button", name="Save and add another").click()
    expect(page.locator("#f-addictions-1-what")).to_be_visible()
    expect(page.locator("#f-addictions-0-what")).to_have_value("alcohol")
    expect(page.get_by_text("1 of 9 sections done")).to_be_visible()
    page.get_by_role("button", name="Save and continue").click()

    # 2. Stopping before.
    expect(page.get_by_role("heading", name="Stopping or cutting down before")).to_be_visible()
    for field in ("seizures", "delirium", "other-severe"):
        pick(page, f"f-withdrawal-{field}", "No")
    page.get_by_role("button", name="Save and continue").click()

    # 3. Medicines.
    pick(page, "f-medications-takes-any", "No")
    page.get_by_role("button", name="Save and continue").click()

    # 4. Health.
    expect(page.get_by_role("heading", name="Your health")).to_be_visible()
    for field in ("high-blood-pressure", "heart-disease", "aneurysm-or-brain-bleed", "epilepsy"):
        pick(page, f"f-medical-{field}", "No")
    pick(page, "f-medical-liver-disease", "No")
    pick(page, "f-medical-pregnancy", "No")
    page.get_by_role("button", name="Save and continue").click()

    # 5. Mind and mood.
    pick(page, "f-mental-health-psychosis", "Never")
    pick(page, "f-mental-health-mania", "Never")
    pick(page, "f-mental-health-suicide-attempts", "No")
    pick(page, "f-mental-health-self-harm", "No")
    pick(page, "f-mental-health-suicidal-thoughts-now", "No")
    page.get_by_role("button", name="Save and continue").click()

    # 6. Home and people.
    pick(page, "f-situation-stable-housing", "Yes")
    pick(page, "f-situation-lives-alone", "No")
    pick(page, "f-situation-lives-with-someone-who-uses", "No")
    pick(page, "f-situation-supports", "My partner")
    pick(page, "f-situation-supports", "Friends")
    pick(page, "f-situation-pressures", "Work or study")
    page.get_by_role("button", name="Save and continue").click()

    # 7. Help before.
    pick(page, "f-treatment-had-treatment", "No")
    page.get_by_role("button", name="Save and continue").click()

    # 8. Readiness: a number out of range is shown next to its field, then corrected.
    page.locator("#f-readiness-ruler").fill("14")
    pick(page, "f-readiness-stage", "I am getting ready to change it soon")
    page.get_by_role("button", name="Save and continue").click()
    error = page.locator("#f-readiness-ruler-error")
    expect(error).to_contain_text("from 0 to 10")
    expect(page.locator("#f-readiness-ruler")).to_have_value("14")
    expect(
        page.locator("#f-readiness-stage").get_by_label("I am getting ready to change it soon")
    ).to_be_checked()
    shoot(page, journey, "24-intake-error-by-field-phone", full_page=False)
    # The browser logs the refused form's 422 as a failed load; that one was intended.
    assert [p for p in problems if "422" not in p] == []
    problems.clear()
    page.locator("#f-readiness-ruler").fill("7")
    page.get_by_role("button", name="Save and continue").click()

    # 9. Goals, in the patient's own words.
    page.locator("#f-goals").fill(
        "Drink less, sleep through the night and feel close to my partner again."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("9 of 9 sections done")).to_be_visible()
    shoot(page, journey, "25-intake-all-done-phone")
    page.get_by_role("button", name="Send to my clinician").click()
    expect(page.get_by_role("heading", name=re.compile("your answers are with"))).to_be_visible()
    shoot(page, journey, "26-intake-sent-phone")

    # The battery is in the due list; two questionnaires are answered here.
    page.get_by_role("link", name="Go to my questionnaires").click()
    for title in ("Experiences in Close Relationships", "Alcohol Use Disorders"):
        expect(page.get_by_role("heading", name=re.compile(title))).to_be_visible()
    shoot(page, journey, "27-battery-due-phone")
    page.get_by_role("link", name="Start AUDIT").click()
    _answer_questionnaire(page, [1] * 10)  # AUDIT 12: Zone II
    page.get_by_role("link", name="Back to my questionnaires").click()
    page.get_by_role("link", name="Start PHQ-9").click()
    _answer_questionnaire(page, [2, 1, 1, 1, 1, 1, 0, 1, 0])  # PHQ-9 8, item 9 "Not at all"
    assert problems == []
    phone.close()


def _the_rest_of_the_battery(journey: Journey) -> None:
    """The long questionnaires are answered through the services, as the patient."""
    uow = journey.database.unit_of_work()
    me, clock = journey.actor, journey.clock
    due = assignments.due_for_patient(uow, me, journey.patient_id, clock)
    assert {d.instrument_id for d in due} == {"ecrr", "gad7", "pcl5", "ace", "ders16"}
    for entry in due:
        responses.submit_response(
            uow,
            me,
            journey.patient_id,
            entry.instrument_id,
            _answers_for(entry.instrument_id),
            clock,
            assignment_id=entry.assignment_id,
        )


def _clinician_reads_and_decides(browser: Browser, journey: Journey) -> None:
    desk = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    page = desk.new_page()
    problems = collect_problems(page)
    log_in(page, journey, journey.setup.email("clinician"))
    page.get_by_role("link", name=NEW_PATIENT).click()

    # The intake, read-only, grouped by section, with the battery.
    _care_nav(page, "Intake")
    expect(page.get_by_text("wine, mostly in the evening")).to_be_visible()
    shoot(page, journey, "30-clinician-intake-answers")

    # Profiles: the plane, dimensions first, the aid labelled; the addiction table.
    _care_nav(page, "Profiles")
    expect(page.locator("svg.attachment-plane")).to_be_visible()
    expect(page.get_by_text("An aid, not a label")).to_be_visible()
    expect(page.locator("table.addiction-table")).to_contain_text("AUDIT")
    expect(page.locator("table.addiction-table")).to_contain_text("12 of 40")
    shoot(page, journey, "31-clinician-profiles")

    # The cycle, filled in together; then a second version.
    _care_nav(page, "Cycle")
    parts = {
        "situations": "Coming home to an empty flat after a late shift",
        "relational": "My partner goes quiet after we argue",
        "feelings": "Restless\nA sense of being unwanted",
        "urge": "A strong pull to open a bottle, about 8 out of 10",
        "behaviour": "Drink most of a bottle of wine",
        "relief": "The tension goes and I can switch off",
        "cost": "Poor sleep, and I avoid my partner the next day",
        "soothes": "Feeling alone and not good enough",
        "alternatives": "Text a friend before going home",
    }
    for key, text in parts.items():
        page.locator(f"#f-{key}").fill(text)
    page.get_by_label("The patient and me, together in a session").check()
    page.get_by_role("button", name="Save as version 1").click()
    expect(page.get_by_text("Saved as version 1.")).to_be_visible()
    expect(page.locator("svg.cycle")).to_be_visible()
    page.locator("#f-alternatives").fill(
        "Text a friend before going home\nA walk round the park before opening the door"
    )
    page.get_by_role("button", name="Save as version 2").click()
    expect(page.get_by_text("Saved as version 2.")).to_be_visible()
    expect(page.locator(".versions")).to_contain_text("+ A walk round the park")
    expect(page.locator(".versions")).to_contain_text("by clinician and patient together")
    shoot(page, journey, "32-clinician-cycle")
    shoot_element(page.locator("svg.cycle"), journey, "32b-cycle-diagram")

    # The level of care: review and accept.
    _care_nav(page, "Level of care")
    expect(page.get_by_text("A recommendation is waiting for your review")).to_be_visible()
    expect(page.locator("table.dimensions tbody tr")).to_have_count(6)
    shoot(page, journey, "33-clinician-level-of-care")
    page.get_by_role("button", name="Accept the recommendation").click()
    expect(page.get_by_text("Recommendation accepted.")).to_be_visible()
    shoot(page, journey, "34-clinician-level-accepted", full_page=False)

    # The plan: two goals, therapies, aftercare, review date; saved, then agreed.
    _care_nav(page, "Plan")
    page.locator("#f-goals-0-text").fill("Sleep through the night most nights")
    page.locator("#f-goals-0-target-measure").select_option("phq9")
    page.locator("#f-goals-0-target-comparison").select_option("below")
    page.locator("#f-goals-0-target-value").fill("5")
    page.locator("#f-goals-0-target-by").fill("2026-06-01")
    page.locator("#f-review-on").fill("2026-03-30")
    page.get_by_role("button", name="Save and add another goal").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    page.locator("#f-goals-1-text").fill("Feel calmer when my partner goes quiet")
    page.locator("#f-goals-1-target-measure").select_option("gad7")
    page.locator("#f-goals-1-target-value").fill("10")
    page.locator("#f-goals-1-target-by").fill("2026-06-01")
    for therapy in ("Motivational interviewing", "Attachment-based therapy", "Group therapy"):
        page.get_by_label(therapy).check()
    page.locator("#f-aftercare-support-groups").fill("Tuesday evening peer group")
    page.locator("#f-aftercare-sober-community").fill("Harbour recovery café")
    page.locator("#f-aftercare-follow-up-every-weeks").fill("4")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("The draft is saved.")).to_be_visible()
    goals = page.locator(".plan-goals > li")
    expect(goals).to_have_count(2)
    expect(goals.nth(0)).to_contain_text("Not yet")
    expect(goals.nth(1)).to_contain_text("Met")
    expect(page.locator(".kap")).to_contain_text("Preliminary")
    page.get_by_role("button", name="Agree the plan").click()
    expect(page.get_by_text("You agreed the plan.")).to_be_visible()
    shoot(page, journey, "35-clinician-plan-agreed")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download as FHIR CarePlan")).click()
    exported = json.loads(Path(download.value.path()).read_text("utf-8"))
    careplan = CarePlan.model_validate(exported)
    assert careplan.status == "draft" and len(careplan.goal or []) == 2
    assert problems == []
    desk.close()


def _patient_reads_and_acknowledges(browser: Browser, journey: Journey) -> None:
    phone = phone_context(browser)
    page = phone.new_page()
    problems = collect_problems(page)
    log_in(page, journey, journey.email)
    page.get_by_role("link", name="My picture").click()
    expect(page.locator("svg.attachment-plane")).to_be_visible()
    expect(page.get_by_text("Only a rough sketch", exact=True)).to_be_visible()
    shoot(page, journey, "40-patient-my-picture-phone")
    shoot_element(page.locator("svg.attachment-plane"), journey, "40b-patient-plane-phone")
    page.get_by_role("link", name="See my cycle").click()
    expect(page.locator("svg.cycle")).to_be_visible()
    shoot(page, journey, "41-patient-my-cycle-phone")
    page.goto(journey.url("/portal"))
    page.get_by_role("link", name="My plan").first.click()
    expect(page.get_by_text("“Sleep through the night most nights”")).to_be_visible()
    shoot(page, journey, "42-patient-my-plan-phone")
    page.get_by_role("button", name="I have read my plan").click()
    expect(page.get_by_text("Your care team can see that you have read your plan")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Agreed plan"))).to_be_visible()
    shoot(page, journey, "43-patient-plan-acknowledged-phone", full_page=False)
    assert problems == []
    phone.close()


def test_from_a_new_patient_to_an_agreed_plan(browser: Browser, journey: Journey) -> None:
    _clinician_opens_the_intake(browser, journey)
    _patient_fills_in_the_intake(browser, journey)
    _the_rest_of_the_battery(journey)
    _clinician_reads_and_decides(browser, journey)
    _patient_reads_and_acknowledges(browser, journey)
