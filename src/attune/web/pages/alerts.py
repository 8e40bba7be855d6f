"""The clinician's alert inbox: acknowledging and resolving alerts about patients.

::

    GET  /clinic/alerts                           the open alerts, most urgent first
    POST /clinic/alerts/{alert_id}/acknowledge    "seen, someone is on it"
    POST /clinic/alerts/{alert_id}/resolve        closed, with a note of what was done

Both forms carry ``back`` (``inbox``, or a patient id for that patient's check-ins page)
saying where to return. A resolve form without a note comes back with the message beside
the field and the words kept (422); an alert someone else acknowledged or resolved first
gives a page saying so (409). Who may see or change which alert is the services'
decision (services/alerts.py through services/access.py); a patient is sent to the portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from fastapi import APIRouter
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError
from attune.services import alerts
from attune.services.alerts import AlertView
from attune.services.ports_monitoring import AlertKind, AlertStatus, Priority
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.templating import render

router = APIRouter(prefix="/clinic/alerts")

INBOX = "/clinic/alerts"

PRIORITY_NAMES = {
    Priority.URGENT: "Urgent",
    Priority.HIGH: "High",
    Priority.MEDIUM: "Medium",
    Priority.LOW: "Low",
}
KIND_NAMES = {
    AlertKind.SAFETY: "Safety",
    AlertKind.RELAPSE_RISK: "Relapse risk",
    AlertKind.MISSED_CHECKINS: "Missed check-ins",
}
STATUS_NAMES = {
    AlertStatus.NEW: "New",
    AlertStatus.ACKNOWLEDGED: "Acknowledged",
    AlertStatus.RESOLVED: "Resolved",
}
SOURCE_NAMES = {
    "checkin": "a daily check-in",
    "response": "a questionnaire answer",
    "flag": "a questionnaire answer",
    "intake": "the intake",
    "risk_scan": "the daily relapse-risk scan",
}
#: Where on the patient's pages each source can be seen (after /clinic/patients/{id}).
SOURCE_PAGES = {
    "checkin": "/insight#series",
    "response": "",
    "flag": "",
    "intake": "/intake",
    "risk_scan": "/insight#risk",
}
NOTICES = {
    "acknowledged": "The alert is acknowledged.",
    "resolved": "The alert is resolved. It stays in the patient's alert history.",
}


def age_words(age: timedelta) -> str:
    """'under a minute', '12 minutes', '3 hours', '1 day', '5 days'."""
    minutes = int(age.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    hours = minutes // 60
    if hours < 24:
        return f"{hours} hour{'' if hours == 1 else 's'}"
    days = hours // 24
    return f"{days} day{'' if days == 1 else 's'}"


@dataclass(frozen=True)
class AlertCard:
    """An alert with the words a page shows for it."""

    alert: AlertView
    priority: str
    kind: str
    status: str
    source: str
    #: The patient's page where what raised it can be seen ("" when there is none).
    source_url: str
    age: str

    @property
    def css(self) -> str:
        return self.alert.priority.name.lower()


def card(alert: AlertView) -> AlertCard:
    return AlertCard(
        alert=alert,
        priority=PRIORITY_NAMES[alert.priority],
        kind=KIND_NAMES.get(alert.kind, alert.kind.value.replace("_", " ").capitalize()),
        status=STATUS_NAMES[alert.status],
        source=SOURCE_NAMES.get(alert.source, alert.source.replace("_", " ")),
        source_url=(
            f"/clinic/patients/{alert.patient_id}{SOURCE_PAGES[alert.source]}"
            if alert.source in SOURCE_PAGES
            else ""
        ),
        age=age_words(alert.age),
    )


def back_url(value: str) -> str:
    """Where a form returns to: the inbox, or a patient's check-ins page (an id only, so
    the form cannot send anyone elsewhere)."""
    if value.isdigit():
        return f"/clinic/patients/{int(value)}/insight"
    return INBOX


def _to_portal() -> Response:
    return RedirectResponse("/portal", status_code=303)


def _field(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@router.get("")
def inbox(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, done: str = ""
) -> Response:
    if not actor.is_staff:
        return _to_portal()
    cards = [card(v) for v in alerts.alert_inbox(uow, actor, clock)]
    return render(
        request,
        "clinic/alerts.html",
        {
            # Each part keeps the inbox's order (priority, escalated, oldest first).
            "new_cards": [c for c in cards if c.alert.status is AlertStatus.NEW],
            "seen_cards": [c for c in cards if c.alert.status is not AlertStatus.NEW],
            "notice": NOTICES.get(done, ""),
            "back": "inbox",
            "section": "alerts",
        },
    )


def _with_notice(url: str, done: str) -> str:
    return f"{url}?done={done}#alerts" if url != INBOX else f"{url}?done={done}"


@router.post("/{alert_id}/acknowledge")
def acknowledge(
    alert_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if not actor.is_staff:
        return _to_portal()
    alerts.acknowledge_alert(uow, actor, alert_id, clock)
    return RedirectResponse(
        _with_notice(back_url(_field(form, "back")), "acknowledged"), status_code=303
    )


@router.post("/{alert_id}/resolve")
def resolve(
    request: Request,
    alert_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return _to_portal()
    note, back = _field(form, "note"), _field(form, "back")

    def again(error: DomainError, status: int) -> Response:
        return render(
            request,
            "clinic/alerts_resolve.html",
            {
                "alert_id": alert_id,
                "note": note,
                "back": back,
                "back_url": back_url(back),
                "error": error.message,
                "section": "alerts",
            },
            status_code=status,
        )

    rerender_form_on_error(request, again)
    alerts.resolve_alert(uow, actor, alert_id, note, clock)
    return RedirectResponse(_with_notice(back_url(back), "resolved"), status_code=303)
