"""Jinja2 templates shipped in the package, with the few helpers every page needs."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from attune.web.alert_badge import open_alert_counter
from attune.web.csrf import CSRF_FIELD, csrf_token

TEMPLATE_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def format_date(value: date | datetime | None) -> str:
    """'3 March 2025' (no leading zero, the month in words: clear in every locale)."""
    if value is None:
        return ""
    return f"{value.day} {value.strftime('%B %Y')}"


def format_datetime(value: datetime | None) -> str:
    """'3 March 2025, 14:05 UTC'."""
    if value is None:
        return ""
    return f"{format_date(value)}, {value.strftime('%H:%M')} UTC"


def format_score(value: float | None) -> str:
    if value is None:
        return "not scored"
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = format_date
    env.filters["datetime"] = format_datetime
    env.filters["score"] = format_score
    return env


def _page_globals(request: Request) -> dict[str, object]:
    settings = request.app.state.settings
    return {
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token(request),
        "actor": getattr(request.state, "actor", None),
        "crisis_line": settings.crisis_line,
        "clinic_phone": settings.clinic_phone,
        "dev_mode": settings.dev_mode,
        "open_alert_count": open_alert_counter(request),
    }


templates = Jinja2Templates(env=_environment(), context_processors=[_page_globals])


def render(
    request: Request,
    name: str,
    context: dict[str, object] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    return templates.TemplateResponse(request, name, dict(context or {}), status_code=status_code)
