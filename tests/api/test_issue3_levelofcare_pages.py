"""The level-of-care page: safety actions first, six dimensions with evidence, a pending
change highlighted, accept or override (level and rationale required), history."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from web_helpers import TestClient, browser_login, cookie_csrf

from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    EpisodeHistory,
    WithdrawalHistory,
)
from attune.services import levelofcare, responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, complete_intake, phq9, submitted_intake


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _url(setup: ClinicSetup) -> str:
    return f"/clinic/patients/{setup.patients[0].id}/level-of-care"


def test_no_recommendation_before_the_intake_is_sent(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("clinician"))
    page = client.get(_url(setup))
    assert page.status_code == 200
    assert "No recommendation yet" in page.text


def test_safety_actions_come_first_and_every_dimension_shows_its_evidence(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    today = clock.now().date()
    base = complete_intake(today)
    heavy = Addiction(
        AddictionType.ALCOHOL,
        days_per_week=7,
        amount=14,
        unit=AmountUnit.STANDARD_DRINKS,
        last_use=today,
        years_of_use=10,
    )
    intake = replace(
        base,
        addictions=(heavy,),
        withdrawal=WithdrawalHistory(seizures=True, delirium=False, other_severe=False),
        mental_health=replace(
            base.mental_health, suicidal_thoughts_now=True, psychosis=EpisodeHistory.CURRENT
        ),
    )
    submitted_intake(uow, setup, clock, intake=intake)
    browser_login(client, setup.email("clinician"))
    page = client.get(_url(setup)).text
    text = _text(page)
    # The three safety actions, before the level and the dimensions.
    safety = text.index("Safety actions: these cannot wait")
    assert safety < text.index("Recommended level") < text.index("The six dimensions")
    order = [
        text.index(name)
        for name in (
            "Same-day safety assessment",
            "Medically supervised withdrawal first",
            "Urgent psychiatric assessment",
        )
    ]
    assert order == sorted(order) and order[0] > safety
    for name in (
        "Withdrawal",
        "Physical health",
        "Emotional and behavioural",
        "Readiness to change",
        "Relapse potential",
        "Recovery environment",
    ):
        assert name in text
    assert "seizure" in text  # evidence from the intake
    assert "Rules version" in text
    assert "Missing information" in text  # the battery is not answered yet
    assert "A recommendation is waiting for your review" in text


def test_the_missing_information_shown_is_today_s(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    browser_login(client, setup.email("clinician"))
    before = _text(client.get(_url(setup)).text)
    assert "PHQ-9 is not scored yet" in before and "GAD-7 is not scored yet" in before
    # A PHQ-9 that changes no rating stores no new recommendation ...
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(2), clock
    )
    view = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert len(view.history) == 1
    # ... yet the page no longer asks for it.
    after = _text(client.get(_url(setup)).text)
    assert "PHQ-9 is not scored yet" not in after
    assert "GAD-7 is not scored yet" in after
    api = client.get(f"/api/v1/patients/{setup.patients[0].id}/level-of-care").json()
    assert api["missing_information"] == list(view.missing_information)


def test_accepting_makes_the_level_in_force(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    view = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view.current is not None
    browser_login(client, setup.email("clinician"))
    response = client.post(
        f"{_url(setup)}/{view.current.id}",
        data={"csrf_token": cookie_csrf(client), "decision": "accept"},
    )
    assert response.status_code == 303
    page = _text(client.get(response.headers["location"]).text)
    assert "Recommendation accepted." in page
    assert "Accepted on" in page
    assert "Your decision" not in page  # nothing left to decide
    after = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert after.accepted is not None and after.accepted.id == view.current.id


def test_override_needs_a_level_and_a_rationale_shown_by_the_fields(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    view = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view.current is not None
    browser_login(client, setup.email("clinician"))
    url = f"{_url(setup)}/{view.current.id}"
    response = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "decision": "override",
            "level": "",
            "rationale": "",
        },
    )
    assert response.status_code == 422
    assert 'id="override-level-error"' in response.text
    assert 'id="override-rationale-error"' in response.text
    # A typed rationale is kept when only the level is missing.
    response = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "decision": "override",
            "level": "",
            "rationale": "Lives far from the clinic; weekly sessions by video.",
        },
    )
    assert response.status_code == 422
    assert "Lives far from the clinic; weekly sessions by video." in response.text
    assert 'id="override-rationale-error"' not in response.text
    bogus = client.post(
        url,
        data={"csrf_token": cookie_csrf(client), "decision": "override", "level": "moon"},
    )
    assert bogus.status_code == 422 and 'id="override-level-error"' in bogus.text
    still = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert still.needs_review and still.accepted is None
    done = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "decision": "override",
            "level": "intensive_outpatient",
            "rationale": "Two relapses after weekly sessions.",
        },
    )
    assert done.status_code == 303
    page = _text(client.get(done.headers["location"]).text)
    assert "Overridden on" in page and "Two relapses after weekly sessions." in page
    assert "Intensive outpatient care" in page


def test_a_changed_recommendation_is_highlighted_with_what_changed(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    first = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert first.current is not None
    levelofcare.decide_recommendation(uow, setup.clinician_actor, first.current.id, "accept", clock)
    # A PHQ-9 with thoughts of self-harm arrives: re-evaluated, shown, never applied.
    responses.submit_response(
        uow, setup.patient_actor(0), setup.patients[0].id, "phq9", phq9(20, item9=2), clock
    )
    levelofcare.evaluate_level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    browser_login(client, setup.email("clinician"))
    text = _text(client.get(_url(setup)).text)
    assert "The recommendation has changed: please review" in text
    assert "New safety action" in text
    assert "Superseded" in text or "Accepted" in text
    after = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert after.accepted is not None and after.accepted.id == first.current.id
