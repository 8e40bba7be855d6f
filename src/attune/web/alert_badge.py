"""The number of open alerts shown beside "Alerts" in the clinic's navigation.

Pages get :func:`open_alert_counter` as ``open_alert_count`` (see templating.py); the
navigation calls it only for staff, so a patient's page never reads alerts. It counts
only (no alert is shown), so it writes no audit event. A count that cannot be read
(for example while the database is down and an error page is being shown) is None, and
the link shows without a number: the badge must never break a page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request

from attune.services import alerts
from attune.services.actors import Actor
from attune.web.deps import get_uow

log = logging.getLogger("attune.web")


def open_alert_counter(request: Request) -> Callable[[], int | None]:
    def count() -> int | None:
        actor = getattr(request.state, "actor", None)
        if not isinstance(actor, Actor) or not actor.is_staff:
            return None
        try:
            return alerts.open_alert_count(get_uow(request), actor)
        except Exception:  # a navigation badge never breaks the page
            log.exception("could not count the open alerts for the navigation")
            return None

    return count
