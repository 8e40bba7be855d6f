"""Per-patient constants of the model: usual levels, reactivity and the true effects.

Computed once per block of patients from the cohort, the schedule's level of care and
the parameters (plus a few seeded draws: each patient's own effect sizes, coping
repertoire and ketamine responsiveness). Both the vectorised model and the plain loop
use these same constants, so they differ only in how the days are stepped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle.cohort import ECR_MID, Cohort
from attune.sim.cycle.parameters import ADDICTION_NAMES, Parameters
from attune.sim.cycle.schedule import LEVELS

Floats = NDArray[np.float64]
Bools = NDArray[np.bool_]

#: The coping strategies the model simulates (check-in COPING ids), in column order.
COPING_SIM = ("reached_out", "breathwork", "movement", "urge_surfing", "meeting", "therapy_skill")
#: How many strategies each patient uses (drawn at random from COPING_SIM).
REPERTOIRE = 3
#: The triggers the model tags (check-in TRIGGERS ids), in bit order of ``triggers``.
TRIGGER_SIM = ("cue", "conflict", "work_stress", "tired", "alone")
#: The predictors of next-day craving whose true effects the ground truth gives.
PREDICTORS = ("stress", "loneliness", "mood", "sleep_hours", "cue")


@dataclass(frozen=True)
class Constants:
    """One value per patient (``[n]``) unless shown; effects in check-in units."""

    reactivity: Floats
    #: Usual loneliness before support, social support, and the log-odds of use before
    #: the level of care (the engines add each day's level).
    loneliness_fixed: Floats
    support: Floats
    use_fixed: Floats
    #: At the level of care of day 0 (for the ground truth):
    usual_stress: Floats
    usual_loneliness: Floats
    usual_sleep: Floats
    usual_depression: Floats
    cue_chance: Floats
    use_base: Floats
    craving_between: Floats
    #: Next-day craving per point of stress / loneliness / negative affect above usual,
    #: per hour of sleep below usual, and after a cue (points of the 0–10 rating).
    effect_stress: Floats
    effect_loneliness: Floats
    effect_negative_affect: Floats
    effect_sleep_deficit: Floats
    effect_cue: Floats
    #: ``[n, len(COPING_SIM)]``: strategies each patient uses and their true effects.
    repertoire: Bools
    coping_effect: NDArray[np.float64]
    #: ``[REPERTOIRE, n]``: the repertoire as strategy indices, their effects and bits.
    strategy: NDArray[np.int64]
    strategy_effect: NDArray[np.float64]
    strategy_bit: NDArray[np.uint8]
    ketamine_response: Floats
    amount_median: Floats
    engagement_logit: Floats
    attend_chance: Floats
    questionnaire_chance: Floats
    severity: Floats
    tolerance_start: Floats
    habit_start: Floats


def level_tables(p: Parameters) -> tuple[Floats, Floats, Floats]:
    """By level code: support added, chance of a cue a day, change in the log-odds of use."""
    names = [lv.value for lv in LEVELS]
    support = np.array([getattr(p, f"support_{name}") for name in names])
    cue = np.clip(p.cue_rate * np.array([getattr(p, f"cue_{name}") for name in names]), 0.0, 1.0)
    access = np.array([getattr(p, f"access_{name}") for name in names])
    return support, cue, access


def _lognormal(
    rng: np.random.Generator, median: float, sd: float, shape: tuple[int, ...]
) -> Floats:
    return median * np.exp(sd * rng.standard_normal(shape))


def patient_constants(
    cohort: Cohort, level: NDArray[np.int8], params: Parameters, rng: np.random.Generator
) -> Constants:
    """The constants of ``cohort`` at its levels of care (``level`` codes, one per patient)."""
    p = params
    n = cohort.n
    anx = cohort.anxiety - ECR_MID
    avd = cohort.avoidance - ECR_MID
    ace = cohort.ace.astype(np.float64)
    support_table, cue_table, access_table = level_tables(p)
    support = np.clip(cohort.support + support_table[level], 0.0, 1.0)
    usual_stress = p.stress_base + p.stress_per_ace * ace + p.stress_per_anxiety * anx
    lonely_fixed = p.loneliness_base + p.loneliness_per_avoidance * avd
    usual_lonely = lonely_fixed + p.loneliness_per_support * (support - 0.5)
    use_fixed = p.use_intercept + p.use_per_severity * (cohort.severity - 0.5)
    h = p.effect_heterogeneity_sd
    lonely_sign = np.where(rng.random(n) < p.loneliness_negative_share, -1.0, 1.0)
    effect_stress = _lognormal(rng, p.effect_stress, h, (n,))
    effect_lonely = lonely_sign * _lognormal(rng, p.effect_loneliness, h, (n,))
    effect_na = _lognormal(rng, p.effect_mood, h, (n,))
    effect_sleep = _lognormal(rng, p.effect_sleep, h, (n,))
    effect_cue = _lognormal(rng, p.effect_cue, h, (n,))
    usual_sleep = p.sleep_mean + p.sleep_sd_between * rng.standard_normal(n)
    k = len(COPING_SIM)
    order = np.argsort(rng.random((n, k)), axis=1)
    strategy = np.sort(order[:, :REPERTOIRE], axis=1)
    repertoire = np.zeros((n, k), dtype=np.bool_)
    np.put_along_axis(repertoire, strategy, True, axis=1)
    works = rng.random((n, k)) >= p.coping_ineffective_share
    coping_effect = _lognormal(rng, p.coping_effect_mean, p.coping_effect_sd, (n, k))
    coping_effect = np.where(repertoire & works, coping_effect, 0.0)
    ketamine = rng.beta(p.ketamine_response_alpha, p.ketamine_response_beta, size=n)
    amounts = np.array([getattr(p, f"amount_{name}") for name in ADDICTION_NAMES])
    engagement = np.clip(cohort.engagement, 1e-6, 1 - 1e-6)
    return Constants(
        reactivity=np.maximum(
            0.3, 1.0 + p.reactivity_per_anxiety * anx + p.reactivity_per_ace * ace
        ),
        loneliness_fixed=lonely_fixed,
        support=cohort.support,
        use_fixed=use_fixed,
        usual_stress=usual_stress,
        usual_loneliness=usual_lonely,
        usual_sleep=usual_sleep,
        usual_depression=p.depression_base
        + p.depression_per_ace * ace
        + p.depression_per_anxiety * anx,
        cue_chance=cue_table[level],
        use_base=use_fixed + access_table[level],
        craving_between=p.craving_between_stress * (usual_stress - 5.0)
        + p.craving_between_loneliness * (usual_lonely - 5.0),
        effect_stress=effect_stress,
        effect_loneliness=effect_lonely,
        effect_negative_affect=effect_na,
        effect_sleep_deficit=effect_sleep,
        effect_cue=effect_cue,
        repertoire=repertoire,
        coping_effect=coping_effect,
        strategy=np.ascontiguousarray(strategy.T),
        strategy_effect=np.ascontiguousarray(np.take_along_axis(coping_effect, strategy, axis=1).T),
        strategy_bit=np.ascontiguousarray((1 << strategy.T).astype(np.uint8)),
        ketamine_response=ketamine,
        amount_median=amounts[cohort.addiction],
        engagement_logit=np.log(engagement / (1.0 - engagement)),
        attend_chance=np.clip(
            p.attend_rate + p.attend_per_engagement * (cohort.engagement - p.engagement_mean), 0, 1
        ),
        questionnaire_chance=np.clip(
            p.questionnaire_completion * cohort.engagement / p.engagement_mean, 0, 1
        ),
        severity=cohort.severity,
        tolerance_start=p.tolerance_initial * cohort.severity,
        habit_start=p.habit_initial * cohort.severity,
    )
