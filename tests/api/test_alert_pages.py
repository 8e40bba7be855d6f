"""The clinician's alert pages: the inbox (new ones first, most urgent first), acknowledge
and resolve through the forms (a missing note comes back beside its field), the open
count in the navigation, the caseload's check-ins column, and who may use each page.
SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, browser_login, csrf_in, page_response

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from attune.services.ports_monitoring import AlertStatus, Priority
from factories import T0, ClinicSetup
from monitoring_seeds import (
    SAFETY_REASON,
    planted,
    relapse_alert,
    safety_alert,
    save_checkins,
)

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous")


def cards(html: str) -> list[str]:
    """The alert ids on a page, in order."""
    return re.findall(r'<li class="alert-card[^"]*" id="alert-(\d+)"', html)


def test_the_inbox_shows_new_alerts_first_with_every_reason(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    medium = relapse_alert(uow, p0, clock.now())
    urgent = safety_alert(uow, p0, clock.now(), source_id=1)
    seen = safety_alert(uow, p0, clock.now(), source_id=2)
    with uow:
        assert uow.alerts.acknowledge(seen.id, setup.clinician.id, clock.now())
        uow.commit()
    browser_login(client, setup.email("clinician"))

    page = client.get("/clinic/alerts")
    assert page.status_code == 200
    html = page.text
    assert cards(html) == [str(urgent.id), str(medium.id), str(seen.id)]
    assert html.index("Not yet acknowledged") < html.index("Acknowledged, not yet resolved")
    assert SAFETY_REASON in html
    assert "Use reported on 2 of 6 check-ins over the last 7 days." in html
    assert "Acknowledged by <strong>Cam Clinician (Harbour)</strong>" in html
    assert f'href="/clinic/patients/{p0}/insight"' in html
    # What raised each alert links to where it can be seen.
    assert f'by <a href="/clinic/patients/{p0}/insight#series">a daily check-in</a>' in html
    assert f'<a href="/clinic/patients/{p0}/insight#risk">the daily relapse-risk scan</a>' in html
    # The navigation counts the open ones.
    assert re.search(r'Alerts <span class="nav-count">3<span class="visually-hidden"> open', html)


def test_an_empty_inbox_says_what_would_appear_there(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("other"))
    html = client.get("/clinic/alerts").text
    assert "No open alerts" in html and cards(html) == []
    assert 'class="nav-count"' not in html


def test_acknowledge_and_resolve_through_the_forms(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    alert = relapse_alert(uow, p0, clock.now(), Priority.HIGH)
    browser_login(client, setup.email("clinician"))
    csrf = csrf_in(client.get("/clinic/alerts").text)

    acked = client.post(
        f"/clinic/alerts/{alert.id}/acknowledge", data={"csrf_token": csrf, "back": "inbox"}
    )
    assert acked.status_code == 303
    assert acked.headers["location"] == "/clinic/alerts?done=acknowledged"
    assert "The alert is acknowledged." in client.get(acked.headers["location"]).text

    again = client.post(
        f"/clinic/alerts/{alert.id}/acknowledge", data={"csrf_token": csrf, "back": "inbox"}
    )
    assert again.status_code == 409
    assert "This alert has already been acknowledged." in again.text

    blank = client.post(
        f"/clinic/alerts/{alert.id}/resolve",
        data={"csrf_token": csrf, "back": str(p0), "note": "   "},
    )
    assert blank.status_code == 422
    assert 'id="note-error">Say what was done about this alert before resolving it.' in blank.text
    assert f'<a href="/clinic/patients/{p0}/insight">Back</a>' in blank.text

    note = "Spoke with them by phone; extra group session booked."
    done = client.post(
        f"/clinic/alerts/{alert.id}/resolve",
        data={"csrf_token": csrf, "back": str(p0), "note": note},
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/clinic/patients/{p0}/insight?done=resolved#alerts"
    with uow:
        stored = uow.alerts.get(alert.id)
    assert stored is not None and stored.status is AlertStatus.RESOLVED and stored.note == note
    assert stored.resolved_by == setup.clinician.id


def test_back_goes_only_to_the_inbox_or_a_patients_page(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    alert = relapse_alert(uow, setup.patients[0].id, clock.now())
    browser_login(client, setup.email("clinician"))
    csrf = csrf_in(client.get("/clinic/alerts").text)
    response = client.post(
        f"/clinic/alerts/{alert.id}/acknowledge",
        data={"csrf_token": csrf, "back": "https://elsewhere.example/"},
    )
    assert response.headers["location"] == "/clinic/alerts?done=acknowledged"


def test_the_caseload_shows_each_patients_check_ins(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    p0 = setup.patients[0].id
    save_checkins(uow, p0, planted(T0.date() - timedelta(days=1), 10, seed=2, skip_every=4))
    relapse_alert(uow, p0, clock.now())
    browser_login(client, setup.email("admin"))
    html = client.get("/clinic").text
    row0 = html[html.index("Patient 0 (Harbour)") :]
    row0 = row0[: row0.index("</tr>")]
    assert f'href="/clinic/patients/{p0}/insight">Last 4 January 2026</a>' in row0
    assert "2 of the last 7 days missed" in row0
    assert "1 open alert" in row0
    row1 = html[html.index("Patient 1 (Harbour)") :]
    assert "No check-ins yet" in row1[: row1.index("</tr>")]


PAGES = {
    "inbox": ("GET", "/clinic/alerts", (200, 200, 200, 303, 303, 303), None),
    "acknowledge": (
        "POST",
        "/clinic/alerts/{a}/acknowledge",
        (303, 303, 403, 303, 303, 303),
        {"back": "inbox"},
    ),
    "resolve": (
        "POST",
        "/clinic/alerts/{a}/resolve",
        (303, 303, 403, 303, 303, 303),
        {"back": "inbox", "note": "Called them."},
    ),
}
TO = {"patient0": "/portal", "patient1": "/portal", "anonymous": "/login"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_who_may_use_each_page(
    name: str, app: FastAPI, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    method, path, expected, form = PAGES[name]
    seen = {}
    for index, role in enumerate(ROLES):
        alert = safety_alert(uow, setup.patients[0].id, clock.now(), source_id=200 + index)
        email = None if role == "anonymous" else setup.email(role)
        response = page_response(app, uow, clock, email, method, path.format(a=alert.id), form)
        seen[role] = response.status_code
        if response.status_code == 303 and role in TO:
            assert response.headers["location"].startswith(TO[role]), role
    assert seen == dict(zip(ROLES, expected, strict=True))
