"""Logging in and out, and who am I."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from attune.services import auth
from attune.services.actors import Actor
from attune.web.api.schemas import LoginIn, MeOut, SessionOut, WhoAmIOut
from attune.web.cookies import clear_session_cookie, set_session_cookie
from attune.web.csrf import token_for
from attune.web.deps import ActorDep, ClockDep, SettingsDep, UowDep, bearer_token, request_token

public = APIRouter(tags=["session"])
router = APIRouter(tags=["session"])


def me_out(actor: Actor) -> MeOut:
    return MeOut(
        user_id=actor.user_id,
        clinic_id=actor.clinic_id,
        role=str(actor.role),
        name=actor.name,
        patient_id=actor.patient_id,
    )


@public.post("/session", response_model=SessionOut, summary="Log in")
def log_in(
    body: LoginIn, response: Response, uow: UowDep, clock: ClockDep, settings: SettingsDep
) -> SessionOut:
    """Check the email and password; open a server session (cookie and bearer token).

    Every kind of failure gets the same 401 message.
    """
    result = auth.log_in(uow, body.email, body.password, clock, settings.session_hours)
    set_session_cookie(response, settings, result.token)
    return SessionOut(
        token=result.token,
        expires_at=result.expires_at,
        csrf_token=token_for(settings.secret_key, "s:" + result.token),
        user=me_out(result.actor),
    )


@router.delete("/session", status_code=204, summary="Log out")
def log_out(request: Request, uow: UowDep, clock: ClockDep, settings: SettingsDep) -> Response:
    """End the session on the server (the token stops working at once) and clear the cookie."""
    auth.log_out(uow, request_token(request) or "", clock)
    response = Response(status_code=204)
    clear_session_cookie(response, settings)
    return response


@router.get("/me", response_model=WhoAmIOut, summary="Who am I")
def me(request: Request, actor: ActorDep, settings: SettingsDep) -> WhoAmIOut:
    token = None if bearer_token(request) else request_token(request)
    return WhoAmIOut(
        user=me_out(actor),
        csrf_token=token_for(settings.secret_key, "s:" + token) if token else None,
    )
