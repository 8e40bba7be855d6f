"""The clinician's side of KAP over the API: the course, eligibility and sign-off, consent
given in person, stopping and aftercare; in-office sessions (dose, vitals, ratings,
adverse events, discharge, signature); the Spravato REMS record (JSON and PDF) and the
clinic's records not yet submitted; integration sessions.

A step the course refuses is a 409 whose message gives every reason (``errors`` is
absent; the reasons are also in the message); a form that cannot be used is a 422 listing
each field. Nothing is saved then. Who may do what is the services' decision.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import Response

from attune.domain.kap.eligibility_model import AtHomeAnswers
from attune.domain.kap.session import DischargeChecklist
from attune.domain.kap.session_events import AdverseEvent, AdverseEventKind, Rating, Severity
from attune.domain.kap.vitals import VitalsReading
from attune.services import kap_course, kap_integration, kap_sessions
from attune.web.api.kap_clinic_schemas import (
    AdverseEventIn,
    AssessIn,
    CloseEventIn,
    CompleteIntegrationIn,
    CourseOut,
    DischargeIn,
    EligibilityOut,
    IntegrationOut,
    OpenCourseIn,
    PendingRemsOut,
    RatingIn,
    RemsIn,
    RemsOut,
    RemsSubmittedIn,
    ScheduleIn,
    SessionChangesIn,
    SessionOut,
    SignOffIn,
    SignOffOut,
    StartSessionIn,
    StopIn,
    VitalsIn,
)
from attune.web.deps import ActorDep, ClockDep, UowDep

router = APIRouter(tags=["KAP: the clinician's side"])


# --- the course ----------------------------------------------------------------------------


@router.get(
    "/patients/{patient_id}/kap-course",
    response_model=CourseOut | None,
    summary="The patient's KAP course",
)
def course(patient_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CourseOut | None:
    """The newest course (null before one is opened): its phase, what may happen next and
    what is blocked with every reason, eligibility, sign-off, consent, preparation,
    sessions with their integration, overdue integrations and open adverse events."""
    view = kap_course.course_view(uow, actor, patient_id, clock)
    return CourseOut.of(view) if view is not None else None


@router.post(
    "/patients/{patient_id}/kap-course",
    response_model=CourseOut,
    status_code=201,
    summary="Open a KAP course",
)
def open_course(
    patient_id: int, body: OpenCourseIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> CourseOut:
    """Open a course of a program (staff). 409 while another course is under way; Spravato
    at home is refused with its reason."""
    return CourseOut.of(kap_course.open_course(uow, actor, patient_id, body.program, clock))


@router.post(
    "/kap-courses/{course_id}/eligibility",
    response_model=EligibilityOut,
    status_code=201,
    summary="Check KAP eligibility",
)
def assess(
    course_id: int, body: AssessIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> EligibilityOut:
    """Check eligibility for the course's program (staff) from the intake, the latest
    PHQ-9, open flags and the level of care in force, with the blood pressure measured now
    and, at home, the patient's answers. Every reason comes back with its sources."""
    answers = AtHomeAnswers(**body.at_home.model_dump()) if body.at_home is not None else None
    return EligibilityOut.of(
        kap_course.assess_eligibility(uow, actor, course_id, body.pressure, answers, clock)
    )


