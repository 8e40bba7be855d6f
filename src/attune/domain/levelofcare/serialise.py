"""A recommendation to and from a plain JSON-able dict, for storage.

``from_dict(to_dict(r)) == r``. Parsing is strict and raises ValidationError naming the
field, so a damaged stored record is reported rather than half-read.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

from attune.domain.errors import ValidationError
from attune.domain.levelofcare.model import (
    MAX_RATING,
    MIN_RATING,
    Action,
    Dimension,
    DimensionRating,
    Level,
    Recommendation,
    SafetyAction,
)

E = TypeVar("E", bound=Enum)


def to_dict(r: Recommendation) -> dict[str, object]:
    return {
        "level": r.level.value,
        "rules_version": r.rules_version,
        "dimensions": [
            {
                "dimension": d.dimension.value,
                "rating": d.rating,
                "evidence": list(d.evidence),
                "reasons": list(d.reasons),
                "context": list(d.context),
            }
            for d in r.dimensions
        ],
        "reasons": list(r.reasons),
        "safety_actions": [
            {"action": a.action.value, "reason": a.reason, "evidence": list(a.evidence)}
            for a in r.safety_actions
        ],
        "missing_information": list(r.missing_information),
    }


def _fail(where: str, expected: str) -> ValidationError:
    return ValidationError(f"recommendation {where}: expected {expected}", field=where)


def _obj(value: object, where: str, keys: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise _fail(where, "an object")
    if set(value) != keys:
        raise _fail(where, f"exactly the keys {', '.join(sorted(keys))}")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise _fail(where, "text")
    return value


def _texts(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _fail(where, "a list of text")
    return tuple(str(v) for v in value)


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _fail(where, "a list")
    return value


def _member(kind: type[E], value: object, where: str) -> E:
    for m in kind:
        if m.value == value:
            return m
    raise _fail(where, "one of " + ", ".join(str(m.value) for m in kind))


def _dimension(value: object, where: str) -> DimensionRating:
    d = _obj(value, where, {"dimension", "rating", "evidence", "reasons", "context"})
    rating = d["rating"]
    if (
        isinstance(rating, bool)
        or not isinstance(rating, int)
        or not MIN_RATING <= rating <= MAX_RATING
    ):
        raise _fail(f"{where}.rating", f"a whole number from {MIN_RATING} to {MAX_RATING}")
    return DimensionRating(
        dimension=_member(Dimension, d["dimension"], f"{where}.dimension"),
        rating=rating,
        evidence=_texts(d["evidence"], f"{where}.evidence"),
        reasons=_texts(d["reasons"], f"{where}.reasons"),
        context=_texts(d["context"], f"{where}.context"),
    )


def _action(value: object, where: str) -> SafetyAction:
    a = _obj(value, where, {"action", "reason", "evidence"})
    return SafetyAction(
        action=_member(Action, a["action"], f"{where}.action"),
        reason=_text(a["reason"], f"{where}.reason"),
        evidence=_texts(a["evidence"], f"{where}.evidence"),
    )


def from_dict(data: Mapping[str, object]) -> Recommendation:
    keys = {
        "level",
        "rules_version",
        "dimensions",
        "reasons",
        "safety_actions",
        "missing_information",
    }
    m = _obj(data, "", keys)
    return Recommendation(
        level=_member(Level, m["level"], "level"),
        rules_version=_text(m["rules_version"], "rules_version"),
        dimensions=tuple(
            _dimension(d, f"dimensions[{i}]")
            for i, d in enumerate(_list(m["dimensions"], "dimensions"))
        ),
        reasons=_texts(m["reasons"], "reasons"),
        safety_actions=tuple(
            _action(a, f"safety_actions[{i}]")
            for i, a in enumerate(_list(m["safety_actions"], "safety_actions"))
        ),
        missing_information=_texts(m["missing_information"], "missing_information"),
    )
