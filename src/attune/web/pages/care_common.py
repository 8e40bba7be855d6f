"""Shared by the care-path pages (intake, cycle, level of care, plan)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from attune.domain.errors import DomainError
from attune.web.errors import FormRenderer, error_page, status_for


def guarded(request: Request, renderer: FormRenderer) -> FormRenderer:
    """A form renderer that reads through a service to show the form again.

    When the posted form could not even be read, the service that checks who may do what
    was never called; the renderer's own read then is that check. If it refuses (not
    this clinician's patient, no such record), the refusal is answered with its own error
    page instead of the form.
    """

    def render_again(error: DomainError, status: int) -> Response:
        try:
            return renderer(error, status)
        except DomainError as refused:
            code, _ = status_for(refused)
            return error_page(request, code, refused.message)

    return render_again
