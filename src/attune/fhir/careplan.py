"""TreatmentPlan → FHIR R4 CarePlan (a JSON-ready dict).

``to_careplan(plan, patient_reference=...)`` writes:

* ``status`` ``draft`` for a draft plan, ``active`` once agreed; ``intent`` ``plan``;
  ``subject`` the Patient reference; ``period.start`` the agreement date (or ``start``);
  ``created``; ``description``; ``addresses`` as display-only references (the problems in
  words); ``category`` the level of care (``urn:attune:level-of-care``).
* each goal as a contained ``Goal`` (``lifecycleStatus`` ``proposed``/``active``, the
  patient's words as ``description.text``, ``expressedBy`` the patient), referenced from
  ``CarePlan.goal``. Its ``target.measure`` is the instrument's LOINC total code where it
  has one, else a coding whose system is the Questionnaire's canonical URL and whose code is
  ``total`` or the subscale key; ``detailQuantity`` carries the value with the comparison
  as its ``comparator`` (``<``, ``<=``, ``>``, ``>=``) and ``dueDate`` the target date.
* ``activity`` entries (inline ``detail``, status ``not-started``): one per modality
  (kind ``ServiceRequest``, code ``urn:attune:modality``), one per support group and sober
  community, the follow-up schedule (kind ``Appointment`` with a repeating
  ``scheduledTiming``) and the plan review (kind ``Appointment`` on the review date).
* ``note``: the preliminary KAP candidacy summary, and the aftercare notes.

See docs/fhir.md ("CarePlan").
"""

from __future__ import annotations

from datetime import date, datetime

from attune.domain.instruments import Instrument, InstrumentLibrary, builtin_library
from attune.domain.plan import (
    LEVEL_LABELS,
    Comparison,
    Goal,
    PlanStatus,
    TreatmentPlan,
    measure_name,
)
from attune.fhir.canonical import LOINC, questionnaire_url

MODALITY_SYSTEM = "urn:attune:modality"
LEVEL_OF_CARE_SYSTEM = "urn:attune:level-of-care"
AFTERCARE_SYSTEM = "urn:attune:aftercare"
UCUM = "http://unitsofmeasure.org"
COMPARATORS = {
    Comparison.BELOW: "<",
    Comparison.AT_OR_BELOW: "<=",
    Comparison.ABOVE: ">",
    Comparison.AT_OR_ABOVE: ">=",
}
NOT_STARTED = "not-started"

Resource = dict[str, object]


def _measure(instrument: Instrument, goal: Goal, base_url: str | None) -> Resource:
    target = goal.target
    name = measure_name(instrument, target)
    if target.subscale is None and instrument.loinc_total:
        # No display: ours is not LOINC's official name; the concept's text carries it.
        coding: Resource = {"system": LOINC, "code": instrument.loinc_total}
    else:
        coding = {
            "system": questionnaire_url(instrument.id, base_url),
            "code": target.subscale or "total",
            "display": name,
        }
    return {"coding": [coding], "text": name}


def _goal(
    index: int,
    goal: Goal,
    plan: TreatmentPlan,
    patient: Resource,
    library: InstrumentLibrary,
    base_url: str | None,
) -> Resource:
    instrument = library.get(goal.target.instrument_id)
    return {
        "resourceType": "Goal",
        "id": f"goal-{index + 1}",
        "lifecycleStatus": "active" if plan.status is PlanStatus.AGREED else "proposed",
        "description": {"text": goal.text},
        "subject": patient,
        "expressedBy": patient,
        "target": [
            {
                "measure": _measure(instrument, goal, base_url),
                "detailQuantity": {
                    "value": goal.target.value,
                    "comparator": COMPARATORS[goal.target.comparison],
                    "unit": "score",
                    "system": UCUM,
                    "code": "{score}",
                },
                "dueDate": goal.target.by.isoformat(),
            }
        ],
    }


def _activity(text: str, code: Resource, kind: str | None = None, **extra: object) -> Resource:
    detail: Resource = {"code": code, "status": NOT_STARTED, "description": text}
    if kind:
        detail["kind"] = kind
    detail.update(extra)
    return {"detail": detail}


def _aftercare_code(code: str, display: str) -> Resource:
    return {"coding": [{"system": AFTERCARE_SYSTEM, "code": code, "display": display}]}


