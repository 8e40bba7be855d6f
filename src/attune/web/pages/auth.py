"""Logging in and out through the browser."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError
from attune.services import auth
from attune.services.actors import Actor
from attune.web.cookies import SESSION_COOKIE, clear_session_cookie, set_session_cookie
from attune.web.deps import ClockDep, OptionalActorDep, SettingsDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.templating import render

router = APIRouter()


def home_for(actor: Actor) -> str:
    """Where a user lands: staff on their caseload, a patient in their portal."""
    return "/clinic" if actor.is_staff else "/portal"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site may be a redirect target (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@router.get("/")
def start(actor: OptionalActorDep) -> Response:
    return RedirectResponse(home_for(actor) if actor else "/login", status_code=303)


def _login_page(
    request: Request,
    *,
    email: str = "",
    next_path: str = "",
    error: str = "",
    notice: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "login.html",
        {"email": email, "next": next_path, "error": error, "notice": notice},
        status_code=status_code,
    )


@router.get("/login")
def login_page(
    request: Request, actor: OptionalActorDep, next: str = "", bye: str = ""
) -> Response:
    if actor is not None:
        return RedirectResponse(home_for(actor), status_code=303)
    notice = "You have logged out. Thank you for using Attune." if bye else ""
    return _login_page(request, next_path=safe_next(next) or "", notice=notice)


@router.post("/login")
def log_in(
    request: Request,
    uow: UowDep,
    clock: ClockDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def again(error: DomainError, status: int) -> Response:
        return _login_page(
            request,
            email=email,
            next_path=safe_next(next) or "",
            error=error.message,
            status_code=status,
        )

    rerender_form_on_error(request, again)
    result = auth.log_in(uow, email, password, clock, settings.session_hours)
    response = RedirectResponse(safe_next(next) or home_for(result.actor), status_code=303)
    set_session_cookie(response, settings, result.token)
    return response


@router.post("/logout")
def log_out(request: Request, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    auth.log_out(uow, token, clock)
    response = RedirectResponse("/login?bye=1", status_code=303)
    clear_session_cookie(response, settings)
    return response
