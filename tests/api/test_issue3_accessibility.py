"""Every care-path page: language, one h1, every control labelled, images with alt text,
diagrams with a title and description, nothing from another host, no inline script or
style (the Content-Security-Policy would block them)."""

from __future__ import annotations

import re
from datetime import date

from test_web_accessibility import PageAudit
from test_web_openapi_and_assets import LOCAL_REF, _external
from web_helpers import TestClient, browser_login

from attune.domain.formulation import Formulation
from attune.domain.intake import SECTIONS
from attune.domain.plan import Comparison, Goal, Target, TreatmentPlan
from attune.services import formulation, levelofcare, plans, responses
from attune.services import intake as intake_service
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, submitted_intake

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=\"", re.IGNORECASE)


def _pages(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> dict[str, str]:
    staff, me, patient = setup.clinician_actor, setup.patient_actor(0), setup.patients[0].id
    submitted_intake(uow, setup, clock)
    responses.submit_response(uow, me, patient, "ecrr", {f"q{i}": 5 for i in range(1, 37)}, clock)
    formulation.save_formulation(
        uow,
        staff,
        patient,
        Formulation(situations=("Pay day",), behaviour=("Drinking",), soothes=("Loneliness",)),
        clock,
    )
    view = levelofcare.level_of_care(uow, staff, patient, clock)
    assert view.current is not None
    levelofcare.decide_recommendation(uow, staff, view.current.id, "accept", clock)
    goal = Goal("Feel better", Target("phq9", Comparison.BELOW, 10, date(2026, 6, 1)))
    plan = plans.save_plan(
        uow, staff, patient, TreatmentPlan(goals=(goal,), review_on=date(2026, 4, 1)), clock
    )
    plans.agree_plan(uow, staff, plan.id, clock)
    opened = intake_service.open_intake(uow, staff, patient, clock)
    pages: dict[str, str] = {}
    browser_login(client, setup.email("patient0"))
    for path in ("/portal", "/portal/intake", "/portal/picture", "/portal/cycle", "/portal/plan"):
        pages[path] = client.get(path).text
    for section in SECTIONS:
        path = f"/portal/intake/{opened.id}/{section.key}"
        pages[path] = client.get(path).text
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    for part in ("", "/intake", "/profiles", "/cycle", "/level-of-care", "/plan"):
        path = f"/clinic/patients/{patient}{part}"
        pages[path] = client.get(path).text
    return pages


def test_every_care_path_page_is_labelled_titled_and_local(
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
        for svg in re.findall(r"<svg\b[^>]*>", html):
            if 'class="diagram' in svg:
                assert 'role="img"' in svg and "aria-labelledby=" in svg, path
    patient = setup.patients[0].id
    assert '<svg class="diagram attachment-plane"' in pages["/portal/picture"]
    assert '<svg class="diagram cycle"' in pages["/portal/cycle"]
    assert '<svg class="diagram attachment-plane"' in pages[f"/clinic/patients/{patient}/profiles"]
    assert '<svg class="diagram cycle"' in pages[f"/clinic/patients/{patient}/cycle"]
