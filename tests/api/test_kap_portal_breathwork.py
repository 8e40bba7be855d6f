"""Breathing exercises in the portal and over the API: the list, the guided timer's page
(its embedded timeline is the domain's), lengths chosen and refused, and who may see them."""

from __future__ import annotations

import json
import re
from html import unescape

from web_helpers import TestClient, bearer, browser_login, session_token

from attune.domain.kap.breathwork import builtin_protocols, get_protocol, timeline, timeline_as_data
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup

TIMELINE_ATTR = re.compile(r'data-timeline="([^"]*)"')


def _embedded(html: str) -> dict[str, object]:
    found = TIMELINE_ATTR.search(html)
    assert found, "the page embeds no timeline"
    data = json.loads(unescape(found.group(1)))
    assert isinstance(data, dict)
    return data


def test_the_patient_chooses_an_exercise_and_the_page_embeds_its_timeline(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    listing = client.get("/portal/breathwork")
    assert listing.status_code == 200
    for protocol in builtin_protocols():
        assert unescape(protocol.name) in unescape(listing.text)
        assert f'href="/portal/breathwork/{protocol.id}"' in listing.text
    page = client.get("/portal/breathwork/box")
    assert page.status_code == 200
    box = get_protocol("box")
    data = _embedded(page.text)
    assert data["steps"] == timeline_as_data(timeline(box))
    assert data["cycles"] == 8 and data["total_ms"] == 8 * 16_000
    assert '<script src="/static/js/breathwork.js" defer></script>' in page.text
    # Without JavaScript the steps are there to follow, and the hint says why no timer.
    for step in box.steps:
        assert unescape(step) in unescape(page.text)
    assert "data-breath-nojs" in page.text
    assert client.get("/static/js/breathwork.js").status_code == 200


def test_a_chosen_length_changes_the_timeline(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("patient0"))
    data = _embedded(client.get("/portal/breathwork/box?rounds=2").text)
    assert data["steps"] == timeline_as_data(timeline(get_protocol("box"), cycles=2))
    slow = client.get("/portal/breathwork/slow-6?minutes=3")
    assert 'name="minutes"' in slow.text and 'value="3"' in slow.text
    assert _embedded(slow.text)["total_ms"] == 180_000


def test_a_length_out_of_range_is_shown_by_its_field_with_the_input_kept(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    for value, message in (("0", "Choose 1 to 200 rounds."), ("lots", "whole number")):
        page = client.get(f"/portal/breathwork/box?rounds={value}")
        assert page.status_code == 422
        assert 'id="f-length-error"' in page.text and message in page.text
        assert f'value="{value}"' in page.text and 'aria-invalid="true"' in page.text
        # The default session is still there to play.
        assert _embedded(page.text)["cycles"] == 8


def test_an_unknown_exercise_is_a_calm_not_found(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/breathwork/holotropic")
    assert page.status_code == 404
    assert "There is no breathing exercise" in page.text and "Traceback" not in page.text


def test_staff_and_strangers_are_sent_elsewhere(client: TestClient, setup: ClinicSetup) -> None:
    for path in ("/portal/breathwork", "/portal/breathwork/box"):
        anonymous = client.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    browser_login(client, setup.email("clinician"))
    for path in ("/portal/breathwork", "/portal/breathwork/box"):
        staff = client.get(path)
        assert staff.status_code == 303 and staff.headers["location"] == "/clinic"


def test_the_api_lists_protocols_and_plays_their_timelines(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    auth = bearer(session_token(uow, clock, setup.email("patient0")))
    listed = client.get("/api/v1/breathwork/protocols", headers=auth)
    assert listed.status_code == 200
    body = listed.json()
    assert [p["id"] for p in body] == [p.id for p in builtin_protocols()]
    box = next(p for p in body if p["id"] == "box")
    assert box["pattern"] == "4-4-4-4" and box["cycles"] == 8 and box["minutes"] is None
    assert [ph["ms"] for ph in box["phases"]] == [4000] * 4
    played = client.get("/api/v1/breathwork/protocols/4-7-8/timeline?cycles=3", headers=auth)
    assert played.status_code == 200
    assert played.json()["steps"] == timeline_as_data(timeline(get_protocol("4-7-8"), cycles=3))
    assert played.json()["total_ms"] == 3 * 19_000
    # A clinician reads the same data.
    staff = bearer(session_token(uow, clock, setup.email("clinician")))
    assert client.get("/api/v1/breathwork/protocols", headers=staff).status_code == 200


def test_the_api_refuses_bad_lengths_and_unknown_exercises(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    auth = bearer(session_token(uow, clock, setup.email("patient0")))
    url = "/api/v1/breathwork/protocols/box/timeline"
    for query, field in (
        ("?cycles=0", "cycles"),
        ("?cycles=2&minutes=2", "cycles"),
        ("?minutes=99", "minutes"),
        ("?cycles=x", "cycles"),
    ):
        refused = client.get(url + query, headers=auth)
        assert refused.status_code == 422, query
        assert refused.json()["error"]["field"] == field
    unknown = client.get("/api/v1/breathwork/protocols/moon/timeline", headers=auth)
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "protocol_id"
    assert client.get("/api/v1/breathwork/protocols").status_code == 401
