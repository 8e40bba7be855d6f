"""Server-rendered pages: the login page, the patient portal and the clinician view.

Every route here goes through :func:`attune.web.csrf.require_csrf`, so every form POST
needs the page's CSRF token.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from attune.web.csrf import require_csrf
from attune.web.pages import (
    alerts,
    auth,
    breathwork,
    checkin,
    clinic,
    cycle,
    insight,
    intake,
    kap_clinic,
    kap_home,
    kap_journal,
    kap_portal,
    kap_rems,
    kap_session,
    ledger,
    ledger_reports,
    levelofcare,
    patterns,
    plan,
    portal,
    profiles,
    teaching,
)


def router() -> APIRouter:
    pages = APIRouter(dependencies=[Depends(require_csrf)], include_in_schema=False)
    pages.include_router(auth.router)
    pages.include_router(portal.router)
    pages.include_router(breathwork.router)
    pages.include_router(checkin.router)
    pages.include_router(patterns.router)
    pages.include_router(kap_portal.router)
    pages.include_router(kap_home.router)
    pages.include_router(kap_journal.router)
    pages.include_router(clinic.router)
    pages.include_router(alerts.router)
    pages.include_router(insight.router)
    pages.include_router(intake.router)
    pages.include_router(levelofcare.router)
    pages.include_router(profiles.router)
    pages.include_router(cycle.router)
    pages.include_router(plan.router)
    pages.include_router(ledger.router)
    pages.include_router(ledger_reports.router)
    pages.include_router(kap_clinic.router)
    pages.include_router(kap_session.router)
    pages.include_router(kap_rems.router)
    pages.include_router(teaching.router)
    return pages
