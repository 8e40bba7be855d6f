"""Cross-site request forgery protection for every form and every cookie-authenticated call.

A CSRF token is ``HMAC-SHA256(secret_key, binding)`` where the binding is the session
token from the session cookie, or, before login, a random nonce kept in its own HttpOnly
cookie. A page embeds the token as a hidden field (``csrf_token``); scripts send it in
the ``X-CSRF-Token`` header. Another site can make the browser send our cookies, but it
can read neither them nor our pages, so it cannot produce the token.

Every POST, PUT, PATCH and DELETE on the pages router and every cookie-authenticated
unsafe call on the JSON API goes through :func:`require_csrf` (a router-wide dependency),
so a new form cannot forget it. Calls carrying a bearer token are not exposed to CSRF
(a browser never adds that header by itself) and need no token; neither do API calls
without a session cookie, which carry no credential at all and get a 401.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from starlette.requests import Request

from attune.web.cookies import NONCE_COOKIE, SESSION_COOKIE

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
API_PREFIX = "/api/"


class CsrfRefused(Exception):
    """The request changes something but carries no valid CSRF token."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def token_for(secret_key: str, binding: str) -> str:
    """The CSRF token for a session token or pre-login nonce."""
    mac = hmac.new(secret_key.encode(), b"attune-csrf-v1\x00" + binding.encode(), hashlib.sha256)
    return mac.hexdigest()


def token_matches(secret_key: str, binding: str, presented: str | None) -> bool:
    if not binding or not presented:
        return False
    return hmac.compare_digest(token_for(secret_key, binding), presented)


def binding_for(request: Request) -> str | None:
    """What this request's CSRF token is bound to: its session, else its nonce cookie.

    A nonce created for this request by :class:`attune.web.middleware.CsrfNonceMiddleware`
    (first visit, no cookie yet) is found in ``request.state``.
    """
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return "s:" + session
    nonce = request.cookies.get(NONCE_COOKIE) or getattr(request.state, "csrf_nonce", None)
    if isinstance(nonce, str) and nonce:
        return "n:" + nonce
    return None


def csrf_token(request: Request) -> str:
    """The token to embed in a form rendered for this request."""
    binding = binding_for(request)
    if binding is None:
        return ""
    secret: str = request.app.state.settings.secret_key
    return token_for(secret, binding)


def _bearer(request: Request) -> bool:
    header = request.headers.get("authorization", "")
    return header.lower().startswith("bearer ")


async def require_csrf(request: Request) -> None:
    """Refuse an unsafe request without a valid token (a router-wide dependency)."""
    if request.method in SAFE_METHODS or _bearer(request):
        return
    if request.url.path.startswith(API_PREFIX) and SESSION_COOKIE not in request.cookies:
        return  # no ambient credential to abuse: the API answers 401 by itself
    presented = request.headers.get(CSRF_HEADER)
    if presented is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            presented = value if isinstance(value, str) else None
    binding = request.cookies.get(SESSION_COOKIE)
    if binding:
        binding = "s:" + binding
    else:
        nonce = request.cookies.get(NONCE_COOKIE)
        binding = "n:" + nonce if nonce else None
    if binding is None or not token_matches(
        request.app.state.settings.secret_key, binding, presented
    ):
        raise CsrfRefused(
            "This form could not be accepted because its security token is missing or out "
            "of date. Please go back, reload the page and try again."
        )
