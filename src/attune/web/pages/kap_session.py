"""An in-office KAP session for the clinician: start it (the course may refuse, with every
reason), the dose details, the vitals timeline with its warnings, sedation and dissociation
ratings, adverse events, the discharge checklist, the signature, and the integration
session after it.

::

    GET  /clinic/patients/{patient_id}/kap/{course_id}/sessions/new     the start form
    POST /clinic/patients/{patient_id}/kap/{course_id}/sessions/new     start the session
    GET  /clinic/patients/{patient_id}/kap/sessions/{session_id}        the session record
    POST .../sessions/{session_id}/details | vitals | ratings | adverse-events
         | adverse-events/{index}/close | discharge | sign
         | integration/schedule | integration/complete

A refused form comes back with each message next to its field and the answers kept
(422); a step the course refuses comes back with every reason (409); nothing is saved
then. A session of another patient than the address names is not found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from attune.domain.errors import Conflict, DomainError, NotFound, StepRefused, ValidationError
from attune.domain.kap import checks
from attune.domain.kap.session import DISCHARGE_ITEMS
from attune.domain.kap.vitals import Level, VitalsWarning
from attune.services import kap_course, kap_integration, kap_sessions
from attune.services.actors import Actor
from attune.services.clock import Clock
from attune.services.kap_views import SessionView
from attune.services.ports import UnitOfWork
from attune.web.deps import ActorDep, ClockDep, FormDep, UowDep
from attune.web.pages import kap_session_form as sf
from attune.web.pages.kap_clinic import PROGRAM_NAMES, course_url, to_portal
from attune.web.pages.kap_forms import Reader, errors_of, field_id, local_input, posted
from attune.web.templating import render

router = APIRouter(prefix="/clinic/patients/{patient_id}/kap")

DETAIL_FIELDS = ("route", "dose_mg", "mg_per_kg", "weight_kg", "lot_number", "notes")
SCHEDULE_FIELDS = ("at",)
COMPLETE_FIELDS = ("insights", "commitments", "notes")
#: What each field of a signing refusal is called on the page, and where it is changed.
FIELD_PLACES = {
    "route": ("Route", "details"),
    "dose_mg": ("Dose", "details"),
    "mg_per_kg": ("Dose per kilogram", "details"),
    "weight_kg": ("Weight", "details"),
    "lot_number": ("Lot number", "details"),
    "started_at": ("Time of dosing", "details"),
    "ended_at": ("End of monitoring", "discharge"),
    "disposition": ("Where the patient went", "discharge"),
    "transfer_note": ("Transfer note", "discharge"),
    "vitals": ("Vital signs", "vitals"),
    "ratings": ("Sedation and dissociation", "ratings"),
    "signed_at": ("Signature", "sign"),
    "signed_by": ("Signature", "sign"),
    **{f"discharge.{key}": (label, "discharge") for key, label in DISCHARGE_ITEMS},
    "discharge.escort_name": ("Escort's name", "discharge"),
}
NOTICES = {
    "started": "The session is started and the dose recorded on the course.",
    "details": "The dose details are saved.",
    "vitals": "The reading is saved.",
    "ratings": "The rating is saved.",
    "event": "The adverse event is recorded.",
    "closed": "The adverse event is closed.",
    "discharge": "The discharge checklist is saved.",
    "signed": "The record is signed.",
    "scheduled": "The integration session is booked.",
    "integrated": "The integration session is recorded.",
}


#: A domain field inside one of the record's lists: ``vitals[2].diastolic``, ``ratings[0]``.
_ITEM = re.compile(r"^(?:vitals|ratings|adverse_events)\[\d+\](?:\.(.+))?$")
#: Where a message about a whole list item goes on each form.
_WHOLE_ITEM = {"vitals": "systolic", "ratings": "sedation", "event": "kind"}


def local_errors(errors: dict[str, str], form_name: str) -> dict[str, str]:
    """The domain's messages by this form's own field names (a new reading, rating or
    event is the last item of its list in the record the domain checked)."""
    found: dict[str, str] = {}
    for name, message in errors.items():
        match = _ITEM.match(name)
        key = name if match is None else (match.group(1) or _WHOLE_ITEM.get(form_name, name))
        found.setdefault(key, message)
    return found


@dataclass(frozen=True)
class Blocker:
    """One item that stops the record being signed, in words, with where to fix it."""

    field: str
    label: str
    message: str
    anchor: str


def blockers(items: Sequence[tuple[str, str]]) -> list[Blocker]:
    found = []
    for name, message in items:
        base = name.split("[", 1)[0].split(".", 1)[0] if name.startswith("vitals") else name
        label, section = FIELD_PLACES.get(name, FIELD_PLACES.get(base, (name, "sign")))
        anchor = (
            field_id(f"{section}.{name}")
            if section in ("discharge", "details")
            else f"{section}-title"
        )
        if name.startswith(("vitals", "ratings")):
            anchor = f"{section}-title"
        found.append(Blocker(name, label, message, anchor))
    return found


def session_url(patient_id: int, session_id: int) -> str:
    return f"{course_url(patient_id)}/sessions/{session_id}"


def _detail_values(view: SessionView) -> dict[str, str]:
    r = view.record
    text = checks.plain_decimal
    return {
        "route": r.route.value if r.route else "",
        "dose_mg": text(r.dose_mg) if r.dose_mg is not None else "",
        "mg_per_kg": text(r.mg_per_kg) if r.mg_per_kg is not None else "",
        "weight_kg": text(r.weight_kg) if r.weight_kg is not None else "",
        "lot_number": r.lot_number,
        "notes": r.notes,
    }


def _discharge_values(view: SessionView) -> dict[str, str]:
    r = view.record
    values = {
        f"discharge.{k}": ("" if v is None else "yes" if v else "no")
        for k in sf.DISCHARGE_KEYS
        for v in (getattr(r.discharge, k),)
    }
    values["discharge.escort_name"] = r.discharge.escort_name
    values["ended_at"] = local_input(r.ended_at)
    values["disposition"] = r.disposition.value if r.disposition else ""
    values["transfer_note"] = r.transfer_note
    return values


def _prefixed(form: str) -> Callable[[str], str]:
    """The ids of one form's controls: ``f-<form>-<field>`` (several forms share names)."""
    return lambda name: field_id(f"{form}.{name}")


