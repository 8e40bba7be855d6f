"""``simulate(...)``: run the model for a cohort under a schedule, seeded.

Patients are stepped in blocks of :data:`BLOCK`; block ``b`` draws from its own
generator seeded ``[seed, b]``, so a run is reproducible from (parameters, cohort,
schedule, days, seed) and does not depend on the machine. ``engine`` picks numpy (the
default) or the plain per-patient loop that the benchmark and the tests compare with;
both read the same random draws and give the same result.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from enum import Enum

import numpy as np

from attune.domain.errors import ValidationError
from attune.sim.cycle import engine_loop, engine_numpy
from attune.sim.cycle.cohort import Cohort
from attune.sim.cycle.constants import Constants, patient_constants
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.questionnaires import build_questionnaires
from attune.sim.cycle.rates import standard_normals
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
    """One Constants for all blocks (``strategy*`` arrays are ``[REPERTOIRE, n]``)."""
    fields = Constants.__dataclass_fields__
    return Constants(
        **{
            name: np.concatenate(
                [getattr(c, name) for c in parts], axis=1 if name.startswith("strategy") else 0
            )
            for name in fields
        }
    )


def _amounts(p: Parameters, c: Constants, rec: Recorder, seed: int) -> None:
    """How much was used on each day of use (it feeds nothing back, so it is drawn after
    the days are stepped, from its own stream, in slices of days)."""
    rng = np.random.default_rng([seed, 0xA40])
    used = rec.events["used"]
    amount = rec.events["amount"]
    days = used.shape[0]
    step = 32
    for t in range(0, days, step):
        rows = slice(t, min(t + step, days))
        day, patient = np.nonzero(used[rows])
        z = standard_normals(rng, (day.shape[0], 1))[:, 0]
        amount[rows][day, patient] = c.amount_median[patient] * np.exp(p.amount_sd * z)


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
    threads: int = 1,
) -> SimResult:
    """Simulate ``cohort`` for ``days`` days under ``schedule`` (which must be
    ``[cohort.n, days]``). ``progress`` is called with the number of patient-days just
    done. ``keep_latent=False`` drops the latent daily states (saves memory).
    ``threads`` steps that many blocks at once (the result is the same)."""
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"days must be from 1 to {MAX_DAYS}", field="days")
    if schedule.shape != (cohort.n, days):
        raise ValidationError(
            f"the schedule is {schedule.shape[0]} patients × {schedule.shape[1]} days; "
            f"the run is {cohort.n} × {days}",
            field="schedule",
        )
    if threads < 1:
        raise ValidationError("threads must be 1 or more", field="threads")
    n = cohort.n
    rec = Recorder(n, days, keep_latent=keep_latent)
    step = engine_numpy.run_block if engine is Engine.NUMPY else engine_loop.run_block

    def block(b: int) -> Constants:
        rows = slice(b * BLOCK, min((b + 1) * BLOCK, n))
        rng = np.random.default_rng([seed, b])
        start_level = schedule.start_level[rows]
        constants = patient_constants(cohort.subset(rows), start_level, params, rng)
        offered = (
            np.ascontiguousarray(schedule.therapy[rows].T),
            np.ascontiguousarray(schedule.dose[rows].T),
            np.ascontiguousarray(schedule.integration[rows].T),
            schedule.daily_levels(rows),
        )
        step(params, constants, offered, rng, rec, b * BLOCK, progress)
        return constants

    blocks = range(-(-n // BLOCK))
    if threads == 1 or len(blocks) < 2:
        parts = [block(b) for b in blocks]
    else:
        # numpy releases the GIL inside its loops; blocks write disjoint columns and
        # each has its own random stream, so the result does not depend on threads.
        with ThreadPoolExecutor(max_workers=threads) as pool:
            parts = list(pool.map(block, blocks))
    if parts:
        constants = _merge(parts)
    else:
        constants = patient_constants(
            cohort, schedule.start_level, params, np.random.default_rng(seed)
        )
    _amounts(params, constants, rec, seed)
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
