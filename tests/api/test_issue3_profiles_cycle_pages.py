"""The profiles and the cycle: the attachment plane with its two registers (dimensions
first, the four-style picture only as an aid), the addiction table, the cycle form with
its prompts, the diagram, and versions with what changed."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

from web_helpers import TestClient, browser_login, cookie_csrf

from attune.domain.formulation import Formulation
from attune.domain.instruments import builtin_library
from attune.services import formulation, responses
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import ClinicSetup, submitted_intake


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def ecrr(anxiety: int, avoidance: int) -> dict[str, int | None]:
    """ECR-R answers whose anxiety and avoidance means are the given whole numbers."""
    instrument = builtin_library().get("ecrr")
    wanted = {"anxiety": anxiety, "avoidance": avoidance}
    answers: dict[str, int | None] = {}
    for subscale in instrument.subscales:
        for link_id in subscale.items:
            item = next(i for i in instrument.items if i.link_id == link_id)
            target = wanted[subscale.key]
            answers[link_id] = 8 - target if item.reverse else target
    return answers


def test_profiles_before_anything_is_answered(client: TestClient, setup: ClinicSetup) -> None:
    browser_login(client, setup.email("clinician"))
    page = _text(client.get(f"/clinic/patients/{setup.patients[0].id}/profiles").text)
    assert "No scored ECR-R yet" in page
    assert "No intake yet" in page
    client.cookies.clear()
    browser_login(client, setup.email("patient0"))
    mine = _text(client.get("/portal/picture").text)
    assert "Once you have filled in the questionnaire about close relationships" in mine


def test_clinician_sees_the_plane_dimensions_first_and_the_aid_labelled(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    me, patient = setup.patient_actor(0), setup.patients[0].id
    submitted_intake(uow, setup, clock)
    responses.submit_response(uow, me, patient, "ecrr", ecrr(6, 2), clock)
    clock.advance(timedelta(days=30))
    responses.submit_response(uow, me, patient, "ecrr", ecrr(5, 2), clock)
    responses.submit_response(uow, me, patient, "audit", {f"q{i}": 2 for i in range(1, 11)}, clock)
    browser_login(client, setup.email("clinician"))
    html = client.get(f"/clinic/patients/{patient}/profiles").text
    assert '<svg class="diagram attachment-plane"' in html
    assert html.count('class="plane-point-earlier"') == 1  # the earlier result, faded
    text = _text(html)
    assert text.index("The two dimensions") < text.index("An aid, not a label")
    assert "Attachment anxiety 5.00 of 7 · above the middle" in text
    assert "Attachment avoidance 2.00 of 7 · below the middle" in text
    assert "prototype" in text  # the clinician register's aid
    # The addiction table: alcohol, AUDIT, its score, band and what it suggests.
    assert re.search(r"Alcohol \(wine\) AUDIT \d+ of 40 Zone", text)
    # The patient sees the plain register, never the clinical one.
    client.cookies.clear()
    browser_login(client, setup.email("patient0"))
    mine = client.get("/portal/picture").text
    assert '<svg class="diagram attachment-plane"' in mine
    mine_text = _text(mine)
    assert "Only a rough sketch" in mine_text
    assert "prototype" not in mine_text and "hyperactivat" not in mine_text
    plane = mine[mine.index("<svg") : mine.index("</svg>")]
    assert "often called" not in plane and "more at ease" in plane  # no style on the plane
    assert "not a diagnosis" in mine_text


def test_the_cycle_form_has_the_nine_parts_with_prompts(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("clinician"))
    page = client.get(f"/clinic/patients/{setup.patients[0].id}/cycle").text
    for part in (
        "situations",
        "relational",
        "feelings",
        "urge",
        "behaviour",
        "relief",
        "cost",
        "soothes",
        "alternatives",
    ):
        assert f'<textarea id="f-{part}" name="{part}"' in page
    assert "Think of the last few times" in page  # the prompt as a hint
    assert "Save as version 1" in page


def test_saving_versions_shows_the_diagram_and_what_changed(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    browser_login(client, setup.email("clinician"))
    url = f"/clinic/patients/{patient}/cycle"
    first = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "situations": "Coming home to an empty flat\n\nPay day",
            "behaviour": "Buy wine on the way home",
            "author_role": "together",
        },
    )
    assert first.status_code == 303 and first.headers["location"] == f"{url}?saved=1"
    clock.advance(timedelta(hours=1))
    second = client.post(
        url,
        data={
            "csrf_token": cookie_csrf(client),
            "situations": "Coming home to an empty flat",
            "relational": "My partner goes quiet after an argument",
            "behaviour": "Buy wine on the way home",
            "alternatives": "Text a friend from the group",
        },
    )
    assert second.status_code == 303
    html = client.get(second.headers["location"]).text
    assert "Saved as version 2." in html
    assert '<svg class="diagram cycle"' in html
    text = _text(html)
    assert "Version 2" in text and "by clinician and patient together" in text
    assert "+ My partner goes quiet after an argument" in text
    assert "removed: Pay day" in text
    # The form starts from the latest version.
    assert ">Coming home to an empty flat</textarea>" in html
    # Any earlier version can be shown.
    old = client.get(f"{url}?version=1").text
    assert "an earlier version" in old and "Pay day" in old
    assert client.get(f"{url}?version=9").status_code == 404


def test_bad_cycle_lines_are_shown_by_their_part_and_kept(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    patient = setup.patients[0].id
    formulation.save_formulation(
        uow,
        setup.clinician_actor,
        patient,
        Formulation(situations=("Pay day",), behaviour=("Gambling online",)),
        clock,
    )
    browser_login(client, setup.email("clinician"))
    long_line = "x" * 250
    response = client.post(
        f"/clinic/patients/{patient}/cycle",
        data={
            "csrf_token": cookie_csrf(client),
            "situations": "",
            "relational": "",
            "feelings": f"Restless\n{long_line}",
            "behaviour": "",
        },
    )
    assert response.status_code == 422
    html = response.text
    assert 'id="f-feelings-error-1"' in html and "Line 2:" in html
    assert 'id="f-behaviour-error-1"' in html
    assert 'id="f-situations-error-1"' in html  # "add at least one trigger"
    assert long_line in html and "Restless" in html
    versions = formulation.formulation_history(uow, setup.clinician_actor, patient, clock)
    assert [v.number for v in versions] == [1]


def test_the_patient_sees_their_cycle(
    client: TestClient, uow: UnitOfWork, setup: ClinicSetup, clock: FixedClock
) -> None:
    browser_login(client, setup.email("patient0"))
    assert "Nothing here yet" in client.get("/portal/cycle").text
    formulation.save_formulation(
        uow,
        setup.clinician_actor,
        setup.patients[0].id,
        Formulation(
            situations=("Pay day",),
            behaviour=("Gambling online",),
            soothes=("Feeling stuck",),
        ),
        clock,
    )
    page = client.get("/portal/cycle").text
    assert '<svg class="diagram cycle"' in page
    assert "Feeling stuck" in _text(page)
    # A clinician's URL is not for the patient.
    other = client.get(f"/clinic/patients/{setup.patients[0].id}/cycle")
    assert other.status_code == 303 and other.headers["location"] == "/portal/cycle"
