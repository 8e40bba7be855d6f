"""Vital signs during an in-office KAP session: readings, thresholds and visible warnings.

A :class:`VitalsReading` holds blood pressure (systolic/diastolic, mmHg), heart rate
(beats a minute) and SpO2 (%) at one time. A :class:`VitalsProtocol` is the clinic's
monitoring protocol as data: how often readings are due, how much leeway each due time
has, and the :class:`Threshold` list. :func:`warnings_for` compares a reading with the
thresholds and returns a :class:`VitalsWarning` for each metric out of range, naming
the reading, the threshold and when; for each metric and direction only the strongest
level breached is reported, so a reading further out of range never gives a weaker
warning.

The shipped thresholds (``thresholds/vitals.json``) are clinic-configurable DEFAULTS,
not clinical facts: a few are anchored in published figures (cited in the file and in
docs/kap.md), the rest are Attune's starting points for a clinic to review.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from importlib import resources

from attune.domain.kap import checks


class Metric(Enum):
    SYSTOLIC = "systolic"
    DIASTOLIC = "diastolic"
    HEART_RATE = "heart_rate"
    SPO2 = "spo2"

    @property
    def label(self) -> str:
        return _LABELS[self][0]

    @property
    def unit(self) -> str:
        return _LABELS[self][1]

    def amount(self, value: int) -> str:
        """E.g. "172 mmHg", "88%"."""
        return f"{value}%" if self is Metric.SPO2 else f"{value} {self.unit}"

    @property
    def in_sentence(self) -> str:
        return _LABELS[self][2]


_LABELS = {
    Metric.SYSTOLIC: ("Systolic blood pressure", "mmHg", "systolic blood pressure"),
    Metric.DIASTOLIC: ("Diastolic blood pressure", "mmHg", "diastolic blood pressure"),
    Metric.HEART_RATE: ("Heart rate", "beats a minute", "heart rate"),
    Metric.SPO2: ("Oxygen saturation (SpO2)", "%", "oxygen saturation"),
}

#: Values outside these ranges are refused as typing mistakes, not warned about.
PLAUSIBLE = {
    Metric.SYSTOLIC: (50, 300),
    Metric.DIASTOLIC: (20, 200),
    Metric.HEART_RATE: (20, 250),
    Metric.SPO2: (50, 100),
}


class Direction(Enum):
    ABOVE = "above"
    BELOW = "below"


class Level(Enum):
    """How strongly a reading is out of range: CAUTION (watch and recheck) or URGENT."""

    CAUTION = "caution"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return 1 if self is Level.CAUTION else 2


@dataclass(frozen=True)
class Threshold:
    """E.g. systolic ABOVE 160 at CAUTION. ``note`` says where the figure comes from."""

    metric: Metric
    direction: Direction
    value: int
    level: Level
    note: str = ""

    def breached_by(self, value: int) -> bool:
        return value > self.value if self.direction is Direction.ABOVE else value < self.value

    @property
    def text(self) -> str:
        """E.g. "above 160 mmHg"."""
        return f"{self.direction.value} {self.metric.amount(self.value)}"


@dataclass(frozen=True)
class VitalsProtocol:
    """The clinic's monitoring protocol. Readings are due at dosing (the baseline, taken
    within ``baseline_within_minutes`` before it) and every ``every_minutes`` after, each
    within ``grace_minutes`` either side."""

    thresholds: tuple[Threshold, ...]
    every_minutes: int = 15
    grace_minutes: int = 5
    baseline_within_minutes: int = 30
    #: Sedation and dissociation ratings (0–4) at or above these raise a warning.
    sedation_warn_at: int = 3
    dissociation_warn_at: int = 4
    basis: str = ""


@dataclass(frozen=True)
class VitalsReading:
    """One set of vital signs. Any value may be missing (not measured at that time)."""

    at: datetime
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None

    def value(self, metric: Metric) -> int | None:
        result: int | None = getattr(self, metric.value)
        return result

    @property
    def complete(self) -> bool:
        return all(self.value(m) is not None for m in Metric)


@dataclass(frozen=True)
class VitalsWarning:
    """One reading out of range: which reading, which threshold, when."""

    reading_index: int
    at: datetime
    metric: Metric
    value: int
    threshold: Threshold

    @property
    def level(self) -> Level:
        return self.threshold.level

    def message(self, tz: tzinfo | None = None) -> str:
        """E.g. "14:05: systolic blood pressure 172 mmHg is above the caution threshold
        of 160 mmHg."."""
        t, m = self.threshold, self.metric
        return (
            f"{checks.clock(self.at, tz)}: {m.in_sentence} {m.amount(self.value)} is "
            f"{t.direction.value} the {t.level.value} threshold of {m.amount(t.value)}."
        )


