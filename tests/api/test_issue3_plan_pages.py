"""The treatment plan pages: the editor (goals with targets, therapies, aftercare, review
date), level of care and the preliminary KAP screen, agreeing, the FHIR download, target
status, and the patient's view and acknowledgement."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from web_helpers import TestClient, browser_login, cookie_csrf

from attune.domain.plan import LEVEL_LABELS
from attune.services import levelofcare, plans, responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, phq9, submitted_intake


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _accept(uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock) -> str:
    """Submit the intake and accept the recommendation; the accepted level's name."""
    submitted_intake(uow, setup, clock)
    view = levelofcare.level_of_care(uow, setup.clinician_actor, setup.patients[0].id, clock)
    assert view.current is not None
    levelofcare.decide_recommendation(uow, setup.clinician_actor, view.current.id, "accept", clock)
    return LEVEL_LABELS[view.current.level]


def _form(client: TestClient, **extra: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "csrf_token": cookie_csrf(client),
        "goals[0].text": "Feel less low most days",
        "goals[0].target.measure": "phq9",
        "goals[0].target.comparison": "below",
        "goals[0].target.value": "10",
        "goals[0].target.by": "2026-06-01",
        "goals[1].text": "",
        "goals[1].target.comparison": "below",
        "modalities": "cbt",
        "aftercare.support_groups": "Tuesday evening peer group\n",
        "aftercare.sober_community": "Harbour recovery café",
        "aftercare.follow_up.every_weeks": "4",
        "review_on": "2026-04-01",
        "action": "save",
        **extra,
    }


