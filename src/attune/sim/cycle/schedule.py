"""What care each simulated patient gets, day by day.

A :class:`Schedule` holds ``[patients, days]`` arrays: therapy sessions, ketamine doses
(their strength: 1 a full dose, 0 none; a placebo arm simply has no doses) and
integration sessions, plus the level of care: one per patient, or one per patient and
day when care steps up or down (``Arm.level_changes``). Build one from
:class:`Arm` descriptions with :meth:`Schedule.from_arms`, or fill the arrays yourself
for anything an arm cannot say (e.g. a maintenance schedule that stops on a given day).
Attendance is drawn by the model: a schedule says what is *offered*.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.domain.errors import ValidationError
from attune.domain.levelofcare.model import Level

Bools = NDArray[np.bool_]
Floats32 = NDArray[np.float32]
Int8s = NDArray[np.int8]

#: Level codes used in ``Schedule.level`` (index into this tuple).
LEVELS: tuple[Level, ...] = tuple(Level)


@dataclass(frozen=True)
class Arm:
    """One way of delivering care, the same for every patient in the arm.

    ``therapy_weekdays`` are days of the week (0 = the first day of the simulation's week)
    with a therapy session, from ``start_day`` for ``therapy_weeks`` weeks.
    ``dose_days`` are days (from day 0) with a ketamine dose of ``dose_strength``;
    ``integration_after`` puts an integration session that many days after each dose
    (None: no integration sessions). ``level_changes`` are ``(day, level)`` pairs: from
    that day on the arm is at that level (e.g. residential for a month, then
    outpatient; or self-management before a trial's day 0).
    """

    name: str
    level: Level = Level.OUTPATIENT
    therapy_weekdays: tuple[int, ...] = ()
    therapy_weeks: int = 0
    start_day: int = 0
    dose_days: tuple[int, ...] = ()
    dose_strength: float = 1.0
    integration_after: int | None = None
    level_changes: tuple[tuple[int, Level], ...] = ()

    def __post_init__(self) -> None:
        if any(not 0 <= d <= 6 for d in self.therapy_weekdays):
            raise ValidationError("therapy_weekdays are 0 to 6", field="therapy_weekdays")
        if self.therapy_weeks < 0 or self.start_day < 0:
            raise ValidationError(
                "therapy_weeks and start_day are 0 or more", field="therapy_weeks"
            )
        if any(d < 0 for d in self.dose_days):
            raise ValidationError("dose_days are 0 or more", field="dose_days")
        if not 0 <= self.dose_strength <= 2:
            raise ValidationError("dose_strength is from 0 to 2", field="dose_strength")
        if self.integration_after is not None and self.integration_after < 0:
            raise ValidationError("integration_after is 0 or more", field="integration_after")
        if any(day < 0 for day, _ in self.level_changes):
            raise ValidationError("level_changes days are 0 or more", field="level_changes")

    def levels(self, days: int) -> Int8s:
        """The arm's level code on each day."""
        out = np.full(days, LEVELS.index(self.level), dtype=np.int8)
        for day, level in sorted(self.level_changes, key=lambda change: change[0]):
            out[day:] = LEVELS.index(level)
        return out


#: No treatment at all: self-management, no sessions, no doses.
NO_TREATMENT = Arm(name="no_treatment", level=Level.SELF_MANAGEMENT)


@dataclass(frozen=True)
class Schedule:
    """Offered care, ``[patients, days]``; ``level`` holds level-of-care codes (indexes
    into :data:`LEVELS`), ``[patients]`` or ``[patients, days]``; ``arm`` each patient's
    arm index into ``arms``."""

    therapy: Bools
    dose: Floats32
    integration: Bools
    level: Int8s
    arm: NDArray[np.int64]
    arms: tuple[Arm, ...]

    @property
    def shape(self) -> tuple[int, int]:
        n, d = self.therapy.shape
        return int(n), int(d)

    def __post_init__(self) -> None:
        shape = self.therapy.shape
        for name in ("dose", "integration"):
            if getattr(self, name).shape != shape:
                raise ValidationError(
                    f"schedule.{name}: expected shape {shape}, got {getattr(self, name).shape}",
                    field=name,
                )
        if self.level.shape not in (shape[:1], shape) or self.arm.shape != shape[:1]:
            raise ValidationError(
                "schedule.level needs one value per patient (or per patient and day); "
                "schedule.arm one per patient",
                field="level",
            )
        if self.level.size and (self.level.min() < 0 or self.level.max() >= len(LEVELS)):
            raise ValidationError("schedule.level: unknown level code", field="level")

    @property
    def start_level(self) -> Int8s:
        """Each patient's level on day 0."""
        return self.level if self.level.ndim == 1 else self.level[:, 0]

    def daily_levels(self, rows: slice) -> Int8s:
        """Level codes ``[days, patients in rows]`` (contiguous, for the engines)."""
        days = self.shape[1]
        part = self.level[rows]
        if part.ndim == 1:
            return np.ascontiguousarray(np.broadcast_to(part[None, :], (days, part.shape[0])))
        return np.ascontiguousarray(part.T)

    @classmethod
    def from_arms(
        cls, arms: Sequence[Arm], assignment: NDArray[np.int64] | Sequence[int], days: int
    ) -> Schedule:
        """Each patient ``i`` gets ``arms[assignment[i]]`` for ``days`` days."""
        if days < 1:
            raise ValidationError("days must be 1 or more", field="days")
        if not arms:
            raise ValidationError("give at least one arm", field="arms")
        index = np.asarray(assignment, dtype=np.int64)
        if index.ndim != 1:
            raise ValidationError("assignment: one arm index per patient", field="assignment")
        if index.size and (index.min() < 0 or index.max() >= len(arms)):
            raise ValidationError("assignment: an arm index is out of range", field="assignment")
        n = index.shape[0]
        rows = [_arm_rows(arm, days) for arm in arms]
        therapy = np.stack([r[0] for r in rows])[index] if n else np.zeros((0, days), np.bool_)
        dose = np.stack([r[1] for r in rows])[index] if n else np.zeros((0, days), np.float32)
        integ = np.stack([r[2] for r in rows])[index] if n else np.zeros((0, days), np.bool_)
        if any(a.level_changes for a in arms):
            by_day = np.stack([a.levels(days) for a in arms])
            level = by_day[index] if n else np.zeros((0, days), np.int8)
        else:
            starts = np.array([LEVELS.index(a.level) for a in arms], dtype=np.int8)
            level = starts[index] if n else np.zeros(0, np.int8)
        return cls(
            therapy=therapy,
            dose=dose,
            integration=integ,
            level=level,
            arm=index,
            arms=tuple(arms),
        )

    @classmethod
    def single(cls, arm: Arm, patients: int, days: int) -> Schedule:
        """Everyone in one arm."""
        return cls.from_arms([arm], np.zeros(patients, dtype=np.int64), days)


def _arm_rows(arm: Arm, days: int) -> tuple[Bools, Floats32, Bools]:
    therapy = np.zeros(days, dtype=np.bool_)
    for week in range(arm.therapy_weeks):
        for weekday in arm.therapy_weekdays:
            day = arm.start_day + 7 * week + weekday
            if day < days:
                therapy[day] = True
    dose = np.zeros(days, dtype=np.float32)
    integration = np.zeros(days, dtype=np.bool_)
    for day in arm.dose_days:
        if day < days:
            dose[day] = arm.dose_strength
        if arm.integration_after is not None and day + arm.integration_after < days:
            integration[day + arm.integration_after] = True
    return therapy, dose, integration
