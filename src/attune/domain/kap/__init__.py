"""Ketamine-assisted psychotherapy (KAP): domain rules.

Public API so far::

    candidacy.screen(intake) -> Screen(outcome: Outcome, findings: tuple[Finding, ...], label)
        the PRELIMINARY candidacy screen from the intake: contraindications and cautions
        found, each with its reason, category and the intake field it came from.

    Programs (kap.program): Program(setting: Setting, medicine: Medicine); IN_OFFICE,
        AT_HOME, SPRAVATO_IN_OFFICE (offered, PROGRAMS) and SPRAVATO_AT_HOME (named only to
        be refused); program(id) parses "in_office" / "at_home" / "spravato_in_office".

    Eligibility (kap.eligibility, rules in kap/rules/eligibility_v1.json):
        assess(EligibilityInputs(intake, program, sex, blood_pressure, at_home, open_flags,
               phq9, phq9_on, safety_actions), assessed_at) -> Eligibility
            .outcome   EligibilityOutcome: ELIGIBLE / ELIGIBLE_WITH_CONDITIONS / NOT_ELIGIBLE
            .reasons   every Reason(code, severity: ReasonSeverity (exclude/condition/note),
                       text, sources, source_ids, evidence, overridable)
            .digest    sha256 of the result, which a sign-off names
        eligibility_to_dict / eligibility_from_dict (checks the digest)
    Sign-off (kap.signoff): sign_off(result, prescriber_user_id, signed_at, decision:
        Decision (APPROVE / DECLINE / OVERRIDE), note, overridden, rationale) -> SignOff

    Course (kap.course, protocols in kap/protocols/default.json):
        start(program, started_at) -> CourseState
        apply(state, event, now) -> CourseState, or raises StepRefused(reasons)
        next_steps(state, now, day) -> tuple[NextStep]   overdue(state, now)
        events: PreparationCompleted, ConsentRecorded, ConsentWithdrawn,
        EligibilitySignedOff, AtHomeGatePassed, AtHomeGateStopped, DoseRecorded,
        IntegrationCompleted, AdverseEventOpened, AdverseEventClosed, AftercareStarted,
        CourseStopped
"""

from attune.domain.kap.candidacy import (
    PRELIMINARY,
    Category,
    Finding,
    Outcome,
    Screen,
    Severity,
    screen,
)
from attune.domain.kap.course import apply, next_steps, overdue, start
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
    Dose,
    DoseRecorded,
    EligibilitySignedOff,
    Event,
    IntegrationCompleted,
    NextStep,
    OverdueIntegration,
    Phase,
    PreparationCompleted,
    StepKind,
)
from attune.domain.kap.course_rules import aftercare_blockers, dose_blockers
from attune.domain.kap.eligibility import assess
from attune.domain.kap.eligibility_model import (
    AtHomeAnswers,
    BloodPressure,
    Eligibility,
    EligibilityInputs,
    Reason,
)
from attune.domain.kap.eligibility_model import Outcome as EligibilityOutcome
from attune.domain.kap.eligibility_rules import EligibilityRules
from attune.domain.kap.eligibility_rules import Severity as ReasonSeverity
from attune.domain.kap.eligibility_rules import load_rules as load_eligibility_rules
from attune.domain.kap.eligibility_store import eligibility_from_dict, eligibility_to_dict
from attune.domain.kap.program import (
    AT_HOME,
    IN_OFFICE,
    PROGRAMS,
    SPRAVATO_AT_HOME,
    SPRAVATO_IN_OFFICE,
    Medicine,
    Program,
    Setting,
    program,
)
from attune.domain.kap.protocol import (
    Protocol,
    load_protocol,
    protocol_from_dict,
    protocol_to_dict,
)
from attune.domain.kap.signoff import (
    Decision,
    SignOff,
    sign_off,
    signoff_from_dict,
    signoff_problems,
    signoff_to_dict,
)

__all__ = [
    "AT_HOME",
    "IN_OFFICE",
    "PRELIMINARY",
    "PROGRAMS",
    "SPRAVATO_AT_HOME",
    "SPRAVATO_IN_OFFICE",
    "AdverseEventClosed",
    "AdverseEventOpened",
    "AftercareStarted",
    "AtHomeAnswers",
    "AtHomeGatePassed",
    "AtHomeGateStopped",
    "BloodPressure",
    "Category",
    "ConsentRecorded",
    "ConsentWithdrawn",
    "CourseState",
    "CourseStopped",
    "Decision",
    "Dose",
    "DoseRecorded",
    "Eligibility",
    "EligibilityInputs",
    "EligibilityOutcome",
    "EligibilityRules",
    "EligibilitySignedOff",
    "Event",
    "Finding",
    "IntegrationCompleted",
    "Medicine",
    "NextStep",
    "Outcome",
    "OverdueIntegration",
    "Phase",
    "PreparationCompleted",
    "Program",
    "Protocol",
    "Reason",
    "ReasonSeverity",
    "Screen",
    "Setting",
    "Severity",
    "SignOff",
    "StepKind",
    "aftercare_blockers",
    "apply",
    "assess",
    "dose_blockers",
    "eligibility_from_dict",
    "eligibility_to_dict",
    "load_eligibility_rules",
    "load_protocol",
    "next_steps",
    "overdue",
    "program",
    "protocol_from_dict",
    "protocol_to_dict",
    "screen",
    "sign_off",
    "signoff_from_dict",
    "signoff_problems",
    "signoff_to_dict",
    "start",
]
