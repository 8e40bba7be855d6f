"""The application factory: ``create_app(settings)`` builds the whole web edge."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

from attune import __version__
from attune.config import Settings
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.web import api, errors, pages
from attune.web.deps import UowFactory, open_app_database
from attune.web.middleware import CsrfNonceMiddleware, SecurityHeadersMiddleware
from attune.web.templating import STATIC_DIR, render

OPENAPI_URL = "/api/openapi.json"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    description: str


def operations(app: FastAPI) -> list[Operation]:
    """Every documented API operation, from the app's own OpenAPI description."""
    found = []
    for path, item in app.openapi().get("paths", {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is not None:
                found.append(
                    Operation(
                        method=method.upper(),
                        path=path,
                        summary=str(op.get("summary", "")),
                        description=str(op.get("description", "")).split("\n\n")[0],
                    )
                )
    return found


def create_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    uow_factory: UowFactory | None = None,
) -> FastAPI:
    """Build the app. ``clock`` defaults to the system clock; ``uow_factory`` to units of
    work on the database named by ``settings`` (tests pass their own engine's)."""
    database = open_app_database(settings) if uow_factory is None else None

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if database is not None:
            database.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Attune",
        version=__version__,
        description="Questionnaires, scores and flags for attachment-informed addiction care.",
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
    )
    app.state.settings = settings
    app.state.clock = clock or SYSTEM_CLOCK
    if database is not None:
        app.state.uow_factory = database.unit_of_work
    else:
        app.state.uow_factory = uow_factory
    # Pages list and render the same instruments the services score with.
    app.state.instruments = app.state.uow_factory().instruments

    errors.install(app)
    app.include_router(api.router())
    app.include_router(pages.router())

    @app.get("/api/docs", include_in_schema=False)
    def api_docs(request: Request) -> Response:
        return render(
            request, "api/docs.html", {"version": __version__, "operations": operations(app)}
        )

    @app.get("/healthz", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(CsrfNonceMiddleware, settings=settings)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
