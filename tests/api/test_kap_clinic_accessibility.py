"""Every clinician KAP page, also when a form comes back with its messages: language, one
h1, every control labelled, unique ids, images with alt text, charts with a title and
description, nothing from another host, no inline script or style (the
Content-Security-Policy would block them)."""

from __future__ import annotations

import re
from datetime import timedelta

from test_issue3_accessibility import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE
from test_web_accessibility import PageAudit
from test_web_openapi_and_assets import LOCAL_REF, _external
from web_helpers import TestClient, browser_login, csrf_in

from attune.domain.kap.session_events import AdverseEvent, AdverseEventKind, Rating, Severity
from attune.domain.kap.vitals import VitalsReading
from attune.services import kap_sessions
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course, submitted_intake


def _pages(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> dict[str, str]:
    submitted_intake(uow, setup, clock, patient=1)
    course = eligible_course(uow, setup, clock, program="spravato_in_office")
    clock.advance(timedelta(hours=3))
    staff = setup.clinician_actor
    start = clock.now() - timedelta(hours=2)
    view = kap_sessions.start_session(
        uow, staff, course.id, "intranasal", "56", None, "70", "SP-1", start, clock
    )
    for minutes, systolic, spo2 in ((-10, 128, 98), (15, 172, 97), (30, 150, 88)):
        reading = VitalsReading(start + timedelta(minutes=minutes), systolic, 82, 80, spo2)
        kap_sessions.record_vitals(uow, staff, view.id, reading, clock)
    kap_sessions.record_rating(
        uow, staff, view.id, Rating(start + timedelta(minutes=20), 3, 4), clock
    )
    event = AdverseEvent(
        AdverseEventKind.NAUSEA, Severity.MILD, start + timedelta(minutes=25), "Ondansetron"
    )
    kap_sessions.open_adverse_event(uow, staff, view.id, event, clock)

    p0, p1 = setup.patients[0].id, setup.patients[1].id
    session = f"/clinic/patients/{p0}/kap/sessions/{view.id}"
    pages: dict[str, str] = {}
    browser_login(client, setup.email("admin"))
    token = csrf_in(client.get("/clinic").text)
    for path in (
        f"/clinic/patients/{p0}/kap",
        f"/clinic/patients/{p1}/kap",
        f"/clinic/patients/{p0}/kap/{course.id}/sessions/new",
        session,
        session + "/rems",
        session + "/rems/print",
        "/clinic/kap/rems",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        pages[path] = response.text
    refused = {
        "open": (f"/clinic/patients/{p1}/kap", {}),
        "start": (f"/clinic/patients/{p0}/kap/{course.id}/sessions/new", {"route": "x"}),
        "vitals": (session + "/vitals", {"at": "", "systolic": "x"}),
        "discharge": (session + "/discharge", {"discharge.escort_present": "maybe"}),
        "sign": (session + "/sign", {}),
        "rems": (session + "/rems", {"lowest_spo2": "x", "patient.birth_date": "x"}),
        "list": (f"/clinic/kap/rems/{view.id}/submitted", {"submitted_on": "x"}),
    }
    for name, (path, body) in refused.items():
        response = client.post(path, data={"csrf_token": token, **body})
        assert response.status_code in (409, 422), (name, response.status_code)
        pages[f"{name}: refused"] = response.text
    return pages


def test_every_clinician_kap_page_is_labelled_titled_and_local(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    pages = _pages(client, uow, setup, clock)
    for path, html in pages.items():
        audit = PageAudit()
        audit.feed(html)
        assert audit.lang == "en", path
        assert audit.h1 == 1, path
        assert audit.unlabelled() == [], (path, audit.unlabelled())
        assert audit.images_without_alt == [], path
        assert _external(html) == [], path
        for ref in LOCAL_REF.findall(html):
            assert ref.startswith(("/", "#")), (path, ref)
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_STYLE.search(html), path
        assert not INLINE_HANDLER.search(html), path
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (path, sorted({i for i in ids if ids.count(i) > 1}))
        for target in re.findall(r'href="#([^"]+)"', html):
            assert target in ids or target == "main", (path, target)
        for svg in re.findall(r"<svg\b[^>]*>", html):
            assert 'role="img"' in svg and "aria-labelledby=" in svg, path
    session = next(html for path, html in pages.items() if path.endswith(tuple("0123456789")))
    assert session.count('<svg class="chart kap-timeline"') == 3
