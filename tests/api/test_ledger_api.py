"""The ledger over the JSON API, on SQLite and PostgreSQL: a day's stock from receipt to
inventory, refusals that name their fields, the CSV, and the OpenAPI description."""

from __future__ import annotations

import csv
import io

from web_helpers import TestClient, bearer, browser_login, cookie_csrf, session_token

from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import LEDGER_DEA, PASSWORD, ClinicSetup


def _tokens(uow: UnitOfWork, clock: FixedClock, setup: ClinicSetup) -> tuple[dict[str, str], ...]:
    return tuple(
        bearer(session_token(uow, clock, setup.email(who))) for who in ("admin", "clinician")
    )


def test_a_day_of_stock_through_the_api(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    admin, clinician = _tokens(uow, clock, setup)
    received = client.post(
        "/api/v1/ledger/receipts",
        json={
            "lot": "k-2291",
            "description": "Ketamine HCl 50 mg/mL, 10 mL vial",
            "supplier": "Valley Pharmacy Supply",
            "supplier_dea": LEDGER_DEA,
            "quantity": 500,
            "mg_per_ml": "50",
            "occurred_on": "2026-01-04",
        },
        headers=admin,
    )
    assert received.status_code == 201, received.text
    entry = received.json()
    lot = entry["lot_id"]
    assert (entry["number"], entry["kind"], entry["lot"]) == (1, "receipt", "K-2291")
    assert (entry["change_ug"], entry["change_mg"], entry["balance_after_ug"]) == (
        500_000,
        "500",
        500_000,
    )
    assert entry["occurred_on"] == "2026-01-04" and entry["recorded_by_name"] == setup.admin.name

    given = client.post(
        "/api/v1/ledger/administrations",
        json={
            "lot_id": lot,
            "quantity": "0.7",
            "unit": "ml",
            "session_ref": "In-office session 1",
            "patient_id": setup.patients[0].id,
        },
        headers=clinician,
    )
    assert given.status_code == 201, given.text
    assert (given.json()["change_mg"], given.json()["balance_after_ug"]) == ("-35", 465_000)
    assert given.json()["patient_name"] == setup.patients[0].display_name

    wasted = client.post(
        "/api/v1/ledger/waste",
        json={
            "lot_id": lot,
            "quantity": 5,
            "reason": "Drawn up and not given.",
            "witness_id": setup.other_clinician.id,
            "witness_password": PASSWORD,
        },
        headers=clinician,
    )
    assert wasted.status_code == 201, wasted.text
    assert wasted.json()["witness_name"] == setup.other_clinician.name
    assert "witness_password" not in wasted.text

    corrected = client.post(
        "/api/v1/ledger/corrections",
        json={"corrects": 2, "change": "-2.5", "reason": "The syringe read 0.75 mL."},
        headers=admin,
    )
    assert corrected.status_code == 201, corrected.text
    assert corrected.json()["balance_after_ug"] == 457_500

    history = client.get(f"/api/v1/ledger/lots/{lot}", headers=clinician).json()
    assert history["lot"]["balance_mg"] == "457.5"
    assert [(e["number"], e["kind"], e["corrected_by"]) for e in history["entries"]] == [
        (1, "receipt", []),
        (2, "administration", [4]),
        (3, "waste", []),
        (4, "correction", []),
    ]
    other = bearer(session_token(uow, clock, setup.email("other")))
    hidden = client.get(f"/api/v1/ledger/lots/{lot}", headers=other).json()["entries"][1]
    assert (hidden["patient_id"], hidden["patient_name"], hidden["patient_hidden"]) == (
        None,
        None,
        True,
    )

    count = client.post(
        "/api/v1/ledger/counts",
        json={"counts": {"K-2291": "450", "X-1": "3"}, "note": "Evening count"},
        headers=clinician,
    )
    assert count.status_code == 201, count.text
    body = count.json()
    assert body["balanced"] is False and body["through_entry"] == 4
    lines = {line["lot"]: line for line in body["lines"]}
    assert lines["K-2291"]["status"] == "short" and lines["K-2291"]["difference_ug"] == -7_500
    assert lines["X-1"]["status"] == "not_in_ledger"
    assert client.get(f"/api/v1/ledger/counts/{body['id']}", headers=admin).json() == body

    inventory = client.post(
        "/api/v1/ledger/inventories",
        json={
            "as_of": "2026-01-05T09:00:00Z",
            "taken_at": "close_of_business",
            "registrant_dea": LEDGER_DEA,
        },
        headers=admin,
    )
    assert inventory.status_code == 201, inventory.text
    taken = inventory.json()
    assert taken["lines"] == [
        {
            "lot": "K-2291",
            "description": "Ketamine HCl 50 mg/mL, 10 mL vial",
            "balance_ug": 457_500,
            "balance_mg": "457.5",
        }
    ]
    assert taken["next_due"] == "2028-01-05"
    listed = client.get("/api/v1/ledger/inventories", headers=clinician).json()
    assert [i["id"] for i in listed] == [taken["id"]]
    exported = client.get(f"/api/v1/ledger/inventories/{taken['id']}/csv", headers=clinician)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(exported.text))) == [
        ["registrant_dea", "as_of_utc", "taken_at", "lot", "description", "balance_mg"],
        [
            LEDGER_DEA,
            "2026-01-05T09:00:00+00:00",
            "close_of_business",
            "K-2291",
            "Ketamine HCl 50 mg/mL, 10 mL vial",
            "457.5",
        ],
    ]


