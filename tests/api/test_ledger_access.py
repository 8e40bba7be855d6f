"""Who may use the ledger's pages and API routes: every role × every route, on SQLite and
PostgreSQL, plus an admin of another clinic, to whom this clinic's records do not exist.

Changes are sent with input the service refuses after its access check (or a use the lot
cannot cover), so every role meets the same ledger; the refusals show who got how far:
403 for a role that may not, 422/409 for one that may but sent something wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi import FastAPI
from web_helpers import TestClient, api_status, bearer, page_response, session_token

from attune.domain.kap.ledger_reports import TakenAt
from attune.services import ledger, ledger_reports
from attune.services.clock import FixedClock
from attune.services.ports import UnitOfWork
from factories import LEDGER_DEA, ClinicSetup, make_clinic, receive_stock

ROLES = ("admin", "clinician", "other", "patient0", "patient1", "anonymous", "elsewhere")


@dataclass(frozen=True)
class LedgerWorld:
    setup: ClinicSetup
    elsewhere: ClinicSetup
    lot: int
    count: int
    inventory: int

    def fmt(self, path: str) -> str:
        return path.format(lot=self.lot, count=self.count, inv=self.inventory)

    def email(self, role: str) -> str:
        if role == "elsewhere":
            return self.elsewhere.email("admin")
        return self.setup.email(role)


@pytest.fixture
def books(setup: ClinicSetup, uow: UnitOfWork, clock: FixedClock) -> LedgerWorld:
    lot = receive_stock(uow, setup, clock, mg="100").entry.lot_id
    ledger.record_use(
        uow,
        setup.clinician_actor,
        kind="administration",
        lot_id=lot,
        quantity="10",
        session_ref="In-office session 1",
        patient_id=setup.patients[0].id,
        clock=clock,
    )
    count = ledger_reports.record_count(uow, setup.clinician_actor, {"K-1": "90"}, clock)
    inventory = ledger_reports.take_inventory(
        uow,
        setup.admin_actor,
        as_of=clock.now(),
        taken_at=TakenAt.OPENING,
        registrant_dea=LEDGER_DEA,
        clock=clock,
    )
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=0)
    return LedgerWorld(setup, elsewhere, lot, count.record.id, inventory.record.id)


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    #: Status by role, in the order of ROLES.
    expected: tuple[int, int, int, int, int, int, int]
    body: dict[str, object] | None = None


STAFF_PAGE = (200, 200, 200, 303, 303, 303, 200)
CLINIC_RECORD = (200, 200, 200, 303, 303, 303, 404)
ADMIN_FORM = (200, 403, 403, 303, 303, 303, 200)

PAGE_CASES: dict[str, Case] = {
    "overview": Case("GET", "/clinic/ledger", STAFF_PAGE),
    "lot": Case("GET", "/clinic/ledger/lots/{lot}", CLINIC_RECORD),
    "receipt form": Case("GET", "/clinic/ledger/entries/new/receipt", ADMIN_FORM),
    "correction form": Case("GET", "/clinic/ledger/entries/new/correction", ADMIN_FORM),
    "administration form": Case("GET", "/clinic/ledger/entries/new/administration", STAFF_PAGE),
    "dispense form": Case("GET", "/clinic/ledger/entries/new/dispense", STAFF_PAGE),
    "waste form": Case("GET", "/clinic/ledger/entries/new/waste", STAFF_PAGE),
    "no such kind": Case(
        "GET", "/clinic/ledger/entries/new/theft", (404,) * 3 + (303,) * 3 + (404,)
    ),
    "save receipt": Case(
        "POST",
        "/clinic/ledger/entries/new/receipt",
        (422, 403, 403, 303, 303, 303, 422),
        {"lot": "K-9", "quantity": "5", "supplier_dea": "AB123"},
    ),
    "save dispense": Case(
        "POST",
        "/clinic/ledger/entries/new/dispense",
        (409, 409, 409, 303, 303, 303, 404),
        {"lot_id": "{lot}", "quantity": "500", "session_ref": "S"},
    ),
    "save waste": Case(
        "POST",
        "/clinic/ledger/entries/new/waste",
        (422, 422, 422, 303, 303, 303, 404),
        {"lot_id": "{lot}", "quantity": "1", "reason": "Dropped"},
    ),
    "save correction": Case(
        "POST",
        "/clinic/ledger/entries/new/correction",
        (409, 403, 403, 303, 303, 303, 409),
        {"corrects": "99", "direction": "add", "change": "1", "reason": "x"},
    ),
    "count form": Case("GET", "/clinic/ledger/counts/new", STAFF_PAGE),
    "save count": Case("POST", "/clinic/ledger/counts", (422, 422, 422, 303, 303, 303, 422), {}),
    "count": Case("GET", "/clinic/ledger/counts/{count}", CLINIC_RECORD),
    "inventories": Case("GET", "/clinic/ledger/inventories", STAFF_PAGE),
    "take inventory": Case(
        "POST",
        "/clinic/ledger/inventories",
        (422, 403, 403, 303, 303, 303, 422),
        {
            "as_of_date": "2026-01-05",
            "as_of_time": "08:00",
            "taken_at": "opening",
            "registrant_dea": "AB1",
        },
    ),
    "inventory": Case("GET", "/clinic/ledger/inventories/{inv}", CLINIC_RECORD),
    "inventory csv": Case("GET", "/clinic/ledger/inventories/{inv}/csv", CLINIC_RECORD),
}

STAFF_API = (200, 200, 200, 403, 403, 401, 200)
CLINIC_API = (200, 200, 200, 403, 403, 401, 404)

API_CASES: dict[str, Case] = {
    "lots": Case("GET", "/api/v1/ledger/lots", STAFF_API),
    "lot": Case("GET", "/api/v1/ledger/lots/{lot}", CLINIC_API),
    "receipt": Case(
        "POST",
        "/api/v1/ledger/receipts",
        (422, 403, 403, 403, 403, 401, 422),
        {"lot": "K-9", "description": "x", "supplier": "y", "supplier_dea": "AB1", "quantity": "1"},
    ),
    "administration": Case(
        "POST",
        "/api/v1/ledger/administrations",
        (409, 409, 409, 403, 403, 401, 404),
        {"lot_id": "{lot}", "quantity": "500", "session_ref": "S"},
    ),
    "dispense": Case(
        "POST",
        "/api/v1/ledger/dispenses",
        (409, 409, 409, 403, 403, 401, 404),
        {"lot_id": "{lot}", "quantity": 500, "session_ref": "S"},
    ),
    "waste": Case(
        "POST",
        "/api/v1/ledger/waste",
        (422, 422, 422, 403, 403, 401, 404),
        {
            "lot_id": "{lot}",
            "quantity": "1",
            "reason": "x",
            "witness_id": None,
            "witness_password": "",
        },
    ),
    "correction": Case(
        "POST",
        "/api/v1/ledger/corrections",
        (409, 403, 403, 403, 403, 401, 409),
        {"corrects": 99, "change": "1", "reason": "x"},
    ),
    "counts": Case("GET", "/api/v1/ledger/counts", STAFF_API),
    "record count": Case(
        "POST", "/api/v1/ledger/counts", (422, 422, 422, 403, 403, 401, 422), {"counts": {}}
    ),
    "count": Case("GET", "/api/v1/ledger/counts/{count}", CLINIC_API),
    "inventories": Case("GET", "/api/v1/ledger/inventories", STAFF_API),
    "take inventory": Case(
        "POST",
        "/api/v1/ledger/inventories",
        (422, 403, 403, 403, 403, 401, 422),
        {"as_of": "2026-01-05T08:00:00Z", "taken_at": "opening", "registrant_dea": "AB1"},
    ),
    "inventory": Case("GET", "/api/v1/ledger/inventories/{inv}", CLINIC_API),
    "inventory csv": Case("GET", "/api/v1/ledger/inventories/{inv}/csv", CLINIC_API),
}


def _body(world: LedgerWorld, body: dict[str, object] | None) -> dict[str, object] | None:
    if body is None:
        return None
    return {k: (world.fmt(v) if isinstance(v, str) and "{" in v else v) for k, v in body.items()}


def _api_body(world: LedgerWorld, body: dict[str, object] | None) -> dict[str, object] | None:
    filled = _body(world, body)
    if filled is not None and "lot_id" in filled:
        filled["lot_id"] = int(str(filled["lot_id"]))
    return filled


def _balance(client: TestClient, token: str, world: LedgerWorld) -> str:
    found = client.get(f"/api/v1/ledger/lots/{world.lot}", headers=bearer(token)).json()
    return str(found["lot"]["balance_mg"])


@pytest.mark.parametrize("name", sorted(PAGE_CASES))
def test_page_route_access(
    name: str, app: FastAPI, books: LedgerWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = PAGE_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else books.email(role)
        form = _body(books, case.body) or {}
        response = page_response(app, uow, clock, email, case.method, books.fmt(case.path), form)
        seen[role] = response.status_code
        if response.status_code == 303:
            target = "/login" if role == "anonymous" else "/portal"
            assert response.headers["location"].startswith(target), (role, response.headers)
    assert seen == dict(zip(ROLES, case.expected, strict=True))
    admin = session_token(uow, clock, books.email("admin"))
    with TestClient(app) as client:
        assert _balance(client, admin, books) == "90"


@pytest.mark.parametrize("name", sorted(API_CASES))
def test_api_route_access(
    name: str, app: FastAPI, books: LedgerWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    case = API_CASES[name]
    seen = {}
    for role in ROLES:
        email = None if role == "anonymous" else books.email(role)
        path, body = books.fmt(case.path), _api_body(books, case.body)
        seen[role] = api_status(app, uow, clock, email, case.method, path, body)
    assert seen == dict(zip(ROLES, case.expected, strict=True))
    admin = session_token(uow, clock, books.email("admin"))
    with TestClient(app) as client:
        assert _balance(client, admin, books) == "90"


def test_another_clinic_sees_an_empty_ledger(
    app: FastAPI, books: LedgerWorld, uow: UnitOfWork, clock: FixedClock
) -> None:
    token = session_token(uow, clock, books.email("elsewhere"))
    with TestClient(app) as client:
        assert client.get("/api/v1/ledger/lots", headers=bearer(token)).json() == []
        assert client.get("/api/v1/ledger/counts", headers=bearer(token)).json() == []
        assert client.get("/api/v1/ledger/inventories", headers=bearer(token)).json() == []
        missing = client.get(f"/api/v1/ledger/lots/{books.lot}", headers=bearer(token))
        unknown = client.get(f"/api/v1/ledger/lots/{books.lot + 100}", headers=bearer(token))
    assert missing.status_code == unknown.status_code == 404
    assert missing.json()["error"]["message"].startswith("There is no lot with id")
