"""Scalar quantities both engines derive from the parameters, and the daily draws.

Every day each patient gets ``NZ`` standard normals and ``NU`` uniforms, in the order
named by ``Z_*`` and ``U_*``, from :func:`draw_day`; both engines read the same draws,
so a numpy run and a loop run with the same seed give the same patients.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle.parameters import Parameters, carry_over

Z_STRESS, Z_LONELY, Z_NA, Z_SLEEP, Z_DEPRESSION, Z_CRAVING = range(6)
Z_MOOD_OBS, Z_STRESS_OBS, Z_LONELY_OBS, Z_CRAVING_OBS, Z_SLEEP_OBS = range(6, 11)
#: Rows of normals drawn a day: Box–Muller makes them in pairs, so one more than used.
NZ = 12
U_CONFLICT, U_WORK, U_CUE, U_USE = range(4)
U_COPING = 4  # one per strategy in the repertoire: 4, 5, 6
U_CHECKIN, U_SAFETY, U_REPORT, U_TAGS, U_ATTEND, U_DOSE, U_QUESTIONNAIRE = range(7, 14)
NU = 14

#: Half-life of the running share of use days that sets questionnaire substance levels.
LONG_USE_HALFLIFE = 30.0
#: Half-life of the running mean stress behind GAD-7 (its two-week window).
STRESS_MEAN_HALFLIFE = 14.0


@dataclass(frozen=True)
class Rates:
    stress: float
    loneliness: float
    na: float
    relief: float
    shame: float
    depression: float
    recent_use: float
    long_use: float
    stress_mean: float
    antidepressant: float
    plasticity: float
    coping_decay: float
    tolerance_recovery: float
    habit_decay: float
    craving: float
    phq9_every: int
    gad7_every: int
    substance_every: int
    ecrr_every: int

    @classmethod
    def of(cls, p: Parameters) -> Rates:
        return cls(
            stress=carry_over(p.stress_halflife),
            loneliness=carry_over(p.loneliness_halflife),
            na=carry_over(p.na_halflife),
            relief=carry_over(p.relief_halflife),
            shame=carry_over(p.shame_halflife),
            depression=carry_over(p.depression_halflife),
            recent_use=carry_over(p.recent_use_halflife),
            long_use=carry_over(LONG_USE_HALFLIFE),
            stress_mean=carry_over(STRESS_MEAN_HALFLIFE),
            antidepressant=carry_over(p.antidepressant_halflife),
            plasticity=carry_over(p.plasticity_halflife),
            coping_decay=carry_over(p.coping_decay_halflife),
            tolerance_recovery=carry_over(p.tolerance_recovery_halflife),
            habit_decay=carry_over(p.habit_decay_halflife),
            craving=carry_over(p.craving_halflife),
            phq9_every=max(1, round(p.phq9_every)),
            gad7_every=max(1, round(p.gad7_every)),
            substance_every=max(1, round(p.substance_every)),
            ecrr_every=max(1, round(p.ecrr_every)),
        )


_TWO_PI = np.float32(2.0 * np.pi)
_STEP24 = np.float32(2.0**-24)


def _box_muller(bits: NDArray[np.uint32], out: NDArray[np.float64]) -> None:
    """Standard normals into ``out`` (``[2k, ...]``) from ``bits`` of the same shape:
    Box–Muller in float32 on the top 24 bits of each."""
    half = bits.shape[0] // 2
    grid = (bits >> np.uint32(8)).astype(np.float32)
    grid *= _STEP24
    radius, angle = grid[:half], grid[half:]
    radius += _STEP24  # (0, 1]: the logarithm is finite
    np.log(radius, out=radius)
    radius *= np.float32(-2.0)
    np.sqrt(radius, out=radius)
    angle *= _TWO_PI
    np.multiply(radius, np.cos(angle), out=out[:half])
    np.sin(angle, out=angle)
    np.multiply(radius, angle, out=out[half:])


def standard_normals(rng: np.random.Generator, shape: tuple[int, int]) -> NDArray[np.float64]:
    """An array of standard normals drawn as :func:`draw_day` draws them."""
    rows, cols = shape
    pairs = (rows * cols + 1) // 2
    out = np.empty(2 * pairs)
    _box_muller(rng.bit_generator.random_raw(pairs).view(np.uint32), out)
    return out[: rows * cols].reshape(rows, cols)


def draw_day(rng: np.random.Generator, z: NDArray[np.float64], u: NDArray[np.float64]) -> None:
    """One day's draws for a block: normals into ``z`` (``[NZ, n]``) and uniforms into
    ``u`` (``[NU, n]``).

    One call to the bit generator gives 64 random bits per pair of draws. Each uniform
    is 32 of them (a multiple of 2⁻³², in [0, 1)). The normals come by Box–Muller in
    float32 from 24-bit uniforms (about three times faster here than numpy's ziggurat;
    at most 5.8 SD from 0, where a normal goes beyond once in 10⁸ draws). Every row is
    drawn every day, whatever the schedule, so two schedules run with one seed meet the
    same draws (common random numbers).
    """
    n = z.shape[1]
    bits = rng.bit_generator.random_raw((NZ // 2 + NU // 2) * n).view(np.uint32).reshape(-1, n)
    _box_muller(bits[:NZ], z)
    np.multiply(bits[NZ:], 2.0**-32, out=u)
