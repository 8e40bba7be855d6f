"""A patient's check-ins as one row of numbers per calendar day.

:class:`DailySeries` holds one float array per answer, indexed by day from ``start``
(index 0) to ``start + days - 1``. A day with no check-in is NaN in every array and
False in ``checked_in``; a day with a check-in but no sleep answer is NaN in the two
sleep arrays only. ``used`` is 1.0 on a day with any use, 0.0 on a day without. Each
trigger and coping tag has its own array: 1.0 when chosen that day, 0.0 when not.

Both the services (from stored check-ins, :func:`series_from_checkins`) and the
simulator (from its own arrays, :func:`series_from_arrays`) build the same object, so the
insight and risk engines never know where the numbers came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
from numpy.typing import ArrayLike, NDArray

from attune.domain.errors import ValidationError
from attune.domain.monitoring.checkin import COPING, TRIGGERS, CheckIn

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: The per-day answers every series has, in a stable order.
MEASURES = (
    "mood",
    "stress",
    "loneliness",
    "craving",
    "sleep_hours",
    "sleep_quality",
    "used",
)


def _frozen(values: ArrayLike, name: str, days: int, dtype: type) -> NDArray[np.generic]:
    array: NDArray[np.generic] = np.array(values, dtype=dtype)
    if array.shape != (days,):
        raise ValidationError(
            f"{name} has {array.shape[0] if array.ndim == 1 else array.shape} values; "
            f"the series has {days} days.",
            field=name,
        )
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class DailySeries:
    """One patient's answers by day. Arrays are read-only; NaN means "not answered"."""

    start: date
    days: int
    mood: FloatArray
    stress: FloatArray
    loneliness: FloatArray
    craving: FloatArray
    sleep_hours: FloatArray
    sleep_quality: FloatArray
    used: FloatArray
    checked_in: BoolArray
    triggers: Mapping[str, FloatArray] = field(default_factory=dict)
    coping: Mapping[str, FloatArray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.days < 0:
            raise ValidationError("A series cannot have fewer than 0 days.", field="days")
        for name in MEASURES:
            object.__setattr__(
                self, name, _frozen(getattr(self, name), name, self.days, np.float64)
            )
        object.__setattr__(
            self, "checked_in", _frozen(self.checked_in, "checked_in", self.days, np.bool_)
        )
        for group in ("triggers", "coping"):
            tags: Mapping[str, FloatArray] = getattr(self, group)
            frozen = {
                tag: _frozen(values, f"{group}.{tag}", self.days, np.float64)
                for tag, values in tags.items()
            }
            object.__setattr__(self, group, frozen)

    @property
    def end(self) -> date:
        """The last day in the series (the day before ``start`` when it is empty)."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def checkins(self) -> int:
        """How many days have a check-in."""
        return int(self.checked_in.sum())

    def day_index(self, day: date) -> int:
        """The position of ``day`` (may fall outside ``0 … days - 1``)."""
        return (day - self.start).days

    def dates(self) -> tuple[date, ...]:
        return tuple(self.start + timedelta(days=i) for i in range(self.days))

    def measure(self, name: str) -> FloatArray:
        """One array by name: a measure, ``trigger:<tag>`` or ``coping:<tag>``."""
        if name in MEASURES:
            array: FloatArray = getattr(self, name)
            return array
        group, _, tag = name.partition(":")
        tags = self.triggers if group == "trigger" else self.coping if group == "coping" else {}
        if tag in tags:
            return tags[tag]
        if (group == "trigger" and tag in TRIGGERS) or (group == "coping" and tag in COPING):
            # A known tag nobody chose: 0 on check-in days, NaN on the others.
            return np.where(self.checked_in, 0.0, np.nan)
        raise ValidationError(f"The series has no measure {name!r}.", field="measure")

    def window(self, first: date, last: date) -> DailySeries:
        """The days from ``first`` to ``last`` inclusive; days outside the series are NaN."""
        count = max((last - first).days + 1, 0)
        offset = self.day_index(first)
        source = np.arange(offset, offset + count)
        inside = (source >= 0) & (source < self.days)
        safe = np.where(inside, source, 0)

        def take(values: FloatArray) -> FloatArray:
            if self.days == 0:
                return np.full(count, np.nan)
            return np.where(inside, values[safe], np.nan)

        checked = np.zeros(count, dtype=bool)
        if self.days:
            checked = np.where(inside, self.checked_in[safe], False)
        return _build(
            first,
            count,
            {name: take(getattr(self, name)) for name in MEASURES},
            checked,
            {tag: take(v) for tag, v in self.triggers.items()},
            {tag: take(v) for tag, v in self.coping.items()},
        )


def _build(
    start: date,
    days: int,
    values: Mapping[str, FloatArray],
    checked: BoolArray,
    triggers: Mapping[str, FloatArray],
    coping: Mapping[str, FloatArray],
) -> DailySeries:
    return DailySeries(
        start=start,
        days=days,
        mood=values["mood"],
        stress=values["stress"],
        loneliness=values["loneliness"],
        craving=values["craving"],
        sleep_hours=values["sleep_hours"],
        sleep_quality=values["sleep_quality"],
        used=values["used"],
        checked_in=checked,
        triggers=triggers,
        coping=coping,
    )


def series_from_checkins(checkins: Sequence[CheckIn], start: date, end: date) -> DailySeries:
    """The days from ``start`` to ``end`` inclusive; check-ins outside them are left out.

    Every known trigger and coping tag gets an array (0.0 on check-in days it was not
    chosen), so a series has the same keys whoever it belongs to.
    """
    if end < start - timedelta(days=1):
        raise ValidationError("The series ends before it starts.", field="end")
    days = (end - start).days + 1
    values = {name: np.full(days, np.nan) for name in MEASURES}
    checked = np.zeros(days, dtype=bool)
    triggers = {tag: np.full(days, np.nan) for tag in TRIGGERS}
    coping = {tag: np.full(days, np.nan) for tag in COPING}
    for checkin in checkins:
        i = (checkin.day - start).days
        if not 0 <= i < days:
            continue
        checked[i] = True
        values["mood"][i] = checkin.mood
        values["stress"][i] = checkin.stress
        values["loneliness"][i] = checkin.loneliness
        values["craving"][i] = checkin.craving
        values["used"][i] = 1.0 if checkin.used else 0.0
        if checkin.sleep_hours is not None:
            values["sleep_hours"][i] = checkin.sleep_hours
        if checkin.sleep_quality is not None:
            values["sleep_quality"][i] = checkin.sleep_quality
        for tag, array in triggers.items():
            array[i] = 1.0 if tag in checkin.triggers else 0.0
        for tag, array in coping.items():
            array[i] = 1.0 if tag in checkin.coping else 0.0
    return _build(start, days, values, checked, triggers, coping)


def series_from_arrays(
    start: date,
    *,
    mood: ArrayLike,
    stress: ArrayLike,
    loneliness: ArrayLike,
    craving: ArrayLike,
    used: ArrayLike,
    sleep_hours: ArrayLike | None = None,
    sleep_quality: ArrayLike | None = None,
    checked_in: ArrayLike | None = None,
    triggers: Mapping[str, ArrayLike] | None = None,
    coping: Mapping[str, ArrayLike] | None = None,
) -> DailySeries:
    """A series from one patient's arrays (the simulator's path).

    All arrays have one value per day. ``checked_in`` defaults to "craving was answered"
    (not NaN). Every answer on a day without a check-in becomes NaN, so a caller may pass
    full latent arrays plus a ``checked_in`` mask. Tags missing from ``triggers`` or
    ``coping`` are 0.0 on check-in days; tags Attune does not know are refused.
    """
    crave = np.asarray(craving, dtype=np.float64)
    days = crave.shape[0] if crave.ndim == 1 else -1
    if days < 0:
        raise ValidationError("craving must be a one-dimensional array.", field="craving")
    mask = ~np.isnan(crave) if checked_in is None else np.asarray(checked_in, dtype=bool)
    if mask.shape != (days,):
        raise ValidationError("checked_in must have one value per day.", field="checked_in")

    def masked(values: ArrayLike | None, name: str) -> FloatArray:
        if values is None:
            return np.full(days, np.nan)
        array = np.asarray(values, dtype=np.float64)
        if array.shape != (days,):
            raise ValidationError(f"{name} must have one value per day ({days}).", field=name)
        return np.where(mask, array, np.nan)

    def tag_arrays(
        given: Mapping[str, ArrayLike] | None, known: Mapping[str, str], group: str
    ) -> dict[str, FloatArray]:
        given = given or {}
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ValidationError(f"Unknown {group} tag {unknown[0]!r}.", field=group)
        return {
            tag: masked(given[tag], f"{group}.{tag}")
            if tag in given
            else np.where(mask, 0.0, np.nan)
            for tag in known
        }

    return DailySeries(
        start=start,
        days=days,
        mood=masked(mood, "mood"),
        stress=masked(stress, "stress"),
        loneliness=masked(loneliness, "loneliness"),
        craving=masked(crave, "craving"),
        used=masked(used, "used"),
        sleep_hours=masked(sleep_hours, "sleep_hours"),
        sleep_quality=masked(sleep_quality, "sleep_quality"),
        checked_in=mask,
        triggers=tag_arrays(triggers, TRIGGERS, "triggers"),
        coping=tag_arrays(coping, COPING, "coping"),
    )
