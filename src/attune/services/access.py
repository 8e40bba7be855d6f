"""The one place that decides who may see or change a patient's data.

The rule:

* an admin may see and change any patient of their own clinic;
* a clinician may see and change only the patients on their caseload;
* a patient may see and change only their own record, and only through the portal
  actions (:data:`PATIENT_ACTIONS`: due questionnaires, drafts, submitting, their own
  record, their intake sections, profiles, cycle and plan, and their KAP portal steps);
* some actions belong to one side only: adding to a caseload to admins
  (:data:`ADMIN_ACTIONS`), acknowledging a plan, the patient's own KAP entries (the
  at-home gate, dose and check-ins, journal, breathwork log) and the daily check-in to
  the patient (:data:`PATIENT_ONLY_ACTIONS`); the KAP clinical records (eligibility,
  sign-off, sessions, the REMS record, integration) and alerts (seeing, acknowledging,
  resolving) stay with staff;
* nobody ever reaches a patient of another clinic: that looks exactly like a patient
  who does not exist, so ids cannot be probed.

Every attempt writes exactly one audit event (who, role, patient, action, UTC time,
outcome), including denied attempts: a denied attempt's event is committed before the
error is raised. Services call :func:`open_patient` (or :func:`patient_action`, which
also turns a failure after access was granted into a ``failed`` event) before touching a
patient's data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn

from attune.domain.errors import DomainError, NotFound, PermissionDenied
from attune.services.actors import Actor, Role
from attune.services.audit import record_event
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Outcome, Patient, UnitOfWork


class Action(StrEnum):
    """What someone does with a patient's data; the audit log records these names."""

    VIEW_RECORD = "view_record"
    VIEW_CASELOAD = "view_caseload"
    VIEW_DUE = "view_due"
    SAVE_DRAFT = "save_draft"
    SUBMIT_RESPONSE = "submit_response"
    ASSIGN_INSTRUMENT = "assign_instrument"
    ACKNOWLEDGE_FLAG = "acknowledge_flag"
    CREATE_PATIENT = "create_patient"
    ADD_TO_CASELOAD = "add_to_caseload"
    # Issue 3: intake, profiles, the cycle, level of care, the treatment plan.
    OPEN_INTAKE = "open_intake"
    VIEW_INTAKE = "view_intake"
    SAVE_INTAKE = "save_intake"
    SUBMIT_INTAKE = "submit_intake"
    VIEW_PROFILES = "view_profiles"
    VIEW_FORMULATION = "view_formulation"
    SAVE_FORMULATION = "save_formulation"
    VIEW_LEVEL_OF_CARE = "view_level_of_care"
    EVALUATE_LEVEL_OF_CARE = "evaluate_level_of_care"
    DECIDE_RECOMMENDATION = "decide_recommendation"
    VIEW_PLAN = "view_plan"
    SAVE_PLAN = "save_plan"
    AGREE_PLAN = "agree_plan"
    ACKNOWLEDGE_PLAN = "acknowledge_plan"
    EXPORT_PLAN = "export_plan"
    # Issue 4: a controlled-substance ledger entry that names a patient (services/ledger.py).
    RECORD_LEDGER_ENTRY = "record_ledger_entry"
    # Issue 4: ketamine-assisted psychotherapy (services/kap_*.py).
    VIEW_KAP = "view_kap"
    OPEN_KAP_COURSE = "open_kap_course"
    ASSESS_KAP_ELIGIBILITY = "assess_kap_eligibility"
    SIGN_OFF_KAP_ELIGIBILITY = "sign_off_kap_eligibility"
    STOP_KAP_COURSE = "stop_kap_course"
    START_KAP_AFTERCARE = "start_kap_aftercare"
    RECORD_KAP_CONSENT = "record_kap_consent"
    COMPLETE_KAP_PREPARATION = "complete_kap_preparation"
    SAVE_KAP_SAFETY_PLAN = "save_kap_safety_plan"
    VIEW_KAP_SESSION = "view_kap_session"
    RECORD_KAP_SESSION = "record_kap_session"
    SIGN_KAP_SESSION = "sign_kap_session"
    VIEW_KAP_REMS = "view_kap_rems"
    RECORD_KAP_REMS = "record_kap_rems"
    KAP_DOSING_GATE = "kap_dosing_gate"
    RECORD_KAP_HOME_DOSE = "record_kap_home_dose"
    RECORD_KAP_CHECKIN = "record_kap_checkin"
    SCHEDULE_KAP_INTEGRATION = "schedule_kap_integration"
    COMPLETE_KAP_INTEGRATION = "complete_kap_integration"
    WRITE_KAP_JOURNAL = "write_kap_journal"
    LOG_BREATHWORK = "log_breathwork"
    # Issue 5: daily check-ins, insight, reminders and alerts (services/checkins.py,
    # services/reminders.py, services/alerts.py, services/insight.py).
    RECORD_CHECKIN = "record_checkin"
    VIEW_CHECKINS = "view_checkins"
    VIEW_INSIGHT = "view_insight"
    SET_REMINDER = "set_reminder"
    VIEW_ALERTS = "view_alerts"
    ACKNOWLEDGE_ALERT = "acknowledge_alert"
    RESOLVE_ALERT = "resolve_alert"


