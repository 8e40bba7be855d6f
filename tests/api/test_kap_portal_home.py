"""The at-home dosing day in the portal: the gate (refused answers next to their fields,
out-of-range answers that stop the flow and alert the clinician, a day stopped outright,
a pass), the dose, the sitter's check-ins (all well, a concern, a stop) and the check-in
after the session; who may use them, and CSRF. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from web_helpers import TestClient, browser_login, cookie_csrf

from attune.services.clock import FixedClock
from attune.services.kap_views import CourseView
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _course(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> CourseView:
    course = eligible_course(uow, setup, clock, program="at_home")
    clock.advance(timedelta(minutes=5))
    return course


def _gate(client: TestClient, **changes: str) -> dict[str, str]:
    answers = {
        "csrf_token": cookie_csrf(client),
        "fasted_hours": "6",
        "sitter_present": "yes",
        "sitter_name": "Alex Morgan",
        "systolic": "126",
        "diastolic": "80",
        "bp_measured": "0",
        "phone_charged": "yes",
        "no_driving_agreed": "yes",
        "intention": "To listen to myself.",
    }
    answers.update(changes)
    return {k: v for k, v in answers.items() if v != "-"}


def _flags(uow: UnitOfWork, setup: ClinicSetup) -> list[str]:
    with uow:
        return sorted(f.kind for f in uow.flags.open_for_patient(setup.patients[0].id))


def _dose(client: TestClient, course: CourseView) -> str:
    """Pass the gate and take the dose; the session page's address."""
    assert client.post(f"/portal/kap/{course.id}/gate", data=_gate(client)).status_code == 303
    taken = client.post(f"/portal/kap/{course.id}/dose", data={"csrf_token": cookie_csrf(client)})
    assert taken.status_code == 303
    location = taken.headers["location"]
    assert re.fullmatch(r"/portal/kap/home/sessions/\d+\?started=1", location)
    return location.split("?")[0]


