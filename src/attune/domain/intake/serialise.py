"""An intake to and from plain JSON-able dicts, for storage.

``from_dict(to_dict(intake)) == intake`` for every intake. Parsing is strict: an unknown
key, a value of the wrong type (a boolean where a number belongs, a float where a whole
number belongs, a date not written YYYY-MM-DD) or an unknown choice raises
:class:`ValidationError` naming the field path. A missing key means "not answered",
so a partly filled intake stores and loads as it is.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from enum import Enum
from typing import TypeVar

from attune.domain.errors import ValidationError
from attune.domain.intake.model import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medication,
    MedicationClass,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Pressure,
    PreviousTreatment,
    Readiness,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    WithdrawalHistory,
)

FORMAT = 1
E = TypeVar("E", bound=Enum)


def to_dict(intake: Intake) -> dict[str, object]:
    """The intake as a JSON-able dict (every key written)."""
    m, h, s, w = intake.medical, intake.mental_health, intake.situation, intake.withdrawal
    return {
        "format": FORMAT,
        "addictions": None if intake.addictions is None else [_addiction(a) for a in intake.named],
        "withdrawal": {
            "seizures": w.seizures,
            "delirium": w.delirium,
            "other_severe": w.other_severe,
            "other_detail": w.other_detail,
        },
        "medications": {
            "takes_any": intake.medications.takes_any,
            "items": [
                {"name": x.name, "classes": _values(x.classes)} for x in intake.medications.items
            ],
        },
        "medical": {
            "high_blood_pressure": m.high_blood_pressure,
            "blood_pressure_controlled": m.blood_pressure_controlled,
            "heart_disease": m.heart_disease,
            "aneurysm_or_brain_bleed": m.aneurysm_or_brain_bleed,
            "epilepsy": m.epilepsy,
            "liver_disease": _value(m.liver_disease),
            "pregnancy": _value(m.pregnancy),
            "other": m.other,
        },
        "mental_health": {
            "psychosis": _value(h.psychosis),
            "mania": _value(h.mania),
            "suicide_attempts": _value(h.suicide_attempts),
            "self_harm": _value(h.self_harm),
            "suicidal_thoughts_now": h.suicidal_thoughts_now,
        },
        "situation": {
            "stable_housing": s.stable_housing,
            "lives_alone": s.lives_alone,
            "lives_with_someone_who_uses": s.lives_with_someone_who_uses,
            "supports": None if s.supports is None else _values(s.supports),
            "support_detail": s.support_detail,
            "pressures": None if s.pressures is None else _values(s.pressures),
            "pressure_detail": s.pressure_detail,
        },
        "treatment": {
            "had_treatment": intake.treatment.had_treatment,
            "items": [
                {
                    "kind": t.kind.value,
                    "outcome": _value(t.outcome),
                    "year": t.year,
                    "detail": t.detail,
                }
                for t in intake.treatment.items
            ],
        },
        "readiness": {
            "ruler": intake.readiness.ruler,
            "stage": _value(intake.readiness.stage),
        },
        "goals": intake.goals,
    }


def _addiction(a: Addiction) -> dict[str, object]:
    return {
        "what": a.what.value,
        "detail": a.detail,
        "stopped": a.stopped,
        "days_per_week": a.days_per_week,
        "amount": a.amount,
        "unit": _value(a.unit),
        "last_use": a.last_use.isoformat() if a.last_use else None,
        "years_of_use": a.years_of_use,
    }


def _value(member: Enum | None) -> str | None:
    return None if member is None else str(member.value)


def _values(members: frozenset[E]) -> list[str]:
    return sorted(str(m.value) for m in members)


class _Reader:
    """One JSON object being read; every error names ``where`` plus the key."""

    def __init__(self, data: object, where: str, keys: tuple[str, ...]) -> None:
        if not isinstance(data, Mapping):
            raise ValidationError(f"{where or 'intake'}: expected an object", field=where)
        unknown = sorted(str(k) for k in data if k not in keys)
        if unknown:
            first = self._path(where, unknown[0])
            raise ValidationError(f"{first}: not an intake field", field=first)
        self.data: Mapping[object, object] = data
        self.where = where

    @staticmethod
    def _path(where: str, key: str) -> str:
        return f"{where}.{key}" if where else key

    def path(self, key: str) -> str:
        return self._path(self.where, key)

    def fail(self, key: str, expected: str) -> ValidationError:
        return ValidationError(f"{self.path(key)}: expected {expected}", field=self.path(key))

    def raw(self, key: str) -> object:
        return self.data.get(key)

    def boolean(self, key: str) -> bool | None:
        value = self.raw(key)
        if value is None or isinstance(value, bool):
            return value
        raise self.fail(key, "true, false or null")

    def integer(self, key: str) -> int | None:
        value = self.raw(key)
        if value is None or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise self.fail(key, "a whole number or null")

    def number(self, key: str) -> float | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, "a number or null")
        if not math.isfinite(value):
            raise self.fail(key, "a finite number")
        return float(value)

    def text(self, key: str) -> str:
        value = self.raw(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        raise self.fail(key, "text")

    def day(self, key: str) -> date | None:
        value = self.raw(key)
        if value is None:
            return None
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, "a date written YYYY-MM-DD")

    def choice(self, key: str, kind: type[E]) -> E | None:
        value = self.raw(key)
        if value is None:
            return None
        return _member(value, kind, self.path(key))

    def choice_set(self, key: str, kind: type[E]) -> frozenset[E] | None:
        value = self.raw(key)
        if value is None:
            return None
        if not isinstance(value, list):
            raise self.fail(key, "a list or null")
        return frozenset(_member(v, kind, f"{self.path(key)}[{i}]") for i, v in enumerate(value))

    def objects(self, key: str) -> list[object] | None:
        value = self.raw(key)
        if value is None or isinstance(value, list):
            return value
        raise self.fail(key, "a list or null")


def _section(top: _Reader, key: str) -> object:
    value = top.raw(key)
    return {} if value is None else value


def _member(value: object, kind: type[E], path: str) -> E:
    for member in kind:
        if member.value == value:
            return member
    allowed = ", ".join(str(m.value) for m in kind)
    raise ValidationError(f"{path}: {value!r} is not one of: {allowed}", field=path)


_ADDICTION_KEYS = (
    "what", "detail", "stopped", "days_per_week", "amount", "unit", "last_use", "years_of_use",
)  # fmt: skip


def _read_addiction(data: object, where: str) -> Addiction:
    r = _Reader(data, where, _ADDICTION_KEYS)
    what = r.choice("what", AddictionType)
    if what is None:
        raise r.fail("what", "what the addiction is")
    return Addiction(
        what=what,
        detail=r.text("detail"),
        stopped=bool(r.boolean("stopped")),
        days_per_week=r.integer("days_per_week"),
        amount=r.number("amount"),
        unit=r.choice("unit", AmountUnit),
        last_use=r.day("last_use"),
        years_of_use=r.number("years_of_use"),
    )


def _read_medications(data: object) -> Medications:
    r = _Reader({} if data is None else data, "medications", ("takes_any", "items"))
    items: list[Medication] = []
    for i, raw in enumerate(r.objects("items") or []):
        item = _Reader(raw, f"medications.items[{i}]", ("name", "classes"))
        items.append(
            Medication(
                item.text("name"), item.choice_set("classes", MedicationClass) or frozenset()
            )
        )
    return Medications(r.boolean("takes_any"), tuple(items))


def _read_treatment(data: object) -> TreatmentHistory:
    r = _Reader({} if data is None else data, "treatment", ("had_treatment", "items"))
    items: list[PreviousTreatment] = []
    for i, raw in enumerate(r.objects("items") or []):
        t = _Reader(raw, f"treatment.items[{i}]", ("kind", "outcome", "year", "detail"))
        kind = t.choice("kind", TreatmentKind)
        if kind is None:
            raise t.fail("kind", "the kind of treatment")
        items.append(
            PreviousTreatment(
                kind, t.choice("outcome", TreatmentOutcome), t.integer("year"), t.text("detail")
            )
        )
    return TreatmentHistory(r.boolean("had_treatment"), tuple(items))


_TOP_KEYS = (
    "format", "addictions", "withdrawal", "medications", "medical", "mental_health",
    "situation", "treatment", "readiness", "goals",
)  # fmt: skip


def from_dict(data: Mapping[str, object]) -> Intake:
    """Parse a stored intake; raises ValidationError naming the first bad field."""
    top = _Reader(data, "", _TOP_KEYS)
    fmt = top.integer("format")
    if fmt is not None and fmt != FORMAT:
        raise ValidationError(f"format: this version reads format {FORMAT}", field="format")
    raw_addictions = top.objects("addictions")
    addictions = (
        None
        if raw_addictions is None
        else tuple(_read_addiction(a, f"addictions[{i}]") for i, a in enumerate(raw_addictions))
    )
    w = _Reader(
        _section(top, "withdrawal"),
        "withdrawal",
        ("seizures", "delirium", "other_severe", "other_detail"),
    )
    m = _Reader(_section(top, "medical"), "medical", (
        "high_blood_pressure", "blood_pressure_controlled", "heart_disease",
        "aneurysm_or_brain_bleed", "epilepsy", "liver_disease", "pregnancy", "other",
    ))  # fmt: skip
    h = _Reader(_section(top, "mental_health"), "mental_health", (
        "psychosis", "mania", "suicide_attempts", "self_harm", "suicidal_thoughts_now",
    ))  # fmt: skip
    s = _Reader(_section(top, "situation"), "situation", (
        "stable_housing", "lives_alone", "lives_with_someone_who_uses", "supports",
        "support_detail", "pressures", "pressure_detail",
    ))  # fmt: skip
    rd = _Reader(_section(top, "readiness"), "readiness", ("ruler", "stage"))
    return Intake(
        addictions=addictions,
        withdrawal=WithdrawalHistory(
            w.boolean("seizures"),
            w.boolean("delirium"),
            w.boolean("other_severe"),
            w.text("other_detail"),
        ),
        medications=_read_medications(top.raw("medications")),
        medical=MedicalHistory(
            high_blood_pressure=m.boolean("high_blood_pressure"),
            blood_pressure_controlled=m.boolean("blood_pressure_controlled"),
            heart_disease=m.boolean("heart_disease"),
            aneurysm_or_brain_bleed=m.boolean("aneurysm_or_brain_bleed"),
            epilepsy=m.boolean("epilepsy"),
            liver_disease=m.choice("liver_disease", LiverDisease),
            pregnancy=m.choice("pregnancy", Pregnancy),
            other=m.text("other"),
        ),
        mental_health=MentalHealthHistory(
            psychosis=h.choice("psychosis", EpisodeHistory),
            mania=h.choice("mania", EpisodeHistory),
            suicide_attempts=h.choice("suicide_attempts", AttemptHistory),
            self_harm=h.choice("self_harm", SelfHarm),
            suicidal_thoughts_now=h.boolean("suicidal_thoughts_now"),
        ),
        situation=Situation(
            stable_housing=s.boolean("stable_housing"),
            lives_alone=s.boolean("lives_alone"),
            lives_with_someone_who_uses=s.boolean("lives_with_someone_who_uses"),
            supports=s.choice_set("supports", Support),
            support_detail=s.text("support_detail"),
            pressures=s.choice_set("pressures", Pressure),
            pressure_detail=s.text("pressure_detail"),
        ),
        treatment=_read_treatment(top.raw("treatment")),
        readiness=Readiness(rd.integer("ruler"), rd.choice("stage", Stage)),
        goals=top.text("goals"),
    )