@router.post(
    "/kap-courses/{course_id}/eligibility/{eligibility_id}/sign-off",
    response_model=SignOffOut,
    status_code=201,
    summary="The prescriber's sign-off",
)
def sign_off(
    course_id: int,
    eligibility_id: int,
    body: SignOffIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> SignOffOut:
    """Approve, decline or override (soft exclusions only, each named, with a rationale)
    the course's newest eligibility check (staff; the caller signs as the prescriber)."""
    view = kap_course.sign_off_eligibility(
        uow,
        actor,
        course_id,
        eligibility_id,
        body.decision,
        body.note,
        clock,
        rationale=body.rationale,
        overridden=tuple(body.overridden),
    )
    return SignOffOut.of(view)


@router.post("/kap-courses/{course_id}/consent", response_model=CourseOut, summary="Record consent")
def consent(course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CourseOut:
    """Record the patient's consent (the patient, or staff when given in person); 409 when
    consent is already in force."""
    return CourseOut.of(kap_course.record_consent(uow, actor, course_id, clock))


@router.post("/kap-courses/{course_id}/stop", response_model=CourseOut, summary="Stop a course")
def stop(course_id: int, body: StopIn, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CourseOut:
    """Stop the course with the reason (staff): no further dose."""
    return CourseOut.of(kap_course.stop_course(uow, actor, course_id, body.reason, clock))


@router.post(
    "/kap-courses/{course_id}/aftercare", response_model=CourseOut, summary="Start aftercare"
)
def aftercare(course_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> CourseOut:
    """Move the course to aftercare (staff); 409 listing what is still open."""
    return CourseOut.of(kap_course.start_aftercare(uow, actor, course_id, clock))


# --- in-office sessions --------------------------------------------------------------------


@router.post(
    "/kap-courses/{course_id}/sessions",
    response_model=SessionOut,
    status_code=201,
    summary="Start an in-office session",
)
def start_session(
    course_id: int, body: StartSessionIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """Record the dose (route, mg or mg/kg with the weight, lot, dosing time) and start
    the session record (staff). 409 with every reason when the course forbids a dose now;
    nothing is saved then. A Spravato session gets its REMS record."""
    view = kap_sessions.start_session(
        uow,
        actor,
        course_id,
        body.route,
        body.dose_mg,
        body.mg_per_kg,
        body.weight_kg,
        body.lot_number,
        body.started_at,
        clock,
    )
    return SessionOut.of(view)


@router.get("/kap-sessions/{session_id}", response_model=SessionOut, summary="A KAP session")
def session(session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> SessionOut:
    """The session record with its warnings, what still blocks signing, the discharge
    checklist, its integration session and (Spravato) its REMS record."""
    return SessionOut.of(kap_sessions.session_view(uow, actor, session_id, clock))


@router.patch(
    "/kap-sessions/{session_id}", response_model=SessionOut, summary="Change the dose details"
)
def change_session(
    session_id: int, body: SessionChangesIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """Change the route, dose, mg/kg, weight, lot, transfer note or notes of a draft."""
    given = body.model_dump(exclude_unset=True)
    changes = {k: (str(v) if v is not None else None) for k, v in given.items()}
    return SessionOut.of(kap_sessions.update_session(uow, actor, session_id, changes, clock))


@router.post(
    "/kap-sessions/{session_id}/vitals", response_model=SessionOut, summary="Add a reading"
)
def vitals(
    session_id: int, body: VitalsIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """Add a vital-signs reading; a reading out of range is kept and warned about (see
    ``warnings``), an impossible one refused with 422."""
    reading = VitalsReading(body.at, body.systolic, body.diastolic, body.heart_rate, body.spo2)
    return SessionOut.of(kap_sessions.record_vitals(uow, actor, session_id, reading, clock))


@router.post(
    "/kap-sessions/{session_id}/ratings", response_model=SessionOut, summary="Add a rating"
)
def rating(
    session_id: int, body: RatingIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """Add a sedation and dissociation rating (0-4 each)."""
    value = Rating(body.at, body.sedation, body.dissociation, body.note)
    return SessionOut.of(kap_sessions.record_rating(uow, actor, session_id, value, clock))


@router.post(
    "/kap-sessions/{session_id}/adverse-events",
    response_model=SessionOut,
    summary="Record an adverse event",
)
def adverse_event(
    session_id: int, body: AdverseEventIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """Record an adverse event; one left open is opened on the course too and blocks the
    next dose until it is closed."""
    event = AdverseEvent(
        AdverseEventKind(body.kind),
        Severity(body.severity),
        body.onset,
        body.action,
        body.resolved_at,
        body.description,
    )
    return SessionOut.of(kap_sessions.open_adverse_event(uow, actor, session_id, event, clock))


@router.post(
    "/kap-sessions/{session_id}/adverse-events/{index}/close",
    response_model=SessionOut,
    summary="Close an adverse event",
)
def close_adverse_event(
    session_id: int,
    index: int,
    body: CloseEventIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> SessionOut:
    """Close the session's adverse event number ``index`` (from 0, in the record's order),
    also on a signed record; the course's adverse event closes with it."""
    view = kap_sessions.close_adverse_event(
        uow, actor, session_id, index, body.resolved_at, clock, action=body.action
    )
    return SessionOut.of(view)


@router.put(
    "/kap-sessions/{session_id}/discharge",
    response_model=SessionOut,
    summary="Save the discharge checklist",
)
def discharge(
    session_id: int, body: DischargeIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> SessionOut:
    """The discharge checklist, when monitoring ended and where the patient went."""
    checklist = DischargeChecklist(
        alert_and_oriented=body.alert_and_oriented,
        nausea_controlled=body.nausea_controlled,
        walking_steadily=body.walking_steadily,
        escort_present=body.escort_present,
        escort_name=body.escort_name,
        no_driving_acknowledged=body.no_driving_acknowledged,
    )
    view = kap_sessions.update_discharge(
        uow,
        actor,
        session_id,
        checklist,
        body.ended_at,
        clock,
        disposition=body.disposition,
        transfer_note=body.transfer_note,
    )
    return SessionOut.of(view)


@router.post(
    "/kap-sessions/{session_id}/sign", response_model=SessionOut, summary="Sign the record"
)
def sign(session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> SessionOut:
    """Sign the in-office record; 422 listing every missing or blocking item by field
    until it is complete."""
    return SessionOut.of(kap_sessions.sign_session(uow, actor, session_id, clock))


# --- the Spravato REMS record ----------------------------------------------------------------


@router.get("/kap-sessions/{session_id}/rems", response_model=RemsOut, summary="The REMS record")
def rems(session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> RemsOut:
    """The session's Spravato REMS monitoring record, what is still missing and when it
    is due (404 for a session that is not Spravato)."""
    return RemsOut.of(kap_sessions.rems_view(uow, actor, session_id, clock))


@router.put(
    "/kap-sessions/{session_id}/rems", response_model=RemsOut, summary="Save the REMS record"
)
def save_rems(
    session_id: int, body: RemsIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> RemsOut:
    """Save some or all top-level fields of the record in its JSON form; missing answers
    are listed in ``problems``. 409 once submitted."""
    return RemsOut.of(kap_sessions.update_rems(uow, actor, session_id, body.fields, clock))


@router.post(
    "/kap-sessions/{session_id}/rems/submitted",
    response_model=RemsOut,
    summary="Mark the REMS record submitted",
)
def rems_submitted(
    session_id: int, body: RemsSubmittedIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> RemsOut:
    """Record the submission with its confirmation number: only a complete record, and
    only once."""
    view = kap_sessions.mark_rems_submitted(
        uow, actor, session_id, body.confirmation, body.submitted_on, clock
    )
    return RemsOut.of(view)


@router.get(
    "/kap-sessions/{session_id}/rems.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}, "description": "The record as a PDF"}},
    summary="The REMS record as a PDF",
)
def rems_pdf(session_id: int, actor: ActorDep, uow: UowDep, clock: ClockDep) -> Response:
    """Every field of the record laid out on Letter pages, for printing or filing."""
    body = kap_sessions.rems_pdf(uow, actor, session_id, clock)
    name = f"spravato-rems-session-{session_id}.pdf"
    return Response(
        body,
        media_type="application/pdf",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/kap/rems/unsubmitted",
    response_model=list[PendingRemsOut],
    summary="REMS records not yet submitted",
)
def unsubmitted(actor: ActorDep, uow: UowDep, clock: ClockDep) -> list[PendingRemsOut]:
    """Every REMS record not yet submitted, soonest due first, with whether each is overdue
    (an admin sees the clinic's, a clinician their caseload's)."""
    return [PendingRemsOut.of(p) for p in kap_sessions.unsubmitted_rems(uow, actor, clock)]


# --- integration -----------------------------------------------------------------------------


@router.post(
    "/kap-sessions/{session_id}/integration/schedule",
    response_model=IntegrationOut,
    summary="Book the integration session",
)
def schedule(
    session_id: int, body: ScheduleIn, actor: ActorDep, uow: UowDep, clock: ClockDep
) -> IntegrationOut:
    """Book the integration session after the dose, inside its window (422 naming ``at``
    otherwise)."""
    view = kap_integration.schedule_integration(uow, actor, session_id, body.at, clock)
    return IntegrationOut.of(view)


@router.post(
    "/kap-sessions/{session_id}/integration/complete",
    response_model=IntegrationOut,
    summary="Record the integration session",
)
def complete(
    session_id: int,
    body: CompleteIntegrationIn,
    actor: ActorDep,
    uow: UowDep,
    clock: ClockDep,
) -> IntegrationOut:
    """Record the integration session held now: insights and commitments (at least one),
    notes and the questionnaire responses taken at it. 409 before its window opens."""
    view = kap_integration.complete_integration(
        uow,
        actor,
        session_id,
        body.notes,
        tuple(body.insights),
        tuple(body.commitments),
        tuple(body.measures),
        clock,
    )
    return IntegrationOut.of(view)
