"""The patient portal and the questionnaire API: due lists, drafts, submitting, crisis."""

from __future__ import annotations

import re
from datetime import timedelta

from web_helpers import TestClient, World, bearer, browser_login, cookie_csrf, session_token

from attune.services import assignments
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, phq9


def _answer_form(world: World, client: TestClient, **answers: int | str) -> dict[str, object]:
    return {
        "csrf_token": cookie_csrf(client),
        "instrument_id": "phq9",
        "action": "submit",
        **{k: str(v) for k, v in answers.items()},
    }


def test_home_lists_what_is_due_with_a_plain_note(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    setup = world.setup
    assignments.assign_instrument(
        uow,
        setup.clinician_actor,
        world.patient_id,
        "gad7",
        14,
        (clock.now() - timedelta(days=3)).date(),
        clock,
    )
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal")
    assert page.status_code == 200
    assert "Patient Health Questionnaire-9" in page.text
    assert "Ready for you today" in page.text
    assert "Waiting since 2 January 2026" in page.text  # the GAD-7, three days overdue
    assert "That's all right" in page.text
    assert f'href="/portal/answer/{world.assignment_id}"' in page.text


def test_nothing_due_says_so_kindly(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("patient1"))
    page = client.get("/portal")
    assert "Nothing to fill in right now" in page.text


def test_answer_page_has_instructions_items_and_progress(client: TestClient, world: World) -> None:
    browser_login(client, world.setup.email("patient0"))
    csrf = cookie_csrf(client)
    draft = client.put(
        f"/api/v1/assignments/{world.assignment_id}/draft",
        json={"answers": {"q1": 2, "q2": 1}},
        headers={"X-CSRF-Token": csrf},
    )
    assert draft.status_code == 200
    page = client.get(f"/portal/answer/{world.assignment_id}")
    assert page.status_code == 200
    assert "Over the last 2 weeks" in page.text
    assert page.text.count('type="radio"') == 9 * 4
    assert "Answered <span data-answered>2</span> of 9" in page.text
    assert re.search(r'name="q1" value="2" checked', page.text)
    assert re.search(r'name="q2" value="1" checked', page.text)
    assert f'data-draft-url="/api/v1/assignments/{world.assignment_id}/draft"' in page.text
    assert '<script src="/static/js/attune.js" defer></script>' in page.text


def test_items_without_shipped_wording_show_their_topic(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    audit = assignments.assign_instrument(
        uow, world.setup.clinician_actor, world.patient_id, "audit", None, None, clock
    )
    browser_login(client, world.setup.email("patient0"))
    page = client.get(f"/portal/answer/{audit.id}")
    assert page.status_code == 200
    assert "Drinking frequency" in page.text
    assert "Your clinic can add it" in page.text


def test_submitting_phq9_with_item9_shows_crisis_resources_and_flags_the_clinician(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, world.setup.email("patient0"))
    form = _answer_form(world, client, **phq9(total=14, item9=2))
    sent = client.post(f"/portal/answer/{world.assignment_id}", data=form)
    assert sent.status_code == 303
    assert re.fullmatch(
        rf"/portal/done/\d+\?assignment={world.assignment_id}", sent.headers["location"]
    )
    page = client.get(sent.headers["location"])
    assert page.status_code == 200
    crisis = page.text.index('class="crisis"')
    assert crisis < page.text.index("Your answers are saved")
    assert "Crisis line: call or text 988" in page.text
    assert "555-0100" in page.text
    assert "14 out of 27" in page.text and "Moderate" in page.text
    assert "not a diagnosis" in page.text
    assert f'data-clear-draft="{world.assignment_id}"' in page.text
    staff = session_token(uow, clock, world.setup.email("clinician"))
    record = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(staff)).json()
    newest = record["responses"][0]
    assert newest["total"] == 14 and newest["flags"] == ["suicidal_ideation"]
    assert any(f["response_id"] == newest["id"] for f in record["open_flags"])
    # The questionnaire is done: it no longer shows as due.
    assert client.get("/portal").text.count("/portal/answer/") == 0
    # Reloading the thank-you page shows it again and sends nothing twice.
    again = client.get(sent.headers["location"])
    assert again.status_code == 200 and 'class="crisis"' in again.text
    after = client.get(f"/api/v1/patients/{world.patient_id}", headers=bearer(staff)).json()
    assert len(after["responses"]) == len(record["responses"])


def test_thank_you_pages_belong_to_their_patient(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, world.setup.email("patient0"))
    form = _answer_form(world, client, **phq9(total=4))
    location = client.post(f"/portal/answer/{world.assignment_id}", data=form).headers["location"]
    client.cookies.clear()
    browser_login(client, world.setup.email("patient1"))
    assert client.get(location).status_code == 404


def test_a_calm_result_shows_no_crisis_box(client: TestClient, world: World) -> None:
    browser_login(client, world.setup.email("patient0"))
    page = client.post(
        f"/portal/answer/{world.assignment_id}",
        data=_answer_form(world, client, **phq9(total=3, item9=0)),
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert 'class="crisis"' not in page.text
    assert "Thank you — your answers are saved" in page.text
    assert "3 out of 27 — Minimal" in page.text


def test_api_submit_returns_crisis_resources(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    token = session_token(uow, clock, world.setup.email("patient0"))
    response = client.post(
        f"/api/v1/patients/{world.patient_id}/responses",
        json={
            "instrument_id": "phq9",
            "answers": phq9(total=9, item9=1),
            "assignment_id": world.assignment_id,
        },
        headers=bearer(token),
    )
    assert response.status_code == 201
    body = response.json()
    assert body["crisis"] is True
    assert body["score"]["total"] == 9 and body["score"]["band"] == "Mild"
    assert body["score"]["flags"] == ["suicidal_ideation"]
    assert body["crisis_resources"]["crisis_line"] == "Crisis line: call or text 988"
    assert body["crisis_resources"]["clinic_phone"] == "555-0100"


def test_a_bad_answer_gets_422_naming_the_item_and_loses_nothing(
    client: TestClient, world: World
) -> None:
    browser_login(client, world.setup.email("patient0"))
    csrf = cookie_csrf(client)
    url = f"/api/v1/assignments/{world.assignment_id}/draft"
    saved = client.put(url, json={"answers": {"q1": 2, "q2": 3}}, headers={"X-CSRF-Token": csrf})
    assert saved.status_code == 200

    bad_draft = client.put(
        url, json={"answers": {"q3": 1, "q4": 7}}, headers={"X-CSRF-Token": csrf}
    )
    assert bad_draft.status_code == 422
    error = bad_draft.json()["error"]
    assert error["type"] == "validation_error" and error["field"] == "q4"
    assert "q4" in error["message"]

    answers = phq9(total=10)
    answers["q9"] = 5
    form = _answer_form(world, client, **{k: v for k, v in answers.items() if v is not None})
    page = client.post(f"/portal/answer/{world.assignment_id}", data=form)
    assert page.status_code == 422
    assert 'id="error-q9"' in page.text and "q9" in page.text
    assert "Your other answers are kept" in page.text
    assert re.search(r'name="q1" value="3" checked', page.text)  # the posted answers stay

    api = client.post(
        f"/api/v1/patients/{world.patient_id}/responses",
        json={"instrument_id": "phq9", "answers": answers, "assignment_id": world.assignment_id},
        headers={"X-CSRF-Token": csrf},
    )
    assert api.status_code == 422 and api.json()["error"]["field"] == "q9"
    wrong_type = client.put(url, json={"answers": {"q5": "often"}}, headers={"X-CSRF-Token": csrf})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["error"]["field"] == "answers.q5"
    for sneaky in (True, 1.0, "1"):
        refused = client.put(url, json={"answers": {"q6": sneaky}}, headers={"X-CSRF-Token": csrf})
        assert refused.status_code == 422, sneaky

    # The saved draft is exactly as it was before the bad attempts.
    due = client.get(f"/api/v1/patients/{world.patient_id}/due").json()
    assert due[0]["draft"] == {"q1": 2, "q2": 3}


def test_unanswered_questions_are_named_and_the_form_comes_back(
    client: TestClient, world: World
) -> None:
    browser_login(client, world.setup.email("patient0"))
    form = _answer_form(world, client, q1=1, q2=2)
    page = client.post(f"/portal/answer/{world.assignment_id}", data=form)
    assert page.status_code == 422
    assert "unanswered" in page.text
    assert re.search(r'name="q2" value="2" checked', page.text)


def test_save_and_finish_later_works_without_javascript(client: TestClient, world: World) -> None:
    browser_login(client, world.setup.email("patient0"))
    form = _answer_form(world, client, q1=1, q2=0, q3=3)
    form["action"] = "save"
    response = client.post(f"/portal/answer/{world.assignment_id}", data=form)
    assert response.status_code == 303
    assert response.headers["location"] == f"/portal/answer/{world.assignment_id}?saved=1"
    page = client.get(response.headers["location"])
    assert "Your answers are saved" in page.text
    assert "Answered <span data-answered>3</span> of 9" in page.text
    assert client.get("/portal").text.count("Started: 3 of 9 answered") == 1


def test_instruments_api_lists_items_with_wording_where_it_ships(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    token = session_token(uow, clock, world.setup.email("patient0"))
    listed = client.get("/api/v1/instruments", headers=bearer(token)).json()
    by_id = {i["id"]: i for i in listed}
    assert {"phq9", "gad7", "audit"} <= set(by_id)
    phq = by_id["phq9"]
    assert len(phq["items"]) == 9 and phq["total_max"] == 27
    assert phq["items"][8]["options"][0] == {"code": 0, "label": "Not at all"}
    assert by_id["audit"]["items"][0]["text"] is None
    assert by_id["audit"]["items"][0]["topic"] == "Drinking frequency"
    one = client.get("/api/v1/instruments/gad7", headers=bearer(token))
    assert one.json()["abbreviation"] == "GAD-7"
    missing = client.get("/api/v1/instruments/nope", headers=bearer(token))
    assert missing.status_code == 404 and missing.json()["error"]["field"] == "instrument"