def test_writing_agreeing_and_exporting_a_plan(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    level = _accept(uow, setup, clock)
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/plan"
    empty = client.get(url).text
    assert "No plan yet" in empty
    assert '<optgroup label="PHQ-9' in empty and 'value="ecrr/anxiety"' in empty
    saved = client.post(url, data=_form(client, modalities=["cbt", "group-therapy"]))
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"]).text
    text = _text(page)
    assert "The draft is saved." in text and "Draft plan" in text
    assert "“Feel less low most days”" in text
    assert "Target: PHQ-9 total below 10 by 1 June 2026" in text
    assert "No data yet" in text
    assert f"Level of care: {level}" in text  # from the accepted recommendation
    assert "KAP candidacy Preliminary" in text and "Preliminary screen from the intake" in text
    assert "Cognitive behavioural therapy (CBT)" in text and "Group therapy" in text
    assert "Follow-up: every 4 weeks" in text
    stored = plans.current_plan(uow, setup.clinician_actor, patient, clock)
    assert stored is not None
    agreed = client.post(f"{url}/{stored.id}/agree", data={"csrf_token": cookie_csrf(client)})
    assert agreed.status_code == 303
    after = _text(client.get(agreed.headers["location"]).text)
    assert "You agreed the plan." in after and "Agreed by the clinician on 5 January 2026" in after
    download = client.get(f"{url}/{stored.id}/careplan.json")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/fhir+json")
    assert "attachment" in download.headers["content-disposition"]
    careplan = download.json()
    assert careplan["resourceType"] == "CarePlan" and careplan["status"] == "draft"


def test_targets_are_met_not_yet_or_without_data(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _accept(uow, setup, clock)
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/plan"
    data = _form(
        client,
        **{
            "goals[1].text": "Worry less about being left",
            "goals[1].target.measure": "ecrr/anxiety",
            "goals[1].target.comparison": "at-or-below",
            "goals[1].target.value": "3.5",
            "goals[1].target.by": "2026-09-01",
            "goals[2].text": "Feel calmer",
            "goals[2].target.measure": "gad7",
            "goals[2].target.comparison": "below",
            "goals[2].target.value": "5",
            "goals[2].target.by": "2026-09-01",
        },
    )
    assert client.post(url, data=data).status_code == 303
    me = setup.patient_actor(0)
    responses.submit_response(uow, me, patient, "phq9", phq9(14), clock)
    clock.advance(timedelta(hours=1))
    responses.submit_response(uow, me, patient, "phq9", phq9(7), clock)
    responses.submit_response(uow, me, patient, "gad7", {f"q{i}": 2 for i in range(1, 8)}, clock)
    text = _text(client.get(url).text)
    assert re.search(r"below 10 by 1 June 2026 Met latest 7", text)
    assert re.search(r"GAD-7 total below 5 by 1 September 2026 Not yet latest 14", text)
    assert re.search(r"ECR-R attachment anxiety at or below 3.5 .* No data yet", text)


def test_bad_plan_input_is_shown_by_each_field_and_nothing_is_lost(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _accept(uow, setup, clock)
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/plan"
    assert client.post(url, data=_form(client)).status_code == 303
    # Unreadable values first: named by their fields, typed text kept.
    response = client.post(
        url,
        data=_form(
            client,
            **{
                "goals[0].target.value": "ten",
                "review_on": "",
                "aftercare.follow_up.every_weeks": "monthly",
                "aftercare.notes": "Call if a group is missed",
            },
        ),
    )
    assert response.status_code == 422
    html = response.text
    for control in ("goals-0-target-value", "review-on", "aftercare-follow-up-every-weeks"):
        assert f'id="f-{control}-error"' in html, control
    assert 'value="ten"' in html and "Call if a group is missed" in html
    assert "The draft is saved." not in html
    # Then the plan's own rules: a score out of range, a date in the past.
    response = client.post(
        url,
        data=_form(
            client,
            **{"goals[0].target.value": "30", "goals[0].target.by": "2025-01-01"},
        ),
    )
    assert response.status_code == 422
    html = unescape(response.text)
    assert 'id="f-goals-0-target-value-error"' in html and "0 to 27" in html
    assert 'id="f-goals-0-target-by-error"' in html
    wrong_measure = client.post(url, data=_form(client, **{"goals[0].target.measure": "ecrr"}))
    assert wrong_measure.status_code == 422
    assert 'id="f-goals-0-target-measure-error"' in wrong_measure.text
    stored = plans.current_plan(uow, setup.clinician_actor, patient, clock)
    assert stored is not None and stored.plan.goals[0].target.value == 10


def test_the_patient_sees_and_acknowledges_the_agreed_plan(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    level = _accept(uow, setup, clock)
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/plan"
    client.post(url, data=_form(client))
    stored = plans.current_plan(uow, setup.clinician_actor, patient, clock)
    assert stored is not None
    client.cookies.clear()
    browser_login(client, setup.email("patient0"))
    waiting = _text(client.get("/portal/plan").text)
    assert "Your plan is on its way" in waiting  # a draft is not shown yet
    plans.agree_plan(uow, setup.clinician_actor, stored.id, clock)
    page = client.get("/portal/plan").text
    text = _text(page)
    assert "“Feel less low most days”" in text
    assert "How we will see progress: PHQ-9 total below 10 by 1 June 2026" in text
    assert f"Kind of care: {level}" in text
    assert "Review together on 1 April 2026" in text
    assert "KAP" not in text  # the clinician's screen stays with the clinician
    ack = client.post(
        f"/portal/plan/{stored.id}/acknowledge", data={"csrf_token": cookie_csrf(client)}
    )
    assert ack.status_code == 303
    after = _text(client.get(ack.headers["location"]).text)
    assert "Your care team can see that you have read your plan" in after
    assert "Agreed plan" in after and "I have read my plan" not in after
    twice = client.post(
        f"/portal/plan/{stored.id}/acknowledge", data={"csrf_token": cookie_csrf(client)}
    )
    assert twice.status_code == 409
    mine = client.get(f"/portal/plan/{stored.id}/careplan.json")
    assert mine.status_code == 200 and mine.json()["status"] == "active"


def _actions_since(uow: UnitOfWork, before: int) -> list[tuple[str, str]]:
    with uow:
        return [(e.action, e.outcome) for e in uow.audit.in_order()][before:]


def _event_count(uow: UnitOfWork) -> int:
    with uow:
        return len(list(uow.audit.in_order()))


def test_each_plan_page_is_one_audited_read_and_lists_earlier_versions(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    _accept(uow, setup, clock)
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/plan"
    client.post(url, data=_form(client))
    before = _event_count(uow)
    first = _text(client.get(url).text)
    # The targets' status comes with the plan: no separate read of the whole record.
    assert _actions_since(uow, before) == [("view_plan", "allowed")]
    assert "No data yet" in first and "Earlier versions" not in first

    stored = plans.current_plan(uow, setup.clinician_actor, patient, clock)
    assert stored is not None
    plans.agree_plan(uow, setup.clinician_actor, stored.id, clock)
    clock.advance(timedelta(minutes=30))
    assert client.post(url, data=_form(client, review_on="2026-05-01")).status_code == 303
    text = _text(client.get(url).text)
    assert "Draft plan · version 2" in text
    assert "Earlier versions Version 1, last saved 5 January 2026: agreed on 5 January 2026." in (
        text
    )

    client.cookies.clear()
    browser_login(client, setup.email("patient0"))
    before = _event_count(uow)
    assert client.get("/portal/plan").status_code == 200
    assert _actions_since(uow, before) == [("view_plan", "allowed")]
