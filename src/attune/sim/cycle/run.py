"""``simulate(...)``: run the model for a cohort under a schedule, seeded.

Patients are stepped in blocks of :data:`BLOCK`; block ``b`` draws from its own
generator seeded ``[seed, b]``, so a run is reproducible from (parameters, cohort,
schedule, days, seed) and does not depend on the machine. ``engine`` picks numpy (the
default) or the plain per-patient loop that the benchmark and the tests compare with;
both read the same random draws and give the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import Enum

import numpy as np

from attune.domain.errors import ValidationError
from attune.sim.cycle import engine_loop, engine_numpy
from attune.sim.cycle.cohort import Cohort
from attune.sim.cycle.constants import Constants, patient_constants
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.questionnaires import build_questionnaires
from attune.sim.cycle.record import Recorder
from attune.sim.cycle.result import SimResult
from attune.sim.cycle.schedule import Schedule
from attune.sim.cycle.truth import build_truth

#: Patients per block (each block has its own random stream).
BLOCK = 8192
#: Day 0 of a run unless another start is given (a Monday).
DEFAULT_START = date(2026, 1, 5)
MAX_DAYS = 3660


class Engine(Enum):
    NUMPY = "numpy"
    LOOP = "loop"


def _merge(parts: list[Constants]) -> Constants:
    fields = Constants.__dataclass_fields__
    return Constants(**{name: np.concatenate([getattr(c, name) for c in parts]) for name in fields})


def simulate(
    params: Parameters,
    cohort: Cohort,
    schedule: Schedule,
    days: int,
    seed: int,
    *,
    start: date = DEFAULT_START,
    keep_latent: bool = True,
    engine: Engine = Engine.NUMPY,
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Simulate ``cohort`` for ``days`` days under ``schedule`` (which must be
    ``[cohort.n, days]``). ``progress`` is called with the number of patient-days just
    done. ``keep_latent=False`` drops the latent daily states (saves memory)."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"days must be from 1 to {MAX_DAYS}", field="days")
    if schedule.shape != (cohort.n, days):
        raise ValidationError(
            f"the schedule is {schedule.shape[0]} patients × {schedule.shape[1]} days; "
            f"the run is {cohort.n} × {days}",
            field="schedule",
        )
    n = cohort.n
    rec = Recorder(n, days, keep_latent=keep_latent)
    parts: list[Constants] = []
    for b, first in enumerate(range(0, n, BLOCK)):
        rows = slice(first, min(first + BLOCK, n))
        rng = np.random.default_rng([seed, b])
        constants = patient_constants(cohort.subset(rows), schedule.level[rows], params, rng)
        parts.append(constants)
        offered = (
            np.ascontiguousarray(schedule.therapy[rows].T),
            np.ascontiguousarray(schedule.dose[rows].T),
            np.ascontiguousarray(schedule.integration[rows].T),
        )
        step = engine_numpy.run_block if engine is Engine.NUMPY else engine_loop.run_block
        step(params, constants, offered, rng, rec, first, progress)
    constants = (
        _merge(parts)
        if parts
        else patient_constants(cohort, schedule.level, params, np.random.default_rng(seed))
    )
    used = rec.events["used"]
    truth = build_truth(params, constants, rec.moments, days, np.asarray(used, dtype=np.bool_))
    return SimResult(
        params=params,
        cohort=cohort,
        schedule=schedule,
        days=days,
        seed=seed,
        start=start,
        checkins={name: a.T for name, a in rec.observed.items()},
        events={name: a.T for name, a in rec.events.items()},
        latent={name: a.T for name, a in rec.latent.items()},
        questionnaires=build_questionnaires(params, cohort, rec.administered, seed),
        truth=truth,
    )
