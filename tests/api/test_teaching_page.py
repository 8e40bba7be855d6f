"""The teaching page: one simulated person's year, four ways, labelled as a model."""

from __future__ import annotations

import re
from html import unescape

from web_helpers import TestClient, browser_login

from factories import ClinicSetup


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_patient_sees_the_year_four_ways_with_the_model_notice(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    response = client.get("/learn/cycle")
    assert response.status_code == 200
    page = _text(response.text)
    assert "A model, not a prediction." in page
    assert "not a prediction for any real person" in page
    for label in ("No treatment", "Therapy", "Therapy with KAP", "Ketamine without therapy"):
        assert label in page
    assert response.text.count("<svg") == 4
    assert response.text.count("<h1") == 1
    ids = re.findall(r'\bid="([^"]+)"', response.text)
    assert len(ids) == len(set(ids))
    assert 'role="img"' in response.text and "<title id=" in response.text
    assert "Person 1" in page
    assert '<a href="/learn/cycle" aria-current="page">Learn</a>' in response.text


def test_staff_can_pick_another_person_and_a_bad_choice_is_named(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("clinician"))
    other = client.get("/learn/cycle?person=3")
    assert other.status_code == 200
    assert "Person 3" in _text(other.text)
    for bad in ("0", "13", "two"):
        refused = client.get(f"/learn/cycle?person={bad}")
        assert refused.status_code == 422
        assert "Choose a person from 1 to 12" in _text(refused.text)


def test_anonymous_visitors_are_sent_to_log_in(client: TestClient) -> None:
    response = client.get("/learn/cycle")
    assert response.status_code == 303
    assert "/login" in response.headers["location"]
