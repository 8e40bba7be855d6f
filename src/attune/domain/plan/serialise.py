"""Treatment plans as JSON-ready dicts, and back (strictly).

``from_dict`` refuses anything ``to_dict`` would not write — an unknown key, a wrong type,
a bad date or enum value — with a ValidationError naming the field path
(``goals[0].target.by``). It does not run the plan's rules: call
:func:`attune.domain.plan.validation.validate` for those.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from typing import TypeVar

from attune.domain.errors import ValidationError
from attune.domain.levelofcare.model import Level
from attune.domain.plan.model import (
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

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
JSON = Mapping[str, object]


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _target(target: Target) -> dict[str, object]:
    return {
        "instrument_id": target.instrument_id,
        "subscale": target.subscale,
        "comparison": target.comparison.value,
        "value": target.value,
        "by": target.by.isoformat(),
    }


def _aftercare(aftercare: Aftercare) -> dict[str, object]:
    follow_up = aftercare.follow_up
    return {
        "support_groups": list(aftercare.support_groups),
        "sober_community": list(aftercare.sober_community),
        "follow_up": None
        if follow_up is None
        else {
            "every_weeks": follow_up.every_weeks,
            "starts_on": _day(follow_up.starts_on),
            "occasions": follow_up.occasions,
        },
        "notes": aftercare.notes,
    }


def to_dict(plan: TreatmentPlan) -> dict[str, object]:
    return {
        "goals": [{"text": g.text, "target": _target(g.target)} for g in plan.goals],
        "review_on": plan.review_on.isoformat(),
        "modalities": [m.value for m in plan.modalities],
        "level_of_care": plan.level_of_care.value if plan.level_of_care else None,
        "kap": None
        if plan.kap is None
        else {
            "status": plan.kap.status,
            "reasons": list(plan.kap.reasons),
            "label": plan.kap.label,
        },
        "aftercare": _aftercare(plan.aftercare),
        "addresses": list(plan.addresses),
        "description": plan.description,
        "status": plan.status.value,
        "clinician_agreed_on": _day(plan.clinician_agreed_on),
        "patient_acknowledged_on": _day(plan.patient_acknowledged_on),
    }


# ----------------------------------------------------------------------------- reading


class _Reader:
    """Reads one object, naming fields by their path; refuses keys it was not asked for."""

    def __init__(self, data: object, where: str, keys: tuple[str, ...]) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError(f"{where or 'plan'} must be an object", field=where or "plan")
        for key in data:
            if key not in keys:
                path = f"{where}.{key}" if where else str(key)
                raise ValidationError(f"{path} is not a field of a plan", field=path)
        self.data: JSON = data
        self.where = where

    def path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def text(self, key: str, default: str = "") -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise ValidationError(f"{self.path(key)} must be text", field=self.path(key))
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{self.path(key)} must be a list of texts", field=self.path(key))
        return tuple(str(v) for v in value)

    def day(self, key: str) -> date:
        value = self.data.get(key)
        try:
            if isinstance(value, str):
                return date.fromisoformat(value)
        except ValueError:
            pass
        raise ValidationError(f"{self.path(key)} must be a date (YYYY-MM-DD)", field=self.path(key))

    def optional_day(self, key: str) -> date | None:
        return None if self.data.get(key) is None else self.day(key)

    def number(self, key: str) -> float:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(f"{self.path(key)} must be a number", field=self.path(key))
        return float(value)

    def whole(self, key: str) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValidationError(f"{self.path(key)} must be a whole number", field=self.path(key))
        return value

    def enum(self, key: str, kind: type[E]) -> E:
        try:
            return kind(self.data.get(key))
        except ValueError:
            choices = ", ".join(str(k.value) for k in kind)
            raise ValidationError(
                f"{self.path(key)} must be one of {choices}", field=self.path(key)
            ) from None

    def objects(self, key: str, read: Callable[[object, str], T]) -> tuple[T, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise ValidationError(f"{self.path(key)} must be a list", field=self.path(key))
        return tuple(read(item, f"{self.path(key)}[{i}]") for i, item in enumerate(value))


def _read_target(data: object, where: str) -> Target:
    r = _Reader(data, where, ("instrument_id", "subscale", "comparison", "value", "by"))
    subscale = r.raw("subscale")
    if subscale is not None and not isinstance(subscale, str):
        raise ValidationError(f"{r.path('subscale')} must be text", field=r.path("subscale"))
    return Target(
        r.text("instrument_id"),
        r.enum("comparison", Comparison),
        r.number("value"),
        r.day("by"),
        subscale,
    )


def _read_goal(data: object, where: str) -> Goal:
    r = _Reader(data, where, ("text", "target"))
    return Goal(r.text("text"), _read_target(r.raw("target"), r.path("target")))


def _read_modality(data: object, where: str) -> Modality:
    try:
        return Modality(data)
    except ValueError:
        choices = ", ".join(m.value for m in Modality)
        raise ValidationError(f"{where} must be one of {choices}", field=where) from None


def _read_aftercare(data: object, where: str) -> Aftercare:
    r = _Reader(data, where, ("support_groups", "sober_community", "follow_up", "notes"))
    follow_up: FollowUp | None = None
    if r.raw("follow_up") is not None:
        keys = ("every_weeks", "starts_on", "occasions")
        f = _Reader(r.raw("follow_up"), r.path("follow_up"), keys)
        occasions = None if f.raw("occasions") is None else f.whole("occasions")
        follow_up = FollowUp(f.whole("every_weeks"), f.optional_day("starts_on"), occasions)
    return Aftercare(
        r.texts("support_groups"), r.texts("sober_community"), follow_up, r.text("notes")
    )


def from_dict(data: object) -> TreatmentPlan:
    keys = tuple(to_dict(TreatmentPlan(goals=(), review_on=date.min)))
    r = _Reader(data, "", keys)
    kap: KapCandidacySummary | None = None
    if r.raw("kap") is not None:
        k = _Reader(r.raw("kap"), "kap", ("status", "reasons", "label"))
        kap = KapCandidacySummary(k.text("status"), k.texts("reasons"), k.text("label"))
    level = None if r.raw("level_of_care") is None else r.enum("level_of_care", Level)
    modalities = r.objects("modalities", _read_modality)
    return TreatmentPlan(
        goals=r.objects("goals", _read_goal),
        review_on=r.day("review_on"),
        modalities=modalities,
        level_of_care=level,
        kap=kap,
        aftercare=_read_aftercare(r.raw("aftercare") or {}, "aftercare"),
        addresses=r.texts("addresses"),
        description=r.text("description"),
        status=r.enum("status", PlanStatus) if "status" in r.data else PlanStatus.DRAFT,
        clinician_agreed_on=r.optional_day("clinician_agreed_on"),
        patient_acknowledged_on=r.optional_day("patient_acknowledged_on"),
    )
