"""Check a goal's target against a series of scores: met, not yet, or no data.

:func:`check_target` looks at the latest measurement (the most recent ``when``): the
target is MET when that score satisfies the comparison, NOT_YET when it does not, and
NO_DATA when there is no scored measurement. The check says when the target was first
met (the start of the latest run of measurements that meet it) and whether its date has
passed without it being met. :func:`measurements` pulls the right number (total or
subscale) out of scored responses, skipping any that could not be scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from attune.domain.instruments import Score
from attune.domain.plan.model import Target


class TargetStatus(Enum):
    MET = "met"
    NOT_YET = "not-yet"
    NO_DATA = "no-data"


@dataclass(frozen=True)
class Measurement:
    """One score on the target's measure and when it was completed (aware UTC)."""

    when: datetime
    value: float


@dataclass(frozen=True)
class TargetCheck:
    status: TargetStatus
    latest: Measurement | None = None
    #: When the current run of measurements meeting the target began (None if not met).
    met_since: datetime | None = None
    #: True when the target date has passed and the target is not met.
    overdue: bool = False

    @property
    def text(self) -> str:
        if self.status is TargetStatus.NO_DATA:
            return "No scores yet." + (" The target date has passed." if self.overdue else "")
        if self.status is TargetStatus.MET:
            return "Met."
        return "Not yet met." + (" The target date has passed." if self.overdue else "")


def measurements(target: Target, scored: Iterable[tuple[datetime, Score]]) -> list[Measurement]:
    """The target's measure from each (when, score) of its instrument, oldest first."""
    out: list[Measurement] = []
    for when, score in scored:
        if score.instrument_id != target.instrument_id:
            continue
        value = score.total if target.subscale is None else score.subscales.get(target.subscale)
        if value is not None:
            out.append(Measurement(when, value))
    return sorted(out, key=lambda m: m.when)


def check_target(target: Target, series: Sequence[Measurement], today: date) -> TargetCheck:
    """Whether the target is met by the latest measurement in ``series``."""
    ordered = sorted(series, key=lambda m: m.when)
    passed = today > target.by
    if not ordered:
        return TargetCheck(TargetStatus.NO_DATA, overdue=passed)
    latest = ordered[-1]
    if not target.comparison.met(latest.value, target.value):
        return TargetCheck(TargetStatus.NOT_YET, latest, overdue=passed)
    since = latest.when
    for measurement in reversed(ordered):
        if not target.comparison.met(measurement.value, target.value):
            break
        since = measurement.when
    return TargetCheck(TargetStatus.MET, latest, met_since=since)
