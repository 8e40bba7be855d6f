"""The clinician's KAP pages through the app, on SQLite and PostgreSQL: the course (open,
next steps with their reasons, eligibility with every reason and source, sign-off,
consent, stop), a refused dose, the session record (vitals and their warnings, ratings,
adverse events, discharge, signing), integration; bad input shown next to its field with
the answers kept and nothing saved."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from html import unescape

from web_helpers import TestClient, browser_login, csrf_in

from attune.domain.intake import EpisodeHistory
from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.athome_checkins import SitterCheckin
from attune.services import kap_course, kap_home, kap_sessions
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, complete_intake, eligible_course, submitted_intake


def text_of(html: str) -> str:
    """The page's visible words, tags removed and spaces collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', html)
    assert found, f"no message next to {field_id}"
    return unescape(found.group(1))


def value_of(html: str, field_id: str) -> str:
    found = re.search(rf'id="{re.escape(field_id)}"[^>]*value="([^"]*)"', html)
    assert found, f"no input {field_id}"
    return unescape(found.group(1))


def login(client: TestClient, setup: ClinicSetup, who: str = "clinician") -> str:
    browser_login(client, setup.email(who))
    return csrf_in(client.get("/clinic").text)


def test_opening_a_course_and_checking_eligibility_shows_every_reason_with_its_source(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    token = login(client, setup)
    patient = setup.patients[0].id
    base = f"/clinic/patients/{patient}/kap"

    page = client.get(base)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Open a KAP course" in words
    for name in (
        "Ketamine in the office",
        "Ketamine at home",
        "Spravato (esketamine) in the office",
    ):
        assert name in words
    assert "there is no at-home Spravato program" in words
    assert 'aria-current="page">KAP</a>' in page.text  # the care-path link

    refused = client.post(base, data={"csrf_token": token})
    assert refused.status_code == 422
    assert field_error(refused.text, "f-program") == "Choose the program."

    opened = client.post(base, data={"csrf_token": token, "program": "in_office"})
    assert opened.status_code == 303
    page = client.get(opened.headers["location"])
    words = text_of(page.text)
    assert "The course is open. Check eligibility next." in words
    assert "Preparation (now) Dosing and integration Aftercare" in words
    assert "Dose 1 in the office Blocked" in words
    assert "The prescriber has not signed off eligibility yet." in words
    course = kap_course.course_view(uow, setup.clinician_actor, patient, clock)
    assert course is not None
    check = f"{base}/{course.id}/eligibility"

    half = client.post(check, data={"csrf_token": token, "systolic": "150", "program": "in_office"})
    assert half.status_code == 422
    assert field_error(half.text, "f-diastolic") == "Blood pressure needs both numbers."
    assert value_of(half.text, "f-systolic") == "150"
    assert kap_course.course_view(uow, setup.clinician_actor, patient, clock).eligibility is None

    done = client.post(check, data={"csrf_token": token, "systolic": "150", "diastolic": "92"})
    assert done.status_code == 303
    page = client.get(done.headers["location"])
    words = text_of(page.text)
    assert "Eligible with conditions" in words
    assert "blood pressure 150/92 mmHg" in words
    result = kap_course.course_view(uow, setup.clinician_actor, patient, clock)
    assert result is not None and result.eligibility is not None
    for reason in result.eligibility.result.reasons:
        assert " ".join(reason.text.split()) in words
        for source in reason.sources:
            assert " ".join(source.split()) in words
    assert 'class="kap-reason kap-reason--condition"' in page.text

    sign = f"{base}/{course.id}/eligibility/{result.eligibility.id}/sign-off"
    no_note = client.post(sign, data={"csrf_token": token, "decision": "approve"})
    assert no_note.status_code == 422
    assert field_error(no_note.text, "f-note") == (
        "Say how each condition will be met before the first dose."
    )
    assert 'value="approve" checked' in no_note.text
    approved = client.post(
        sign,
        data={"csrf_token": token, "decision": "approve", "note": "BP rechecked on the day."},
    )
    assert approved.status_code == 303
    words = text_of(client.get(approved.headers["location"]).text)
    assert "Approved on 5 January 2026, 09:00 UTC." in words
    assert "BP rechecked on the day." in words

    again = client.post(base, data={"csrf_token": token, "program": "at_home"})
    assert again.status_code == 409
    assert "already has a KAP course under way" in text_of(again.text)


def test_an_override_names_each_soft_exclusion_and_needs_a_rationale(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    intake = complete_intake(clock.now().date())
    past = replace(intake.mental_health, psychosis=EpisodeHistory.PAST)
    submitted_intake(uow, setup, clock, intake=replace(intake, mental_health=past))
    staff, patient = setup.clinician_actor, setup.patients[0].id
    course = kap_course.open_course(uow, staff, patient, "in_office", clock)
    result = kap_course.assess_eligibility(uow, staff, course.id, (120, 80), None, clock)
    token = login(client, setup)
    base = f"/clinic/patients/{patient}/kap"
    page = client.get(base)
    words = text_of(page.text)
    assert "Not eligible" in words and "Can be overridden with a rationale" in words
    assert 'name="overridden" value="psychosis_history"' in page.text

    sign = f"{base}/{course.id}/eligibility/{result.id}/sign-off"
    short = client.post(
        sign, data={"csrf_token": token, "decision": "override", "rationale": "Long ago."}
    )
    assert short.status_code == 422
    assert field_error(short.text, "f-overridden").startswith("Name each exclusion")
    assert field_error(short.text, "f-rationale").startswith("An override needs")
    assert "Long ago." in short.text
    done = client.post(
        sign,
        data={
            "csrf_token": token,
            "decision": "override",
            "overridden": "psychosis_history",
            "rationale": "A single episode twelve years ago with no recurrence; family present.",
        },
    )
    assert done.status_code == 303
    words = text_of(client.get(base).text)
    assert "Overridden on 5 January 2026" in words
    assert "Exclusions overridden: psychosis_history." in words


def test_consent_in_person_and_stopping_the_course(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    patient = setup.patients[0].id
    course = kap_course.open_course(uow, setup.clinician_actor, patient, "in_office", clock)
    token = login(client, setup)
    base = f"/clinic/patients/{patient}/kap"
    assert "Not given yet" in text_of(client.get(base).text)
    given = client.post(f"{base}/{course.id}/consent", data={"csrf_token": token})
    assert given.status_code == 303
    assert "Given 5 January 2026, 09:00 UTC" in text_of(client.get(base).text)
    twice = client.post(f"{base}/{course.id}/consent", data={"csrf_token": token})
    assert twice.status_code == 409
    assert "Consent was already recorded" in text_of(twice.text)

    empty = client.post(f"{base}/{course.id}/stop", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert field_error(empty.text, "f-reason").startswith("Say why the course is stopped.")
    stopped = client.post(
        f"{base}/{course.id}/stop", data={"csrf_token": token, "reason": "Moving away"}
    )
    assert stopped.status_code == 303
    words = text_of(client.get(base).text)
    assert "Stopped: Moving away" in words
    assert "Open a KAP course" in words  # a new course may be opened


def test_a_dose_too_early_is_refused_with_every_reason_and_nothing_is_saved(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    submitted_intake(uow, setup, clock)
    patient = setup.patients[0].id
    course = kap_course.open_course(uow, setup.clinician_actor, patient, "in_office", clock)
    token = login(client, setup)
    new = f"/clinic/patients/{patient}/kap/{course.id}/sessions/new"
    form = client.get(new)
    assert form.status_code == 200
    assert value_of(form.text, "f-started-at") == "2026-01-05T09:00"
    dose = {
        "csrf_token": token,
        "route": "im",
        "dose_mg": "35",
        "weight_kg": "70",
        "lot_number": "K-1",
        "started_at": "2026-01-05T09:00",
    }
    refused = client.post(new, data=dose)
    assert refused.status_code == 409
    words = text_of(refused.text)
    assert "The course does not allow a dose now. Nothing was saved." in words
    for reason in (
        "The prescriber has not signed off eligibility yet.",
        "The patient's consent has not been recorded.",
        "Preparation is not complete: 0 of 2 sessions held.",
    ):
        assert reason in words
    assert value_of(refused.text, "f-lot-number") == "K-1"
    view = kap_course.course_view(uow, setup.clinician_actor, patient, clock)
    assert view is not None and view.sessions == () and view.doses_given == 0

    bad = client.post(new, data={**dose, "dose_mg": "lots", "route": ""})
    assert bad.status_code == 422
    assert field_error(bad.text, "f-dose-mg") == "Enter a number, e.g. 35 or 0.5."
    assert field_error(bad.text, "f-route") == "Choose the route the medicine is given by."


def _start(client: TestClient, token: str, patient: int, course_id: int, at: str) -> str:
    started = client.post(
        f"/clinic/patients/{patient}/kap/{course_id}/sessions/new",
        data={
            "csrf_token": token,
            "route": "im",
            "dose_mg": "35",
            "weight_kg": "70",
            "lot_number": "K-1",
            "started_at": at,
        },
    )
    assert started.status_code == 303, text_of(started.text)
    return started.headers["location"].split("?")[0]


def test_the_session_record_from_the_dose_to_the_signature(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(minutes=90))  # 10:30
    patient = setup.patients[0].id
    token = login(client, setup)
    url = _start(client, token, patient, course.id, "2026-01-05T10:00")
    page = client.get(url + "?done=started")
    words = text_of(page.text)
    assert "The session is started and the dose recorded on the course." in words
    assert "Draft: not signed yet" in words
    assert "35 mg · weight 70 kg" in words

    def reading(at: str, sys: str, dia: str, hr: str, spo2: str) -> int:
        return client.post(
            url + "/vitals",
            data={
                "csrf_token": token,
                "at": f"2026-01-05T{at}",
                "systolic": sys,
                "diastolic": dia,
                "heart_rate": hr,
                "spo2": spo2,
            },
        ).status_code

    assert reading("09:50", "128", "82", "76", "98") == 303
    assert reading("10:15", "172", "96", "88", "97") == 303
    swapped = client.post(
        url + "/vitals",
        data={"csrf_token": token, "at": "2026-01-05T10:30", "systolic": "80", "diastolic": "95"},
    )
    assert swapped.status_code == 422
    assert field_error(swapped.text, "f-vitals-diastolic").startswith(
        "The diastolic pressure (95) must be lower than the systolic (80)"
    )
    assert value_of(swapped.text, "f-vitals-systolic") == "80"
    assert reading("10:30", "150", "90", "84", "95") == 303

    page = client.get(url)
    words = text_of(page.text)
    message = "10:15: systolic blood pressure 172 mmHg is above the caution threshold of 160 mmHg."
    assert f"Warnings (1) Caution {message}" in words
    assert page.text.count("chart-point--warning") == 1
    assert f"<title>{message}</title>" in page.text
    assert page.text.count('<svg class="chart kap-timeline"') == 3
    assert "Systolic blood pressure above 160 mmHg (caution)" in words
    assert 'class="kap-row--warning"' in page.text

    assert (
        client.post(
            url + "/ratings",
            data={
                "csrf_token": token,
                "at": "2026-01-05T10:20",
                "sedation": "1",
                "dissociation": "2",
            },
        ).status_code
        == 303
    )
    refused = client.post(url + "/sign", data={"csrf_token": token})
    assert refused.status_code == 422
    words = text_of(refused.text)
    assert "The record was not signed." in words
    assert "End of monitoring: Enter when monitoring ended." in words
    assert "Where the patient went: Say whether the patient went home or was transferred." in words

    discharge = {
        "csrf_token": token,
        "discharge.alert_and_oriented": "yes",
        "discharge.nausea_controlled": "yes",
        "discharge.walking_steadily": "yes",
        "discharge.escort_present": "yes",
        "discharge.escort_name": "",
        "discharge.no_driving_acknowledged": "yes",
        "disposition": "discharged",
        "ended_at": "2026-01-05T10:30",
    }
    assert client.post(url + "/discharge", data=discharge).status_code == 303
    refused = client.post(url + "/sign", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "Escort's name: Write the escort's name." in text_of(refused.text)
    assert (
        client.post(url + "/discharge", data={**discharge, "discharge.escort_name": "Sam"})
    ).status_code == 303
    signed = client.post(url + "/sign", data={"csrf_token": token})
    assert signed.status_code == 303
    words = text_of(client.get(url).text)
    assert "Signed on 5 January 2026, 10:30 UTC." in words
    assert "Save the reading" not in words  # a signed record is not changed again
    view = kap_sessions.session_view(uow, setup.clinician_actor, int(url.rsplit("/", 1)[1]), clock)
    assert view.signed


def test_adverse_events_and_the_integration_session(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(minutes=90))
    patient = setup.patients[0].id
    token = login(client, setup)
    url = _start(client, token, patient, course.id, "2026-01-05T10:00")
    base = f"/clinic/patients/{patient}/kap"

    no_action = client.post(
        url + "/adverse-events",
        data={
            "csrf_token": token,
            "kind": "nausea",
            "severity": "mild",
            "onset": "2026-01-05T10:20",
            "action": "",
        },
    )
    assert no_action.status_code == 422
    assert "Say what was done." in field_error(no_action.text, "f-event-action")
    opened = client.post(
        url + "/adverse-events",
        data={
            "csrf_token": token,
            "kind": "nausea",
            "severity": "mild",
            "onset": "2026-01-05T10:20",
            "action": "Ondansetron 4 mg",
        },
    )
    assert opened.status_code == 303
    words = text_of(client.get(base).text)
    assert "Adverse events open" in words
    assert "s1-ae1" in words
    closed = client.post(
        url + "/adverse-events/0/close",
        data={"csrf_token": token, "resolved_at": "2026-01-05T10:30", "action": ""},
    )
    assert closed.status_code == 303
    assert "Adverse events open" not in text_of(client.get(base).text)

    outside = client.post(
        url + "/integration/schedule", data={"csrf_token": token, "at": "2026-01-05T12:00"}
    )
    assert outside.status_code == 422
    assert "choose a time in that window" in field_error(outside.text, "f-schedule-at")
    assert value_of(outside.text, "f-schedule-at") == "2026-01-05T12:00"
    booked = client.post(
        url + "/integration/schedule", data={"csrf_token": token, "at": "2026-01-06T15:00"}
    )
    assert booked.status_code == 303
    assert "Booked for 6 January 2026, 15:00 UTC." in text_of(client.get(url).text)

    early = client.post(
        url + "/integration/complete",
        data={"csrf_token": token, "insights": "I felt safe", "commitments": "", "notes": ""},
    )
    assert early.status_code == 409
    assert "The integration window for dose 1 opens at 2026-01-06 10:00 UTC." in text_of(early.text)
    clock.set(clock.now().replace(day=6, hour=15))
    client.cookies.clear()
    token = login(client, setup)  # the session of the day before has ended
    empty = client.post(
        url + "/integration/complete",
        data={"csrf_token": token, "insights": " ", "commitments": "", "notes": "kept"},
    )
    assert empty.status_code == 422
    assert field_error(empty.text, "f-complete-insights").startswith("Write at least one")
    held = client.post(
        url + "/integration/complete",
        data={
            "csrf_token": token,
            "insights": "I felt safe with my partner nearby\nThe fear passed",
            "commitments": "Call my sister on Sundays",
            "notes": "Warm session.",
        },
    )
    assert held.status_code == 303
    words = text_of(client.get(url).text)
    assert "Held 6 January 2026, 15:30 UTC." in words
    assert "The fear passed" in words and "Call my sister on Sundays" in words


def test_a_session_is_found_only_under_its_own_patient(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    clock.advance(timedelta(hours=1))
    started = kap_sessions.start_session(
        uow, setup.clinician_actor, course.id, "iv", "35", None, "70", "K-1", clock.now(), clock
    )
    login(client, setup, "admin")
    wrong = client.get(f"/clinic/patients/{setup.patients[1].id}/kap/sessions/{started.id}")
    assert wrong.status_code == 404
    right = client.get(f"/clinic/patients/{setup.patients[0].id}/kap/sessions/{started.id}")
    assert right.status_code == 200


def test_a_patient_is_sent_to_their_portal(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock)
    browser_login(client, setup.email("patient0"))
    for path in ("", f"/{course.id}/sessions/new"):
        response = client.get(f"/clinic/patients/{setup.patients[0].id}/kap{path}")
        assert response.status_code == 303 and response.headers["location"] == "/portal"


def test_an_at_home_session_shows_the_check_ins_to_the_clinician(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    course = eligible_course(uow, setup, clock, program="at_home")
    me = setup.patient_actor(0)
    clock.advance(timedelta(hours=1))
    now = clock.now()
    answers = GateAnswers(
        last_ate_at=now - timedelta(hours=5),
        sitter_present=True,
        sitter_name="Alex",
        systolic=124,
        diastolic=80,
        bp_measured_at=now - timedelta(minutes=5),
        phone_charged=True,
        no_driving_agreed=True,
        intention="To be curious about the loneliness",
    )
    assert kap_home.dosing_day_gate(uow, me, course.id, answers, clock).may_dose
    clock.advance(timedelta(minutes=5))
    session = kap_home.record_home_dose(uow, me, course.id, clock.now(), clock)
    clock.advance(timedelta(minutes=15))
    kap_home.sitter_checkin(
        uow, me, session.id, SitterCheckin(clock.now(), True, True, False), clock
    )
    clock.advance(timedelta(minutes=15))
    kap_home.sitter_checkin(
        uow, me, session.id, SitterCheckin(clock.now(), False, True, False), clock
    )
    token = login(client, setup)
    url = f"/clinic/patients/{setup.patients[0].id}/kap/sessions/{session.id}"
    page = client.get(url)
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Dose 1: at-home session" in words
    assert "10:20 · The sitter All well" in words
    assert "10:35 · The sitter Stopped" in words
    assert "Vital signs" not in words and "Signature" not in words
    assert "Record an adverse event" in words
    recorded = client.post(
        url + "/adverse-events",
        data={
            "csrf_token": token,
            "kind": "anxiety_or_agitation",
            "severity": "moderate",
            "onset": "2026-01-05T10:35",
            "action": "Sitter called the clinic; talked through",
        },
    )
    assert recorded.status_code == 303
    assert "Anxiety or agitation · moderate" in text_of(client.get(url).text)
