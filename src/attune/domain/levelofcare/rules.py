"""The level-of-care rules: versioned data, read from ``rules/<name>.json``.

The engine has no clinical thresholds of its own; everything it compares against comes
from the rules file (docs/levelofcare.md describes the format and ADR 0010 the choices).
Parsing is strict and ``parse_rules(rules_to_dict(r)) == r``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import TypeVar

from attune.domain.levelofcare.conditions import Condition, condition_to_dict, parse_condition
from attune.domain.levelofcare.jsonread import (
    check_keys,
    fail,
    nonempty_list,
    number,
    obj,
    optional_list,
    string_list,
    text,
    whole,
)
from attune.domain.levelofcare.model import MAX_RATING, MIN_RATING, Action, Dimension, Level

DEFAULT_RULES = "v1"
E = TypeVar("E", Level, Dimension, Action)


@dataclass(frozen=True)
class Criterion:
    """When ``when`` holds, the dimension is rated at least ``rating``, for ``reason``."""

    id: str
    rating: int
    when: Condition
    reason: str


@dataclass(frozen=True)
class ContextNote:
    """A score shown with a dimension for understanding; never changes the rating."""

    instrument: str
    note: str


@dataclass(frozen=True)
class DimensionRules:
    dimension: Dimension
    name: str
    question: str
    criteria: tuple[Criterion, ...]
    context: tuple[ContextNote, ...] = ()
    #: Instruments whose absence is reported as missing information.
    instruments: tuple[str, ...] = ()


@dataclass(frozen=True)
class LevelInfo:
    level: Level
    name: str
    description: str


@dataclass(frozen=True)
class Combination:
    """At least ``count`` dimensions rated ``rating`` or more (including every dimension
    in ``including``) lift the level to at least ``level``."""

    id: str
    rating: int
    count: int
    level: Level
    reason: str
    including: tuple[Dimension, ...] = ()


@dataclass(frozen=True)
class SafetyRule:
    action: Action
    name: str
    when: Condition
    reason: str


@dataclass(frozen=True)
class Rules:
    version: str
    title: str
    recent_use_days: int
    alcohol_grams: Mapping[str, float]
    levels: tuple[LevelInfo, ...]
    level_for_rating: tuple[Level, ...]
    combinations: tuple[Combination, ...]
    dimensions: tuple[DimensionRules, ...]
    safety: tuple[SafetyRule, ...]
    notes: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def dimension(self, dimension: Dimension) -> DimensionRules:
        for d in self.dimensions:
            if d.dimension is dimension:
                return d
        raise KeyError(dimension)

    def level_info(self, level: Level) -> LevelInfo:
        for info in self.levels:
            if info.level is level:
                return info
        raise KeyError(level)

    def action_name(self, action: Action) -> str:
        return next((s.name for s in self.safety if s.action is action), action.value)


def _rating(value: object, where: str) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not MIN_RATING <= value <= MAX_RATING
    ):
        raise fail(where, f"expected a rating from {MIN_RATING} to {MAX_RATING}")
    return value


def _member(kind: type[E], value: object, where: str) -> E:
    for member in kind:
        if member.value == value:
            return member
    raise fail(where, f"unknown value {value!r}")


def _criterion(data: object, where: str) -> Criterion:
    m = obj(data, where)
    check_keys(m, {"id", "rating", "when", "reason"}, where)
    return Criterion(
        id=text(m.get("id"), f"{where}.id"),
        rating=_rating(m.get("rating"), f"{where}.rating"),
        when=parse_condition(m.get("when"), f"{where}.when"),
        reason=text(m.get("reason"), f"{where}.reason"),
    )


def _context(data: object, where: str) -> ContextNote:
    m = obj(data, where)
    check_keys(m, {"score", "note"}, where)
    return ContextNote(text(m.get("score"), f"{where}.score"), text(m.get("note"), f"{where}.note"))


def _dimension(data: object, where: str) -> DimensionRules:
    m = obj(data, where)
    check_keys(m, {"id", "name", "question", "criteria", "context", "instruments"}, where)
    ctx = optional_list(m.get("context"), f"{where}.context")
    return DimensionRules(
        dimension=_member(Dimension, m.get("id"), f"{where}.id"),
        name=text(m.get("name"), f"{where}.name"),
        question=text(m.get("question"), f"{where}.question"),
        criteria=tuple(
            _criterion(c, f"{where}.criteria[{i}]")
            for i, c in enumerate(nonempty_list(m.get("criteria"), f"{where}.criteria"))
        ),
        context=tuple(_context(c, f"{where}.context[{i}]") for i, c in enumerate(ctx)),
        instruments=string_list(m.get("instruments"), f"{where}.instruments"),
    )


def _level_info(data: object, where: str) -> LevelInfo:
    m = obj(data, where)
    check_keys(m, {"id", "name", "description"}, where)
    return LevelInfo(
        _member(Level, m.get("id"), f"{where}.id"),
        text(m.get("name"), f"{where}.name"),
        text(m.get("description"), f"{where}.description"),
    )


def _combination(data: object, where: str) -> Combination:
    m = obj(data, where)
    check_keys(
        m, {"id", "rating_at_least", "dimensions_at_least", "including", "level", "reason"}, where
    )
    including = tuple(
        _member(Dimension, d, f"{where}.including")
        for d in optional_list(m.get("including"), f"{where}.including")
    )
    count = whole(m.get("dimensions_at_least"), f"{where}.dimensions_at_least")
    if len(including) > count or count > len(Dimension):
        raise fail(where, "dimensions_at_least does not fit the dimensions named")
    return Combination(
        id=text(m.get("id"), f"{where}.id"),
        rating=_rating(m.get("rating_at_least"), f"{where}.rating_at_least"),
        count=count,
        level=_member(Level, m.get("level"), f"{where}.level"),
        reason=text(m.get("reason"), f"{where}.reason"),
        including=including,
    )


def _safety(data: object, where: str) -> SafetyRule:
    m = obj(data, where)
    check_keys(m, {"action", "name", "when", "reason"}, where)
    return SafetyRule(
        action=_member(Action, m.get("action"), f"{where}.action"),
        name=text(m.get("name"), f"{where}.name"),
        when=parse_condition(m.get("when"), f"{where}.when"),
        reason=text(m.get("reason"), f"{where}.reason"),
    )


_TOP = {
    "version", "title", "recent_use_days", "alcohol_grams", "levels", "level_for_rating",
    "combinations", "dimensions", "safety_actions", "notes", "sources",
}  # fmt: skip


def parse_rules(data: Mapping[str, object]) -> Rules:
    """Parse a rules mapping; raises InvalidDefinition naming the first bad field."""
    m = obj(data, "rules")
    check_keys(m, _TOP, "rules")
    grams_raw = obj(m.get("alcohol_grams"), "alcohol_grams")
    grams = {str(k): number(v, f"alcohol_grams.{k}") for k, v in grams_raw.items()}
    levels = tuple(
        _level_info(x, f"levels[{i}]")
        for i, x in enumerate(nonempty_list(m.get("levels"), "levels"))
    )
    if [x.level for x in levels] != list(Level):
        raise fail("levels", "list every level once, least intensive first")
    by_rating = tuple(
        _member(Level, x, f"level_for_rating[{i}]")
        for i, x in enumerate(nonempty_list(m.get("level_for_rating"), "level_for_rating"))
    )
    if len(by_rating) != MAX_RATING + 1 or any(a > b for a, b in pairwise(by_rating)):
        raise fail("level_for_rating", "give one level per rating 0-4, never decreasing")
    dimensions = tuple(
        _dimension(x, f"dimensions[{i}]")
        for i, x in enumerate(nonempty_list(m.get("dimensions"), "dimensions"))
    )
    if [d.dimension for d in dimensions] != list(Dimension):
        raise fail("dimensions", "list the six dimensions once each, in order")
    safety = tuple(
        _safety(x, f"safety_actions[{i}]")
        for i, x in enumerate(nonempty_list(m.get("safety_actions"), "safety_actions"))
    )
    return Rules(
        version=text(m.get("version"), "version"),
        title=text(m.get("title"), "title"),
        recent_use_days=whole(m.get("recent_use_days"), "recent_use_days"),
        alcohol_grams=grams,
        levels=levels,
        level_for_rating=by_rating,
        combinations=tuple(
            _combination(x, f"combinations[{i}]")
            for i, x in enumerate(optional_list(m.get("combinations"), "combinations"))
        ),
        dimensions=dimensions,
        safety=safety,
        notes=tuple(text(x, "notes") for x in optional_list(m.get("notes"), "notes")),
        sources=tuple(text(x, "sources") for x in optional_list(m.get("sources"), "sources")),
    )


def rules_to_dict(rules: Rules) -> dict[str, object]:
    """The JSON form of the rules (the inverse of :func:`parse_rules`)."""
    return {
        "version": rules.version,
        "title": rules.title,
        "recent_use_days": rules.recent_use_days,
        "alcohol_grams": dict(rules.alcohol_grams),
        "levels": [
            {"id": x.level.value, "name": x.name, "description": x.description}
            for x in rules.levels
        ],
        "level_for_rating": [x.value for x in rules.level_for_rating],
        "combinations": [
            {
                "id": c.id,
                "rating_at_least": c.rating,
                "dimensions_at_least": c.count,
                "including": [d.value for d in c.including],
                "level": c.level.value,
                "reason": c.reason,
            }
            for c in rules.combinations
        ],
        "dimensions": [
            {
                "id": d.dimension.value,
                "name": d.name,
                "question": d.question,
                "instruments": list(d.instruments),
                "criteria": [
                    {
                        "id": c.id,
                        "rating": c.rating,
                        "when": condition_to_dict(c.when),
                        "reason": c.reason,
                    }
                    for c in d.criteria
                ],
                "context": [{"score": n.instrument, "note": n.note} for n in d.context],
            }
            for d in rules.dimensions
        ],
        "safety_actions": [
            {
                "action": s.action.value,
                "name": s.name,
                "when": condition_to_dict(s.when),
                "reason": s.reason,
            }
            for s in rules.safety
        ],
        "notes": list(rules.notes),
        "sources": list(rules.sources),
    }


@cache
def load_rules(name: str = DEFAULT_RULES) -> Rules:
    """The rules shipped with Attune (``rules/<name>.json``)."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise fail("name", f"no rules named {name!r}")
    folder = resources.files("attune.domain.levelofcare") / "rules"
    path = folder / f"{name}.json"
    if not path.is_file():
        raise fail("name", f"no rules named {name!r}")
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_rules(obj(data, "rules"))