def warnings_for(
    reading: VitalsReading, thresholds: Sequence[Threshold], index: int = 0
) -> tuple[VitalsWarning, ...]:
    """The warnings one reading raises: per metric and direction, the strongest breached."""
    strongest: dict[tuple[Metric, Direction], Threshold] = {}
    for threshold in thresholds:
        value = reading.value(threshold.metric)
        if value is None or not threshold.breached_by(value):
            continue
        key = (threshold.metric, threshold.direction)
        held = strongest.get(key)
        if held is None or _stronger(threshold, held):
            strongest[key] = threshold
    return tuple(
        VitalsWarning(index, reading.at, t.metric, value, t)
        for t in sorted(strongest.values(), key=_order)
        if (value := reading.value(t.metric)) is not None
    )


def _stronger(a: Threshold, b: Threshold) -> bool:
    if a.level.rank != b.level.rank:
        return a.level.rank > b.level.rank
    # Same level: the more extreme threshold is the one the reading is further past.
    return a.value > b.value if a.direction is Direction.ABOVE else a.value < b.value


def _order(t: Threshold) -> tuple[int, int]:
    return (list(Metric).index(t.metric), 0 if t.direction is Direction.ABOVE else 1)


def timeline_warnings(
    readings: Sequence[VitalsReading], protocol: VitalsProtocol
) -> tuple[VitalsWarning, ...]:
    """Every warning over a session's readings, in time order."""
    ordered = sorted(enumerate(readings), key=lambda pair: pair[1].at)
    return tuple(w for i, r in ordered for w in warnings_for(r, protocol.thresholds, i))


def within_thresholds(reading: VitalsReading, protocol: VitalsProtocol) -> bool:
    """True when the reading is complete and raises no warning at all."""
    return reading.complete and not warnings_for(reading, protocol.thresholds)


def reading_errors(reading: VitalsReading, field: str) -> list[tuple[str, str]]:
    """Why a reading cannot be saved: a naive time, nothing measured, an implausible value
    or a diastolic pressure not below the systolic."""
    errors: list[tuple[str, str]] = []
    problem = checks.time_problem(reading.at)
    if problem:
        errors.append((f"{field}.at", problem))
    if all(reading.value(m) is None for m in Metric):
        errors.append((field, "This reading has no values: enter at least one measurement."))
    for metric in Metric:
        value = reading.value(metric)
        low, high = PLAUSIBLE[metric]
        if value is not None and not low <= value <= high:
            errors.append(
                (
                    f"{field}.{metric.value}",
                    f"{metric.label} {metric.amount(value)} is outside what can be measured "
                    f"({low} to {high}); please check the number.",
                )
            )
    if (reading.systolic is None) != (reading.diastolic is None):
        missing = "diastolic" if reading.diastolic is None else "systolic"
        errors.append((f"{field}.{missing}", "Blood pressure needs both numbers."))
    elif (
        reading.systolic is not None
        and reading.diastolic is not None
        and reading.diastolic >= reading.systolic
    ):
        errors.append(
            (
                f"{field}.diastolic",
                f"The diastolic pressure ({reading.diastolic}) must be lower than the "
                f"systolic ({reading.systolic}); were they swapped?",
            )
        )
    return errors


def due_times(start: datetime, end: datetime, every_minutes: int) -> tuple[datetime, ...]:
    """The times readings are due after dosing at ``start``: every ``every_minutes``
    until ``end`` (the baseline, due at ``start``, is checked by :func:`has_baseline`)."""
    step = timedelta(minutes=every_minutes)
    times, at = [], start + step
    while at <= end:
        times.append(at)
        at += step
    return tuple(times)


