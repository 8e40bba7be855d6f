"""Every page of the patient's KAP portal, in each state that matters (forms fresh and with
errors, the gate stopped and passed, a check-in stopped, a session complete): language,
one h1, every control labelled, images with alt text, nothing from another host, no
inline script or style (the Content-Security-Policy would block them), unique ids, and
every error message tied to its control."""

from __future__ import annotations

import re
from datetime import timedelta

from test_issue3_accessibility import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE
from test_web_accessibility import PageAudit
from test_web_openapi_and_assets import LOCAL_REF, _external
from web_helpers import TestClient, browser_login, cookie_csrf

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, eligible_course

GATE = {
    "fasted_hours": "6",
    "sitter_present": "yes",
    "sitter_name": "Alex",
    "systolic": "150",
    "diastolic": "92",
    "bp_measured": "0",
    "phone_charged": "yes",
    "no_driving_agreed": "yes",
    "intention": "Rest.",
}
WELL = {"responsive": "yes", "breathing_normal": "yes", "distressed": "no"}


def _pages(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> dict[str, str]:
    course = eligible_course(uow, setup, clock, program="at_home")
    clock.advance(timedelta(minutes=5))
    browser_login(client, setup.email("patient0"))
    pages: dict[str, str] = {}

    def get(path: str, name: str | None = None) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        pages[name or path] = response.text

    def post(path: str, data: dict[str, str], name: str, status: int) -> str:
        response = client.post(path, data={"csrf_token": cookie_csrf(client), **data})
        assert response.status_code == status, (name, response.status_code)
        if status != 303:
            pages[name] = response.text
        return str(response.headers.get("location", ""))

    for path in (
        "/portal",
        "/portal/kap",
        "/portal/kap/preparation/what_to_expect",
        "/portal/kap/safety-plan",
        "/portal/kap/consent",
        "/portal/kap/journal",
        "/portal/kap/home",
        "/portal/kap/home/gate",
        "/portal/breathwork",
        "/portal/breathwork/box",
    ):
        get(path)
    length = client.get("/portal/breathwork/slow-6?minutes=0")
    assert length.status_code == 422
    pages["breathwork length refused"] = length.text
    c = f"/portal/kap/{course.id}"
    post(f"{c}/safety-plan", {"people[0].phone": "555"}, "safety plan with errors", 422)
    post(f"{c}/journal", {"prompt_key": "free", "text": ""}, "journal with an error", 422)
    post(f"{c}/gate", {**GATE, "systolic": ""}, "gate with an error", 422)
    post("/portal/breathwork/practice", {"protocol_id": "box"}, "practice with errors", 422)
    post(f"{c}/gate", GATE, "gate stopped", 303)
    get("/portal/kap/home", "day stopped")
    clock.advance(timedelta(minutes=10))
    post(f"{c}/gate", {**GATE, "systolic": "124", "diastolic": "80"}, "gate passed", 303)
    get("/portal/kap/home", "may dose")
    session = post(f"{c}/dose", {}, "dose", 303).split("?")[0]
    get(session + "?started=1", "session started")
    post(f"{session}/checkins", {"responsive": "yes"}, "check-in with errors", 422)
    clock.advance(timedelta(minutes=15))
    stopped = post(f"{session}/checkins", {**WELL, "distressed": "yes"}, "stop", 303)
    get(stopped.split("#")[0], "check-in stopped")
    get(f"{session}/after", "after")
    post(f"{session}/after", {"side_effects": "other"}, "after with errors", 422)
    clock.advance(timedelta(hours=4))
    done = post(
        f"{session}/after",
        {"wellbeing": "8", "feels_safe": "yes", "sitter_stayed": "here"},
        "after sent",
        303,
    )
    get(done.split("#")[0], "session complete")
    return pages


def test_every_kap_portal_page_is_labelled_titled_and_local(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    pages = _pages(client, uow, setup, clock)
    assert len(pages) == 23
    for name, html in pages.items():
        audit = PageAudit()
        audit.feed(html)
        assert audit.lang == "en", name
        assert audit.h1 == 1, name
        assert audit.unlabelled() == [], (name, audit.unlabelled())
        assert audit.images_without_alt == [], name
        assert _external(html) == [], name
        for ref in LOCAL_REF.findall(html):
            assert ref.startswith(("/", "#")), (name, ref)
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_STYLE.search(html), name
        assert not INLINE_HANDLER.search(html), name
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (name, sorted({i for i in ids if ids.count(i) > 1}))
        # Every error message is tied to a control, and every link to an error lands.
        for error_id in re.findall(r'<p class="field-error" id="([^"]+)"', html):
            assert f"{error_id}" in re.sub(r'id="[^"]+"', "", html), (name, error_id)
        for anchor in re.findall(r'<a href="#([^"]+)">', html):
            assert anchor in ids, (name, anchor)
