"""The treatment plan: goals with measurable targets, modalities, level of care, KAP
candidacy, aftercare, a review date, and its agreement.

Public API (all pure)::

    TreatmentPlan(goals, review_on, modalities=(), level_of_care: Level | None, kap:
                  KapCandidacySummary | None, aftercare: Aftercare, addresses, description,
                  status: PlanStatus, clinician_agreed_on, patient_acknowledged_on)
    Goal(text, target: Target(instrument_id, comparison: Comparison, value, by, subscale))
    Modality (with .label)    Aftercare(support_groups, sober_community, follow_up:
                              FollowUp(every_weeks, starts_on, occasions), notes)

    validate(plan, today=, library=None) -> ((field, message), ...)   require_valid(...)
    agree(plan, on) / acknowledge(plan, on) / revise(plan)
    kap_summary(candidacy.Screen) -> KapCandidacySummary(status, reasons, label)
    check_target(target, measurements, today) -> TargetCheck(status: TargetStatus, ...)
    measurements(target, [(when, Score), ...]) -> [Measurement(when, value)]
    to_dict(plan) / from_dict(data)

The FHIR R4 CarePlan export is ``attune.fhir.careplan.to_careplan``.
"""

from attune.domain.plan.agreement import acknowledge, agree, revise
from attune.domain.plan.kap import kap_summary
from attune.domain.plan.model import (
    LEVEL_LABELS,
    MODALITY_LABELS,
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    KapCandidacySummary,
    Modality,
    PlanStatus,
    Target,
    TreatmentPlan,
)
from attune.domain.plan.serialise import from_dict, to_dict
from attune.domain.plan.targets import (
    Measurement,
    TargetCheck,
    TargetStatus,
    check_target,
    measurements,
)
from attune.domain.plan.validation import measure_name, require_valid, target_range, validate

__all__ = [
    "LEVEL_LABELS",
    "MODALITY_LABELS",
    "Aftercare",
    "Comparison",
    "FollowUp",
    "Goal",
    "KapCandidacySummary",
    "Measurement",
    "Modality",
    "PlanStatus",
    "Target",
    "TargetCheck",
    "TargetStatus",
    "TreatmentPlan",
    "acknowledge",
    "agree",
    "check_target",
    "from_dict",
    "kap_summary",
    "measure_name",
    "measurements",
    "require_valid",
    "revise",
    "target_range",
    "to_dict",
    "validate",
]
