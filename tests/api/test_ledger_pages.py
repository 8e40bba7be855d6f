"""The ledger's pages through the app, on SQLite and PostgreSQL: forms that keep every
answer and put each message next to its field, the blind count, the printable inventory
and its CSV, and the basics of accessibility on every ledger page."""

from __future__ import annotations

import re

from test_issue3_accessibility import INLINE_HANDLER, INLINE_SCRIPT, INLINE_STYLE
from test_web_accessibility import PageAudit
from test_web_openapi_and_assets import LOCAL_REF, _external
from web_helpers import TestClient, browser_login, csrf_in

from attune.services import ledger
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import LEDGER_DEA, PASSWORD, ClinicSetup, receive_stock


def _post(client: TestClient, path: str, data: dict[str, str]) -> object:
    token = csrf_in(
        client.get(
            path.replace("/counts", "/counts/new") if path.endswith("/counts") else path
        ).text
    )
    return client.post(path, data={"csrf_token": token, **data})


def _field_error(html: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{name}-error">([^<]*)</p>', html)
    assert found, f"no message next to {name}"
    return found.group(1).replace("&#39;", "'")


def test_an_admin_records_a_receipt_and_sees_it_on_the_lot(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("admin"))
    response = _post(
        client,
        "/clinic/ledger/entries/new/receipt",
        {
            "lot": "k-2291",
            "description": "Ketamine HCl 50 mg/mL, 10 mL vial",
            "supplier": "Valley Pharmacy Supply",
            "supplier_dea": LEDGER_DEA,
            "quantity": "437.5",
            "unit": "mg",
            "mg_per_ml": "50",
            "occurred_on": "2026-01-04",
        },
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.endswith("?saved=1")
    page = client.get(location).text
    assert "Entry 1 is saved: receipt of 437.5 mg. Lot K-2291 now holds 437.5 mg." in page
    assert "happened 4 January 2026" in page and f"DEA {LEDGER_DEA}" in page
    overview = client.get("/clinic/ledger").text
    assert "K-2291" in overview and "437.5 mg" in overview


def test_a_form_with_problems_keeps_every_answer_and_names_each_field(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    lot = receive_stock(uow, setup, clock, mg="100").entry.lot_id
    browser_login(client, setup.email("clinician"))
    response = _post(
        client,
        "/clinic/ledger/entries/new/dispense",
        {
            "lot_id": str(lot),
            "quantity": "",
            "unit": "mg",
            "session_ref": "",
            "patient_id": str(setup.patients[0].id),
            "occurred_on": "2026-01-05",
        },
    )
    html = response.text  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "Nothing was recorded." in html
    assert _field_error(html, "quantity") == "Enter the amount."
    assert _field_error(html, "session_ref") == "Choose the session this was for."
    assert 'aria-describedby="f-quantity-hint f-quantity-error" aria-invalid="true"' in html
    assert f'<option value="{setup.patients[0].id}" selected>' in html
    assert f'<option value="{lot}" selected>' in html
    assert 'value="2026-01-05"' in html
    # The summary lists the messages in the form's order.
    assert html.index('href="#f-quantity"') < html.index('href="#f-session_ref"')


def test_a_use_the_lot_cannot_cover_says_what_it_holds_next_to_the_amount(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    lot = receive_stock(uow, setup, clock, mg="100").entry.lot_id
    browser_login(client, setup.email("clinician"))
    response = _post(
        client,
        "/clinic/ledger/entries/new/administration",
        {"lot_id": str(lot), "quantity": "120", "unit": "mg", "session_ref": "Session 4"},
    )
    html = response.text  # type: ignore[attr-defined]
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert _field_error(html, "quantity") == (
        "Lot K-1 holds 100 mg; this administration of 120 mg would take it below zero."
    )
    assert 'value="120"' in html and 'value="Session 4"' in html
    assert ledger.lots(uow, setup.admin_actor)[0].balance_ug == 100_000


def test_waste_with_a_wrong_witness_password_keeps_everything_but_the_password(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    lot = receive_stock(uow, setup, clock, mg="100").entry.lot_id
    browser_login(client, setup.email("clinician"))
    form = {
        "lot_id": str(lot),
        "quantity": "0.1",
        "unit": "ml",
        "reason": "Drawn up and not given.",
        "witness_id": str(setup.other_clinician.id),
        "witness_password": "a guessed password",
    }
    response = _post(client, "/clinic/ledger/entries/new/waste", form)
    html = response.text  # type: ignore[attr-defined]
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert _field_error(html, "witness_password").startswith("That is not Olu Other")
    assert "a guessed password" not in html
    assert "Drawn up and not given." in html and '<option value="ml" selected>' in html
    ok = _post(client, "/clinic/ledger/entries/new/waste", {**form, "witness_password": PASSWORD})
    assert ok.status_code == 303  # type: ignore[attr-defined]
    page = client.get(ok.headers["location"]).text  # type: ignore[attr-defined]
    assert "waste of 5 mg" in page and f"Witness: {setup.other_clinician.name}" in page


def test_an_admin_corrects_an_entry_through_the_form(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    receive_stock(uow, setup, clock, mg="100")
    browser_login(client, setup.email("admin"))
    form_page = client.get("/clinic/ledger/entries/new/correction?corrects=1").text
    assert "Entry 1: receipt of +100 mg on lot K-1" in form_page
    missing = _post(
        client,
        "/clinic/ledger/entries/new/correction",
        {"corrects": "1", "direction": "", "change": "5", "reason": "Short-shipped"},
    )
    assert missing.status_code == 422  # type: ignore[attr-defined]
    assert "adds or takes away" in missing.text  # type: ignore[attr-defined]
    done = _post(
        client,
        "/clinic/ledger/entries/new/correction",
        {"corrects": "1", "direction": "remove", "change": "5", "reason": "Short-shipped"},
    )
    assert done.status_code == 303  # type: ignore[attr-defined]
    page = client.get(done.headers["location"]).text  # type: ignore[attr-defined]
    assert "correction of 5 mg. Lot K-1 now holds 95 mg." in page
    assert 'corrected by <a href="#entry-2">entry 2</a>' in page


def test_a_blind_count_then_its_differences(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    k1 = receive_stock(uow, setup, clock, mg="437.5").entry.lot_id
    k2 = receive_stock(uow, setup, clock, lot="K-2", mg="120").entry.lot_id
    browser_login(client, setup.email("clinician"))
    form = client.get("/clinic/ledger/counts/new").text
    assert "437.5" not in form and "120 mg" not in form
    bad = _post(
        client,
        "/clinic/ledger/counts",
        {f"count_{k1}": "four hundred", f"count_{k2}": "120", "extra_lot": "", "extra_count": "3"},
    )
    assert bad.status_code == 422  # type: ignore[attr-defined]
    html = bad.text  # type: ignore[attr-defined]
    assert _field_error(html, f"count_{k1}") == "'four hundred' is not a number."
    assert _field_error(html, "extra_lot") == "Enter the lot number of what you counted."
    assert 'value="120"' in html
    saved = _post(
        client,
        "/clinic/ledger/counts",
        {
            f"count_{k1}": "430",
            f"count_{k2}": "120",
            "extra_lot": "x-9",
            "extra_count": "2",
            "note": "Safe 1",
        },
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    result = client.get(saved.headers["location"]).text  # type: ignore[attr-defined]
    assert "2 lots differ from the ledger." in result
    assert "Lot K-1: the ledger says 437.5 mg, 430 mg counted: 7.5 mg short." in result
    assert "Lot X-9: 2 mg counted, but the ledger has no such lot." in result
    assert result.count('class="row--flagged"') == 2
    assert "21 CFR 1301.76(b)" in result


def test_an_inventory_prints_and_downloads(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    receive_stock(uow, setup, clock, mg="250")
    browser_login(client, setup.email("admin"))
    bad = _post(
        client,
        "/clinic/ledger/inventories",
        {"as_of_date": "2026-01-05", "as_of_time": "25:00", "taken_at": "", "registrant_dea": ""},
    )
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert "hours and minutes" in _field_error(bad.text, "as_of_time")  # type: ignore[attr-defined]
    saved = _post(
        client,
        "/clinic/ledger/inventories",
        {
            "as_of_date": "2026-01-05",
            "as_of_time": "09:00",
            "taken_at": "opening",
            "registrant_dea": LEDGER_DEA.lower(),
        },
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    location = saved.headers["location"]  # type: ignore[attr-defined]
    page = client.get(location).text
    assert '<body class="printable">' in page
    assert f"DEA {LEDGER_DEA}" in page and "At the opening of business" in page
    assert "250 mg" in page and "5 January 2028" in page
    download = client.get(location + "/csv")
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    assert download.text.splitlines()[1].endswith(',K-1,"Ketamine HCl 50 mg/mL, 10 mL vial",250')
    again = client.get("/clinic/ledger/inventories").text
    assert f'value="{LEDGER_DEA}"' in again  # the registration is offered again


def test_every_ledger_page_is_labelled_titled_and_local(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    lot = receive_stock(uow, setup, clock).entry.lot_id
    ledger.record_use(
        uow,
        setup.clinician_actor,
        kind="administration",
        lot_id=lot,
        quantity="35",
        session_ref="Session 1",
        patient_id=setup.patients[0].id,
        clock=clock,
    )
    pages: dict[str, str] = {}
    for who in ("admin", "clinician"):
        client.cookies.clear()
        browser_login(client, setup.email(who))
        paths = [
            "/clinic/ledger",
            f"/clinic/ledger/lots/{lot}",
            "/clinic/ledger/entries/new/administration",
            "/clinic/ledger/entries/new/dispense",
            "/clinic/ledger/entries/new/waste",
            "/clinic/ledger/counts/new",
            "/clinic/ledger/inventories",
        ]
        if who == "admin":
            paths += [
                "/clinic/ledger/entries/new/receipt",
                "/clinic/ledger/entries/new/correction?corrects=1",
            ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            pages[f"{who} {path}"] = response.text
        error = _post(client, "/clinic/ledger/entries/new/waste", {"lot_id": str(lot)})
        pages[f"{who} waste with errors"] = error.text  # type: ignore[attr-defined]
    for name, html in pages.items():
        audit = PageAudit()
        audit.feed(html)
        assert audit.lang == "en", name
        assert audit.h1 == 1, name
        assert audit.unlabelled() == [], (name, audit.unlabelled())
        assert _external(html) == [], name
        for ref in LOCAL_REF.findall(html):
            assert ref.startswith(("/", "#")), (name, ref)
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_STYLE.search(html), name
        assert not INLINE_HANDLER.search(html), name
        ids = re.findall(r'\sid="([^"]+)"', html)
        assert len(ids) == len(set(ids)), (name, sorted(i for i in ids if ids.count(i) > 1))
