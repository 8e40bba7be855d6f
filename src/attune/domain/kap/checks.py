"""Small checks shared by the KAP session, monitoring, at-home and ledger records.

Every check returns a message (or None) so that a caller can collect ``(field, message)``
pairs and raise them together as :class:`~attune.domain.errors.FormErrors`. The JSON
readers raise :class:`~attune.domain.errors.InvalidDefinition` naming where in a data file
the problem is.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation

from attune.domain.errors import FormErrors, InvalidDefinition

FieldErrors = tuple[tuple[str, str], ...]

MAX_SHORT_TEXT = 200
MAX_LONG_TEXT = 2000


def raise_if_any(errors: Sequence[tuple[str, str]]) -> None:
    """Raise every error at once, or do nothing when there are none."""
    if errors:
        raise FormErrors(tuple(errors))


def text_problem(text: str, limit: int = MAX_SHORT_TEXT, *, required: bool = True) -> str | None:
    """Why a piece of free text cannot be saved, or None."""
    if required and not text.strip():
        return "This is empty: please fill it in."
    if len(text) > limit:
        return f"Please keep this to {limit} characters or fewer (it has {len(text)})."
    if any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t\r" for c in text):
        return "This contains a control character that cannot be saved."
    return None


def time_problem(value: datetime) -> str | None:
    """Times are stored as timezone-aware datetimes (UTC by convention)."""
    if value.tzinfo is None or value.utcoffset() is None:
        return "This time has no time zone; times must be timezone-aware."
    return None


def clock(value: datetime, tz: tzinfo | None = None) -> str:
    """A time of day as people read it, e.g. "14:05", in ``tz`` when given."""
    return (value.astimezone(tz) if tz is not None else value).strftime("%H:%M")


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end`` (rounded down; negative when end is first)."""
    return int((end - start).total_seconds() // 60)


def plain_decimal(value: Decimal) -> str:
    """A decimal without exponent or trailing zeros: 35, 0.5, 12.25."""
    text = format(value.normalize(), "f")
    return text


# --- strict JSON readers --------------------------------------------------------------


def fail(what: str, where: str, message: str) -> InvalidDefinition:
    return InvalidDefinition(f"{what}, {where}: {message}", field=where)


def obj(value: object, what: str, where: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise fail(what, where, "expected an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise fail(what, where, f"unknown key '{unknown[0]}'")
    return value


def items(value: object, what: str, where: str) -> Sequence[object]:
    if not isinstance(value, list) or not value:
        raise fail(what, where, "expected a non-empty list")
    return value


def text(value: object, what: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise fail(what, where, "expected text")
    return value


def texts(value: object, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise fail(what, where, "expected a list of text")
    return tuple(str(v) for v in value)


def nonempty_texts(value: object, what: str, where: str) -> tuple[str, ...]:
    return texts(items(value, what, where), what, where)


def whole(value: object, what: str, where: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise fail(what, where, f"expected a whole number from {low} to {high}")
    return value


def decimal(value: object, what: str, where: str, low: Decimal, high: Decimal) -> Decimal:
    """A number from JSON read exactly (through its text, never through a float)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise fail(what, where, "expected a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise fail(what, where, "expected a number") from None
    if not number.is_finite() or not low <= number <= high:
        raise fail(what, where, f"expected a number from {low} to {high}")
    return number
