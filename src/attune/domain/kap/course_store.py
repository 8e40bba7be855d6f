"""The storage form of KAP course events, so a course can be rebuilt by replaying them.

``event_to_dict(event)`` gives ``(kind, data)``: the kind names the event type and the data
holds its fields as JSON (times as ISO text with their offset, days as ``YYYY-MM-DD``,
enums by value). A sign-off event carries the eligibility result and the sign-off
themselves (their own storage forms), so the log alone is enough to replay the course and
the result's digest is checked again on the way back in. ``event_from_dict`` is strict:
an unknown kind, a missing or extra field, a naive time all raise ValidationError naming
the field. :func:`replay` applies stored events in order through
:func:`attune.domain.kap.course.apply`, so a stored log that the rules no longer accept
is refused rather than trusted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from attune.domain.errors import StepRefused, ValidationError
from attune.domain.kap.course import apply, start
from attune.domain.kap.course_model import (
    AdverseEventClosed,
    AdverseEventOpened,
    AftercareStarted,
    AtHomeGatePassed,
    AtHomeGateStopped,
    ConsentRecorded,
    ConsentWithdrawn,
    CourseState,
    CourseStopped,
    DoseRecorded,
    EligibilitySignedOff,
    Event,
    IntegrationCompleted,
    PreparationCompleted,
)
from attune.domain.kap.eligibility_store import eligibility_from_dict, eligibility_to_dict
from attune.domain.kap.program import Medicine, Program, Setting
from attune.domain.kap.protocol import Protocol
from attune.domain.kap.signoff import signoff_from_dict, signoff_to_dict

KINDS: dict[type[object], str] = {
    PreparationCompleted: "preparation_completed",
    ConsentRecorded: "consent_recorded",
    ConsentWithdrawn: "consent_withdrawn",
    EligibilitySignedOff: "eligibility_signed_off",
    AtHomeGatePassed: "at_home_gate_passed",
    AtHomeGateStopped: "at_home_gate_stopped",
    DoseRecorded: "dose_recorded",
    IntegrationCompleted: "integration_completed",
    AdverseEventOpened: "adverse_event_opened",
    AdverseEventClosed: "adverse_event_closed",
    AftercareStarted: "aftercare_started",
    CourseStopped: "course_stopped",
}


def kind_of(event: Event) -> str:
    return KINDS[type(event)]


def event_to_dict(event: Event) -> tuple[str, dict[str, object]]:
    """``(kind, data)`` for storage (see the module text)."""
    kind = kind_of(event)
    if isinstance(event, EligibilitySignedOff):
        return kind, {
            "eligibility": eligibility_to_dict(event.eligibility),
            "signoff": signoff_to_dict(event.signoff),
        }
    data: dict[str, object] = {"at": event.at.isoformat()}
    if isinstance(event, PreparationCompleted):
        data["session_id"] = event.session_id
    elif isinstance(event, AtHomeGatePassed | AtHomeGateStopped):
        data["day"] = event.day.isoformat()
        if isinstance(event, AtHomeGateStopped):
            data["reason"] = event.reason
    elif isinstance(event, DoseRecorded):
        data["setting"] = event.setting.value
        data["medicine"] = event.medicine.value
        data["day"] = event.day.isoformat() if event.day is not None else None
    elif isinstance(event, IntegrationCompleted):
        data["dose_number"] = event.dose_number
    elif isinstance(event, AdverseEventOpened | AdverseEventClosed):
        data["event_id"] = event.event_id
    elif isinstance(event, CourseStopped):
        data["reason"] = event.reason
    return kind, data


def _bad(where: str, message: str = "is missing or has the wrong type") -> ValidationError:
    return ValidationError(f"Stored course event: {where} {message}.", field=where)


def _keys(data: Mapping[str, object], allowed: set[str]) -> None:
    extra = sorted(set(data) - allowed)
    if extra:
        raise _bad(extra[0], "is not a field of this event")


def _str(data: Mapping[str, object], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise _bad(key)
    return value


def _time(data: Mapping[str, object], key: str) -> datetime:
    try:
        value = datetime.fromisoformat(_str(data, key))
    except ValueError:
        raise _bad(key, "is not a date and time") from None
    if value.utcoffset() is None:
        raise _bad(key, "has no time zone")
    return value


def _day(data: Mapping[str, object], key: str) -> date:
    try:
        return date.fromisoformat(_str(data, key))
    except ValueError:
        raise _bad(key, "is not a date") from None


def _map(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = data.get(key)
    if not isinstance(value, Mapping):
        raise _bad(key)
    return value


def event_from_dict(kind: str, data: Mapping[str, object]) -> Event:
    """The inverse of :func:`event_to_dict` (strict)."""
    if kind == "eligibility_signed_off":
        _keys(data, {"eligibility", "signoff"})
        return EligibilitySignedOff(
            eligibility_from_dict(_map(data, "eligibility")),
            signoff_from_dict(_map(data, "signoff")),
        )
    simple: dict[str, type[ConsentRecorded | ConsentWithdrawn | AftercareStarted]] = {
        "consent_recorded": ConsentRecorded,
        "consent_withdrawn": ConsentWithdrawn,
        "aftercare_started": AftercareStarted,
    }
    if kind in simple:
        _keys(data, {"at"})
        return simple[kind](_time(data, "at"))
    if kind == "preparation_completed":
        _keys(data, {"at", "session_id"})
        return PreparationCompleted(_time(data, "at"), _str(data, "session_id"))
    if kind == "at_home_gate_passed":
        _keys(data, {"at", "day"})
        return AtHomeGatePassed(_time(data, "at"), _day(data, "day"))
    if kind == "at_home_gate_stopped":
        _keys(data, {"at", "day", "reason"})
        return AtHomeGateStopped(_time(data, "at"), _day(data, "day"), _str(data, "reason"))
    if kind == "dose_recorded":
        _keys(data, {"at", "setting", "medicine", "day"})
        try:
            setting = Setting(data.get("setting"))
            medicine = Medicine(data.get("medicine"))
        except ValueError:
            raise _bad("setting", "is not a known setting or medicine") from None
        day = None if data.get("day") is None else _day(data, "day")
        return DoseRecorded(_time(data, "at"), setting, medicine, day)
    if kind == "integration_completed":
        _keys(data, {"at", "dose_number"})
        number = data.get("dose_number")
        if isinstance(number, bool) or not isinstance(number, int):
            raise _bad("dose_number")
        return IntegrationCompleted(_time(data, "at"), number)
    if kind in ("adverse_event_opened", "adverse_event_closed"):
        _keys(data, {"at", "event_id"})
        cls = AdverseEventOpened if kind == "adverse_event_opened" else AdverseEventClosed
        return cls(_time(data, "at"), _str(data, "event_id"))
    if kind == "course_stopped":
        _keys(data, {"at", "reason"})
        return CourseStopped(_time(data, "at"), _str(data, "reason"))
    raise _bad("kind", f"'{kind}' is not a known event")


def replay(
    program: Program,
    started_at: datetime,
    protocol: Protocol,
    events: Iterable[tuple[Event, datetime]],
) -> CourseState:
    """The course after each ``(event, recorded_at)`` in order, each applied as it was
    at the time it was recorded. A stored event the rules refuse now raises ValidationError
    naming its position: the stored log cannot be trusted as it is."""
    state = start(program, started_at, protocol)
    for n, (event, recorded_at) in enumerate(events, start=1):
        try:
            state = apply(state, event, recorded_at)
        except (StepRefused, ValidationError) as exc:
            raise ValidationError(
                f"Stored course event {n} ({kind_of(event)}) is no longer accepted: {exc.message}",
                field="events",
            ) from exc
    return state
