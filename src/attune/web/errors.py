"""The one place that turns errors into HTTP answers.

===========================  ======  ===========================================
error                        status  HTML pages                      JSON API
===========================  ======  ===========================================
ValidationError              422     the form again, message by the  {"error": {type, message,
                                     field, answers kept                       field}}; FormErrors
                                                                     add errors: [{field, message}]
NotFound                     404     a calm "not found" page         same shape
PermissionDenied             403     "not yours to see" page         same shape
AuthenticationFailed         401     redirect to the login page      same shape
Conflict                     409     a page saying what clashed      same shape
CsrfRefused (web)            403     "reload and try again" page     same shape
request validation (FastAPI) 422     a page naming the field         same shape
anything else                500     "something went wrong on our    same shape, no detail
                                     side"; never a stack trace
===========================  ======  ===========================================

A page that shows a form registers how to show it again with :func:`rerender_form_on_error`;
a ValidationError (or, on the login page, AuthenticationFailed) then re-renders that form
with the message next to the field and the user's answers kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from attune.domain.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    FormErrors,
    NotFound,
    PermissionDenied,
    ValidationError,
)
from attune.web.csrf import CsrfRefused
from attune.web.templating import render

log = logging.getLogger("attune.web")

API_PREFIX = "/api/"

FormRenderer = Callable[[DomainError, int], Response]

_TITLES = {
    400: "That request could not be used",
    401: "Please log in",
    403: "Not available to you",
    404: "Not found",
    405: "Not available that way",
    409: "That clashes with something already saved",
    422: "Something in the form needs another look",
    500: "Something went wrong on our side",
}


def status_for(error: DomainError) -> tuple[int, str]:
    """The HTTP status and the stable error type for a domain error."""
    if isinstance(error, ValidationError):
        return 422, "validation_error"
    if isinstance(error, NotFound):
        return 404, "not_found"
    if isinstance(error, PermissionDenied):
        return 403, "permission_denied"
    if isinstance(error, AuthenticationFailed):
        return 401, "authentication_failed"
    if isinstance(error, Conflict):
        return 409, "conflict"
    return 400, "domain_error"


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def rerender_form_on_error(request: Request, renderer: FormRenderer) -> None:
    """Register how this request's form is shown again when a ValidationError is raised."""
    request.state.form_renderer = renderer


def error_json(
    status: int,
    kind: str,
    message: str,
    field: str | None = None,
    errors: tuple[tuple[str, str], ...] | None = None,
) -> JSONResponse:
    """The JSON error body; ``errors`` lists every (field, message) of a form (FormErrors)."""
    headers = {"www-authenticate": 'Bearer realm="attune"'} if status == 401 else None
    body: dict[str, object] = {"type": kind, "message": message, "field": field}
    if errors is not None:
        body["errors"] = [{"field": f, "message": m} for f, m in errors]
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def error_page(request: Request, status: int, message: str) -> Response:
    title = _TITLES.get(status, _TITLES[400] if status < 500 else _TITLES[500])
    return render(
        request,
        "error.html",
        {"status": status, "title": title, "message": message},
        status_code=status,
    )


def _login_redirect(request: Request) -> Response:
    target = "/login"
    if request.method == "GET" and request.url.path not in ("/login", "/"):
        target += "?next=" + quote(request.url.path, safe="/")
    return RedirectResponse(target, status_code=303)


async def handle_domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    status, kind = status_for(exc)
    if is_api(request):
        every = exc.errors if isinstance(exc, FormErrors) else None
        return error_json(status, kind, exc.message, exc.field, every)
    renderer: FormRenderer | None = getattr(request.state, "form_renderer", None)
    if renderer is not None and isinstance(exc, ValidationError | AuthenticationFailed):
        return renderer(exc, status)
    if isinstance(exc, AuthenticationFailed):
        return _login_redirect(request)
    return error_page(request, status, exc.message)


async def handle_csrf(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CsrfRefused)
    if is_api(request):
        return error_json(
            403, "csrf_failed", "Missing or invalid X-CSRF-Token header for a cookie session."
        )
    return error_page(request, 403, exc.message)


def _field_of(loc: tuple[object, ...] | list[object]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "cookie")]
    return ".".join(parts) or None


async def handle_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    first = errors[0] if errors else {}
    field = _field_of(first.get("loc", ()))
    message = str(first.get("msg", "The request is not valid"))
    if field:
        message = f"{field}: {message}"
    if is_api(request):
        return error_json(422, "validation_error", message, field)
    return error_page(request, 422, message)


_HTTP_MESSAGES = {
    404: "We could not find that page. It may have moved, or the address may be mistyped.",
    405: "That address does not accept this kind of request.",
}


async def handle_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
    if is_api(request):
        kind = "not_found" if exc.status_code == 404 else "http_error"
        if exc.status_code == 404:
            message = "There is no such API operation; see /api/docs for the list."
        return error_json(exc.status_code, kind, message)
    return error_page(request, exc.status_code, message)


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    message = (
        "Something went wrong on our side and nothing further was changed. "
        "Please try again in a moment; if it keeps happening, let the clinic know."
    )
    if is_api(request):
        return error_json(500, "internal_error", message)
    return error_page(request, 500, message)


def install(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(DomainError, handle_domain_error)
    app.add_exception_handler(CsrfRefused, handle_csrf)
    app.add_exception_handler(RequestValidationError, handle_request_validation)
    app.add_exception_handler(StarletteHTTPException, handle_http)
    app.add_exception_handler(Exception, handle_unexpected)
