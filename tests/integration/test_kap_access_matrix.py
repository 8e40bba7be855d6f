"""Issue 4 KAP services against every kind of actor, on both databases.

Extends tests/integration/test_access_matrix.py (which checks the rule itself for every
action, the KAP ones included) to the KAP services: each one goes through the choke
point, so an allowed call is audited under its action, and a refused one leaves exactly
one ``denied`` event naming the patient and changes nothing. The target is patient 0 of
Harbour (on ``clinician``'s caseload); the expected outcomes are the matrix's own:
clinical records for staff, the portal steps for the patient too, and the patient's own
entries (gate, home dose, check-ins, journal, breathwork log) for the patient only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from test_access_matrix import ALLOWED, EVERYONE, HIDDEN
from test_kap_spravato import _fill

from attune.db import SqlUnitOfWork
from attune.domain.errors import NotFound, PermissionDenied
from attune.domain.kap.athome import GateAnswers
from attune.domain.kap.athome_checkins import PostSessionCheckin, SitterCheckin
from attune.domain.kap.breathwork import PracticeEntry
from attune.domain.kap.session import DischargeChecklist
from attune.domain.kap.session_events import AdverseEvent, AdverseEventKind, Rating, Severity
from attune.domain.kap.vitals import VitalsReading
from attune.services import kap_course, kap_home, kap_integration, kap_sessions
from attune.services.access import Action
from attune.services.actors import Actor
from attune.services.clock import FixedClock
from attune.services.ports import AuditEvent
from factories import KAP_SAFETY_PLAN, ClinicSetup, eligible_course, make_clinic, submitted_intake

A = Action


@dataclass(frozen=True)
class Ctx:
    uow: SqlUnitOfWork
    setup: ClinicSetup
    clock: FixedClock

    @property
    def patient(self) -> int:
        return self.setup.patients[0].id

    @property
    def me(self) -> Actor:
        return self.setup.patient_actor(0)

    @property
    def staff(self) -> Actor:
        return self.setup.admin_actor


def _course_of(c: Ctx, eligibility_id: int) -> int:
    with c.uow:
        found = c.uow.kap.eligibility(eligibility_id)
    assert found is not None
    return found.course_id


def _none(c: Ctx) -> int:
    return 0


def _opened(c: Ctx, program: str = "in_office") -> int:
    return kap_course.open_course(c.uow, c.staff, c.patient, program, c.clock).id


def _with_intake(c: Ctx) -> int:
    submitted_intake(c.uow, c.setup, c.clock)
    return _opened(c)


def _assessed(c: Ctx) -> int:
    course = _with_intake(c)
    return kap_course.assess_eligibility(c.uow, c.staff, course, (120, 80), None, c.clock).id


def _consented(c: Ctx) -> int:
    course = _opened(c)
    kap_course.record_consent(c.uow, c.me, course, c.clock)
    return course


def _stopped(c: Ctx) -> int:
    course = _opened(c)
    kap_course.stop_course(c.uow, c.staff, course, "Paused", c.clock)
    return course


def _eligible(c: Ctx, program: str = "in_office") -> int:
    return eligible_course(c.uow, c.setup, c.clock, program=program).id


def _session(c: Ctx, program: str = "in_office") -> int:
    course = _eligible(c, program)
    dose = "56" if program.startswith("spravato") else "35"
    route = "intranasal" if program.startswith("spravato") else "im"
    return kap_sessions.start_session(
        c.uow, c.staff, course, route, dose, None, "70", "K-1", c.clock.now(), c.clock
    ).id


def _with_event(c: Ctx) -> int:
    session = _session(c)
    c.clock.advance(timedelta(minutes=5))
    event = AdverseEvent(AdverseEventKind.NAUSEA, Severity.MILD, c.clock.now(), "Ginger tea")
    kap_sessions.open_adverse_event(c.uow, c.staff, session, event, c.clock)
    return session


def _signable(c: Ctx) -> int:
    session = _session(c)
    start = c.clock.now()
    kap_sessions.record_vitals(
        c.uow,
        c.staff,
        session,
        VitalsReading(start - timedelta(minutes=5), 120, 78, 70, 98),
        c.clock,
    )
    for minutes in (15, 30):
        c.clock.set(start + timedelta(minutes=minutes))
        kap_sessions.record_vitals(
            c.uow, c.staff, session, VitalsReading(c.clock.now(), 122, 80, 72, 98), c.clock
        )
    kap_sessions.record_rating(c.uow, c.staff, session, Rating(c.clock.now(), 1, 1), c.clock)
    checklist = DischargeChecklist(True, True, True, True, "Jo", True)
    kap_sessions.update_discharge(c.uow, c.staff, session, checklist, c.clock.now(), c.clock)
    return session


def _spravato(c: Ctx) -> int:
    return _session(c, "spravato_in_office")


def _rems_complete(c: Ctx) -> int:
    session = _spravato(c)
    view = kap_sessions.rems_view(c.uow, c.staff, session, c.clock)
    assert view.record.administered_at is not None
    c.clock.advance(timedelta(hours=3))
    fields = _fill(c.clock, view.record.administered_at.isoformat())
    kap_sessions.update_rems(c.uow, c.staff, session, fields, c.clock)
    return session


def _ready(c: Ctx) -> GateAnswers:
    now = c.clock.now()
    return GateAnswers(
        now - timedelta(hours=5),
        True,
        "Alex",
        122,
        80,
        now - timedelta(minutes=5),
        True,
        True,
        "Rest",
    )


def _gated(c: Ctx) -> int:
    course = _eligible(c, "at_home")
    kap_home.dosing_day_gate(c.uow, c.me, course, _ready(c), c.clock)
    return course


def _home_session(c: Ctx) -> int:
    course = _gated(c)
    return kap_home.record_home_dose(c.uow, c.me, course, c.clock.now(), c.clock).id


def _window_open(c: Ctx) -> int:
    session = _session(c)
    c.clock.advance(timedelta(hours=30))
    return session


def _post(c: Ctx, session: int) -> PostSessionCheckin:
    now = c.clock.now()
    return PostSessionCheckin(now, 8, (), "", True, now)


Prep = Callable[[Ctx], int]
Call = Callable[[Ctx, Actor, int], object]

SERVICE_CALLS: dict[str, tuple[Action, Prep, Call]] = {
    # kap_course
    "open_course": (
        A.OPEN_KAP_COURSE,
        _none,
        lambda c, a, _: kap_course.open_course(c.uow, a, c.patient, "in_office", c.clock),
    ),
    "course_view": (
        A.VIEW_KAP,
        _opened,
        lambda c, a, _: kap_course.course_view(c.uow, a, c.patient, c.clock),
    ),
    "course_by_id": (
        A.VIEW_KAP,
        _opened,
        lambda c, a, i: kap_course.course_by_id(c.uow, a, i, c.clock),
    ),
    "assess_eligibility": (
        A.ASSESS_KAP_ELIGIBILITY,
        _with_intake,
        lambda c, a, i: kap_course.assess_eligibility(c.uow, a, i, (120, 80), None, c.clock),
    ),
    "sign_off_eligibility": (
        A.SIGN_OFF_KAP_ELIGIBILITY,
        _assessed,
        lambda c, a, e: kap_course.sign_off_eligibility(
            c.uow, a, _course_of(c, e), e, "approve", "ok", c.clock
        ),
    ),
    "record_consent": (
        A.RECORD_KAP_CONSENT,
        _opened,
        lambda c, a, i: kap_course.record_consent(c.uow, a, i, c.clock),
    ),
    "withdraw_consent": (
        A.RECORD_KAP_CONSENT,
        _consented,
        lambda c, a, i: kap_course.withdraw_consent(c.uow, a, i, c.clock),
    ),
    "complete_preparation": (
        A.COMPLETE_KAP_PREPARATION,
        _opened,
        lambda c, a, i: kap_course.complete_preparation(c.uow, a, i, "intentions", c.clock),
    ),
    "save_safety_plan": (
        A.SAVE_KAP_SAFETY_PLAN,
        _opened,
        lambda c, a, i: kap_course.save_safety_plan(c.uow, a, i, KAP_SAFETY_PLAN, c.clock),
    ),
    "safety_plan": (
        A.VIEW_KAP,
        _opened,
        lambda c, a, i: kap_course.safety_plan(c.uow, a, i, c.clock),
    ),
    "stop_course": (
        A.STOP_KAP_COURSE,
        _opened,
        lambda c, a, i: kap_course.stop_course(c.uow, a, i, "Moving away", c.clock),
    ),
    "start_aftercare": (
        A.START_KAP_AFTERCARE,
        _stopped,
        lambda c, a, i: kap_course.start_aftercare(c.uow, a, i, c.clock),
    ),
    # kap_sessions and the REMS record
    "start_session": (
        A.RECORD_KAP_SESSION,
        _eligible,
        lambda c, a, i: kap_sessions.start_session(
            c.uow, a, i, "im", "35", None, "70", "K-1", c.clock.now(), c.clock
        ),
    ),
    "session_view": (
        A.VIEW_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.session_view(c.uow, a, s, c.clock),
    ),
    "record_vitals": (
        A.RECORD_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.record_vitals(
            c.uow, a, s, VitalsReading(c.clock.now(), 130, 80, 75, 97), c.clock
        ),
    ),
    "record_rating": (
        A.RECORD_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.record_rating(
            c.uow, a, s, Rating(c.clock.now(), 1, 2), c.clock
        ),
    ),
    "update_discharge": (
        A.RECORD_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.update_discharge(
            c.uow, a, s, DischargeChecklist(alert_and_oriented=True), None, c.clock
        ),
    ),
    "update_session": (
        A.RECORD_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.update_session(c.uow, a, s, {"notes": "Calm"}, c.clock),
    ),
    "open_adverse_event": (
        A.RECORD_KAP_SESSION,
        _session,
        lambda c, a, s: kap_sessions.open_adverse_event(
            c.uow,
            a,
            s,
            AdverseEvent(AdverseEventKind.DIZZINESS, Severity.MILD, c.clock.now(), "Lay down"),
            c.clock,
        ),
    ),
    "close_adverse_event": (
        A.RECORD_KAP_SESSION,
        _with_event,
        lambda c, a, s: kap_sessions.close_adverse_event(c.uow, a, s, 0, c.clock.now(), c.clock),
    ),
    "sign_session": (
        A.SIGN_KAP_SESSION,
        _signable,
        lambda c, a, s: kap_sessions.sign_session(c.uow, a, s, c.clock),
    ),
    "rems_view": (
        A.VIEW_KAP_REMS,
        _spravato,
        lambda c, a, s: kap_sessions.rems_view(c.uow, a, s, c.clock),
    ),
    "rems_form": (
        A.VIEW_KAP_REMS,
        _spravato,
        lambda c, a, s: kap_sessions.rems_form(c.uow, a, s, c.clock),
    ),
    "rems_pdf": (
        A.VIEW_KAP_REMS,
        _spravato,
        lambda c, a, s: kap_sessions.rems_pdf(c.uow, a, s, c.clock),
    ),
    "update_rems": (
        A.RECORD_KAP_REMS,
        _spravato,
        lambda c, a, s: kap_sessions.update_rems(c.uow, a, s, {"lowest_spo2": 97}, c.clock),
    ),
    "mark_rems_submitted": (
        A.RECORD_KAP_REMS,
        _rems_complete,
        lambda c, a, s: kap_sessions.mark_rems_submitted(
            c.uow, a, s, "C-1", c.clock.now().date(), c.clock
        ),
    ),
    # kap_home
    "dosing_day_gate": (
        A.KAP_DOSING_GATE,
        lambda c: _eligible(c, "at_home"),
        lambda c, a, i: kap_home.dosing_day_gate(c.uow, a, i, _ready(c), c.clock),
    ),
    "todays_gate": (
        A.VIEW_KAP,
        _gated,
        lambda c, a, i: kap_home.todays_gate(c.uow, a, i, c.clock),
    ),
    "record_home_dose": (
        A.RECORD_KAP_HOME_DOSE,
        _gated,
        lambda c, a, i: kap_home.record_home_dose(c.uow, a, i, c.clock.now(), c.clock),
    ),
    "home_session_view": (
        A.VIEW_KAP,
        _home_session,
        lambda c, a, s: kap_sessions.session_view(c.uow, a, s, c.clock),
    ),
    "sitter_checkin": (
        A.RECORD_KAP_CHECKIN,
        _home_session,
        lambda c, a, s: kap_home.sitter_checkin(
            c.uow, a, s, SitterCheckin(c.clock.now(), True, True, False), c.clock
        ),
    ),
    "due_checkins": (
        A.VIEW_KAP,
        _home_session,
        lambda c, a, s: kap_home.due_checkins(c.uow, a, s, c.clock),
    ),
    "post_session_checkin": (
        A.RECORD_KAP_CHECKIN,
        _home_session,
        lambda c, a, s: kap_home.post_session_checkin(c.uow, a, s, _post(c, s), c.clock),
    ),
    # kap_integration
    "schedule_integration": (
        A.SCHEDULE_KAP_INTEGRATION,
        _session,
        lambda c, a, s: kap_integration.schedule_integration(
            c.uow, a, s, c.clock.now() + timedelta(hours=48), c.clock
        ),
    ),
    "complete_integration": (
        A.COMPLETE_KAP_INTEGRATION,
        _window_open,
        lambda c, a, s: kap_integration.complete_integration(
            c.uow, a, s, "", ("Held",), (), (), c.clock
        ),
    ),
    "journal_prompts": (
        A.VIEW_KAP,
        _opened,
        lambda c, a, i: kap_integration.journal_prompts(c.uow, a, i, c.clock),
    ),
    "save_journal_entry": (
        A.WRITE_KAP_JOURNAL,
        _opened,
        lambda c, a, i: kap_integration.save_journal_entry(c.uow, a, i, "free", "Today", c.clock),
    ),
    "journal": (
        A.VIEW_KAP,
        _opened,
        lambda c, a, i: kap_integration.journal(c.uow, a, i, c.clock),
    ),
    "log_practice": (
        A.LOG_BREATHWORK,
        _none,
        lambda c, a, _: kap_integration.log_practice(
            c.uow,
            a,
            PracticeEntry("box", c.clock.now(), 5, 3, 6),
            c.clock,
            patient_id=c.patient,
        ),
    ),
    "practice_log": (
        A.VIEW_KAP,
        _none,
        lambda c, a, _: kap_integration.practice_log(c.uow, a, c.patient, c.clock),
    ),
}


def _events(uow: SqlUnitOfWork) -> list[AuditEvent]:
    with uow:
        return list(uow.audit.in_order())


def _state(uow: SqlUnitOfWork, patient: int) -> tuple[object, ...]:
    """Everything KAP stored for the patient, and their open flags."""
    with uow:
        found: list[object] = [uow.flags.open_for_patient(patient), uow.kap.practice(patient)]
        for course in uow.kap.courses_for_patient(patient):
            found += [
                course,
                uow.kap.events(course.id),
                uow.kap.eligibilities(course.id),
                uow.kap.signoffs(course.id),
                uow.kap.consents(course.id),
                uow.kap.preparations(course.id),
                uow.kap.safety_plan(course.id),
                uow.kap.gates(course.id),
                uow.kap.journal(course.id),
            ]
            for session in uow.kap.sessions(course.id):
                found += [
                    session,
                    uow.kap.rems(session.id),
                    uow.kap.checkins(session.id),
                    uow.kap.integration(session.id),
                ]
        return tuple(found)


def _world(uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup) -> dict[str, Actor]:
    elsewhere = make_clinic(uow, clock, name="Elsewhere", patients=1)
    return {
        "admin": setup.admin_actor,
        "clinician": setup.clinician_actor,
        "other_clinician": setup.other_clinician_actor,
        "patient_self": setup.patient_actor(0),
        "patient_other": setup.patient_actor(1),
        "admin_elsewhere": elsewhere.admin_actor,
        "clinician_elsewhere": elsewhere.clinician_actor,
    }


def test_every_kap_action_has_a_service_here() -> None:
    kap = {a for a in Action if "kap" in a.value or a is A.LOG_BREATHWORK}
    assert {action for action, _, _ in SERVICE_CALLS.values()} == kap


@pytest.mark.parametrize("service", sorted(SERVICE_CALLS))
def test_refused_actors_leave_one_denied_event_and_change_nothing(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, service: str
) -> None:
    world = _world(uow, clock, setup)
    action, prep, call = SERVICE_CALLS[service]
    ctx = Ctx(uow, setup, clock)
    record_id = prep(ctx)
    clock.advance(timedelta(minutes=1))
    before_state = _state(uow, ctx.patient)
    for who in EVERYONE:
        if action in ALLOWED[who]:
            continue
        actor = world[who]
        before = len(_events(uow))
        with pytest.raises(NotFound if who in HIDDEN else PermissionDenied):
            call(ctx, actor, record_id)
        new = _events(uow)[before:]
        assert [(e.action, e.outcome, e.actor_user_id) for e in new] == [
            (str(action), "denied", actor.user_id)
        ], who
        assert new[0].patient_id == ctx.patient
        assert _state(uow, ctx.patient) == before_state, who


ALLOWED_CASES = sorted(
    (service, who)
    for service, (action, _, _) in SERVICE_CALLS.items()
    for who in EVERYONE
    if action in ALLOWED[who]
)


@pytest.mark.parametrize(("service", "who"), ALLOWED_CASES)
def test_allowed_actors_are_audited_under_the_action(
    uow: SqlUnitOfWork, clock: FixedClock, setup: ClinicSetup, service: str, who: str
) -> None:
    actor = _world(uow, clock, setup)[who]
    action, prep, call = SERVICE_CALLS[service]
    ctx = Ctx(uow, setup, clock)
    record_id = prep(ctx)
    clock.advance(timedelta(minutes=1))
    before = len(_events(uow))
    call(ctx, actor, record_id)
    new = _events(uow)[before:]
    assert (new[0].action, new[0].outcome, new[0].actor_user_id) == (
        str(action),
        "allowed",
        actor.user_id,
    )
    assert new[0].patient_id == ctx.patient
    assert all(e.action in ("raise_flag", "evaluate_level_of_care") for e in new[1:]), new
