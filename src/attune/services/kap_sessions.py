"""In-office KAP dosing sessions: the dose, the vitals timeline, sedation and dissociation
ratings, adverse events, the discharge checklist and the signature. Spravato sessions
also carry the REMS monitoring record (implemented in :mod:`.kap_rems`, importable from
here too).

Who may do what: these are clinical records, so only staff (the patient's clinicians or
an admin) start, fill in, sign and read them; the patient reads a summary of each in
their course (kap_course.course_view) and their own at-home sessions (kap_home).

Starting a session records the dose on the course first (``DoseRecorded``): when the
course forbids a dose now, :class:`~attune.domain.errors.StepRefused` lists every reason
and nothing is saved. An adverse event left open is opened on the course too, so no
further dose can be given until it is closed. A signed record is not changed again,
except that an adverse event still open may be closed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from attune.domain.errors import Conflict, NotFound, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.course_model import AdverseEventClosed, AdverseEventOpened, DoseRecorded
from attune.domain.kap.program import Medicine, Setting
from attune.domain.kap.record_store import merge_json, to_json
from attune.domain.kap.session import (
    DischargeChecklist,
    Disposition,
    Route,
    SessionRecord,
    sign,
    validate,
)
from attune.domain.kap.session_events import AdverseEvent, Rating
from attune.domain.kap.vitals import VitalsReading
from attune.services.access import Action
from attune.services.actors import Actor
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.kap_common import (
    LoadedCourse,
    apply_event,
    course_change,
    session_change,
    session_read,
)
from attune.services.kap_rems import (
    PendingRems,
    mark_rems_submitted,
    prefill_rems,
    rems_form,
    rems_pdf,
    rems_view,
    unsubmitted_rems,
    update_rems,
)
from attune.services.kap_views import (
    RemsView,
    SessionKind,
    SessionStatus,
    SessionView,
    build_session_view,
    session_record,
    vitals_protocol,
)
from attune.services.ports import KapSessionRecord, Patient, UnitOfWork

__all__ = [
    "PendingRems",
    "RemsView",
    "SessionView",
    "adverse_event_id",
    "close_adverse_event",
    "mark_rems_submitted",
    "open_adverse_event",
    "record_rating",
    "record_vitals",
    "rems_form",
    "rems_pdf",
    "rems_view",
    "session_view",
    "sign_session",
    "start_session",
    "unsubmitted_rems",
    "update_discharge",
    "update_rems",
    "update_session",
]

Number = Decimal | int | str

#: Fields :func:`update_session` may change (the rest have their own functions, and the
#: dosing time is the course's dose).
EDITABLE = frozenset(
    {"route", "dose_mg", "weight_kg", "mg_per_kg", "lot_number", "transfer_note", "notes"}
)


def adverse_event_id(session_id: int, index: int) -> str:
    """The id an adverse event has on the course: ``s<session>-ae<number from 1>``."""
    return f"s{session_id}-ae{index + 1}"


def _decimal(value: Number | None, field: str) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError("Enter a number.", field=field)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValidationError("Enter a number, e.g. 35 or 0.5.", field=field) from None
    if not number.is_finite():
        raise ValidationError("Enter a number, e.g. 35 or 0.5.", field=field)
    return number


def _route(value: Route | str) -> Route:
    if isinstance(value, Route):
        return value
    try:
        return Route(value)
    except ValueError:
        choices = ", ".join(r.value for r in Route)
        raise ValidationError(f"Choose the route: {choices}.", field="route") from None


def _save(
    uow: UnitOfWork,
    session: KapSessionRecord,
    record: SessionRecord,
    now: datetime,
    *,
    status: str | None = None,
    signed_by: int | None = None,
    signed_at: datetime | None = None,
) -> KapSessionRecord:
    checks.raise_if_any(validate(record, vitals_protocol(uow)))
    return uow.kap.update_session(
        session.id,
        record=to_json(record),
        status=status or session.status,
        updated_at=now,
        signed_by=signed_by if signed_by is not None else session.signed_by,
        signed_at=signed_at if signed_at is not None else session.signed_at,
    )


def _editable(session: KapSessionRecord) -> None:
    if session.kind != SessionKind.IN_OFFICE:
        raise ValidationError(
            "This is an at-home session: it is recorded through the portal.", field="session_id"
        )
    if session.status == SessionStatus.SIGNED:
        assert session.signed_at is not None
        raise Conflict(
            f"This record was signed on {session.signed_at:%d %b %Y at %H:%M} UTC and is no "
            "longer changed.",
            field="session_id",
        )


def start_session(
    uow: UnitOfWork,
    actor: Actor,
    course_id: int,
    route: Route | str,
    dose_mg: Number | None,
    dose_mg_per_kg: Number | None,
    weight_kg: Number | None,
    lot: str,
    started_at: datetime,
    clock: Clock = SYSTEM_CLOCK,
) -> SessionView:
    """Start an in-office dosing session (staff): the dose in mg or in mg/kg (both given
    must agree) with the patient's weight, the lot and the dosing time. The course must
    allow a dose at ``started_at`` (StepRefused with every reason otherwise; nothing is
    saved). A Spravato session gets its REMS record, filled in from what is known."""
    now = clock.now()
    with (
        uow,
        course_change(uow, actor, course_id, Action.RECORD_KAP_SESSION, clock, "start") as (
            patient,
            course,
        ),
    ):
        record = SessionRecord(
            route=_route(route),
            dose_mg=_decimal(dose_mg, "dose_mg"),
            weight_kg=_decimal(weight_kg, "weight_kg"),
            mg_per_kg=_decimal(dose_mg_per_kg, "mg_per_kg"),
            lot_number=lot.strip(),
            started_at=started_at,
        )
        missing = []
        if record.weight_kg is None:
            missing.append(("weight_kg", "Enter the patient's weight in kilograms."))
        if record.dose_mg is None and record.mg_per_kg is None:
            missing.append(("dose_mg", "Enter the dose in mg (or in mg/kg)."))
        checks.raise_if_any([*validate(record, vitals_protocol(uow)), *missing])
        event = DoseRecorded(started_at, Setting.IN_OFFICE, course.program.medicine)
        course = apply_event(uow, course, event, actor.user_id, now)
        session = uow.kap.add_session(
            course_id=course.id,
            kind=SessionKind.IN_OFFICE,
            dose_number=len(course.state.doses),
            record=to_json(record),
            status=SessionStatus.DRAFT,
            dosed_at=started_at,
            created_by=actor.user_id,
            created_at=now,
        )
        if course.program.medicine is Medicine.ESKETAMINE:
            prefill_rems(uow, actor, patient, session, record, now)
        view = build_session_view(uow, course, session, now)
        uow.commit()
    return view


def session_view(
    uow: UnitOfWork, actor: Actor, session_id: int, clock: Clock = SYSTEM_CLOCK
) -> SessionView:
    """One session with its warnings, what still blocks signing, its integration, its
    check-ins (at home) and its REMS record (Spravato). In-office records are for staff;
    the patient may read their own at-home sessions."""
    now = clock.now()
    with uow:
        stored = uow.kap.session(session_id)
        action = (
            Action.VIEW_KAP
            if stored is not None and stored.kind == SessionKind.AT_HOME
            else Action.VIEW_KAP_SESSION
        )
        _, course, session = session_read(uow, actor, session_id, action, clock)
        view = build_session_view(uow, course, session, now)
        uow.commit()
    return view


def _change(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    clock: Clock,
    detail: str,
    change: Callable[[Patient, LoadedCourse, KapSessionRecord, SessionRecord], SessionRecord],
) -> SessionView:
    now = clock.now()
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_SESSION, clock, detail) as (
            patient,
            course,
            session,
        ),
    ):
        _editable(session)
        updated = _save(
            uow, session, change(patient, course, session, session_record(session)), now
        )
        view = build_session_view(uow, course, updated, now)
        uow.commit()
    return view


def record_vitals(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    reading: VitalsReading,
    clock: Clock = SYSTEM_CLOCK,
) -> SessionView:
    """Add a vital-signs reading; the view's warnings are worked out again (a reading out
    of range is kept and warned about, an impossible one refused with FormErrors)."""
    return _change(
        uow,
        actor,
        session_id,
        clock,
        "vitals",
        lambda _p, _c, _s, r: replace(r, vitals=(*r.vitals, reading)),
    )


def record_rating(
    uow: UnitOfWork, actor: Actor, session_id: int, rating: Rating, clock: Clock = SYSTEM_CLOCK
) -> SessionView:
    """Add a sedation and dissociation rating (0-4 each)."""
    return _change(
        uow,
        actor,
        session_id,
        clock,
        "rating",
        lambda _p, _c, _s, r: replace(r, ratings=(*r.ratings, rating)),
    )


def update_discharge(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    checklist: DischargeChecklist,
    ended_at: datetime | None,
    clock: Clock = SYSTEM_CLOCK,
    *,
    disposition: Disposition | str | None = Disposition.DISCHARGED,
    transfer_note: str = "",
) -> SessionView:
    """Save the discharge checklist, when monitoring ended and how the patient left
    (discharged home, or transferred with a note saying where and why)."""
    if isinstance(disposition, str):
        try:
            disposition = Disposition(disposition)
        except ValueError:
            raise ValidationError(
                "Choose discharged or transferred.", field="disposition"
            ) from None
    chosen = disposition
    return _change(
        uow,
        actor,
        session_id,
        clock,
        "discharge",
        lambda _p, _c, _s, r: replace(
            r,
            discharge=checklist,
            ended_at=ended_at,
            disposition=chosen,
            transfer_note=transfer_note,
        ),
    )


def update_session(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    changes: Mapping[str, object],
    clock: Clock = SYSTEM_CLOCK,
) -> SessionView:
    """Change the route, dose, weight, mg/kg, lot, transfer note or notes (given in the
    record's JSON form, e.g. ``{"lot_number": "K-2", "dose_mg": "40"}``). The dosing
    time, readings, ratings and adverse events have their own functions."""
    refused = sorted(str(k) for k in changes if k not in EDITABLE)
    if refused:
        raise ValidationError(f"'{refused[0]}' cannot be changed here.", field=refused[0])
    return _change(
        uow, actor, session_id, clock, "update", lambda _p, _c, _s, r: merge_json(r, changes)
    )


def open_adverse_event(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    event: AdverseEvent,
    clock: Clock = SYSTEM_CLOCK,
) -> SessionView:
    """Record an adverse event during a session (staff). One still unresolved is opened
    on the course as well (AdverseEventOpened), which blocks the next dose until it is
    closed. Allowed on an in-office draft and on any at-home session."""
    now = clock.now()
    detail = f"adverse event {event.kind.value}"
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_SESSION, clock, detail) as (
            _,
            course,
            session,
        ),
    ):
        if session.kind == SessionKind.IN_OFFICE:
            _editable(session)
        record = session_record(session)
        index = len(record.adverse_events)
        updated = _save(
            uow, session, replace(record, adverse_events=(*record.adverse_events, event)), now
        )
        if not event.resolved:
            opened = AdverseEventOpened(now, adverse_event_id(session.id, index))
            course = apply_event(uow, course, opened, actor.user_id, now)
        view = build_session_view(uow, course, updated, now)
        uow.commit()
    return view


def close_adverse_event(
    uow: UnitOfWork,
    actor: Actor,
    session_id: int,
    index: int,
    resolved_at: datetime,
    clock: Clock = SYSTEM_CLOCK,
    *,
    action: str | None = None,
) -> SessionView:
    """Close the session's adverse event number ``index`` (0-based, in the record's order)
    as resolved at ``resolved_at`` (optionally saying what was done in the end). Allowed
    on a signed record too; the course's adverse event is closed with it."""
    now = clock.now()
    detail = f"close adverse event {index}"
    with (
        uow,
        session_change(uow, actor, session_id, Action.RECORD_KAP_SESSION, clock, detail) as (
            _,
            course,
            session,
        ),
    ):
        record = session_record(session)
        if not 0 <= index < len(record.adverse_events):
            raise NotFound(f"This session has no adverse event number {index}.", field="index")
        found = record.adverse_events[index]
        if found.resolved:
            raise Conflict("This adverse event is already closed.", field="index")
        closed = replace(found, resolved_at=resolved_at, action=action or found.action)
        events = tuple(closed if i == index else e for i, e in enumerate(record.adverse_events))
        updated = _save(uow, session, replace(record, adverse_events=events), now)
        event_id = adverse_event_id(session.id, index)
        if event_id in course.state.open_adverse_events:
            course = apply_event(uow, course, AdverseEventClosed(now, event_id), actor.user_id, now)
        view = build_session_view(uow, course, updated, now)
        uow.commit()
    return view


def sign_session(
    uow: UnitOfWork, actor: Actor, session_id: int, clock: Clock = SYSTEM_CLOCK
) -> SessionView:
    """Sign the in-office record (staff). FormErrors lists every missing or blocking item
    until the record is complete; a signed record is not changed again."""
    now = clock.now()
    with (
        uow,
        session_change(uow, actor, session_id, Action.SIGN_KAP_SESSION, clock) as (
            _,
            course,
            session,
        ),
    ):
        _editable(session)
        record = session_record(session)
        signed = sign(record, signed_by=actor.name, at=now, protocol=vitals_protocol(uow))
        updated = _save(
            uow,
            session,
            signed.record,
            now,
            status=SessionStatus.SIGNED,
            signed_by=actor.user_id,
            signed_at=now,
        )
        view = build_session_view(uow, course, updated, now)
        uow.commit()
    return view