#: What a patient may do with their own record: their questionnaires, their intake
#: sections, their profiles, their cycle (read, and co-author a version), their plan (read,
#: export and acknowledge). Opening an intake, the level of care and deciding or agreeing
#: anything stay with staff.
PATIENT_ACTIONS = frozenset(
    {
        Action.VIEW_RECORD,
        Action.VIEW_DUE,
        Action.SAVE_DRAFT,
        Action.SUBMIT_RESPONSE,
        Action.VIEW_INTAKE,
        Action.SAVE_INTAKE,
        Action.SUBMIT_INTAKE,
        Action.VIEW_PROFILES,
        Action.VIEW_FORMULATION,
        Action.SAVE_FORMULATION,
        Action.VIEW_PLAN,
        Action.EXPORT_PLAN,
        Action.ACKNOWLEDGE_PLAN,
        # KAP: their course, consent, preparation and safety plan, the at-home steps
        # (a sitter uses the patient's portal session), the journal and breathwork log.
        Action.VIEW_KAP,
        Action.RECORD_KAP_CONSENT,
        Action.COMPLETE_KAP_PREPARATION,
        Action.SAVE_KAP_SAFETY_PLAN,
        Action.KAP_DOSING_GATE,
        Action.RECORD_KAP_HOME_DOSE,
        Action.RECORD_KAP_CHECKIN,
        Action.WRITE_KAP_JOURNAL,
        Action.LOG_BREATHWORK,
        # Daily monitoring: their check-ins, what their check-ins show, their reminder time
        # and time zone. Alerts stay with staff.
        Action.RECORD_CHECKIN,
        Action.VIEW_CHECKINS,
        Action.VIEW_INSIGHT,
        Action.SET_REMINDER,
    }
)
#: What only an admin may do (a clinician cannot put patients on their own caseload).
ADMIN_ACTIONS = frozenset({Action.ADD_TO_CASELOAD})
#: What only the patient may do: staff cannot acknowledge a plan on the patient's behalf.
#: KAP: the at-home gate and dose, the check-ins, the journal and the breathwork log are
#: the patient's (and their sitter's) own word; staff read them but never enter them.
PATIENT_ONLY_ACTIONS = frozenset(
    {
        Action.ACKNOWLEDGE_PLAN,
        Action.KAP_DOSING_GATE,
        Action.RECORD_KAP_HOME_DOSE,
        Action.RECORD_KAP_CHECKIN,
        Action.WRITE_KAP_JOURNAL,
        Action.LOG_BREATHWORK,
        # The daily check-in is the patient's own word; staff read it but never enter it.
        Action.RECORD_CHECKIN,
    }
)


@dataclass(frozen=True)
class Decision:
    """Whether an actor may do an action on a patient, and the error to raise if not."""

    allowed: bool
    error: DomainError | None = None
    reason: str = ""


def no_such_patient(patient_id: int) -> NotFound:
    return NotFound(f"There is no patient with id {patient_id}.", field="patient_id")


