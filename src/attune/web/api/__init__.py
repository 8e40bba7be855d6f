"""The JSON API under /api/v1, documented at /api/openapi.json and /api/docs.

Log in with ``POST /api/v1/session``; then either send ``Authorization: Bearer <token>``
or let the browser send the session cookie, in which case every unsafe call also needs
the ``X-CSRF-Token`` header (its value comes back from the log-in and from ``GET /me``).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from attune.web.api import (
    clinic,
    cycle,
    instruments,
    intake,
    kap_clinic,
    kap_portal,
    ledger,
    levelofcare,
    monitoring_clinic,
    monitoring_portal,
    plans,
    portal,
    session,
)
from attune.web.api.schemas import ErrorOut
from attune.web.csrf import require_csrf

PREFIX = "/api/v1"

ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorOut, "description": "Not logged in, or the session has ended"},
    403: {"model": ErrorOut, "description": "Not allowed, or a missing CSRF token"},
    404: {"model": ErrorOut, "description": "No such record (or not one you may see)"},
    409: {"model": ErrorOut, "description": "Clashes with what is already saved"},
    422: {"model": ErrorOut, "description": "Invalid input; 'field' names what is wrong"},
}


def router() -> APIRouter:
    api = APIRouter(prefix=PREFIX, responses=ERRORS)
    api.include_router(session.public)
    protected = APIRouter(dependencies=[Depends(require_csrf)])
    protected.include_router(session.router)
    protected.include_router(portal.router)
    protected.include_router(clinic.router)
    protected.include_router(instruments.router)
    protected.include_router(intake.router)
    protected.include_router(levelofcare.router)
    protected.include_router(plans.router)
    protected.include_router(ledger.router)
    protected.include_router(cycle.router)
    protected.include_router(kap_portal.router)
    protected.include_router(kap_clinic.router)
    protected.include_router(monitoring_clinic.router)
    protected.include_router(monitoring_portal.router)
    api.include_router(protected)
    return api
