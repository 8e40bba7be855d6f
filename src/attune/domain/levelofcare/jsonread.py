"""Strict readers for the level-of-care rules JSON: each error names where it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attune.domain.errors import InvalidDefinition


def fail(where: str, message: str) -> InvalidDefinition:
    return InvalidDefinition(f"level-of-care rules, {where}: {message}", field=where)


def check_keys(data: Mapping[str, object], allowed: set[str], where: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise fail(where, f"unknown key '{unknown[0]}'")


def nonempty_list(value: object, where: str) -> Sequence[object]:
    if not isinstance(value, list) or not value:
        raise fail(where, "expected a non-empty list")
    return value


def strings(value: object, where: str) -> tuple[str, ...]:
    items = nonempty_list(value, where)
    if not all(isinstance(v, str) for v in items):
        raise fail(where, "expected a list of text")
    return tuple(str(v) for v in items)


def number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise fail(where, "expected a number")
    return float(value)


def whole(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise fail(where, "expected a whole number of at least 1")
    return value


def text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(where, "expected text")
    return value


def obj(value: object, where: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fail(where, "expected an object")
    return value


def optional_list(value: object, where: str) -> Sequence[object]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(where, "expected a list")
    return value


def string_list(value: object, where: str) -> tuple[str, ...]:
    """A possibly empty (or absent) list of text."""
    items = optional_list(value, where)
    if not all(isinstance(v, str) for v in items):
        raise fail(where, "expected a list of text")
    return tuple(str(v) for v in items)