def test_refusals_name_their_fields_and_record_nothing(
    client: TestClient, setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock
) -> None:
    admin, clinician = _tokens(uow, clock, setup)
    bad = client.post(
        "/api/v1/ledger/receipts",
        json={"lot": "", "description": "", "supplier": "", "supplier_dea": "XX", "quantity": "-1"},
        headers=admin,
    )
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["error"]["errors"]}
    assert fields == {"lot", "description", "supplier", "supplier_dea", "quantity"}
    lot = client.post(
        "/api/v1/ledger/receipts",
        json={
            "lot": "K-1",
            "description": "Ketamine 100 mg troche",
            "supplier": "Harbour Compounding",
            "supplier_dea": LEDGER_DEA,
            "quantity": "100",
        },
        headers=admin,
    ).json()["lot_id"]
    over = client.post(
        "/api/v1/ledger/dispenses",
        json={"lot_id": lot, "quantity": "100.001", "session_ref": "At home 1"},
        headers=clinician,
    )
    assert over.status_code == 409
    assert over.json()["error"] == {
        "type": "conflict",
        "message": "Lot K-1 holds 100 mg; this dispense of 100.001 mg would take it below zero.",
        "field": "quantity",
    }
    in_ml = client.post(
        "/api/v1/ledger/dispenses",
        json={"lot_id": lot, "quantity": "1", "unit": "ml", "session_ref": "At home 1"},
        headers=clinician,
    )
    assert in_ml.status_code == 422 and in_ml.json()["error"]["field"] == "unit"
    naive = client.post(
        "/api/v1/ledger/inventories",
        json={"as_of": "2026-01-05T09:00:00", "taken_at": "opening", "registrant_dea": LEDGER_DEA},
        headers=admin,
    )
    assert naive.status_code == 422 and naive.json()["error"]["field"] == "as_of"
    wrong_password = client.post(
        "/api/v1/ledger/waste",
        json={
            "lot_id": lot,
            "quantity": "1",
            "reason": "Dropped",
            "witness_id": setup.other_clinician.id,
            "witness_password": "not it at all",
        },
        headers=clinician,
    )
    assert wrong_password.status_code == 422
    assert wrong_password.json()["error"]["field"] == "witness_password"
    assert client.get("/api/v1/ledger/lots", headers=clinician).json()[0]["balance_mg"] == "100"


def test_a_cookie_session_needs_the_csrf_header_for_a_ledger_write(
    client: TestClient, setup: ClinicSetup
) -> None:
    browser_login(client, setup.email("admin"))
    body = {
        "lot": "K-1",
        "description": "Ketamine 100 mg troche",
        "supplier": "Harbour Compounding",
        "supplier_dea": LEDGER_DEA,
        "quantity": "100",
    }
    refused = client.post("/api/v1/ledger/receipts", json=body)
    assert refused.status_code == 403 and refused.json()["error"]["type"] == "csrf_failed"
    accepted = client.post(
        "/api/v1/ledger/receipts", json=body, headers={"X-CSRF-Token": cookie_csrf(client)}
    )
    assert accepted.status_code == 201


def test_the_ledger_is_described_in_openapi(client: TestClient) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path, method in [
        ("/api/v1/ledger/lots", "get"),
        ("/api/v1/ledger/lots/{lot_id}", "get"),
        ("/api/v1/ledger/receipts", "post"),
        ("/api/v1/ledger/administrations", "post"),
        ("/api/v1/ledger/dispenses", "post"),
        ("/api/v1/ledger/waste", "post"),
        ("/api/v1/ledger/corrections", "post"),
        ("/api/v1/ledger/counts", "post"),
        ("/api/v1/ledger/counts/{count_id}", "get"),
        ("/api/v1/ledger/inventories", "post"),
        ("/api/v1/ledger/inventories/{inventory_id}", "get"),
        ("/api/v1/ledger/inventories/{inventory_id}/csv", "get"),
    ]:
        operation = paths[path][method]
        assert operation["tags"] == ["controlled-substance ledger"], path
        assert operation["summary"], path
    csv_op = paths["/api/v1/ledger/inventories/{inventory_id}/csv"]["get"]
    assert "text/csv" in csv_op["responses"]["200"]["content"]
    docs = client.get("/api/docs").text
    assert "/api/v1/ledger/dispenses" in docs
