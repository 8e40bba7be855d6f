"""Where a run's days are written: ``[days, patients]`` arrays filled block by block.

Both engines (numpy and the plain loop) write the same arrays, so a run's result does not
depend on which one stepped it. Storage is compact: ratings are int8 (-1 when there is no
check-in), triggers and coping tags are bit masks (bit ``j`` = ``TRIGGER_SIM[j]`` or
``COPING_SIM[j]``), latent states float32.
"""

from __future__ import annotations

import mmap
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

LATENT = (
    "stress",
    "loneliness",
    "negative_affect",
    "craving",
    "depression",
    "sleep_hours",
    "tolerance",
    "habit",
    "coping_skill",
    "plasticity",
    "antidepressant",
)
#: Observed daily columns (check-in answers) and their dtypes.
OBSERVED: dict[str, type[np.generic]] = {
    "checked_in": np.bool_,
    "mood": np.int8,
    "stress": np.int8,
    "loneliness": np.int8,
    "craving": np.int8,
    "used": np.bool_,
    "sleep_half_hours": np.int8,
    "sleep_quality": np.int8,
    "triggers": np.uint8,
    "coping": np.uint8,
    "safety": np.int8,
}
#: True events (whether or not a check-in saw them).
EVENTS: dict[str, type[np.generic]] = {
    "used": np.bool_,
    "amount": np.float32,
    "cue": np.bool_,
    "conflict": np.bool_,
    "work": np.bool_,
    "coping": np.uint8,
    "safety": np.int8,
    "therapy": np.bool_,
    "integration": np.bool_,
    "dose": np.bool_,
}
#: Questionnaire groups recorded on administration days, with the latent each is drawn from.
QUESTIONNAIRES = ("phq9", "gad7", "substance", "ecrr")


#: Arrays at least this big are mapped with transparent huge pages where the system
#: allows it: filling gigabytes of results then costs far fewer page faults.
HUGE_FROM = 8 << 20


def zeros(shape: tuple[int, ...], dtype: type[np.generic]) -> NDArray[np.generic]:
    """A zero-filled array; big ones are backed by anonymous memory advised for huge pages."""
    size = int(np.prod(shape)) * np.dtype(dtype).itemsize
    if size < HUGE_FROM or not hasattr(mmap, "MADV_HUGEPAGE"):
        return np.zeros(shape, dtype=dtype)
    # Private (not shared) anonymous memory: the kernel backs it with huge pages when
    # advised, which it does not do for shared memory.
    buffer = mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    buffer.madvise(mmap.MADV_HUGEPAGE)
    return np.frombuffer(buffer, dtype=dtype).reshape(shape)


def _floats32(shape: tuple[int, ...]) -> NDArray[np.float32]:
    return np.asarray(zeros(shape, np.float32), dtype=np.float32)


@dataclass
class Administered:
    """Chunks of (patient, day, latent level) for one questionnaire group."""

    patients: list[NDArray[np.int64]] = field(default_factory=list)
    days: list[NDArray[np.int64]] = field(default_factory=list)
    levels: list[NDArray[np.float64]] = field(default_factory=list)

    def add(self, patients: NDArray[np.int64], day: int, levels: NDArray[np.float64]) -> None:
        if patients.size:
            self.patients.append(patients)
            self.days.append(np.full(patients.shape[0], day, dtype=np.int64))
            self.levels.append(levels)

    def arrays(self) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """Sorted by patient, then day."""
        if not self.patients:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty.copy(), np.zeros(0)
        patients = np.concatenate(self.patients)
        days = np.concatenate(self.days)
        levels = np.concatenate(self.levels)
        order = np.lexsort((days, patients))
        return patients[order], days[order], levels[order]


class Recorder:
    """Output arrays for a whole run, ``[days, patients]``."""

    def __init__(self, patients: int, days: int, *, keep_latent: bool) -> None:
        shape = (days, patients)
        self.latent: dict[str, NDArray[np.float32]] = (
            {name: _floats32(shape) for name in LATENT} if keep_latent else {}
        )
        self.observed: dict[str, NDArray[np.generic]] = {
            name: zeros(shape, dtype) for name, dtype in OBSERVED.items()
        }
        self.events: dict[str, NDArray[np.generic]] = {
            name: zeros(shape, dtype) for name, dtype in EVENTS.items()
        }
        self.administered = {name: Administered() for name in QUESTIONNAIRES}
        #: Per patient: sum and sum of squares over days of the deviations of stress,
        #: loneliness, negative affect and sleep (``[4, 2, patients]``), for the truth.
        self.moments = np.zeros((4, 2, patients))
