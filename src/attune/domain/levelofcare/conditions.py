"""The small condition language of the level-of-care rules file.

A condition is one JSON object; the key that names its kind comes first::

    {"any": [c, ...]}  {"all": [c, ...]}  {"at_least": 2, "of": [c, ...]}
    {"answer": "mental_health.suicidal_thoughts_now", "in": [true], "evidence": "..."}
    {"answer": "situation.pressures", "contains_any": ["legal"], "evidence": "..."}
    {"answer": "situation.supports", "empty": true, "evidence": "..."}
    {"answer": "situation.pressures", "count_at_least": 2, "evidence": "..."}
    {"addiction": {"what": [...], "kind": [...], "current": true, "days_per_week_at_least": 5,
                   "alcohol_grams_at_least": 120, "years_at_least": 0.08}}
    {"medication": ["benzodiazepine", "other_sedative"]}
    {"score": "phq9", "total_at_least": 20}   {"score": "audit", "band_in": ["Zone IV"]}
    {"score": "phq9", "flag": "suicidal_ideation"}   {"score": "pcl5", "finding": "..."}
    {"open_flag": "suicidal_ideation"}
    {"treatment_outcomes": ["left_early", ...], "at_least": 2}

``answer`` paths index the intake's stored form (:func:`attune.domain.intake.to_dict`).
Every condition is monotone: more risk in the inputs can only make more of them true.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from attune.domain.levelofcare.jsonread import (
    check_keys,
    fail,
    nonempty_list,
    number,
    strings,
    text,
    whole,
)

Scalar = str | int | float | bool | None


@dataclass(frozen=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class AtLeast:
    count: int
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Answer:
    path: str
    evidence: str
    values: tuple[Scalar, ...] = ()
    contains_any: tuple[str, ...] = ()
    empty: bool = False
    count_at_least: int | None = None


@dataclass(frozen=True)
class AddictionMatch:
    what: tuple[str, ...] = ()
    kind: tuple[str, ...] = ()
    current: bool = False
    days_per_week_at_least: int | None = None
    alcohol_grams_at_least: float | None = None
    years_at_least: float | None = None


@dataclass(frozen=True)
class MedicationMatch:
    classes: tuple[str, ...]


@dataclass(frozen=True)
class ScoreMatch:
    instrument: str
    total_at_least: float | None = None
    band_in: tuple[str, ...] = ()
    flag: str | None = None
    finding: str | None = None


@dataclass(frozen=True)
class OpenFlag:
    flag: str


@dataclass(frozen=True)
class TreatmentOutcomes:
    outcomes: tuple[str, ...]
    count: int = 1


Condition = (
    AnyOf
    | AllOf
    | AtLeast
    | Answer
    | AddictionMatch
    | MedicationMatch
    | ScoreMatch
    | OpenFlag
    | TreatmentOutcomes
)


def _scalar(value: object, where: str) -> Scalar:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise fail(where, "expected a plain value")


def parse_condition(data: object, where: str) -> Condition:
    """Parse one condition; raises InvalidDefinition naming where it is."""
    if not isinstance(data, Mapping):
        raise fail(where, "a condition must be an object")
    if "any" in data or "all" in data:
        key = "any" if "any" in data else "all"
        check_keys(data, {key}, where)
        parts = tuple(
            parse_condition(c, f"{where}.{key}[{i}]")
            for i, c in enumerate(nonempty_list(data[key], where))
        )
        return AnyOf(parts) if key == "any" else AllOf(parts)
    if "of" in data:
        check_keys(data, {"at_least", "of"}, where)
        parts = tuple(
            parse_condition(c, f"{where}.of[{i}]")
            for i, c in enumerate(nonempty_list(data["of"], where))
        )
        count = whole(data.get("at_least"), f"{where}.at_least")
        if count > len(parts):
            raise fail(where, "at_least is more than the number of conditions")
        return AtLeast(count, parts)
    if "answer" in data:
        return _answer(data, where)
    if "addiction" in data:
        check_keys(data, {"addiction"}, where)
        return _addiction(data["addiction"], f"{where}.addiction")
    if "medication" in data:
        check_keys(data, {"medication"}, where)
        return MedicationMatch(strings(data["medication"], f"{where}.medication"))
    if "score" in data:
        return _score(data, where)
    if "open_flag" in data:
        check_keys(data, {"open_flag"}, where)
        return OpenFlag(text(data["open_flag"], f"{where}.open_flag"))
    if "treatment_outcomes" in data:
        check_keys(data, {"treatment_outcomes", "at_least"}, where)
        return TreatmentOutcomes(
            strings(data["treatment_outcomes"], f"{where}.treatment_outcomes"),
            whole(data.get("at_least", 1), f"{where}.at_least"),
        )
    raise fail(where, "unknown kind of condition")


def _answer(data: Mapping[str, object], where: str) -> Answer:
    check_keys(data, {"answer", "in", "contains_any", "empty", "count_at_least", "evidence"}, where)
    tests = [k for k in ("in", "contains_any", "empty", "count_at_least") if k in data]
    if len(tests) != 1:
        raise fail(where, "an answer condition needs exactly one of in, contains_any, empty, "
                    "count_at_least")  # fmt: skip
    values: tuple[Scalar, ...] = ()
    if "in" in data:
        values = tuple(_scalar(v, f"{where}.in") for v in nonempty_list(data["in"], f"{where}.in"))
    if "empty" in data and data["empty"] is not True:
        raise fail(f"{where}.empty", "expected true")
    return Answer(
        path=text(data["answer"], f"{where}.answer"),
        evidence=text(data.get("evidence"), f"{where}.evidence"),
        values=values,
        contains_any=(
            strings(data["contains_any"], f"{where}.contains_any") if "contains_any" in data else ()
        ),
        empty="empty" in data,
        count_at_least=(
            whole(data["count_at_least"], f"{where}.count_at_least")
            if "count_at_least" in data
            else None
        ),
    )


_ADDICTION_KEYS = {
    "what", "kind", "current", "days_per_week_at_least", "alcohol_grams_at_least",
    "years_at_least",
}  # fmt: skip


def _addiction(data: object, where: str) -> AddictionMatch:
    if not isinstance(data, Mapping):
        raise fail(where, "expected an object")
    check_keys(data, _ADDICTION_KEYS, where)
    current = data.get("current", False)
    if not isinstance(current, bool):
        raise fail(f"{where}.current", "expected true or false")

    def opt(key: str) -> float | None:
        return number(data[key], f"{where}.{key}") if key in data else None

    days_key = "days_per_week_at_least"
    days = whole(data[days_key], f"{where}.{days_key}") if days_key in data else None
    return AddictionMatch(
        what=strings(data["what"], f"{where}.what") if "what" in data else (),
        kind=strings(data["kind"], f"{where}.kind") if "kind" in data else (),
        current=current,
        days_per_week_at_least=days,
        alcohol_grams_at_least=opt("alcohol_grams_at_least"),
        years_at_least=opt("years_at_least"),
    )


def _score(data: Mapping[str, object], where: str) -> ScoreMatch:
    check_keys(data, {"score", "total_at_least", "band_in", "flag", "finding"}, where)
    tests = [k for k in ("total_at_least", "band_in", "flag", "finding") if k in data]
    if len(tests) != 1:
        raise fail(where, "a score condition needs exactly one of total_at_least, band_in, "
                    "flag, finding")  # fmt: skip
    return ScoreMatch(
        instrument=text(data["score"], f"{where}.score"),
        total_at_least=(
            number(data["total_at_least"], f"{where}.total_at_least")
            if "total_at_least" in data
            else None
        ),
        band_in=strings(data["band_in"], f"{where}.band_in") if "band_in" in data else (),
        flag=text(data["flag"], f"{where}.flag") if "flag" in data else None,
        finding=text(data["finding"], f"{where}.finding") if "finding" in data else None,
    )


def condition_to_dict(c: Condition) -> dict[str, object]:
    """The JSON form of a condition (the inverse of :func:`parse_condition`)."""
    if isinstance(c, AnyOf | AllOf):
        return {
            "any" if isinstance(c, AnyOf) else "all": [condition_to_dict(x) for x in c.conditions]
        }
    if isinstance(c, AtLeast):
        return {"at_least": c.count, "of": [condition_to_dict(x) for x in c.conditions]}
    if isinstance(c, Answer):
        out: dict[str, object] = {"answer": c.path}
        if c.values:
            out["in"] = list(c.values)
        elif c.contains_any:
            out["contains_any"] = list(c.contains_any)
        elif c.empty:
            out["empty"] = True
        else:
            out["count_at_least"] = c.count_at_least
        out["evidence"] = c.evidence
        return out
    if isinstance(c, AddictionMatch):
        inner: dict[str, object] = {}
        pairs: tuple[tuple[str, object], ...] = (
            ("what", list(c.what) or None),
            ("kind", list(c.kind) or None),
            ("current", c.current or None),
            ("days_per_week_at_least", c.days_per_week_at_least),
            ("alcohol_grams_at_least", c.alcohol_grams_at_least),
            ("years_at_least", c.years_at_least),
        )
        inner.update({k: v for k, v in pairs if v is not None})
        return {"addiction": inner}
    if isinstance(c, MedicationMatch):
        return {"medication": list(c.classes)}
    if isinstance(c, ScoreMatch):
        out = {"score": c.instrument}
        if c.total_at_least is not None:
            out["total_at_least"] = c.total_at_least
        elif c.band_in:
            out["band_in"] = list(c.band_in)
        elif c.flag is not None:
            out["flag"] = c.flag
        else:
            out["finding"] = c.finding
        return out
    if isinstance(c, OpenFlag):
        return {"open_flag": c.flag}
    return {"treatment_outcomes": list(c.outcomes), "at_least": c.count}
