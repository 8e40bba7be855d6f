"""The storage (JSON) form of the KAP records that are plain frozen dataclasses: the
in-office session record, the Spravato REMS record, the at-home gate and its result, the
check-ins and their outcomes, the integration note and a breathwork practice entry.

:func:`to_json` writes every field: enums by value, decimals as exact text, times as ISO
text with their offset, days as ``YYYY-MM-DD``, tuples as lists, nested records as
objects. :func:`from_json` is its strict inverse, driven by the record's own field types:
a missing field, a field the record does not have, a value of the wrong type, a naive time
or an unknown choice is refused, and every such problem is named together
(:class:`~attune.domain.errors.FormErrors`, fields by their path, e.g.
``vitals[2].systolic``). :func:`merge_json` applies a partial change (top-level fields in
the same JSON form) to a record, with the same checks.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar, get_args, get_origin, get_type_hints

from attune.domain.errors import FormErrors
from attune.domain.kap import checks

T = TypeVar("T")
Errors = list[tuple[str, str]]


def _out(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return checks.plain_decimal(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_out(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return to_json(value)
    raise TypeError(f"cannot store a {type(value).__name__}")


def to_json(record: object) -> dict[str, object]:
    """Every field of a dataclass record in its JSON form (see the module text)."""
    if not is_dataclass(record) or isinstance(record, type):
        raise TypeError("to_json takes a dataclass instance")
    return {f.name: _out(getattr(record, f.name)) for f in fields(record)}


_HINTS: dict[type[object], dict[str, object]] = {}


def _hints(cls: type[object]) -> dict[str, object]:
    if cls not in _HINTS:
        _HINTS[cls] = dict(get_type_hints(cls))
    return _HINTS[cls]


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _scalar(tp: object, value: object, where: str, errors: Errors) -> object:
    if tp is bool:
        if isinstance(value, bool):
            return value
        errors.append((where, "Choose yes or no."))
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        errors.append((where, "Enter a whole number."))
    elif tp is str:
        if isinstance(value, str):
            return value
        errors.append((where, "Enter text."))
    elif tp is Decimal:
        if isinstance(value, str | int) and not isinstance(value, bool):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = None
            if number is not None and number.is_finite():
                return number
        errors.append((where, "Enter a number."))
    elif tp is datetime:
        if isinstance(value, str):
            try:
                moment = datetime.fromisoformat(value)
            except ValueError:
                moment = None
            if moment is not None and moment.utcoffset() is not None:
                return moment
        errors.append((where, "Enter a date and time with its time zone."))
    elif tp is date:
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        errors.append((where, "Enter a date as YYYY-MM-DD."))
    else:
        raise TypeError(f"no storage form for {tp!r}")
    return None


def _in(tp: object, value: object, where: str, errors: Errors) -> object:
    origin, args = get_origin(tp), get_args(tp)
    if origin is types.UnionType or origin is typing.Union:
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _in(inner, value, where, errors)
    if origin is tuple:
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"no storage form for {tp!r}")
        if not isinstance(value, list):
            errors.append((where, "Expected a list."))
            return ()
        return tuple(_in(args[0], v, f"{where}[{i}]", errors) for i, v in enumerate(value))
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(value)
        except ValueError:
            choices = ", ".join(str(m.value) for m in tp)
            errors.append((where, f"Choose one of: {choices}."))
            return None
    if isinstance(tp, type) and is_dataclass(tp):
        return _record(tp, value, where, errors)
    return _scalar(tp, value, where, errors)


def _record(cls: type[T], data: object, where: str, errors: Errors) -> T | None:
    if not isinstance(data, Mapping):
        errors.append((where or "record", "Expected an object."))
        return None
    hints = _hints(cls)
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    for extra in sorted(str(k) for k in data if k not in names):
        errors.append((_join(where, extra), "This is not part of the record."))
    values: dict[str, object] = {}
    before = len(errors)
    for name in names:
        if name not in data:
            errors.append((_join(where, name), "This is missing."))
            continue
        values[name] = _in(hints[name], data[name], _join(where, name), errors)
    if len(errors) > before:
        return None
    return cls(**values)


def from_json(cls: type[T], data: object) -> T:
    """The record of type ``cls`` from its JSON form; FormErrors names every problem."""
    errors: Errors = []
    record = _record(cls, data, "", errors)
    if errors or record is None:
        raise FormErrors(tuple(errors) or (("record", "Expected an object."),))
    return record


def merge_json(record: T, changes: Mapping[str, object]) -> T:
    """``record`` with the top-level fields in ``changes`` (JSON form) replaced."""
    return from_json(type(record), {**to_json(record), **dict(changes)})
