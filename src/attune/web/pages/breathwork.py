"""Breathwork in the patient portal: choose an exercise, follow the guided timer, log it.

::

    GET  /portal/breathwork                     the exercises, and the practice log
    GET  /portal/breathwork/{protocol_id}       one exercise: its steps, the guided timer
                                                (?rounds= or ?minutes= to change its length)

The timer plays the domain's timeline (:func:`attune.domain.kap.breathwork.timeline`),
embedded in the page as JSON in a data attribute and animated by
``static/js/breathwork.js`` (no inline script). Without JavaScript the page still shows
every step to follow at one's own pace. The practice log form is on the same page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from attune.domain.errors import ValidationError
from attune.domain.kap.breathwork import (
    BreathProtocol,
    builtin_protocols,
    cycles_for,
    get_protocol,
    timeline,
    timeline_as_data,
)
from attune.web.deps import ActorDep
from attune.web.pages.kap_portal import patient_or_redirect
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


def _whole(value: str, field: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise ValidationError("Please enter a whole number, for example 5.", field=field)
    return int(text)


@router.get("/portal/breathwork")
def breathwork_home(request: Request, actor: ActorDep) -> Response:
    if (redirect := patient_or_redirect(actor)) is not None:
        return redirect
    return render(
        request,
        "kap/breathwork.html",
        {"cards": [card(p) for p in builtin_protocols()], "notice": ""},
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
    protocol = get_protocol(protocol_id)
    length_error: tuple[str, str] | None = None
    status = 200
    try:
        data = timer_data(
            protocol, cycles=_whole(rounds, "rounds"), minutes=_whole(minutes, "minutes")
        )
    except ValidationError as error:
        field = "rounds" if error.field in ("rounds", "cycles") else "minutes"
        length_error = (field, error.message)
        data = timer_data(protocol)
        status = 422
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
            "length_error": length_error,
        },
        status_code=status,
    )
