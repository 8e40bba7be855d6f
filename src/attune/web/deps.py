"""FastAPI dependencies: settings, clock, the unit of work, and who is acting.

This is the only module of the web layer that touches :mod:`attune.db`: it opens a
``SqlUnitOfWork`` on the engine the app was created with. Routes receive the unit of work
and an :class:`~attune.services.actors.Actor` and pass them to one service.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from starlette.datastructures import FormData
from starlette.requests import Request

from attune.config import Settings
from attune.db import Database, open_database
from attune.domain.errors import AuthenticationFailed, InvalidDefinition
from attune.domain.instruments import InstrumentLibrary
from attune.domain.kap.clinic_settings import KapSettings, default_kap_settings, parse_kap_settings
from attune.fhir.library import load_library
from attune.services import auth
from attune.services.actors import Actor
from attune.services.clock import Clock
from attune.services.ports import UnitOfWork
from attune.web.cookies import SESSION_COOKIE

UowFactory = Callable[[], UnitOfWork]

SESSION_ENDED = auth.SESSION_ENDED


def open_app_database(settings: Settings) -> Database:
    """The database named by the settings: the one place the web edge builds the concrete
    unit of work (``Database.unit_of_work`` opens a ``SqlUnitOfWork``). Its units of work
    score with the shipped instruments plus the clinic's folder (settings.instrument_dir)."""
    return open_database(settings, clinic_instruments(settings), clinic_kap_settings(settings))


def clinic_kap_settings(settings: Settings) -> KapSettings:
    """The clinic's KAP thresholds and at-home rules; a bad file stops start-up."""
    path = settings.kap_settings_file
    if path is None:
        return default_kap_settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidDefinition(
            f"{path}: cannot be read as JSON ({exc})", field="kap_settings_file"
        ) from exc
    try:
        return parse_kap_settings(data)
    except InvalidDefinition as exc:
        raise InvalidDefinition(f"{path}: {exc.message}", field="kap_settings_file") from exc


def clinic_instruments(settings: Settings) -> InstrumentLibrary:
    """The shipped instruments plus the clinic's own folder; a bad file stops start-up."""
    return load_library([settings.instrument_dir] if settings.instrument_dir else [])


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_instruments(request: Request) -> InstrumentLibrary:
    """The instruments this clinic uses: the shipped ones plus its own folder's."""
    library: InstrumentLibrary = request.app.state.instruments
    return library


def get_uow(request: Request) -> UnitOfWork:
    """A fresh unit of work for this request (each service call opens its own transaction)."""
    factory: UowFactory = request.app.state.uow_factory
    return factory()


# The dependencies below do no I/O, so they are ``async``: FastAPI then calls them on the
# event loop instead of handing each to the thread pool (a thread hop per dependency per
# request, measurable under load in bench/checkin.py).


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _clock(request: Request) -> Clock:
    return get_clock(request)


async def _uow(request: Request) -> UnitOfWork:
    return get_uow(request)


async def _instruments(request: Request) -> InstrumentLibrary:
    return get_instruments(request)


SettingsDep = Annotated[Settings, Depends(_settings)]
ClockDep = Annotated[Clock, Depends(_clock)]
UowDep = Annotated[UnitOfWork, Depends(_uow)]
InstrumentsDep = Annotated[InstrumentLibrary, Depends(_instruments)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def request_token(request: Request) -> str | None:
    """The session token of this request: a bearer token first, else the session cookie."""
    return bearer_token(request) or request.cookies.get(SESSION_COOKIE) or None


def current_actor(request: Request, uow: UowDep, clock: ClockDep) -> Actor:
    """The logged-in actor, or AuthenticationFailed (pages: a redirect to the login page)."""
    token = request_token(request)
    if not token:
        raise AuthenticationFailed(SESSION_ENDED)
    actor = auth.actor_for_token(uow, token, clock)
    request.state.actor = actor
    return actor


ActorDep = Annotated[Actor, Depends(current_actor)]


def optional_actor(request: Request, uow: UowDep, clock: ClockDep) -> Actor | None:
    """The logged-in actor if the session is live, else None (for the login page)."""
    token = request_token(request)
    if not token:
        return None
    try:
        actor = auth.actor_for_token(uow, token, clock)
    except AuthenticationFailed:
        return None
    request.state.actor = actor
    return actor


OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]


async def posted_form(request: Request) -> FormData:
    """The posted form (parsed once; the CSRF check has usually read it already)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(posted_form)]
