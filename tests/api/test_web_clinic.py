"""The clinician view: caseload, patient page with charts and answers, assigning, flags."""

from __future__ import annotations

import re
from datetime import timedelta

from web_helpers import TestClient, World, bearer, browser_login, cookie_csrf, session_token

from attune.services import responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, phq9


def _history(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> None:
    """Three PHQ-9s two weeks apart (18, 12, 7), the last with item 9 answered 1."""
    patient = setup.patients[0].id
    for total, item9 in ((18, 0), (12, 0), (7, 1)):
        responses.submit_response(
            uow, setup.patient_actor(0), patient, "phq9", phq9(total, item9), clock
        )
        clock.advance(timedelta(days=14))


def test_caseload_shows_latest_scores_bands_due_counts_and_flags(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    _history(setup, uow, clock)
    browser_login(client, setup.email("clinician"))
    page = client.get("/clinic")
    assert page.status_code == 200
    assert "Your caseload" in page.text
    row = page.text[page.text.index("Patient 0 (Harbour)") - 200 :]
    assert 'class="row--flagged"' in row[:300]
    assert "PHQ-9</strong> 7 · Mild" in row
    assert "suicidal ideation" in row
    assert "Patient 1 (Harbour)" not in page.text


def test_admin_sees_every_patient_of_the_clinic(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("admin"))
    page = client.get("/clinic")
    assert "All patients" in page.text
    assert "Patient 0 (Harbour)" in page.text and "Patient 1 (Harbour)" in page.text


def test_patient_page_has_chart_table_answers_and_flag_form(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    _history(setup, uow, clock)
    browser_login(client, setup.email("clinician"))
    page = client.get(f"/clinic/patients/{setup.patients[0].id}")
    assert page.status_code == 200
    html = page.text
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="chart-point"') == 3
    assert svg.count('class="chart-band"') == 5
    assert "Moderately severe" in svg
    assert "3 scored responses from 5 Jan 2026 to 2 Feb 2026" in svg
    table = html[html.index('<table class="chart-table">') :]
    assert "<td>18</td>" in table and "<td>Mild</td>" in table
    # Every answer of the newest response: item, answer label, code and weight.
    assert "Thoughts that you would be better off dead" in html
    assert re.search(r"<td>Several days</td>\s*<td class=\"num\">1</td>", html)
    assert "Open flags" in html
    assert re.search(r'action="/clinic/patients/\d+/flags/\d+/acknowledge"', html)
    assert '<option value="gad7">' in html  # the assign form lists the instruments


def test_assign_once_or_every_n_days(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, world.setup.email("clinician"))
    csrf = cookie_csrf(client)
    url = f"/clinic/patients/{world.patient_id}/assignments"
    once = client.post(url, data={"csrf_token": csrf, "instrument_id": "gad7", "schedule": "once"})
    assert once.status_code == 303
    assert once.headers["location"] == f"/clinic/patients/{world.patient_id}?assigned=GAD-7"
    assert "GAD-7 assigned." in client.get(once.headers["location"]).text
    repeat = client.post(
        url,
        data={
            "csrf_token": csrf,
            "instrument_id": "pcl5",
            "schedule": "repeat",
            "every_days": "14",
            "starts_on": "2026-01-12",
        },
    )
    assert repeat.status_code == 303
    token = session_token(uow, clock, world.setup.email("clinician"))
    record = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(token)).json()
    by_id = {a["instrument_id"]: a for a in record["assignments"]}
    assert by_id["gad7"]["every_days"] is None
    assert by_id["pcl5"]["every_days"] == 14 and by_id["pcl5"]["next_due_on"] == "2026-01-12"


def test_a_bad_assign_form_comes_back_with_the_message_by_the_field(
    client: TestClient, world: World
) -> None:
    browser_login(client, world.setup.email("clinician"))
    url = f"/clinic/patients/{world.patient_id}/assignments"
    data = {
        "csrf_token": cookie_csrf(client),
        "instrument_id": "gad7",
        "schedule": "repeat",
        "every_days": "often",
    }
    page = client.post(url, data=data)
    assert page.status_code == 422
    assert 'id="every_days-error"' in page.text and "whole number" in page.text
    assert '<option value="gad7" selected>' in page.text
    data["every_days"] = "999"
    page = client.post(url, data=data)
    assert page.status_code == 422
    assert 'id="every_days-error"' in page.text and 'value="999"' in page.text
    data["instrument_id"] = ""
    page = client.post(url, data=data)
    assert page.status_code == 422 and 'id="instrument_id-error"' in page.text


def test_assigning_the_same_instrument_twice_is_a_409(client: TestClient, world: World) -> None:
    browser_login(client, world.setup.email("clinician"))
    url = f"/clinic/patients/{world.patient_id}/assignments"
    data = {"csrf_token": cookie_csrf(client), "instrument_id": "phq9", "schedule": "once"}
    page = client.post(url, data=data)
    assert page.status_code == 409
    assert "already has PHQ-9 assigned" in page.text


def test_acknowledging_a_flag_closes_it(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, world.setup.email("clinician"))
    csrf = cookie_csrf(client)
    flag = world.flag_ids[0]
    url = f"/clinic/patients/{world.patient_id}/flags/{flag}/acknowledge"
    done = client.post(url, data={"csrf_token": csrf, "note": "Called; safety plan reviewed."})
    assert done.status_code == 303
    assert "Flag acknowledged." in client.get(done.headers["location"]).text
    again = client.post(url, data={"csrf_token": csrf, "note": ""})
    assert again.status_code == 409
    too_long = client.post(
        f"/clinic/patients/{world.patient_id}/flags/{world.flag_ids[1]}/acknowledge",
        data={"csrf_token": csrf, "note": "x" * 2001},
    )
    assert too_long.status_code == 422
    assert 'id="note-error"' in too_long.text and "x" * 2001 in too_long.text
    token = session_token(uow, clock, world.setup.email("clinician"))
    api = client.post(
        f"/api/v1/flags/{world.flag_ids[2]}/acknowledge", json={}, headers=bearer(token)
    )
    assert api.status_code == 200 and api.json()["acknowledged_at"] is not None
    record = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(token)).json()
    assert {f["id"] for f in record["open_flags"]} == set(world.flag_ids) - {
        flag,
        world.flag_ids[2],
    }


def test_an_instrument_scored_once_is_listed_not_charted(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    _history(setup, uow, clock)
    responses.submit_response(
        uow,
        setup.patient_actor(0),
        setup.patients[0].id,
        "gad7",
        {f"q{i}": 2 for i in range(1, 8)},
        clock,
    )
    browser_login(client, setup.email("clinician"))
    html = client.get(f"/clinic/patients/{setup.patients[0].id}").text
    assert html.count("<svg") == 1  # the PHQ-9 only
    once = html[html.index('<table class="scored-once">') :]
    once = once[: once.index("</table>")]
    assert "GAD-7" in once and "14" in once and "Moderate" in once and "PHQ-9" not in once
