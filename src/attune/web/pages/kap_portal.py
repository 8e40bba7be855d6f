"""The patient's KAP course in the portal: where they are, preparation, safety plan, consent.

Phone first, and every page works without JavaScript.
"""

from __future__ import annotations

from starlette.responses import RedirectResponse, Response

from attune.services.actors import Actor


def patient_or_redirect(actor: Actor) -> Response | None:
    """Staff are sent to the clinic's pages: these pages are the patient's own."""
    if actor.is_staff or actor.patient_id is None:
        return RedirectResponse("/clinic", status_code=303)
    return None
