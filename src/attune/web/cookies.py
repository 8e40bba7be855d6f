"""The two cookies Attune sets, and how they are set and cleared.

``attune_session`` holds the random session token from ``services.auth.log_in`` (the
database keeps only its hash). ``attune_csrf`` holds a random nonce that CSRF tokens are
bound to before login. Both are HttpOnly and SameSite=Lax, and Secure unless
``settings.cookie_secure`` is False (dev mode on plain-HTTP localhost).
"""

from __future__ import annotations

from starlette.responses import Response

from attune.config import Settings

SESSION_COOKIE = "attune_session"
NONCE_COOKIE = "attune_csrf"


def set_session_cookie(response: Response, settings: Settings, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=settings.cookie_secure, httponly=True, samesite="lax"
    )


def nonce_cookie_header(settings: Settings, nonce: str) -> str:
    """A ``Set-Cookie`` header value for the pre-login CSRF nonce (a browser session cookie)."""
    parts = [f"{NONCE_COOKIE}={nonce}", "Path=/", "HttpOnly", "SameSite=Lax"]
    if settings.cookie_secure:
        parts.append("Secure")
    return "; ".join(parts)
