"""The patient's KAP course in the portal: where they are, preparation modules, the
safety plan, consent (given, withdrawn, given again) and the journal, with every bad
answer shown next to its field and nothing lost. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from web_helpers import TestClient, browser_login, cookie_csrf

from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.preparation import modules_for
from attune.domain.kap.program import IN_OFFICE
from attune.services import kap_course, kap_home, kap_integration
from attune.services.clock import FixedClock
from attune.services.kap_views import CourseView
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course, kap_staff, submitted_intake


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _fresh_course(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> CourseView:
    submitted_intake(uow, setup, clock)
    patient = setup.patients[0].id
    return kap_course.open_course(uow, kap_staff(setup), patient, "in_office", clock)


def test_without_a_course_the_page_says_so_kindly(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/kap")
    assert page.status_code == 200
    assert "No KAP course yet" in page.text
    for path in ("/portal/kap/consent", "/portal/kap/safety-plan", "/portal/kap/journal"):
        missing = client.get(path)
        assert missing.status_code == 404 and "You don't have a KAP course" in unescape(
            missing.text
        )


def test_a_new_course_shows_where_the_patient_is_and_what_comes_next(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _fresh_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    text = _text(client.get("/portal/kap").text)
    assert "KAP in the clinic" in text and "Where you are: Getting ready" in text
    assert "0 of 6 dosing sessions done" in text
    assert "Get ready Your next step 0 of 4 done" in text
    assert "Next: What to expect" in text
    assert "Your prescriber's check With your care team" in text
    assert "Dosing sessions (0 of 6) Later" in text
    for module in modules_for(IN_OFFICE):
        assert module.title in text


def test_reading_a_module_and_ticking_it_done(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _fresh_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/kap/preparation/what_to_expect")
    assert page.status_code == 200
    module = next(m for m in modules_for(IN_OFFICE) if m.key == "what_to_expect")
    for section in module.sections:
        assert unescape(section.heading) in unescape(page.text)
    url = f"/portal/kap/{course.id}/preparation/what_to_expect"
    unticked = client.post(url, data={"csrf_token": cookie_csrf(client)})
    assert unticked.status_code == 422
    assert 'id="f-confirmed-error"' in unticked.text and "tick the box" in unticked.text
    assert module.sections[0].heading in unescape(unticked.text)  # the reading is still there
    done = client.post(url, data={"csrf_token": cookie_csrf(client), "confirmed": "yes"})
    assert done.status_code == 303 and done.headers["location"] == "/portal/kap?done=module"
    home = _text(client.get(done.headers["location"]).text)
    assert "That part of your preparation is ticked off" in home and "1 of 4 done" in home
    again = _text(client.get("/portal/kap/preparation/what_to_expect").text)
    assert "You completed this on 5 January 2026, 09:00 UTC" in again
    twice = client.post(url, data={"csrf_token": cookie_csrf(client), "confirmed": "yes"})
    assert twice.status_code == 409
    unknown = client.get("/portal/kap/preparation/astrology")
    assert unknown.status_code == 404 and "has no preparation module" in unknown.text


def test_the_safety_plan_keeps_every_answer_and_names_each_problem(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _fresh_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    empty = client.get("/portal/kap/safety-plan")
    assert empty.status_code == 200
    assert 'value="Crisis line: call or text 988"' in empty.text  # the clinic's, filled in
    url = f"/portal/kap/{course.id}/safety-plan"
    bad = {
        "csrf_token": cookie_csrf(client),
        "warning_signs": "I stop eating\n\nI stay in bed",
        "coping_steps": "Call my sister",
        "people[0].name": "Sam",
        "people[0].phone": "not known",
        "people[1].name": "",
        "people[1].phone": "",
        "people[2].name": "",
        "people[2].phone": "555 0199",
        "crisis_line": "Crisis line: call or text 988",
        "note": "Keep the kettle on",
    }
    refused = client.post(url, data=bad)
    assert refused.status_code == 422
    page = unescape(refused.text)
    assert 'id="f-people-0-phone-error"' in page
    assert "does not look like a phone number" in page
    assert 'id="f-people-1-name-error"' in page  # the phone-only row, renumbered
    assert "I stop eating\n\nI stay in bed" in page and 'value="not known"' in page
    assert 'value="555 0199"' in page and "Keep the kettle on" in page
    assert kap_course.safety_plan(uow, setup.patient_actor(0), course.id, clock) is None
    part = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "warning_signs": "I stop eating",
            "crisis_line": "",
        },
    )
    assert part.status_code == 303
    saved = _text(client.get(part.headers["location"]).text)
    assert "Saved. You can come back and add the rest" in saved
    assert "Write at least one thing you can do that helps." in saved
    whole = dict(bad, **{"people[0].phone": "555 0100", "people[2].phone": ""})
    complete = client.post(url, data=whole)
    assert complete.status_code == 303
    done = _text(client.get(complete.headers["location"]).text)
    assert "Your safety plan is complete, and that part of your preparation is done" in done
    view = kap_course.course_view(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert view is not None
    assert next(m for m in view.preparation if m.key == "safety_plan").done


def test_consent_given_withdrawn_and_given_again(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _fresh_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    page = _text(client.get("/portal/kap/consent").text)
    assert "It is your choice" in page and "You can change your mind" in page
    url = f"/portal/kap/{course.id}/consent"
    unticked = client.post(url, data={"csrf_token": cookie_csrf(client)})
    assert unticked.status_code == 422 and 'id="f-agree-error"' in unticked.text
    given = client.post(url, data={"csrf_token": cookie_csrf(client), "agree": "yes"})
    assert given.status_code == 303
    assert "Your consent is recorded" in _text(client.get(given.headers["location"]).text)
    shown = _text(client.get("/portal/kap/consent").text)
    assert "You gave your consent on 5 January 2026, 09:00 UTC" in shown
    assert "Withdraw my consent" in shown
    clock.advance(timedelta(minutes=5))
    withdrawn = client.post(f"{url}/withdraw", data={"csrf_token": cookie_csrf(client)})
    assert withdrawn.status_code == 303
    home = _text(client.get(withdrawn.headers["location"]).text)
    assert "Your consent is withdrawn" in home and "You withdrew your consent" in home
    clock.advance(timedelta(minutes=5))
    again = client.post(url, data={"csrf_token": cookie_csrf(client), "agree": "yes"})
    assert again.status_code == 303
    view = kap_course.course_view(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert view is not None and view.consent.in_force and len(view.consent.history) == 3


def test_the_journal_offers_prompts_with_reasons_and_keeps_what_was_written(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/kap/journal")
    assert page.status_code == 200
    prompts = kap_integration.journal_prompts(uow, setup.patient_actor(0), course.id, clock)
    text = _text(page.text)
    for prompt in prompts:
        assert _text(prompt.text) in text and f"Why this one: {_text(prompt.reason)}" in text
    assert "Nothing yet." in text
    first = prompts[0]
    url = f"/portal/kap/{course.id}/journal"
    empty = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "prompt_key": first.prompt_id,
            "prompt_text": first.text,
            "text": "   ",
        },
    )
    assert empty.status_code == 422
    assert 'id="f-text-1-error"' in empty.text and "This is empty" in empty.text
    written = "I noticed I could breathe through the hard part."
    saved = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "prompt_key": first.prompt_id,
            "prompt_text": first.text,
            "text": written,
        },
    )
    assert saved.status_code == 303
    after = _text(client.get(saved.headers["location"]).text)
    assert "Saved in your journal" in after and written in after
    free = client.post(
        url,
        data={"csrf_token": cookie_csrf(client), "prompt_key": "free", "text": "A calm day."},
    )
    assert free.status_code == 303
    entries = kap_integration.journal(uow, setup.clinician_actor, course.id, clock)
    assert [e.text for e in entries] == ["A calm day.", written]


def test_another_patient_staff_and_strangers_cannot_act_on_a_course(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _fresh_course(uow, setup, clock)
    posts = {
        f"/portal/kap/{course.id}/consent": {"agree": "yes"},
        f"/portal/kap/{course.id}/consent/withdraw": {},
        f"/portal/kap/{course.id}/preparation/what_to_expect": {"confirmed": "yes"},
        f"/portal/kap/{course.id}/safety-plan": {"warning_signs": "x"},
        f"/portal/kap/{course.id}/journal": {"prompt_key": "free", "text": "x"},
    }
    gets = ("/portal/kap", "/portal/kap/consent", "/portal/kap/journal")
    for path in gets:
        anonymous = client.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    browser_login(client, setup.email("patient1"))
    for path, data in posts.items():
        refused = client.post(path, data={"csrf_token": cookie_csrf(client), **data})
        assert refused.status_code == 404, path
        assert "There is no KAP course" in refused.text
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    for path in gets:
        assert client.get(path).headers["location"] == "/clinic"
    for path, data in posts.items():
        staff = client.post(path, data={"csrf_token": cookie_csrf(client), **data})
        assert staff.status_code == 303 and staff.headers["location"] == "/clinic"
    view = kap_course.course_view(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and not view.consent.history


def test_every_form_needs_its_csrf_token(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _fresh_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    for path in (
        f"/portal/kap/{course.id}/consent",
        f"/portal/kap/{course.id}/consent/withdraw",
        f"/portal/kap/{course.id}/preparation/what_to_expect",
        f"/portal/kap/{course.id}/safety-plan",
        f"/portal/kap/{course.id}/journal",
    ):
        refused = client.post(path, data={"agree": "yes", "confirmed": "yes"})
        assert refused.status_code == 403, path
        assert "security token" in refused.text
    view = kap_course.course_view(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view is not None and not view.consent.history


def test_the_start_page_shows_the_course_in_one_audited_read(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    assert "kapp-home-card" not in client.get("/portal").text
    course = eligible_course(uow, setup, clock, program="at_home")
    with uow:
        before = len(list(uow.audit.in_order()))
    page = _text(client.get("/portal").text)
    with uow:
        events = [(e.action, e.detail) for e in list(uow.audit.in_order())[before:]]
    assert events == [
        ("view_due", "start page: questionnaires due, the intake's progress and the KAP course")
    ]
    assert "Your KAP course Getting ready for your first dosing session." in page
    assert "My dosing day" in page
    clock.advance(timedelta(minutes=5))
    gate = GateAnswers(
        clock.now() - timedelta(hours=6), True, "Alex", 124, 80, clock.now(), True, True, "Rest"
    )
    me = setup.patient_actor(0)
    kap_home.dosing_day_gate(uow, me, course.id, gate, clock)
    session = kap_home.record_home_dose(uow, me, course.id, clock.now(), clock)
    during = client.get("/portal").text
    assert "Your session at home is under way." in _text(during)
    assert f'href="/portal/kap/home/sessions/{session.id}"' in during