def decide(
    actor: Actor,
    patient_id: int,
    patient: Patient | None,
    action: Action,
    *,
    on_caseload: bool,
) -> Decision:
    """The access rule itself, with no I/O (see the module docstring)."""
    hidden = Decision(False, no_such_patient(patient_id), "no such patient in the actor's clinic")
    if patient is None or patient.clinic_id != actor.clinic_id:
        return hidden
    if actor.role is Role.PATIENT:
        if actor.patient_id != patient.id:
            return hidden
        if action not in PATIENT_ACTIONS:
            return Decision(
                False,
                PermissionDenied("Only clinic staff can do that.", field="action"),
                "patients may not do this",
            )
        return Decision(True, reason="own record")
    if action in PATIENT_ONLY_ACTIONS:
        return Decision(
            False,
            PermissionDenied("Only the patient can do that.", field="action"),
            "patients only",
        )
    if action in ADMIN_ACTIONS and actor.role is not Role.ADMIN:
        return Decision(
            False,
            PermissionDenied("Only a clinic admin can do that.", field="action"),
            "admins only",
        )
    if actor.role is Role.ADMIN:
        return Decision(True, reason="admin of the clinic")
    if on_caseload:
        return Decision(True, reason="on the clinician's caseload")
    return Decision(
        False,
        PermissionDenied(
            f"{patient.display_name} is not on your caseload. Ask a clinic admin to add them.",
            field="patient_id",
        ),
        "not on the clinician's caseload",
    )


def open_patient(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    action: Action,
    clock: Clock = SYSTEM_CLOCK,
    *,
    detail: str = "",
) -> Patient:
    """Check the access rule for one action on one patient and audit the attempt.

    Call inside an open unit of work. Allowed: the event joins the caller's transaction
    (the caller commits) and the patient is returned. Denied: the event is committed at
    once and ``NotFound`` or ``PermissionDenied`` is raised.
    """
    patient = uow.patients.get(patient_id)
    on_caseload = (
        actor.role is Role.CLINICIAN
        and patient is not None
        and uow.patients.is_on_caseload(actor.user_id, patient.id)
    )
    decision = decide(actor, patient_id, patient, action, on_caseload=on_caseload)
    visible_id = patient.id if patient is not None else None
    if not decision.allowed:
        note = f"denied: {decision.reason}"
        if visible_id is None:
            note += f" (patient id {patient_id})"
        record_event(
            uow,
            at=clock.now(),
            actor=actor,
            patient_id=visible_id,
            action=str(action),
            outcome=Outcome.DENIED,
            detail=_join(note, detail),
        )
        uow.commit()
        assert decision.error is not None
        raise decision.error
    assert patient is not None
    record_event(
        uow,
        at=clock.now(),
        actor=actor,
        patient_id=patient.id,
        action=str(action),
        outcome=Outcome.ALLOWED,
        detail=detail,
    )
    return patient


@contextmanager
def patient_action(
    uow: UnitOfWork,
    actor: Actor,
    patient_id: int,
    action: Action,
    clock: Clock = SYSTEM_CLOCK,
    *,
    detail: str = "",
) -> Iterator[Patient]:
    """:func:`open_patient` for a change that may still fail after access was granted.

    If the body raises a DomainError (a bad answer, say), everything the body wrote is
    rolled back, the attempt is audited as ``failed`` with the error's message, that event
    is committed and the error goes on up. Exactly one event is written either way.
    """
    patient = open_patient(uow, actor, patient_id, action, clock, detail=detail)
    try:
        yield patient
    except DomainError as exc:
        uow.rollback()
        record_event(
            uow,
            at=clock.now(),
            actor=actor,
            patient_id=patient.id,
            action=str(action),
            outcome=Outcome.FAILED,
            detail=_join(f"failed: {exc.message}", detail),
        )
        uow.commit()
        raise


def refuse_missing(
    uow: UnitOfWork,
    actor: Actor,
    action: Action,
    clock: Clock,
    error: NotFound,
    *,
    detail: str,
) -> NoReturn:
    """Audit (and commit) an attempt on a record that does not exist, then raise ``error``.

    Used for ids that are not patient ids (a questionnaire, a flag), so probing them
    leaves the same trace as probing patient ids.
    """
    record_event(
        uow,
        at=clock.now(),
        actor=actor,
        patient_id=None,
        action=str(action),
        outcome=Outcome.DENIED,
        detail=f"denied: {detail}",
    )
    uow.commit()
    raise error


def require_staff(actor: Actor, what: str) -> None:
    """Refuse a staff-only action that concerns no single patient (no audit event)."""
    if not actor.is_staff:
        raise PermissionDenied(f"Only clinic staff can {what}.", field="action")


def require_admin(actor: Actor, what: str) -> None:
    if actor.role is not Role.ADMIN:
        raise PermissionDenied(f"Only a clinic admin can {what}.", field="action")


def _join(a: str, b: str) -> str:
    return f"{a}; {b}" if a and b else a or b