def test_unanswered_and_mistyped_answers_are_shown_by_their_fields_with_the_rest_kept(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    assert "Start the checklist" in client.get("/portal/kap/home").text
    url = f"/portal/kap/{course.id}/gate"
    empty = client.post(url, data=_gate(client, fasted_hours="-", sitter_present="-", systolic=""))
    assert empty.status_code == 422
    for field in ("f-fasted-hours", "f-sitter-present", "f-systolic"):
        assert f'id="{field}-error"' in empty.text, field
    assert 'value="Alex Morgan"' in empty.text and "To listen to myself." in empty.text
    assert 'value="80"' in empty.text
    mistyped = client.post(url, data=_gate(client, systolic="1200", diastolic="80"))
    assert mistyped.status_code == 422 and 'id="f-systolic-error"' in mistyped.text
    upside_down = client.post(url, data=_gate(client, systolic="80", diastolic="120"))
    assert upside_down.status_code == 422
    assert "The bottom number should be lower than the top one." in unescape(upside_down.text)
    assert _flags(uow, setup) == [] and "Start the checklist" in client.get("/portal/kap/home").text


def test_a_high_reading_stops_the_flow_alerts_the_clinician_and_can_be_measured_again(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    url = f"/portal/kap/{course.id}/gate"
    stopped = client.post(url, data=_gate(client, systolic="150", diastolic="95"))
    assert stopped.status_code == 303 and stopped.headers["location"] == "/portal/kap/home#today"
    day = client.get("/portal/kap/home")
    text = _text(day.text)
    assert "Please do not take your medicine yet" in text
    assert "Your blood pressure (150/95) is higher than your clinic's range" in text
    assert "We have let your care team know" in text and "Crisis line: call or text 988" in text
    assert "I have taken my dose" not in text and "Go through the checklist again" in text
    assert 'role="alert"' in day.text
    assert _flags(uow, setup) == ["kap_gate_stopped"]
    refused = client.post(f"/portal/kap/{course.id}/dose", data={"csrf_token": cookie_csrf(client)})
    assert refused.status_code == 409
    assert "has not been passed" in refused.text
    clock.advance(timedelta(minutes=10))
    passed = client.post(url, data=_gate(client))
    assert passed.status_code == 303
    assert "You may take your dose" in _text(client.get("/portal/kap/home").text)


def test_a_very_high_reading_stops_the_day(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    url = f"/portal/kap/{course.id}/gate"
    assert client.post(url, data=_gate(client, systolic="192", diastolic="110")).status_code == 303
    text = _text(client.get("/portal/kap/home").text)
    assert "No dose today" in text and "call 911 now" in text
    assert "Go through the checklist again" not in text
    again = client.post(url, data=_gate(client))
    assert again.status_code == 409 and "no at-home dose today" in again.text


def test_what_is_not_ready_yet_is_said_plainly_without_alerting_anyone(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    answers = _gate(client, fasted_hours="1", sitter_present="no", phone_charged="-", intention="")
    assert client.post(f"/portal/kap/{course.id}/gate", data=answers).status_code == 303
    text = _text(client.get("/portal/kap/home").text)
    assert "Please do not take your medicine yet" in text
    for title in ("Eating.", "Your sitter.", "Your phone.", "Your intention."):
        assert title in text
    assert "Please wait until" in text and "Your sitter needs to be with you" in text
    assert _flags(uow, setup) == []


def test_a_dose_then_the_sitters_checkins_and_the_checkin_after(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    session = _dose(client, course)
    page = _text(client.get(session + "?started=1").text)
    assert "Your dose is recorded" in page and "Next check-in 09:20 UTC in 15 minutes" in page
    assert 'data-countdown data-due="2026-01-05T09:20:00+00:00"' in client.get(session).text
    clock.advance(timedelta(minutes=15))
    unanswered = client.post(
        session + "/checkins", data={"csrf_token": cookie_csrf(client), "responsive": "yes"}
    )
    assert unanswered.status_code == 422
    assert 'id="f-breathing-normal-error"' in unanswered.text
    assert 'id="f-distressed-error"' in unanswered.text
    assert 'value="yes" checked' in unanswered.text  # the answer given is kept
    well = client.post(
        session + "/checkins",
        data={
            "csrf_token": cookie_csrf(client),
            "responsive": "yes",
            "breathing_normal": "yes",
            "distressed": "no",
        },
    )
    assert well.status_code == 303
    shown = _text(client.get(well.headers["location"].split("#")[0]).text)
    assert "Check-in saved All is well" in shown and "09:20 Sitter: all well" in shown
    clock.advance(timedelta(minutes=15))
    stop = client.post(
        session + "/checkins",
        data={
            "csrf_token": cookie_csrf(client),
            "responsive": "no",
            "breathing_normal": "yes",
            "distressed": "no",
        },
    )
    assert stop.status_code == 303
    stopped = client.get(stop.headers["location"].split("#")[0])
    text = _text(stopped.text)
    assert "Stop: do this now" in text and "We have let the care team know" in text
    assert '<li class="kapp-stop__emergency">Call 911 now.</li>' in stopped.text
    assert "roll them onto their side" in text and "Save this check-in" not in text
    assert "kap_checkin_stop" in _flags(uow, setup)
    # The check-ins can go on once things are calmer.
    assert "Save this check-in" in client.get(session).text
    clock.advance(timedelta(hours=4))
    after = session + "/after"
    assert client.get(after).status_code == 200
    missing = client.post(
        after,
        data={"csrf_token": cookie_csrf(client), "side_effects": ["nausea", "headache"]},
    )
    assert missing.status_code == 422
    for field in ("f-wellbeing", "f-feels-safe", "f-sitter-stayed"):
        assert f'id="{field}-error"' in missing.text, field
    assert 'value="nausea" checked' in missing.text and 'value="headache" checked' in missing.text
    unsafe = client.post(
        after,
        data={
            "csrf_token": cookie_csrf(client),
            "wellbeing": "3",
            "feels_safe": "no",
            "sitter_stayed": "here",
            "note": "Everything feels heavy tonight.",
        },
    )
    assert unsafe.status_code == 303
    closed = _text(client.get(unsafe.headers["location"].split("#")[0]).text)
    assert "Stop: do this now" in closed and "You do not have to manage this alone" in closed
    assert "Crisis line: call or text 988" in closed and "This session is complete" not in closed
    assert "This session is complete" in _text(client.get(session).text)
    assert "kap_post_session_alert" in _flags(uow, setup)
    assert client.get(after).status_code == 303  # the session is closed
    refused = client.post(
        session + "/checkins",
        data={
            "csrf_token": cookie_csrf(client),
            "responsive": "yes",
            "breathing_normal": "yes",
            "distressed": "no",
        },
    )
    assert refused.status_code == 409


def test_an_in_office_course_has_no_dosing_day_at_home(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    eligible_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    for path in ("/portal/kap/home", "/portal/kap/home/gate"):
        page = client.get(path)
        assert page.status_code == 404 and "Your course is in the clinic" in page.text


def test_only_the_patient_uses_the_dosing_day(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    session = _dose(client, course)
    checkin = {"responsive": "yes", "breathing_normal": "yes", "distressed": "no"}
    posts = {
        f"/portal/kap/{course.id}/gate": {"fasted_hours": "6"},
        f"/portal/kap/{course.id}/dose": {},
        session + "/checkins": checkin,
        session + "/after": {"wellbeing": "7"},
    }
    gets = ("/portal/kap/home", "/portal/kap/home/gate", session, session + "/after")
    client.cookies.clear()
    for path in gets:
        anonymous = client.get(path)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    browser_login(client, setup.email("patient1"))
    for path in (session, session + "/after"):
        assert client.get(path).status_code == 404, path
    for path, data in posts.items():
        refused = client.post(path, data={"csrf_token": cookie_csrf(client), **data})
        assert refused.status_code == 404, path
        assert "Traceback" not in refused.text
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    for path in gets:
        assert client.get(path).headers["location"] == "/clinic", path
    for path, data in posts.items():
        staff = client.post(path, data={"csrf_token": cookie_csrf(client), **data})
        assert staff.status_code == 303 and staff.headers["location"] == "/clinic", path


def test_every_dosing_day_form_needs_its_csrf_token(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    course = _course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    session = _dose(client, course)
    for path in (
        f"/portal/kap/{course.id}/gate",
        f"/portal/kap/{course.id}/dose",
        session + "/checkins",
        session + "/after",
        "/portal/breathwork/practice",
    ):
        refused = client.post(path, data={"responsive": "no", "protocol_id": "box"})
        assert refused.status_code == 403, path
        assert "security token" in refused.text
    assert _flags(uow, setup) == []