def _activities(plan: TreatmentPlan) -> list[Resource]:
    activities = [
        _activity(
            m.label,
            {"coding": [{"system": MODALITY_SYSTEM, "code": m.value, "display": m.label}]},
            "ServiceRequest",
        )
        for m in plan.modalities
    ]
    aftercare = plan.aftercare
    activities += [
        _activity(f"Support group: {g}", _aftercare_code("support-group", "Support group"))
        for g in aftercare.support_groups
    ]
    activities += [
        _activity(f"Sober community: {c}", _aftercare_code("sober-community", "Sober community"))
        for c in aftercare.sober_community
    ]
    follow_up = aftercare.follow_up
    if follow_up is not None:
        repeat: Resource = {"frequency": 1, "period": follow_up.every_weeks, "periodUnit": "wk"}
        if follow_up.starts_on:
            repeat["boundsPeriod"] = {"start": follow_up.starts_on.isoformat()}
        if follow_up.occasions:
            repeat["count"] = follow_up.occasions
        activities.append(
            _activity(
                follow_up.text,
                _aftercare_code("follow-up", "Follow-up"),
                "Appointment",
                scheduledTiming={"repeat": repeat},
            )
        )
    review = plan.review_on.isoformat()
    activities.append(
        _activity(
            f"Review the plan on {review}",
            _aftercare_code("plan-review", "Plan review"),
            "Appointment",
            scheduledPeriod={"start": review, "end": review},
        )
    )
    return activities


def _notes(plan: TreatmentPlan) -> list[Resource]:
    notes: list[Resource] = []
    if plan.kap is not None:
        reasons = "".join(f"\n- {r}" for r in plan.kap.reasons)
        label = f"\n\n{plan.kap.label}" if plan.kap.label else ""
        notes.append({"text": f"KAP candidacy (preliminary): {plan.kap.status}.{reasons}{label}"})
    if plan.aftercare.notes.strip():
        notes.append({"text": f"Aftercare: {plan.aftercare.notes}"})
    return notes


def _description(plan: TreatmentPlan) -> str:
    if plan.description.strip():
        return plan.description
    level = (
        f" at the {LEVEL_LABELS[plan.level_of_care].lower()} level of care"
        if (plan.level_of_care)
        else ""
    )
    count = len(plan.goals)
    return f"Treatment plan{level} with {count} goal{'s' if count != 1 else ''}."


def to_careplan(
    plan: TreatmentPlan,
    *,
    patient_reference: str,
    plan_id: str | None = None,
    created: datetime | None = None,
    start: date | None = None,
    base_url: str | None = None,
    library: InstrumentLibrary | None = None,
) -> Resource:
    """The plan as a FHIR R4 CarePlan. ``patient_reference`` is e.g. ``Patient/42``.

    Every goal's instrument must be in ``library`` (the built-in library by default):
    validate the plan first (:func:`attune.domain.plan.validate`).
    """
    lib = library or builtin_library()
    patient: Resource = {"reference": patient_reference}
    goals = [_goal(i, g, plan, patient, lib, base_url) for i, g in enumerate(plan.goals)]
    resource: Resource = {"resourceType": "CarePlan"}
    if plan_id:
        resource["id"] = plan_id
    resource["contained"] = goals
    resource.update(
        {
            "status": "active" if plan.status is PlanStatus.AGREED else "draft",
            "intent": "plan",
            "title": "Treatment plan",
            "description": _description(plan),
            "subject": patient,
        }
    )
    if plan.level_of_care is not None:
        label = LEVEL_LABELS[plan.level_of_care]
        resource["category"] = [
            {
                "coding": [
                    {
                        "system": LEVEL_OF_CARE_SYSTEM,
                        "code": plan.level_of_care.value,
                        "display": label,
                    }
                ],
                "text": f"Level of care: {label}",
            }
        ]
    period_start = plan.clinician_agreed_on or start
    if period_start is not None:
        resource["period"] = {"start": period_start.isoformat()}
    if created is not None:
        resource["created"] = created.isoformat()
    if plan.addresses:
        resource["addresses"] = [{"display": a} for a in plan.addresses]
    resource["goal"] = [{"reference": f"#{g['id']}"} for g in goals]
    resource["activity"] = _activities(plan)
    notes = _notes(plan)
    if notes:
        resource["note"] = notes
    return resource
