"""Breathwork in the patient portal: choose an exercise, follow the guided timer, log it.

::

    GET  /portal/breathwork                     the exercises, and the practice log
    GET  /portal/breathwork/{protocol_id}       one exercise: its steps, the guided timer
                                                (?rounds= or ?minutes= to change its length)
    POST /portal/breathwork/practice            add a practice to the log

The timer plays the domain's timeline (:func:`attune.domain.kap.breathwork.timeline`),
embedded in the page as JSON in a data attribute and animated by
``static/js/breathwork.js`` (no inline script). Without JavaScript the page still shows
every step to follow at one's own pace. The practice log form is on the same page (the
timer fills in the minutes when it stops); the log and its totals are on the first page.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import DomainError, ValidationError
from attune.domain.kap.breathwork import (
    BreathProtocol,
    PracticeEntry,
    cycles_for,
    get_protocol,
    timeline,
    timeline_as_data,
)
from attune.services import kap_integration
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.errors import rerender_form_on_error
from attune.web.pages.kap_forms import Reader, posted
from attune.web.pages.kap_portal import errors_of, patient_or_redirect
from attune.web.templating import render

router = APIRouter()


@dataclass(frozen=True)
class ProtocolCard:
    protocol: BreathProtocol
    pattern: str
    breaths_per_minute: str
    length: str


def length_text(protocol: BreathProtocol, cycles: int) -> str:
    """'8 rounds, about 2 minutes', '1 round, 16 seconds', or for an exercise timed in
    minutes 'about 5 minutes'."""
    total_s = cycles * protocol.cycle_ms / 1000
    if total_s < 90:
        duration = f"{round(total_s)} seconds"
    else:
        duration = f"about {round(total_s / 60)} minutes"
    if protocol.minutes is not None:
        return duration
    return f"{cycles} round{'s' if cycles != 1 else ''}, {duration}"


def per_minute(protocol: BreathProtocol) -> str:
    """Breaths a minute without a trailing '.0' (6, 3.8)."""
    value = protocol.breaths_per_minute
    return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)


def card(protocol: BreathProtocol) -> ProtocolCard:
    return ProtocolCard(
        protocol=protocol,
        pattern=protocol.pattern,
        breaths_per_minute=per_minute(protocol),
        length=length_text(protocol, cycles_for(protocol)),
    )


def timer_data(
    protocol: BreathProtocol, *, cycles: int | None = None, minutes: int | None = None
) -> dict[str, object]:
    """What the browser's timer plays: the protocol's timeline from the domain, as JSON
    data (ValidationError, naming ``cycles`` or ``minutes``, for a length out of range)."""
    steps = timeline(protocol, cycles=cycles, minutes=minutes)
    return {
        "protocol_id": protocol.id,
        "name": protocol.name,
        "cycles": steps[-1].cycle,
        "total_ms": steps[-1].end_ms,
        "steps": timeline_as_data(steps),
    }


def plain_change(change: Decimal | None) -> str:
    """The size of a mean change in calm, without a trailing '.0' ("3", "1.5")."""
    if change is None:
        return ""
    size = abs(change)
    return str(size.to_integral_value()) if size == size.to_integral_value() else str(size)


def _whole(value: str, field: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError("Please enter a whole number, for example 5.", field=field)
    return int(text)


@router.get("/portal/breathwork")
def breathwork_home(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, logged: str = ""
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    assert actor.patient_id is not None
    log = kap_integration.practice_log(uow, actor, actor.patient_id, clock)
    names = {p.id: p.name for p in kap_integration.breathwork_protocols()}
    return render(
        request,
        "kap/breathwork.html",
        {
            "cards": [card(p) for p in kap_integration.breathwork_protocols()],
            "log": log,
            "names": names,
            "calm_change": plain_change(log.mean_calm_change),
            "notice": "Saved in your practice log. Well done for taking the time."
            if logged
            else "",
        },
    )


def _timer_page(
    request: Request,
    protocol: BreathProtocol,
    *,
    rounds: str = "",
    minutes: str = "",
    log_values: Mapping[str, str] | None = None,
    log_errors: tuple[tuple[str, str], ...] = (),
    status_code: int = 200,
) -> Response:
    length_error: tuple[str, str] | None = None
    try:
        data = timer_data(
            protocol, cycles=_whole(rounds, "rounds"), minutes=_whole(minutes, "minutes")
        )
    except ValidationError as error:
        field = "rounds" if error.field in ("rounds", "cycles") else "minutes"
        length_error = (field, error.message)
        data = timer_data(protocol)
        status_code = 422
    by_field = dict(log_errors)
    return render(
        request,
        "kap/breathwork_timer.html",
        {
            "card": card(protocol),
            "timer": data,
            "timer_json": json.dumps(data, separators=(",", ":")),
            "length": length_text(protocol, int(str(data["cycles"]))),
            "rounds": rounds,
            "minutes": minutes,
            "by_minutes": protocol.minutes is not None,
            "current": str(protocol.minutes) if protocol.minutes else str(data["cycles"]),
            "length_error": length_error,
            "values": {name: (log_values or {}).get(name, "") for name in LOG_FORM},
            "errors": {name: by_field.get(name, "") for name in LOG_FORM},
            "error_list": list(log_errors),
        },
        status_code=status_code,
    )


@router.get("/portal/breathwork/{protocol_id}")
def breathwork_timer(
    request: Request,
    protocol_id: str,
    actor: ActorDep,
    rounds: str = "",
    minutes: str = "",
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    return _timer_page(request, get_protocol(protocol_id), rounds=rounds, minutes=minutes)


LOG_FORM = ("protocol_id", "minutes", "calm_before", "calm_after", "note")


def read_practice(values: Mapping[str, str], now: datetime) -> PracticeEntry:
    """A practice from the log form: it started ``minutes`` before now. FormErrors for
    anything unanswered or unreadable (the domain checks the rest)."""
    r = Reader(values)
    minutes = r.whole("minutes", 1, 120)
    before = r.whole("calm_before", 0, 10)
    after = r.whole("calm_after", 0, 10)
    for name, value, message in (
        ("minutes", minutes, "Enter the minutes you practised, for example 5."),
        ("calm_before", before, "Choose how calm you felt before, from 0 to 10."),
        ("calm_after", after, "Choose how calm you feel now, from 0 to 10."),
    ):
        if value is None and not any(f == name for f, _ in r.errors):
            r.fail(name, message)
    r.done()
    assert minutes is not None and before is not None and after is not None
    return PracticeEntry(
        protocol_id=r.text("protocol_id"),
        started_at=now - timedelta(minutes=minutes),
        minutes=minutes,
        calm_before=before,
        calm_after=after,
        note=r.text("note"),
    )


@router.post("/portal/breathwork/practice")
def log_practice(
    request: Request, actor: ActorDep, uow: UowDep, clock: ClockDep, form: FormDep
) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    values = posted(form, LOG_FORM)
    protocol = get_protocol(values["protocol_id"])

    def again(error: DomainError, status: int) -> Response:
        return _timer_page(
            request,
            protocol,
            log_values=values,
            log_errors=errors_of(error),
            status_code=status,
        )

    rerender_form_on_error(request, again)
    kap_integration.log_practice(uow, actor, read_practice(values, clock.now()), clock)
    return RedirectResponse("/portal/breathwork?logged=1#log", status_code=303)
