"""A plan's agreement: the clinician agrees it, the patient acknowledges it.

The plan becomes AGREED when both have happened (in either order); each step records its
date. Changing an agreed plan starts a new draft with :func:`revise`, which clears both.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from attune.domain.errors import Conflict
from attune.domain.plan.model import PlanStatus, TreatmentPlan


def _status(plan: TreatmentPlan) -> TreatmentPlan:
    both = plan.clinician_agreed_on is not None and plan.patient_acknowledged_on is not None
    return replace(plan, status=PlanStatus.AGREED if both else PlanStatus.DRAFT)


def agree(plan: TreatmentPlan, on: date) -> TreatmentPlan:
    """The clinician agrees the plan. Refused when already agreed by the clinician."""
    if plan.clinician_agreed_on is not None:
        raise Conflict(f"The clinician already agreed this plan on {plan.clinician_agreed_on}.")
    return _status(replace(plan, clinician_agreed_on=on))


def acknowledge(plan: TreatmentPlan, on: date) -> TreatmentPlan:
    """The patient acknowledges the plan. Refused when already acknowledged."""
    if plan.patient_acknowledged_on is not None:
        raise Conflict(
            f"The patient already acknowledged this plan on {plan.patient_acknowledged_on}."
        )
    return _status(replace(plan, patient_acknowledged_on=on))


def revise(plan: TreatmentPlan) -> TreatmentPlan:
    """A draft copy of the plan to change: both agreement dates cleared."""
    return replace(
        plan, status=PlanStatus.DRAFT, clinician_agreed_on=None, patient_acknowledged_on=None
    )