def _close_forms(view: SessionView) -> list[str]:
    return [f"close-{i}" for i, e in enumerate(view.record.adverse_events) if not e.resolved]


def session_page(
    request: Request,
    patient_id: int,
    view: SessionView,
    clock: Clock,
    *,
    form: str = "",
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refused: Sequence[str] = (),
    notice: str = "",
    status_code: int = 200,
) -> Response:
    if view.patient_id != patient_id:
        raise NotFound(f"There is no KAP session with id {view.id}.", field="session_id")
    now = clock.now()
    protocol = view.protocol
    vitals_warnings = [w for w in view.warnings if isinstance(w, VitalsWarning)]
    by_reading: dict[int, list[VitalsWarning]] = {}
    for w in vitals_warnings:
        by_reading.setdefault(w.reading_index, []).append(w)
    kept = values or {}
    defaults = {
        "details": _detail_values(view),
        "discharge": _discharge_values(view),
        "vitals": {"at": local_input(now)},
        "ratings": {"at": local_input(now)},
        "event": {"onset": local_input(now)},
        "schedule": {
            "at": local_input(view.integration.opens if now < view.integration.opens else now)
        },
    }
    forms = {name: (kept if name == form else value) for name, value in defaults.items()}
    for name in ("complete", "sign"):
        forms[name] = kept if name == form else {}
    readings = sorted(enumerate(view.record.vitals), key=lambda pair: pair[1].at)
    return render(
        request,
        "kap/session.html",
        {
            "patient_id": patient_id,
            "here": "kap",
            "view": view,
            "base": course_url(patient_id),
            "url": session_url(patient_id, view.id),
            "program_names": PROGRAM_NAMES,
            "protocol": protocol,
            "charts": sf.timeline(view.record, protocol, vitals_warnings, now),
            "readings": readings,
            "by_reading": by_reading,
            "urgent": Level.URGENT,
            "blockers": blockers(view.can_sign),
            "routes": sf.ROUTES,
            "event_kinds": sf.EVENT_KINDS,
            "severities": sf.SEVERITIES,
            "dispositions": sf.DISPOSITIONS,
            "sedation_options": [(i, f"{i}: {text}") for i, text in sf.SEDATION],
            "dissociation_options": [(i, f"{i}: {text}") for i, text in sf.DISSOCIATION],
            "sedation_words": [text for _, text in sf.SEDATION],
            "dissociation_words": [text for _, text in sf.DISSOCIATION],
            "now_input": local_input(now),
            "discharge_items": [
                (k, label) for k, label in DISCHARGE_ITEMS if k in sf.DISCHARGE_KEYS
            ],
            "form": form,
            "forms": forms,
            "errors": errors or {},
            "refused": tuple(refused),
            "notice": notice,
            "fid": field_id,
            "fids": {name: _prefixed(name) for name in (*forms, *_close_forms(view))},
            "now": now,
        },
        status_code=status_code,
    )


