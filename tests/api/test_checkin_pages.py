"""The daily check-in in the portal: the form, saving and changing today's, a missed day,
the page after saving (streak, support after a lapse, crisis resources after a safety
answer), the reminder, and the form reader on its own.

The clock stands at Monday 5 January 2026, 09:00 UTC; the clinic's time zone is UTC.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from html import unescape
from html.parser import HTMLParser

import httpx
import pytest
from web_helpers import TestClient, browser_login, csrf_in

from attune.domain.errors import FormErrors
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.monitoring.checkin import CheckIn, Safety, Use
from attune.services import checkins, reminders
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import AlertKind, Priority
from attune.web.pages import checkin_form as forms
from factories import ClinicSetup

TODAY = date(2026, 1, 5)
ANSWERS = {
    "mood": "6",
    "stress": "4",
    "loneliness": "3",
    "craving": "2",
    "used": "no",
    "safety": "none",
}


def _post(
    client: TestClient, data: dict[str, object], path: str = "/portal/checkin"
) -> httpx.Response:
    page = client.get(path if "?" in path else "/portal/checkin")
    return client.post("/portal/checkin", data={"csrf_token": csrf_in(page.text), **data})


def _checked(html: str, name: str, value: str) -> bool:
    return re.search(rf'name="{name}" value="{re.escape(value)}"[^>]* checked', html) is not None


def test_the_form_asks_four_numbers_use_and_safety_and_says_when_it_closes(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/checkin")
    assert page.status_code == 200
    html = unescape(page.text)
    assert "How was today?" in html
    assert "Open until midnight tonight (in about 15 hours)" in html
    for name in ("mood", "stress", "loneliness", "craving"):
        assert all(f'name="{name}" value="{n}"' in html for n in range(11))
    assert "have you had thoughts of ending your life or of hurting yourself?" in html
    assert all(f'name="safety" value="{s.value}"' in html for s in Safety)
    # Nothing is chosen for the patient: no rating, use or safety answer is pre-ticked.
    assert " checked" not in html
    # The crisis resources are on the page (shown by CSS once a safety answer is chosen).
    assert "Crisis line: call or text 988" in html and "Your clinic: 555-0100" in html
    # A first check-in ever: no "missed yesterday" (there is nothing to keep up yet).
    assert "Missed yesterday?" not in html


def test_a_check_in_is_saved_then_thanked_with_the_streak_in_warm_words(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    data = {**ANSWERS, "triggers": ["alone", "tired"], "coping": ["movement"]}
    data |= {"sleep_hours": "6.5", "sleep_quality": "1", "note": "A long day."}
    saved = _post(client, data)
    assert saved.status_code == 303
    assert saved.headers["location"] == "/portal/checkin/saved?day=2026-01-05"
    today = checkins.checkin_today(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert today.existing is not None
    assert today.existing.checkin == CheckIn(
        day=TODAY,
        mood=6,
        stress=4,
        loneliness=3,
        craving=2,
        triggers=("alone", "tired"),
        coping=("movement",),
        sleep_hours=6.5,
        sleep_quality=1,
        note="A long day.",
    )
    thanks = unescape(client.get(saved.headers["location"]).text)
    assert "Thank you for checking in" in thanks
    assert "Being alone, Tired or run down" in thanks and "A walk or exercise" in thanks
    assert "6 / 10" in thanks and "6.5 hours" in thanks
    assert "Change today's answers" in thanks
    assert "broke" not in thanks.lower() and "crisis line" not in thanks.lower()


def test_today_is_changed_until_midnight_and_stays_one_check_in(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    assert _post(client, ANSWERS).status_code == 303
    clock.advance(timedelta(hours=11, minutes=30))  # 20:30, still today
    again = client.get("/portal/checkin")
    assert "You have checked in today" in again.text and "Save my changes" in again.text
    assert "until midnight tonight (in about 3 hours)" in again.text
    assert _checked(again.text, "mood", "6") and _checked(again.text, "safety", "none")
    assert _post(client, {**ANSWERS, "mood": "3"}).status_code == 303
    patient = setup.patients[0].id
    history = checkins.checkin_history(uow, setup.patient_actor(0), patient, clock, days=2)
    assert [(s.checkin.day, s.checkin.mood) for s in history] == [(TODAY, 3)]


def test_missing_answers_are_named_by_their_question_and_nothing_is_saved(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    page = _post(client, {"mood": "6", "craving": "11", "used": "yes", "triggers": ["alone"]})
    assert page.status_code == 422
    html = unescape(page.text)
    assert "answers need another look" in html
    for field in ("stress", "loneliness", "craving", "uses", "safety"):
        assert f'id="f-{field}-error"' in html, field
    assert "Please answer this one too. Whatever your answer, it is all right." in html
    # The list at the top names each question; the message by the question is plain.
    assert ">Stress: Please choose a number from 0 to 10.</a>" in html
    assert 'id="f-stress-error">Please choose a number from 0 to 10.</p>' in html
    assert "Tick what you used" in html
    # What was chosen is kept.
    assert _checked(page.text, "mood", "6") and _checked(page.text, "used", "yes")
    assert _checked(page.text, "triggers", "alone")
    today = checkins.checkin_today(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert today.existing is None


def test_a_lapse_is_met_with_support_and_the_amount_is_kept(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    data = {**ANSWERS, "used": "yes", "use": ["alcohol"], "amount_alcohol": "3"}
    data |= {"unit_alcohol": "standard_drinks", "detail_alcohol": "wine"}
    saved = _post(client, data)
    assert saved.status_code == 303
    thanks = unescape(client.get(saved.headers["location"]).text)
    assert "Thank you for being honest about using" in thanks
    assert "A lapse does not undo the work you have done" in thanks
    assert 'href="/portal/breathwork"' in thanks
    today = checkins.checkin_today(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert today.existing is not None
    assert today.existing.checkin.uses == (
        Use(AddictionType.ALCOHOL, 3.0, AmountUnit.STANDARD_DRINKS, "wine"),
    )


@pytest.mark.parametrize("answer", [Safety.THOUGHTS, Safety.MIGHT_ACT])
def test_a_safety_answer_shows_crisis_resources_and_alerts_the_care_team(
    answer: Safety, client: TestClient, setup: ClinicSetup, uow: UnitOfWork
) -> None:
    browser_login(client, setup.email("patient0"))
    saved = _post(client, {**ANSWERS, "safety": answer.value})
    assert saved.status_code == 303
    thanks = unescape(client.get(saved.headers["location"]).text)
    assert thanks.index("You don't have to face this alone") < thanks.index("Your check-in")
    assert "Crisis line: call or text 988" in thanks and "Your clinic: 555-0100" in thanks
    assert "We have let your care team know" in thanks
    if answer is Safety.MIGHT_ACT:
        assert "You said you feel you might act on them. Please reach out now" in thanks
    with uow:
        alerts = uow.alerts.open_for_patient(setup.patients[0].id, AlertKind.SAFETY)
    assert len(alerts) == 1 and alerts[0].priority is Priority.URGENT


def test_a_missed_day_is_filled_in_once_then_kept_as_saved(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    assert _post(client, {**ANSWERS, "day": "2026-01-03"}).status_code == 303
    offered = client.get("/portal/checkin").text
    assert 'href="/portal/checkin?day=2026-01-04">Missed yesterday? You can fill it in' in offered
    form = client.get("/portal/checkin?day=2026-01-04")
    assert form.status_code == 200
    assert "How was Sunday?" in form.text and "How was your mood that day?" in form.text
    assert "You can fill it in once" in form.text
    saved = _post(client, {**ANSWERS, "day": "2026-01-04"}, "/portal/checkin?day=2026-01-04")
    assert saved.headers["location"] == "/portal/checkin/saved?day=2026-01-04"
    thanks = client.get(saved.headers["location"]).text
    assert "This day is kept as you saved it." in thanks
    assert "Change today" not in thanks and "Now check in for today" in thanks
    # Opening it again shows what was saved; sending it again is refused, calmly.
    reopened = client.get("/portal/checkin?day=2026-01-04")
    assert reopened.status_code == 303
    assert reopened.headers["location"] == "/portal/checkin/saved?day=2026-01-04"
    clash = _post(client, {**ANSWERS, "day": "2026-01-04", "mood": "1"})
    assert clash.status_code == 409
    assert "A past day's check-in stays as it was saved" in unescape(clash.text)
    today = checkins.checkin_today(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert not today.yesterday_missed
    assert "Missed yesterday?" not in client.get("/portal/checkin").text


def test_a_day_still_to_come_or_unreadable_is_refused_by_its_field(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    assert client.get("/portal/checkin?day=2026-01-06").status_code == 422
    page = client.get("/portal/checkin?day=someday")
    assert page.status_code == 422 and "Give the day as a date" in page.text
    assert client.get("/portal/checkin/saved?day=2026-01-03").status_code == 404
    for day in ("someday", "2026-01-06", "2025-12-01"):
        posted = _post(client, {**ANSWERS, "day": day})
        assert posted.status_code == 422, day
        assert "Traceback" not in posted.text and "<h1" in posted.text


def test_the_reminder_is_off_until_chosen_then_saved_with_a_time_zone(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    page = client.get("/portal/checkin/reminder")
    assert page.status_code == 200
    assert 'value="19:00"' in page.text and 'name="enabled" value="yes">' in page.text
    assert "The clinic's (UTC)" in page.text
    assert "never says anything about your health" in page.text
    data = {"enabled": "yes", "at": "07:30", "timezone": "Europe/London"}
    saved = client.post("/portal/checkin/reminder", data={"csrf_token": csrf_in(page.text), **data})
    assert saved.status_code == 303
    again = client.get(saved.headers["location"])
    assert "Saved. We will use these from now on." in again.text
    assert 'value="Europe/London" selected' in again.text and 'value="07:30"' in again.text
    assert "Your next reminder: Tuesday 6 January at 07:30 (Europe/London)" in again.text
    view = reminders.reminder_view(uow, setup.patient_actor(0), setup.patients[0].id, clock)
    assert (view.enabled, view.at, view.timezone) == (True, time(7, 30), "Europe/London")


def test_a_reminder_time_or_zone_that_cannot_be_read_is_shown_by_its_field(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    token = csrf_in(client.get("/portal/checkin/reminder").text)
    bad = {"csrf_token": token, "enabled": "yes", "at": "half past", "timezone": "Mars/Olympus"}
    page = client.post("/portal/checkin/reminder", data=bad)
    assert page.status_code == 422
    assert 'id="f-at-error"' in page.text and 'id="f-timezone-error"' in page.text
    assert 'value="half past"' in page.text


def test_staff_are_sent_to_the_clinic(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("clinician"))
    for path in ("/portal/checkin", "/portal/checkin/reminder", "/portal/patterns"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["location"] == "/clinic"


# ---------------------------------------------------------------------------- the reader


def _state(**values: str | list[str]) -> forms.FormState:
    single = {k: v for k, v in values.items() if isinstance(v, str)}
    lists = {k: v for k, v in values.items() if isinstance(v, list)}
    return forms.posted_state(single, lists)


def test_the_reader_builds_the_domains_check_in() -> None:
    state = _state(
        **{**ANSWERS, "used": "yes"},
        use=["gambling", "alcohol"],
        amount_gambling="40",
        unit_gambling="money",
        amount_alcohol="",
        sleep_hours="7,5",
    )
    checkin = forms.read_checkin(state, TODAY, TODAY)
    assert checkin.uses == (
        Use(AddictionType.GAMBLING, 40.0, AmountUnit.MONEY),
        Use(AddictionType.ALCOHOL, None, None),
    )
    assert checkin.sleep_hours == 7.5 and checkin.safety is Safety.NONE
    # "No" ignores what was ticked under "what" (the part the patient no longer sees).
    no = forms.read_checkin(_state(**ANSWERS, use=["alcohol"]), TODAY, TODAY)
    assert no.uses == ()


def test_the_reader_names_every_problem_by_the_forms_field() -> None:
    state = _state(mood="x", stress="4", loneliness="3", craving="2", used="yes")
    state = forms.posted_state(
        {**state.values, "use": "", "safety": "maybe", "sleep_hours": "lots"},
        {"use": ["alcohol"]},
    )
    state = forms.FormState(
        {**state.values, "amount_alcohol": "-2", "unit_alcohol": "buckets"}, state.ticked
    )
    with pytest.raises(FormErrors) as raised:
        forms.read_checkin(state, TODAY + timedelta(days=1), TODAY)
    fields = [name for name, _ in raised.value.errors]
    # The unreadable unit names "uses"; the domain's own word on the amount joins it there.
    assert fields == ["mood", "uses", "sleep_hours", "safety", "day"]


def test_a_saved_check_in_fills_the_form_in_again() -> None:
    checkin = CheckIn(
        day=TODAY,
        mood=5,
        stress=5,
        loneliness=5,
        craving=5,
        uses=(Use(AddictionType.CANNABIS, 1.5, AmountUnit.GRAMS, "joint"),),
        triggers=("bored",),
        sleep_hours=8.0,
        safety=Safety.THOUGHTS,
    )
    state = forms.saved_state(checkin)
    assert state.value("used") == "yes" and state.has("use", "cannabis")
    assert state.value("amount_cannabis") == "1.5" and state.value("unit_cannabis") == "grams"
    assert state.value("sleep_hours") == "8" and state.value("safety") == "thoughts"
    assert forms.read_checkin(state, TODAY, TODAY) == checkin


def test_the_patients_own_addictions_are_offered_first() -> None:
    own = forms.addiction_choices((AddictionType.GAMBLING, AddictionType.GAMBLING))
    assert [c.value for c in own] == ["gambling"]
    assert len(forms.addiction_choices(())) == len(AddictionType)


class _Audit(HTMLParser):
    """One h1, every visible control labelled (wrapped by a label or named by one), and
    every id used once."""

    def __init__(self) -> None:
        super().__init__()
        self.h1 = 0
        self.label_for: set[str] = set()
        self.depth = 0
        self.controls: list[tuple[str | None, bool]] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(str(a["id"]))
        if tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.depth += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.controls.append((a.get("id"), self.depth > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.depth -= 1

    def unlabelled(self) -> list[str | None]:
        return [i for i, wrapped in self.controls if not wrapped and i not in self.label_for]


def test_every_check_in_page_has_one_h1_labelled_controls_and_unique_ids(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("patient0"))
    saved = _post(client, {**ANSWERS, "safety": "thoughts"})
    errors = _post(client, {"mood": "1", "used": "yes"})
    assert errors.status_code == 422
    pages = [errors.text]
    for path in (
        "/portal/checkin",
        "/portal/checkin?day=2026-01-04",
        saved.headers["location"],
        "/portal/checkin/reminder",
        "/portal/patterns",
        "/portal",
    ):
        pages.append(client.get(path).text)
    for index, html in enumerate(pages):
        audit = _Audit()
        audit.feed(html)
        assert audit.h1 == 1, index
        assert audit.unlabelled() == [], (index, audit.unlabelled())
        assert len(audit.ids) == len(set(audit.ids)), (index, sorted(audit.ids))
