"""Check a treatment plan before it is saved: every problem, each named by its field.

:func:`validate` returns ``(field, message)`` pairs in form order, e.g.
``("goals[0].target.value", 'Goal "Feel less low": 30 is outside the PHQ-9 total range,
0 to 27.')``; :func:`require_valid` raises them all as FormErrors. ``today`` is injected.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import date

from attune.domain.errors import FormErrors, UnknownInstrument
from attune.domain.instruments import Instrument, InstrumentLibrary, builtin_library
from attune.domain.plan.model import Comparison, Goal, PlanStatus, Target, TreatmentPlan

FieldErrors = tuple[tuple[str, str], ...]

MAX_GOALS = 10
MAX_GOAL_CHARS = 300
MAX_ENTRY_CHARS = 200
MAX_DESCRIPTION_CHARS = 2000
MAX_FOLLOW_UP_WEEKS = 52


def _bad_text(text: str, limit: int, *, required: bool = True) -> str | None:
    if required and not text.strip():
        return "This is empty: write something here or remove it."
    if len(text) > limit:
        return f"Please keep this to {limit} characters or fewer (it has {len(text)})."
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t\r" for c in text):
        return "This contains a control character that cannot be saved."
    return None


def _name(goal: Goal) -> str:
    text = " ".join(goal.text.split())
    return f'Goal "{text[:60]}…"' if len(text) > 60 else f'Goal "{text}"'


def measure_name(instrument: Instrument, target: Target) -> str:
    """E.g. "PHQ-9 total" or "ECR-R attachment anxiety"."""
    if target.subscale is None:
        return f"{instrument.abbreviation} total"
    return f"{instrument.abbreviation} {instrument.subscale(target.subscale).name.lower()}"


def target_range(instrument: Instrument, target: Target) -> tuple[float, float]:
    """The possible scores of the measure a target is on (KeyError for an unknown subscale)."""
    if target.subscale is None:
        return instrument.total_range
    sub = instrument.subscale(target.subscale)
    return instrument.range_of(sub.items, sub.method)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _target_errors(
    index: int, goal: Goal, library: InstrumentLibrary, today: date
) -> list[tuple[str, str]]:
    where, name, target = f"goals[{index}].target", _name(goal), goal.target
    errors: list[tuple[str, str]] = []
    if target.by < today:
        errors.append((f"{where}.by", f"{name}: the target date {target.by} is in the past."))
    try:
        instrument = library.get(target.instrument_id)
    except UnknownInstrument:
        known = ", ".join(i.id for i in library)
        message = f"{name}: there is no instrument '{target.instrument_id}' (known: {known})."
        return [(f"{where}.instrument_id", message), *errors]
    subscales = ", ".join(s.key for s in instrument.subscales)
    if target.subscale is None and not instrument.has_total:
        message = (
            f"{name}: the {instrument.abbreviation} has no total; choose one of its "
            f"subscales ({subscales})."
        )
        return [(f"{where}.subscale", message), *errors]
    if target.subscale is not None and target.subscale not in {s.key for s in instrument.subscales}:
        message = f"{name}: the {instrument.abbreviation} has no subscale '{target.subscale}'" + (
            f" (its subscales: {subscales})." if subscales else " (it has none)."
        )
        return [(f"{where}.subscale", message), *errors]
    low, high = target_range(instrument, target)
    measure = measure_name(instrument, target)
    if not math.isfinite(target.value) or not low <= target.value <= high:
        message = (
            f"{name}: {_fmt(target.value)} is outside the {measure} range, "
            f"{_fmt(low)} to {_fmt(high)}."
        )
        errors.insert(0, (f"{where}.value", message))
    elif (target.comparison is Comparison.BELOW and target.value <= low) or (
        target.comparison is Comparison.ABOVE and target.value >= high
    ):
        message = (
            f"{name}: the {measure} can never be {target.comparison.words} "
            f"{_fmt(target.value)} (scores run from {_fmt(low)} to {_fmt(high)})."
        )
        errors.insert(0, (f"{where}.value", message))
    return errors


def _goal_errors(plan: TreatmentPlan, library: InstrumentLibrary, today: date) -> FieldErrors:
    errors: list[tuple[str, str]] = []
    if not plan.goals:
        errors.append(("goals", "Add at least one goal, in the patient's own words."))
    elif len(plan.goals) > MAX_GOALS:
        errors.append(("goals", f"Please keep to {MAX_GOALS} goals or fewer."))
    for index, goal in enumerate(plan.goals):
        problem = _bad_text(goal.text, MAX_GOAL_CHARS)
        if problem:
            errors.append((f"goals[{index}].text", problem))
        errors.extend(_target_errors(index, goal, library, today))
    return tuple(errors)


def _list_errors(field: str, entries: tuple[str, ...]) -> FieldErrors:
    return tuple(
        (f"{field}[{i}]", problem)
        for i, entry in enumerate(entries)
        if (problem := _bad_text(entry, MAX_ENTRY_CHARS))
    )


def _aftercare_errors(plan: TreatmentPlan) -> FieldErrors:
    aftercare = plan.aftercare
    errors = [
        *_list_errors("aftercare.support_groups", aftercare.support_groups),
        *_list_errors("aftercare.sober_community", aftercare.sober_community),
    ]
    notes = _bad_text(aftercare.notes, MAX_DESCRIPTION_CHARS, required=False)
    if notes:
        errors.append(("aftercare.notes", notes))
    follow_up = aftercare.follow_up
    if follow_up is not None:
        if not 1 <= follow_up.every_weeks <= MAX_FOLLOW_UP_WEEKS:
            errors.append(
                (
                    "aftercare.follow_up.every_weeks",
                    f"Follow-up must be every 1 to {MAX_FOLLOW_UP_WEEKS} weeks.",
                )
            )
        if follow_up.occasions is not None and follow_up.occasions < 1:
            errors.append(
                ("aftercare.follow_up.occasions", "The number of follow-ups must be at least 1.")
            )
    return tuple(errors)


def _agreement_errors(plan: TreatmentPlan, today: date) -> FieldErrors:
    errors: list[tuple[str, str]] = []
    for field, when in (
        ("clinician_agreed_on", plan.clinician_agreed_on),
        ("patient_acknowledged_on", plan.patient_acknowledged_on),
    ):
        if when is not None and when > today:
            errors.append((field, f"The date {when} is in the future."))
    both = plan.clinician_agreed_on is not None and plan.patient_acknowledged_on is not None
    if plan.status is PlanStatus.AGREED and not both:
        errors.append(
            (
                "status",
                "A plan is agreed only once the clinician has agreed it and the patient has "
                "acknowledged it.",
            )
        )
    if plan.status is PlanStatus.DRAFT and both:
        errors.append(("status", "Both have agreed this plan, so it cannot be a draft."))
    return tuple(errors)


def validate(
    plan: TreatmentPlan, *, today: date, library: InstrumentLibrary | None = None
) -> FieldErrors:
    """Every problem with the plan, in form order; empty when it can be saved."""
    lib = library or builtin_library()
    errors = list(_goal_errors(plan, lib, today))
    if len(set(plan.modalities)) != len(plan.modalities):
        errors.append(("modalities", "Each modality only needs to be chosen once."))
    errors.extend(_list_errors("addresses", plan.addresses))
    description = _bad_text(plan.description, MAX_DESCRIPTION_CHARS, required=False)
    if description:
        errors.append(("description", description))
    if plan.kap is not None and not plan.kap.status.strip():
        errors.append(("kap.status", "The KAP candidacy summary needs a status."))
    errors.extend(_aftercare_errors(plan))
    if plan.review_on < today:
        errors.append(("review_on", f"The review date {plan.review_on} is in the past."))
    errors.extend(_agreement_errors(plan, today))
    return tuple(errors)


def require_valid(
    plan: TreatmentPlan, *, today: date, library: InstrumentLibrary | None = None
) -> TreatmentPlan:
    """Return the plan unchanged, or raise FormErrors listing every problem."""
    errors = validate(plan, today=today, library=library)
    if errors:
        raise FormErrors(errors)
    return plan
