"""Time as an injected port: services never call ``datetime.now()`` themselves.

``SystemClock`` is the real one; ``FixedClock`` is for tests and simulations (it only moves
when told to).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The computer's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until moved with :meth:`advance` or :meth:`set`."""

    def __init__(self, at: datetime) -> None:
        self._at = _require_aware(at)

    def now(self) -> datetime:
        return self._at

    def advance(self, delta: timedelta) -> None:
        self._at = self._at + delta

    def set(self, at: datetime) -> None:
        self._at = _require_aware(at)


def _require_aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a clock needs a timezone-aware datetime")
    return at.astimezone(UTC)


SYSTEM_CLOCK = SystemClock()
