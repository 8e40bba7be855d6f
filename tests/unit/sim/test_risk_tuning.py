"""The weight-tuning helper: its seeds stay clear of the proof's, and the fit is sound."""

from __future__ import annotations

import numpy as np

from attune.domain.monitoring.risk import default_risk_settings
from attune.sim.risk_tuning import (
    HELD_OUT_SEED,
    PARTS,
    TRAINING_SEED,
    fit_logistic,
    suggested_weights,
    unit_thresholds,
)


def test_tuning_seeds_are_not_the_proofs() -> None:
    proof_seeds = {2026, 2027}  # attune simulate prove's defaults (trigger, risk)
    assert TRAINING_SEED not in proof_seeds and HELD_OUT_SEED not in proof_seeds
    assert TRAINING_SEED != HELD_OUT_SEED


def test_the_fit_finds_the_part_that_matters() -> None:
    rng = np.random.default_rng(5)
    x = rng.uniform(0.0, 1.0, size=(4000, len(PARTS)))
    logit = -1.0 + 3.0 * x[:, 0]
    y = rng.uniform(size=4000) < 1.0 / (1.0 + np.exp(-logit))
    coef = fit_logistic(x, y)
    assert abs(coef[1] - 3.0) < 0.5
    assert np.all(np.abs(coef[2:]) < 0.5)
    weights = suggested_weights(np.array([3.0, -1.0] + [1.0] * (len(PARTS) - 2)), 90)
    assert weights[PARTS[1]] == 0
    assert weights[PARTS[0]] == max(weights.values())


def test_unit_thresholds_give_every_part_100() -> None:
    unit = unit_thresholds(default_risk_settings().default)
    assert unit.weights.total == 100 * (len(PARTS) + 1)
