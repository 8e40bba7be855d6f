"""The intake pages: the clinician opens one, the patient fills it in section by section in
the portal (errors next to their fields, nothing lost), sends it, and the battery appears."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from web_helpers import TestClient, bearer, browser_login, cookie_csrf, session_token

from attune.domain.intake import SECTIONS
from attune.services import assignments
from attune.services import intake as intake_service
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, complete_intake, fill_intake


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


class FormControls(HTMLParser):
    """What a browser would send for the page's form, left as it is: filled inputs,
    ticked boxes, chosen options and text areas, in page order."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.sent.append((name, a.get("value", "")))
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.sent.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.sent.append((self._textarea, self._text))
            self._textarea = None


def _as_sent(html: str) -> list[tuple[str, str]]:
    controls = FormControls()
    controls.feed(html)
    return controls.sent


def _open(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> int:
    return intake_service.open_intake(uow, setup.clinician_actor, setup.patients[0].id, clock).id


def test_clinician_opens_an_intake_from_the_care_path(
    client: TestClient, setup: ClinicSetup
) -> None:
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    record = client.get(f"/clinic/patients/{patient}")
    assert f'href="/clinic/patients/{patient}/intake"' in record.text
    page = client.get(f"/clinic/patients/{patient}/intake")
    assert page.status_code == 200
    assert "Open an intake" in page.text
    opened = client.post(
        f"/clinic/patients/{patient}/intake", data={"csrf_token": cookie_csrf(client)}
    )
    assert opened.status_code == 303
    assert opened.headers["location"] == f"/clinic/patients/{patient}/intake?opened=1"
    page = client.get(opened.headers["location"])
    text = _text(page.text)
    assert "The intake is open" in text
    assert "saved 0 of 9 sections" in text
    # A second one while this one is open is a clear 409 page, not a 500.
    again = client.post(
        f"/clinic/patients/{patient}/intake", data={"csrf_token": cookie_csrf(client)}
    )
    assert again.status_code == 409
    assert "already has an intake open" in again.text


def test_portal_shows_the_sections_and_progress(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    nothing = client.get("/portal/intake")
    assert "has not asked you for this yet" in nothing.text
    intake_id = _open(uow, setup, clock)
    page = client.get("/portal/intake")
    assert page.status_code == 200
    assert "0 of 9 sections done" in page.text
    for section in SECTIONS:
        assert f'href="/portal/intake/{intake_id}/{section.key}"' in page.text
        assert section.title in unescape(page.text)


def test_each_question_is_drawn_by_its_type(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    page = client.get(f"/portal/intake/{intake_id}/addictions").text
    assert '<select id="f-addictions-0-what" name="addictions[0].what"' in page
    assert 'name="addictions[0].stopped" value="yes"' in page  # yes / no as radios
    assert 'id="f-addictions-0-last-use" name="addictions[0].last_use"' in page
    assert 'type="date"' in page
    assert 'inputmode="decimal"' in page  # amount and years
    assert 'name="addictions.none"' in page
    assert 'value="add:addictions"' in page
    situation = client.get(f"/portal/intake/{intake_id}/situation").text
    assert 'type="checkbox" name="situation.supports" value="friends"' in situation
    goals = client.get(f"/portal/intake/{intake_id}/goals").text
    assert '<textarea id="f-goals" name="goals"' in goals
    medical = client.get(f"/portal/intake/{intake_id}/medical").text
    # A follow-up question can be cleared again ("does not apply").
    assert 'name="medical.blood_pressure_controlled" value=""' in medical
    assert client.get(f"/portal/intake/{intake_id}/nonsense").status_code == 404


def test_saving_a_section_moves_on_and_counts_it_done(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    saved = client.post(
        f"/portal/intake/{intake_id}/withdrawal",
        data={
            "csrf_token": cookie_csrf(client),
            "withdrawal.seizures": "no",
            "withdrawal.delirium": "no",
            "withdrawal.other_severe": "no",
            "action": "next",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/portal/intake/{intake_id}/medications"
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and "withdrawal" in view.sections_done
    assert view.intake.withdrawal.seizures is False
    overview = client.get("/portal/intake").text
    assert "1 of 9 sections done" in overview
    # The form shows what was saved.
    again = client.get(f"/portal/intake/{intake_id}/withdrawal").text
    assert 'name="withdrawal.seizures" value="no" checked' in again


def test_the_none_box_is_an_answer_and_an_untouched_list_is_not(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    url = f"/portal/intake/{intake_id}/situation"
    page = _text(client.get(url).text)
    assert "Who supports you? (tick all that apply)" in page
    assert "leave all empty" not in page
    assert "No one at the moment" in page and "None of these" in page
    base = {
        "csrf_token": cookie_csrf(client),
        "situation.stable_housing": "yes",
        "situation.lives_alone": "yes",
        "situation.lives_with_someone_who_uses": "no",
        "action": "save",
    }
    # "No one at the moment" ticked, nothing ticked for the pressures.
    saved = client.post(url, data={**base, "situation.supports": "none-of-these"})
    assert saved.status_code == 303
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None
    assert view.intake.situation.supports == frozenset()  # answered: no one
    assert view.intake.situation.pressures is None  # not answered yet
    assert "situation" not in view.sections_done
    again = client.get(url).text
    assert 'name="situation.supports" value="none-of-these" checked' in again
    assert 'name="situation.pressures" value="none-of-these" checked' not in again

    both = client.post(
        url,
        data={
            **base,
            "situation.supports": "none-of-these",
            "situation.pressures": "none-of-these",
        },
    )
    assert both.status_code == 303
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and "situation" in view.sections_done
    assert view.intake.situation.pressures == frozenset()
    clash = client.post(url, data={**base, "situation.supports": ["none-of-these", "friends"]})
    assert clash.status_code == 422
    assert "You ticked &#39;No one at the moment&#39; and also some answers" in clash.text
    # The clinician reads the answer in the same words.
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    read = _text(client.get(f"/clinic/patients/{setup.patients[0].id}/intake").text)
    assert "Who supports you? (tick all that apply) No one at the moment" in read


def test_a_portal_save_keeps_what_the_api_stored_about_earlier_help(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    me = bearer(session_token(uow, clock, setup.email("patient0")))
    earlier = {
        "had_treatment": True,
        "items": [
            {"kind": "counselling", "outcome": "helped", "year": 2019, "detail": "At my GP's"},
            {"kind": "peer_support", "outcome": "ongoing", "year": None, "detail": ""},
        ],
    }
    stored = client.put(
        f"/api/v1/intakes/{intake_id}/sections/treatment", json={"answers": earlier}, headers=me
    )
    assert stored.status_code == 200, stored.text
    browser_login(client, setup.email("patient0"))
    url = f"/portal/intake/{intake_id}/treatment"
    page = client.get(url).text
    assert "Anything you want us to know about it?" in page
    sent = _as_sent(page)
    assert ("treatment.items[0].detail", "At my GP's") in sent
    # The patient changes nothing and saves the section again.
    form: dict[str, list[str]] = {}
    for name, value in sent:
        form.setdefault(name, []).append(value)
    saved = client.post(url, data={**form, "action": "save"})
    assert saved.status_code == 303, saved.text
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None
    items = view.intake.treatment.items
    assert [(i.kind.value, i.detail) for i in items] == [
        ("counselling", "At my GP's"),
        ("peer_support", ""),
    ]


def test_add_another_saves_and_shows_one_more_row(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    added = client.post(
        f"/portal/intake/{intake_id}/addictions",
        data={
            "csrf_token": cookie_csrf(client),
            "addictions[0].what": "alcohol",
            "addictions[0].days_per_week": "4",
            "action": "add:addictions",
        },
    )
    assert added.status_code == 303
    assert added.headers["location"].startswith(
        f"/portal/intake/{intake_id}/addictions?group=addictions&more=1"
    )
    page = client.get(added.headers["location"]).text
    assert 'name="addictions[0].what"' in page and 'name="addictions[2].what"' in page
    assert '<option value="alcohol" selected>' in page
    # Empty rows in between are dropped and the rest renumbered.
    client.post(
        f"/portal/intake/{intake_id}/addictions",
        data={
            "csrf_token": cookie_csrf(client),
            "addictions[0].what": "alcohol",
            "addictions[1].what": "",
            "addictions[2].what": "gambling",
            "action": "later",
        },
    )
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None
    assert [a.what.value for a in view.intake.named] == ["alcohol", "gambling"]


def test_bad_answers_are_shown_by_their_fields_and_nothing_is_lost(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    me = setup.patient_actor(0)
    fill_intake(uow, me, intake_id, clock)  # every section saved once
    browser_login(client, setup.email("patient0"))
    posted = {
        "csrf_token": cookie_csrf(client),
        "addictions[0].what": "alcohol",
        "addictions[0].detail": "red wine, mostly",
        "addictions[0].stopped": "yes",
        "addictions[0].days_per_week": "5",  # contradicts "stopped"
        "addictions[0].amount": "lots",  # not a number
        "addictions[0].last_use": "2025-12-30",
        "addictions[0].years_of_use": "6",
        "action": "next",
    }
    response = client.post(f"/portal/intake/{intake_id}/addictions", data=posted)
    assert response.status_code == 422
    page = response.text
    # The unreadable amount is named by its field; what was typed is still there.
    assert 'id="f-addictions-0-amount-error"' in page
    assert "Please enter a number" in page
    assert 'value="lots"' in page and 'value="red wine, mostly"' in page
    assert '<a href="#f-addictions-0-amount">' in page
    # Readable but contradictory: the domain's message next to days per week.
    posted["addictions[0].amount"] = "3"
    response = client.post(f"/portal/intake/{intake_id}/addictions", data=posted)
    assert response.status_code == 422
    assert 'id="f-addictions-0-days-per-week-error"' in response.text
    assert "stopped" in unescape(response.text)
    assert 'value="5"' in response.text
    # Nothing of either request was saved: the earlier answers stand.
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None
    assert view.intake == complete_intake(clock.now().date())
    assert view.progress == (9, 9)


def test_out_of_range_number_is_named(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    response = client.post(
        f"/portal/intake/{intake_id}/readiness",
        data={"csrf_token": cookie_csrf(client), "readiness.ruler": "14", "action": "next"},
    )
    assert response.status_code == 422
    assert 'id="f-readiness-ruler-error"' in response.text
    assert "from 0 to 10" in response.text
    assert 'value="14"' in response.text


def test_sending_an_incomplete_intake_lists_what_is_missing_by_section(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    client.post(
        f"/portal/intake/{intake_id}/goals",
        data={"csrf_token": cookie_csrf(client), "goals": "Sleep through the night"},
    )
    response = client.post(
        f"/portal/intake/{intake_id}/submit", data={"csrf_token": cookie_csrf(client)}
    )
    assert response.status_code == 422
    page = unescape(response.text)
    assert f'<a href="/portal/intake/{intake_id}/withdrawal">' in page
    assert "Nothing you saved has been lost" in page
    view = intake_service.current_intake(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and view.open and view.intake.goals == "Sleep through the night"


def test_sending_assigns_the_battery_to_the_due_list(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    fill_intake(uow, setup.patient_actor(0), intake_id, clock)
    browser_login(client, setup.email("patient0"))
    sent = client.post(
        f"/portal/intake/{intake_id}/submit", data={"csrf_token": cookie_csrf(client)}
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/portal/intake?sent=1"
    page = client.get(sent.headers["location"]).text
    assert "your answers are with your care team" in page
    assert "Read what you sent" in page and "Drink less and sleep better." in page
    home = client.get("/portal").text
    for title in ("Experiences in Close Relationships", "Alcohol Use Disorders"):
        assert title in home
    due = assignments.due_for_patient(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert {"ecrr", "audit", "phq9"} <= {d.instrument_id for d in due}
    # The form of a sent intake cannot be posted again.
    late = client.post(
        f"/portal/intake/{intake_id}/goals",
        data={"csrf_token": cookie_csrf(client), "goals": "Something else"},
    )
    assert late.status_code == 409


def test_clinician_reads_the_answers_grouped_by_section(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    fill_intake(uow, setup.patient_actor(0), intake_id, clock)
    browser_login(client, setup.email("clinician"))
    page = client.get(f"/clinic/patients/{setup.patients[0].id}/intake")
    text = _text(page.text)
    for section in SECTIONS:
        assert section.title in text
    assert "Alcohol" in text and "wine" in text
    assert "Drink less and sleep better." in text
    assert "ECR-R" in text  # the battery, with its reasons
    assert "Assigned when sent" in text


def test_the_start_page_shows_the_waiting_intake_and_the_care_links(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    before = client.get("/portal").text
    assert "intake-card-title" not in before
    assert 'href="/portal/plan"' in before and 'href="/portal/picture"' in before
    _open(uow, setup, clock)
    with uow:
        before_events = len(list(uow.audit.in_order()))
    page = client.get("/portal").text
    assert 'id="intake-card-title"' in page
    assert "0 of 9 sections done" in page
    assert 'href="/portal/intake"' in page
    # One service, one audited read of the patient's data for the whole page.
    with uow:
        new = list(uow.audit.in_order())[before_events:]
    assert [(e.action, e.outcome) for e in new] == [("view_due", "allowed")]


def test_thoughts_of_ending_life_bring_the_crisis_line_to_every_intake_page(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    intake_id = _open(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    saved = client.post(
        f"/portal/intake/{intake_id}/mental_health",
        data={
            "csrf_token": cookie_csrf(client),
            "mental_health.psychosis": "never",
            "mental_health.mania": "never",
            "mental_health.suicide_attempts": "none",
            "mental_health.self_harm": "never",
            "mental_health.suicidal_thoughts_now": "yes",
            "action": "next",
        },
    )
    assert saved.status_code == 303
    following = client.get(saved.headers["location"]).text
    assert 'id="intake-crisis-title"' in following
    assert "Crisis line: call or text 988" in following and "555-0100" in following
    overview = client.get("/portal/intake").text
    assert "Your care team sees this answer when you send your intake" in unescape(overview)
    assert overview.index('id="intake-crisis-title"') < overview.index("sections done")
    # Answered "no" again: the block goes away.
    client.post(
        f"/portal/intake/{intake_id}/mental_health",
        data={
            "csrf_token": cookie_csrf(client),
            "mental_health.suicidal_thoughts_now": "no",
            "action": "later",
        },
    )
    assert 'id="intake-crisis-title"' not in client.get("/portal/intake").text
