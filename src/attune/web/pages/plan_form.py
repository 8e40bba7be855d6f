"""The treatment plan as an HTML form, and back: pure helpers, no I/O.

Field names are the plan's field paths (``goals[0].target.value``, ``review_on``,
``aftercare.follow_up.every_weeks``), the same names the plan's validation uses, so every
message lands next to its own control. A goal's instrument and subscale are one choice,
the "measure" (``phq9`` for the PHQ-9 total, ``ecrr/anxiety`` for an ECR-R subscale).
Goal rows left empty are dropped and the rest renumbered before anything is read.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from attune.domain.errors import FormErrors
from attune.domain.instruments import InstrumentLibrary
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    Modality,
    Target,
    TreatmentPlan,
    measure_name,
)

GOAL_KEYS = ("text", "target.measure", "target.comparison", "target.value", "target.by")
LIST_FIELDS = ("aftercare.support_groups", "aftercare.sober_community", "addresses")
TEXT_FIELDS = (
    "review_on",
    "description",
    "aftercare.notes",
    "aftercare.follow_up.every_weeks",
    "aftercare.follow_up.starts_on",
)
COMPARISON_WORDS = {
    Comparison.BELOW: "below",
    Comparison.AT_OR_BELOW: "at or below",
    Comparison.ABOVE: "above",
    Comparison.AT_OR_ABOVE: "at or above",
}
#: Errors the plan's validation names by instrument or subscale belong to the measure.
_MEASURE = re.compile(r"^(goals\[\d+\]\.target)\.(instrument_id|subscale)$")


@dataclass(frozen=True)
class Measure:
    value: str
    label: str


@dataclass(frozen=True)
class MeasureGroup:
    label: str
    measures: tuple[Measure, ...]


def measures(library: InstrumentLibrary) -> tuple[MeasureGroup, ...]:
    """Every total and subscale a target can be set on, grouped by instrument."""
    groups = []
    for instrument in library.list():
        options = []
        if instrument.has_total:
            options.append(Measure(instrument.id, f"{instrument.abbreviation} total"))
        for sub in instrument.subscales:
            options.append(
                Measure(f"{instrument.id}/{sub.key}", f"{instrument.abbreviation}: {sub.name}")
            )
        if options:
            groups.append(
                MeasureGroup(f"{instrument.abbreviation} — {instrument.title}", tuple(options))
            )
    return tuple(groups)


def measure_of(target: Target) -> str:
    return (
        target.instrument_id
        if target.subscale is None
        else f"{target.instrument_id}/{target.subscale}"
    )


def target_words(target: Target, library: InstrumentLibrary) -> str:
    """E.g. "PHQ-9 total below 10 by 1 June 2026"."""
    try:
        measure = measure_name(library.get(target.instrument_id), target)
    except (KeyError, LookupError):
        measure = measure_of(target)
    day = target.by
    return (
        f"{measure} {COMPARISON_WORDS[target.comparison]} {target.value:g} by "
        f"{day.day} {day.strftime('%B %Y')}"
    )


@dataclass
class PlanForm:
    """What the form shows: simple fields by name, goal rows, ticked modalities."""

    fields: dict[str, str] = field(default_factory=dict)
    goals: list[dict[str, str]] = field(default_factory=list)
    modalities: set[str] = field(default_factory=set)


def _fmt(value: float) -> str:
    return f"{value:g}"


def form_from_plan(plan: TreatmentPlan | None) -> PlanForm:
    """The saved plan as form values (an empty form before the first)."""
    form = PlanForm(fields={name: "" for name in (*TEXT_FIELDS, *LIST_FIELDS)})
    if plan is None:
        return form
    aftercare = plan.aftercare
    follow_up = aftercare.follow_up
    form.fields.update(
        {
            "review_on": plan.review_on.isoformat(),
            "description": plan.description,
            "addresses": "\n".join(plan.addresses),
            "aftercare.support_groups": "\n".join(aftercare.support_groups),
            "aftercare.sober_community": "\n".join(aftercare.sober_community),
            "aftercare.notes": aftercare.notes,
            "aftercare.follow_up.every_weeks": str(follow_up.every_weeks) if follow_up else "",
            "aftercare.follow_up.starts_on": (
                follow_up.starts_on.isoformat() if follow_up and follow_up.starts_on else ""
            ),
        }
    )
    form.goals = [
        {
            "text": g.text,
            "target.measure": measure_of(g.target),
            "target.comparison": g.target.comparison.value,
            "target.value": _fmt(g.target.value),
            "target.by": g.target.by.isoformat(),
        }
        for g in plan.goals
    ]
    form.modalities = {m.value for m in plan.modalities}
    return form


def _one(posted: Mapping[str, list[str]], name: str) -> str:
    values = posted.get(name, [])
    return values[0] if values else ""


def form_from_post(items: Iterable[tuple[str, object]]) -> PlanForm:
    """What was posted, empty goal rows dropped and the rest renumbered."""
    posted: dict[str, list[str]] = {}
    for key, value in items:
        if isinstance(value, str):
            posted.setdefault(key, []).append(value)
    form = PlanForm(fields={name: _one(posted, name) for name in (*TEXT_FIELDS, *LIST_FIELDS)})
    rows = sorted(
        {int(m.group(1)) for key in posted if (m := re.fullmatch(r"goals\[(\d+)\]\..+", key))}
    )
    for index in rows:
        row = {key: _one(posted, f"goals[{index}].{key}").strip() for key in GOAL_KEYS}
        # A row with only the default comparison chosen is still empty.
        if any(v for k, v in row.items() if k != "target.comparison"):
            form.goals.append(row)
    form.modalities = set(posted.get("modalities", []))
    return form


def _lines(text: str) -> tuple[str, ...]:
    return tuple(n for line in text.splitlines() if (n := " ".join(line.split())))


def _date(text: str, name: str, errors: list[tuple[str, str]], what: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors.append((name, f"Enter {what} as a date, for example 2026-06-01."))
        return None


def _goal(index: int, row: Mapping[str, str], errors: list[tuple[str, str]]) -> Goal | None:
    where = f"goals[{index}]"
    found = len(errors)
    measure = row["target.measure"]
    if not measure:
        errors.append((f"{where}.target.measure", "Choose how progress will be measured."))
    try:
        comparison = Comparison(row["target.comparison"])
    except ValueError:
        errors.append((f"{where}.target.comparison", "Choose below, above, or at."))
        comparison = Comparison.BELOW
    value: float | None = None
    text = row["target.value"].replace(",", ".")
    if not text:
        errors.append((f"{where}.target.value", "Enter the target score, for example 10."))
    else:
        try:
            value = float(text)
        except ValueError:
            value = None
        if value is None or not math.isfinite(value):
            errors.append((f"{where}.target.value", "Enter the target score as a number."))
    by = _date(row["target.by"], f"{where}.target.by", errors, "the target date")
    if by is None and not row["target.by"].strip():
        errors.append((f"{where}.target.by", "Choose the date to reach the target by."))
    if len(errors) > found or value is None or by is None:
        return None
    instrument_id, _, subscale = measure.partition("/")
    return Goal(row["text"], Target(instrument_id, comparison, value, by, subscale or None))


def parse_plan(form: PlanForm) -> TreatmentPlan:
    """The plan the form describes; FormErrors names every value that cannot be read.
    (The plan's own rules, such as a score out of range, are checked when it is saved.)"""
    errors: list[tuple[str, str]] = []
    goals = [_goal(i, row, errors) for i, row in enumerate(form.goals)]
    modalities = []
    for value in sorted(form.modalities):
        try:
            modalities.append(Modality(value))
        except ValueError:
            errors.append(("modalities", "Tick only the therapies offered."))
    f = form.fields
    review_on = _date(f["review_on"], "review_on", errors, "the review date")
    if review_on is None and not f["review_on"].strip():
        errors.append(("review_on", "Choose a date to review the plan together."))
    follow_up = None
    weeks = f["aftercare.follow_up.every_weeks"].strip()
    starts = _date(
        f["aftercare.follow_up.starts_on"], "aftercare.follow_up.starts_on", errors, "the start"
    )
    if weeks:
        try:
            follow_up = FollowUp(int(weeks), starts)
        except ValueError:
            errors.append(
                ("aftercare.follow_up.every_weeks", "Enter a whole number of weeks, e.g. 4.")
            )
    elif starts is not None:
        errors.append(
            ("aftercare.follow_up.every_weeks", "Say how many weeks apart the follow-ups are.")
        )
    if errors:
        raise FormErrors(tuple(errors))
    assert review_on is not None
    order = [m for m in Modality if m in modalities]
    return TreatmentPlan(
        goals=tuple(g for g in goals if g is not None),
        review_on=review_on,
        modalities=tuple(order),
        aftercare=Aftercare(
            support_groups=_lines(f["aftercare.support_groups"]),
            sober_community=_lines(f["aftercare.sober_community"]),
            follow_up=follow_up,
            notes=f["aftercare.notes"].strip(),
        ),
        addresses=_lines(f["addresses"]),
        description=f["description"].strip(),
    )


def control_for(field_name: str) -> str:
    """The form control an error about this field is shown by."""
    match = _MEASURE.match(field_name)
    if match:
        return f"{match.group(1)}.measure"
    if field_name.startswith(LIST_FIELDS) and "[" in field_name:
        return field_name.split("[", 1)[0]
    if field_name == "aftercare.follow_up.occasions":
        return "aftercare.follow_up.every_weeks"
    return field_name


def error_map(errors: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, message in errors:
        key = control_for(name)
        out[key] = f"{out[key]} {message}" if key in out else message
    return out