def missing_due_times(
    readings: Sequence[VitalsReading], start: datetime, end: datetime, protocol: VitalsProtocol
) -> tuple[datetime, ...]:
    """Due times with no reading within the protocol's grace either side."""
    grace = timedelta(minutes=protocol.grace_minutes)
    return tuple(
        due
        for due in due_times(start, end, protocol.every_minutes)
        if not any(abs(r.at - due) <= grace for r in readings)
    )


def has_baseline(
    readings: Sequence[VitalsReading], start: datetime, protocol: VitalsProtocol
) -> bool:
    """A complete reading taken before dosing, no earlier than the protocol allows."""
    earliest = start - timedelta(minutes=protocol.baseline_within_minutes)
    return any(r.complete and earliest <= r.at <= start for r in readings)


# --- the protocol as data -------------------------------------------------------------

_WHAT = "vitals protocol"
_KEYS = {
    "basis",
    "every_minutes",
    "grace_minutes",
    "baseline_within_minutes",
    "sedation_warn_at",
    "dissociation_warn_at",
    "thresholds",
}


def _threshold(value: object, where: str) -> Threshold:
    data = checks.obj(value, _WHAT, where, {"metric", "direction", "value", "level", "note"})
    try:
        metric = Metric(data.get("metric"))
        direction = Direction(data.get("direction"))
        level = Level(data.get("level"))
    except ValueError as error:
        raise checks.fail(_WHAT, where, str(error)) from None
    low, high = PLAUSIBLE[metric]
    number = checks.whole(data.get("value"), _WHAT, f"{where}.value", low, high)
    note = data.get("note", "")
    if not isinstance(note, str):
        raise checks.fail(_WHAT, f"{where}.note", "expected text")
    return Threshold(metric, direction, number, level, note)


def parse_protocol(data: object) -> VitalsProtocol:
    """A protocol from its JSON form; InvalidDefinition names anything wrong."""
    root = checks.obj(data, _WHAT, "root", _KEYS)
    thresholds = tuple(
        _threshold(item, f"thresholds[{i}]")
        for i, item in enumerate(checks.items(root.get("thresholds"), _WHAT, "thresholds"))
    )
    every = checks.whole(root.get("every_minutes", 15), _WHAT, "every_minutes", 1, 120)
    grace = checks.whole(root.get("grace_minutes", 5), _WHAT, "grace_minutes", 0, 60)
    if grace * 2 >= every:
        raise checks.fail(
            _WHAT,
            "grace_minutes",
            "must be less than half of every_minutes, so that due times do not overlap",
        )
    basis = root.get("basis", "")
    if not isinstance(basis, str):
        raise checks.fail(_WHAT, "basis", "expected text")
    return VitalsProtocol(
        thresholds=thresholds,
        every_minutes=every,
        grace_minutes=grace,
        baseline_within_minutes=checks.whole(
            root.get("baseline_within_minutes", 30), _WHAT, "baseline_within_minutes", 1, 240
        ),
        sedation_warn_at=checks.whole(
            root.get("sedation_warn_at", 3), _WHAT, "sedation_warn_at", 1, 4
        ),
        dissociation_warn_at=checks.whole(
            root.get("dissociation_warn_at", 4), _WHAT, "dissociation_warn_at", 1, 4
        ),
        basis=basis,
    )


def protocol_as_dict(protocol: VitalsProtocol) -> dict[str, object]:
    """The JSON form of a protocol (what :func:`parse_protocol` reads)."""
    return {
        "basis": protocol.basis,
        "every_minutes": protocol.every_minutes,
        "grace_minutes": protocol.grace_minutes,
        "baseline_within_minutes": protocol.baseline_within_minutes,
        "sedation_warn_at": protocol.sedation_warn_at,
        "dissociation_warn_at": protocol.dissociation_warn_at,
        "thresholds": [
            {
                "metric": t.metric.value,
                "direction": t.direction.value,
                "value": t.value,
                "level": t.level.value,
                "note": t.note,
            }
            for t in protocol.thresholds
        ],
    }


def default_protocol() -> VitalsProtocol:
    """The shipped defaults (clinic-configurable; see the file's notes)."""
    folder = resources.files("attune.domain.kap") / "thresholds"
    return parse_protocol(json.loads((folder / "vitals.json").read_text(encoding="utf-8")))
