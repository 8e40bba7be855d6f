"""Ground truth: each patient's true effects, top trigger, lapses and relapses."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle.constants import COPING_SIM, PREDICTORS, Constants
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.result import Truth

#: Rows of ``Recorder.moments``: the day-to-day deviations whose SD scales each effect.
MOMENTS = ("stress", "loneliness", "mood", "sleep_hours")


def lapses(used: NDArray[np.bool_], p: Parameters) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    """Lapse and relapse days from true use ``[days, patients]`` (same shape back).

    A lapse is a day of use after at least ``lapse_after_abstinent_days`` days without
    use (days before day 0 are unknown, so they never count); it is a relapse when use
    falls on at least ``relapse_use_days`` of the ``relapse_window`` days from the lapse.
    """
    days, n = used.shape
    need = round(p.lapse_after_abstinent_days)
    lapse = np.zeros((days, n), dtype=np.bool_)
    run = np.zeros(n, dtype=np.int64)
    for t in range(days):
        lapse[t] = used[t] & (run >= need)
        run = np.where(used[t], 0, run + 1)
    counts = np.zeros((days + 1, n), dtype=np.int16)
    for t in range(days):  # a running count day by day (cumsum over axis 0 is slow)
        np.add(counts[t], used[t], out=counts[t + 1])
    window = round(p.relapse_window)
    ends = np.minimum(np.arange(days) + window, days)
    in_window = counts[ends] - counts[:days]
    relapse = lapse & (in_window >= round(p.relapse_use_days))
    return lapse, relapse


def build_truth(
    p: Parameters,
    c: Constants,
    moments: NDArray[np.float64],
    days: int,
    used: NDArray[np.bool_],
) -> Truth:
    """``moments`` is ``[len(MOMENTS), 2, patients]`` (sum and sum of squares over days);
    ``used`` is ``[days, patients]``."""
    effects = np.stack(
        [
            c.effect_stress,
            c.effect_loneliness,
            -c.effect_negative_affect,
            -c.effect_sleep_deficit,
            c.effect_cue,
        ],
        axis=1,
    )
    mean = moments[:, 0, :] / max(days, 1)
    var = np.maximum(moments[:, 1, :] / max(days, 1) - mean**2, 0.0)
    sd = np.vstack([np.sqrt(var), np.sqrt(c.cue_chance * (1 - c.cue_chance))[None, :]]).T
    standardised = effects * sd
    # Which predictor raises craving most: stress, loneliness and a cue when they go up;
    # mood and sleep when they go down (their effects are negative), so the size counts.
    # Loneliness that lowers craving (a negative effect) raises it by going down, which
    # is not a trigger: it is left out.
    raising = np.abs(standardised)
    raising[:, 1] = np.where(effects[:, 1] > 0, raising[:, 1], 0.0)
    lapse, relapse = lapses(used, p)
    return Truth(
        predictors=PREDICTORS,
        effects=effects,
        standardised=standardised,
        top_trigger=np.argmax(raising, axis=1).astype(np.int64),
        coping=COPING_SIM,
        repertoire=c.repertoire,
        coping_effects=c.coping_effect,
        ketamine_response=c.ketamine_response,
        usual_stress=c.usual_stress,
        usual_loneliness=c.usual_loneliness,
        usual_sleep=c.usual_sleep,
        use_per_craving=p.use_per_craving,
        lapse=lapse.T,
        relapse=relapse.T,
    )