@router.get("/sessions/{session_id}")
def session(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    done: str = "",
) -> Response:
    if not actor.is_staff:
        return to_portal()
    view = kap_sessions.session_view(uow, actor, session_id, clock)
    return session_page(request, patient_id, view, clock, notice=NOTICES.get(done, ""))


# --- starting a session ----------------------------------------------------------------------


def _start_page(
    request: Request,
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    course_id: int,
    clock: Clock,
    *,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    refused: Sequence[str] = (),
    status_code: int = 200,
) -> Response:
    view = kap_course.course_by_id(uow, actor, course_id, clock)
    if view.patient_id != patient_id:
        raise NotFound(f"There is no KAP course with id {course_id}.", field="course_id")
    return render(
        request,
        "kap/session_new.html",
        {
            "patient_id": patient_id,
            "here": "kap",
            "course": view,
            "program_names": PROGRAM_NAMES,
            "routes": sf.ROUTES,
            "values": values,
            "errors": errors or {},
            "refused": tuple(refused),
            "fid": field_id,
        },
        status_code=status_code,
    )


@router.get("/{course_id}/sessions/new")
def start_form(
    request: Request, patient_id: int, course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = dict.fromkeys(sf.START_FIELDS, "")
    values["started_at"] = local_input(clock.now())
    return _start_page(request, uow, actor, patient_id, course_id, clock, values=values)


@router.post("/{course_id}/sessions/new")
def start(
    request: Request,
    patient_id: int,
    course_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    values = posted(form, sf.START_FIELDS)
    try:
        dose = sf.read_start(values)
        assert dose.route is not None and dose.started_at is not None
        view = kap_sessions.start_session(
            uow,
            actor,
            course_id,
            dose.route,
            dose.dose_mg,
            dose.mg_per_kg,
            dose.weight_kg,
            dose.lot_number,
            dose.started_at,
            clock,
        )
    except (ValidationError, Conflict) as error:
        if isinstance(error, Conflict):
            reasons = error.reasons if isinstance(error, StepRefused) else (error.message,)
            return _start_page(
                request,
                uow,
                actor,
                patient_id,
                course_id,
                clock,
                values=values,
                refused=reasons,
                status_code=409,
            )
        return _start_page(
            request,
            uow,
            actor,
            patient_id,
            course_id,
            clock,
            values=values,
            errors=errors_of(error, "route"),
            status_code=422,
        )
    return RedirectResponse(f"{session_url(patient_id, view.id)}?done=started", status_code=303)


# --- changes to the record ---------------------------------------------------------------------

Change = Callable[[dict[str, str]], object]


def _change(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    *,
    form_name: str,
    values: dict[str, str],
    change: Change,
    fallback: str,
    done: str,
    anchor: str,
) -> Response:
    """Run one change; on a refusal show the session again with the form kept."""
    try:
        change(values)
    except (ValidationError, Conflict) as error:
        return _again(
            request, patient_id, session_id, actor, uow, clock, error, form_name, values, fallback
        )
    return RedirectResponse(
        f"{session_url(patient_id, session_id)}?done={done}#{anchor}", status_code=303
    )


def _again(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: Actor,
    uow: UnitOfWork,
    clock: Clock,
    error: DomainError,
    form_name: str,
    values: dict[str, str],
    fallback: str,
) -> Response:
    view = kap_sessions.session_view(uow, actor, session_id, clock)
    if isinstance(error, Conflict):
        reasons = error.reasons if isinstance(error, StepRefused) else (error.message,)
        return session_page(
            request,
            patient_id,
            view,
            clock,
            form=form_name,
            values=values,
            refused=reasons,
            status_code=409,
        )
    return session_page(
        request,
        patient_id,
        view,
        clock,
        form=form_name,
        values=values,
        errors=local_errors(errors_of(error, fallback), form_name),
        status_code=422,
    )


def _decimal_json(read: Reader, name: str) -> str | None:
    value = read.decimal(name)
    return None if value is None else checks.plain_decimal(value)


@router.post("/sessions/{session_id}/details")
def details(
    request: Request,
    patient_id: int,
    session_id: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()

    def change(values: dict[str, str]) -> object:
        read = Reader(values)
        route = read.choice("route", (v for v, _ in sf.ROUTES), "Choose one of the routes.")
        changes: dict[str, object] = {
            "route": route,
            "dose_mg": _decimal_json(read, "dose_mg"),
            "mg_per_kg": _decimal_json(read, "mg_per_kg"),
            "weight_kg": _decimal_json(read, "weight_kg"),
            "lot_number": read.text("lot_number"),
            "notes": read.text("notes"),
        }
        read.done()
        return kap_sessions.update_session(uow, actor, session_id, changes, clock)

    return _change(
        request,
        patient_id,
        session_id,
        actor,
        uow,
        clock,
        form_name="details",
        values=posted(form, DETAIL_FIELDS),
        change=change,
        fallback="route",
        done="details",
        anchor="details-title",
    )


def _post(
    path: str,
    form_name: str,
    fields: Sequence[str],
    fallback: str,
    done: str,
    anchor: str,
    call: Callable[[UnitOfWork, Actor, int, Clock, dict[str, str]], object],
) -> None:
    """Register a POST route that reads ``fields`` and makes one change to the session."""

    def route(
        request: Request,
        patient_id: int,
        session_id: int,
        actor: ActorDep,
        uow: UowDep,
        clock: ClockDep,
        form: FormDep,
    ) -> Response:
        if not actor.is_staff:
            return to_portal()
        return _change(
            request,
            patient_id,
            session_id,
            actor,
            uow,
            clock,
            form_name=form_name,
            values=posted(form, fields),
            change=lambda values: call(uow, actor, session_id, clock, values),
            fallback=fallback,
            done=done,
            anchor=anchor,
        )

    route.__name__ = f"session_{form_name}"
    router.add_api_route(f"/sessions/{{session_id}}/{path}", route, methods=["POST"])


def _vitals(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    return kap_sessions.record_vitals(uow, actor, sid, sf.read_vitals(v), clock)


def _rating(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    return kap_sessions.record_rating(uow, actor, sid, sf.read_rating(v), clock)


def _event(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    return kap_sessions.open_adverse_event(uow, actor, sid, sf.read_event(v), clock)


def _sign(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    return kap_sessions.sign_session(uow, actor, sid, clock)


_post("vitals", "vitals", sf.VITALS_FIELDS, "at", "vitals", "vitals-title", _vitals)
_post("ratings", "ratings", sf.RATING_FIELDS, "at", "ratings", "ratings-title", _rating)
_post("adverse-events", "event", sf.EVENT_FIELDS, "kind", "event", "adverse-title", _event)


def _discharge(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    read = sf.read_discharge(v)
    return kap_sessions.update_discharge(
        uow,
        actor,
        sid,
        read.checklist,
        read.ended_at,
        clock,
        disposition=read.disposition,
        transfer_note=read.transfer_note,
    )


_post(
    "discharge",
    "discharge",
    sf.DISCHARGE_FIELDS,
    "ended_at",
    "discharge",
    "discharge-title",
    _discharge,
)
_post("sign", "sign", (), "sign", "signed", "sign-title", _sign)


def _schedule(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    read = Reader(v)
    at = read.moment("at")
    if at is None and not read.errors:
        read.fail("at", "Enter the date and time of the integration session.")
    read.done()
    assert at is not None
    return kap_integration.schedule_integration(uow, actor, sid, at, clock)


def lines(text: str) -> tuple[str, ...]:
    """One entry a line, blank lines left out."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def _complete(uow: UnitOfWork, actor: Actor, sid: int, clock: Clock, v: dict[str, str]) -> object:
    return kap_integration.complete_integration(
        uow, actor, sid, v["notes"], lines(v["insights"]), lines(v["commitments"]), (), clock
    )


_post(
    "integration/schedule",
    "schedule",
    SCHEDULE_FIELDS,
    "at",
    "scheduled",
    "integration-title",
    _schedule,
)
_post(
    "integration/complete",
    "complete",
    COMPLETE_FIELDS,
    "insights",
    "integrated",
    "integration-title",
    _complete,
)


@router.post("/sessions/{session_id}/adverse-events/{index}/close")
def close_event(
    request: Request,
    patient_id: int,
    session_id: int,
    index: int,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
    form: FormDep,
) -> Response:
    if not actor.is_staff:
        return to_portal()
    name = f"close-{index}"

    def change(values: dict[str, str]) -> object:
        resolved = sf.read_resolved(values)
        return kap_sessions.close_adverse_event(
            uow, actor, session_id, index, resolved, clock, action=values["action"] or None
        )

    return _change(
        request,
        patient_id,
        session_id,
        actor,
        uow,
        clock,
        form_name=name,
        values=posted(form, ("resolved_at", "action")),
        change=change,
        fallback="resolved_at",
        done="closed",
        anchor="adverse-title",
    )
