"""Basic accessibility of every page: language, one h1, labelled controls, image alt text."""

from __future__ import annotations

from html.parser import HTMLParser

from web_helpers import TestClient, World, browser_login

from attune.services import responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork


class PageAudit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.label_for: set[str] = set()
        self.label_depth = 0
        self.controls: list[tuple[str, str | None, bool]] = []  # (kind, id, inside a label)
        self.images_without_alt: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self.label_depth += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        elif tag in ("input", "select", "textarea"):
            if a.get("type") not in ("hidden", "submit"):
                self.controls.append((tag, a.get("id"), self.label_depth > 0))
        elif tag == "img" and "alt" not in a:
            self.images_without_alt.append(str(a.get("src")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.label_depth -= 1

    def unlabelled(self) -> list[str]:
        return [
            f"{kind}#{ident}"
            for kind, ident, wrapped in self.controls
            if not wrapped and (ident is None or ident not in self.label_for)
        ]


def _audit(html: str) -> PageAudit:
    audit = PageAudit()
    audit.feed(html)
    return audit


def test_every_page_is_labelled_and_titled(
    client: TestClient, world: World, uow: UnitOfWork, clock: FixedClock
) -> None:
    setup = world.setup
    gad7 = {f"q{i}": 1 for i in range(1, 8)}
    responses.submit_response(uow, setup.patient_actor(0), world.patient_id, "gad7", gad7, clock)
    pages = {"login": client.get("/login").text}
    browser_login(client, setup.email("patient0"))
    pages["portal"] = client.get("/portal").text
    pages["answer"] = client.get(f"/portal/answer/{world.assignment_id}").text
    client.cookies.clear()
    browser_login(client, setup.email("clinician"))
    pages["caseload"] = client.get("/clinic").text
    pages["patient"] = client.get(f"/clinic/patients/{world.patient_id}").text
    pages["not found"] = client.get("/clinic/patients/99999").text
    for name, html in pages.items():
        audit = _audit(html)
        assert audit.lang == "en", name
        assert audit.h1 == 1, name
        assert audit.unlabelled() == [], name
        assert audit.images_without_alt == [], name
        assert '<a class="skip-link" href="#main">' in html, name
    assert len(_audit(pages["answer"]).controls) == 9 * 4
