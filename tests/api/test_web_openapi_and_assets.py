"""The API is documented locally, and nothing the app serves points at another host."""

from __future__ import annotations

import re
from pathlib import Path

from web_helpers import TestClient, World, browser_login

import attune.web
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup

WEB = Path(attune.web.__file__).parent
URL = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s\"'<>)]*", re.IGNORECASE)
#: XML namespace names look like URLs but are identifiers; nothing is fetched from them.
NAMESPACES = {"http://www.w3.org/2000/svg"}
LOCAL_REF = re.compile(r'(?:src|href|action)="([^"]*)"')


def _external(text: str) -> list[str]:
    return [u for u in URL.findall(text) if u not in NAMESPACES]


def test_openapi_is_served_and_documents_every_operation(client: TestClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["info"]["title"] == "Attune"
    paths = spec["paths"]
    expected = {
        ("post", "/api/v1/session"),
        ("delete", "/api/v1/session"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/patients/{patient_id}/due"),
        ("put", "/api/v1/assignments/{assignment_id}/draft"),
        ("post", "/api/v1/patients/{patient_id}/responses"),
        ("get", "/api/v1/caseload"),
        ("get", "/api/v1/patients/{patient_id}"),
        ("post", "/api/v1/patients/{patient_id}/assignments"),
        ("post", "/api/v1/flags/{flag_id}/acknowledge"),
        ("get", "/api/v1/instruments"),
    }
    present = {(m, p) for p, ops in paths.items() for m in ops}
    assert expected <= present
    assert not any(p.startswith(("/portal", "/clinic", "/login")) for p in paths)
    submit = paths["/api/v1/patients/{patient_id}/responses"]["post"]
    assert submit["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/SubmittedOut"
    )
    assert submit["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorOut"
    )


def test_docs_page_is_local_and_the_cdn_docs_are_off(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert "/api/v1/patients/{patient_id}/responses" in page.text
    assert _external(page.text) == []


def test_no_template_or_asset_names_another_host() -> None:
    files = [p for p in (WEB / "templates").rglob("*") if p.is_file()]
    files += [p for p in (WEB / "static").rglob("*") if p.is_file()]
    assert any(p.suffix == ".css" for p in files) and any(p.suffix == ".js" for p in files)
    found = {str(p.relative_to(WEB)): _external(p.read_text("utf-8")) for p in files}
    assert {name: urls for name, urls in found.items() if urls} == {}


def test_served_pages_reference_only_this_site(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    from attune.services import responses

    setup: ClinicSetup = world.setup
    responses.submit_response(
        uow,
        setup.patient_actor(0),
        world.patient_id,
        "gad7",
        {f"q{i}": 1 for i in range(1, 8)},
        clock,
    )
    pages = {"/login": client.get("/login").text}
    browser_login(client, setup.email("patient0"))
    for path in ("/portal", f"/portal/answer/{world.assignment_id}"):
        pages[path] = client.get(path).text
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    for path in ("/clinic", f"/clinic/patients/{world.patient_id}", "/api/docs", "/missing"):
        pages[path] = client.get(path).text
    assert "<svg" in pages[f"/clinic/patients/{world.patient_id}"]
    for path, html in pages.items():
        assert _external(html) == [], path
        for ref in LOCAL_REF.findall(html):
            assert ref.startswith(("/", "#")) or ref == "", (path, ref)


def test_static_assets_are_served_from_the_package(client: TestClient) -> None:
    css = client.get("/static/css/attune.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "font-family: var(--font)" in css.text and "@font-face" not in css.text
    js = client.get("/static/js/attune.js")
    assert js.status_code == 200 and "localStorage" in js.text
    assert client.get("/static/icons/attune.svg").status_code == 200
