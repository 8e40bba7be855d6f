"""Tune the relapse-risk score's default weights on a training cohort of simulated people.

Run ``uv run --frozen python -m attune.sim.risk_tuning``. It draws a *training* cohort
(seed :data:`TRAINING_SEED`) and a *held-out* cohort (seed :data:`HELD_OUT_SEED`), the
same design as ``attune simulate prove`` (scored weekly from day 28, label: any true use
in the next 7 days). Neither seed is one the proof uses by default (2026 and 2027), so
the proof's cohorts stay unseen. On the training cohort each part's fraction (0–1) is
read from :func:`~attune.domain.monitoring.risk.assess_risk` with every weight set to
100, a logistic regression is fitted to the fractions, and its coefficients are scaled
to whole points (parts with a negative coefficient get none). It prints the suggested
weights and the AUROC of the shipped settings and of the suggestion on both cohorts,
beside days of reported use in the last week. The shipped weights are a rounding of a
suggestion, chosen by a person; nothing here writes them.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from attune.domain.monitoring.risk import RiskThresholds, assess_risk, default_risk_settings
from attune.domain.monitoring.risk_settings import RiskWeights
from attune.sim.cycle import default_parameters
from attune.sim.estimators import auroc
from attune.sim.proof import HORIZON, RISK_DAYS, RISK_FIRST_DAY, _cohort_run, patient_series

TRAINING_SEED = 9101
HELD_OUT_SEED = 9202
PATIENTS = 600
#: Missed sessions are not simulated; their weight is kept as shipped.
FIXED = ("missed_sessions",)
PARTS = tuple(f.name for f in fields(RiskWeights) if f.name not in FIXED)


def unit_thresholds(base: RiskThresholds) -> RiskThresholds:
    """``base`` with every weight 100, so a part's points are its fraction in percent."""
    weights = RiskWeights(**{f.name: 100 for f in fields(RiskWeights)})
    return replace(base, weights=weights)


def cohort_table(
    seed: int, patients: int, base: RiskThresholds
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Each person-week's part fractions, days of reported use, and true next-week use."""
    result = _cohort_run(default_parameters(), patients, RISK_DAYS, seed, None)
    used = np.asarray(result.events["used"], dtype=bool)
    reported = np.asarray(result.checkins["used"], dtype=bool)
    unit = unit_thresholds(base)
    rows: list[list[float]] = []
    counts: list[float] = []
    labels: list[bool] = []
    for patient in range(patients):
        series = patient_series(result, patient, RISK_DAYS)
        for day in range(RISK_FIRST_DAY, RISK_DAYS - HORIZON, 7):
            got = assess_risk(series, result.start + timedelta(days=day), thresholds=unit)
            by_part = {str(r.code): r.points / 100.0 for r in got.reasons}
            rows.append([by_part.get(name, 0.0) for name in PARTS])
            counts.append(float(reported[patient, day - 6 : day + 1].sum()))
            labels.append(bool(used[patient, day + 1 : day + 1 + HORIZON].any()))
    return (
        np.array(rows, dtype=np.float64),
        np.array(counts, dtype=np.float64),
        np.array(labels, dtype=bool),
    )


def fit_logistic(x: NDArray[np.float64], y: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Newton's method for a logistic regression with an intercept (returned first)."""
    m = np.column_stack([np.ones(len(y)), x])
    w = np.zeros(m.shape[1])
    for _ in range(40):
        p = 1.0 / (1.0 + np.exp(-(m @ w)))
        hessian = (m * (p * (1 - p))[:, None]).T @ m + 1e-6 * np.eye(len(w))
        w = w + np.linalg.solve(hessian, m.T @ (y - p))
    return w


def suggested_weights(coef: NDArray[np.float64], total: int) -> dict[str, int]:
    positive = np.clip(coef, 0.0, None)
    scaled = positive / positive.sum() * total
    return {name: round(float(v)) for name, v in zip(PARTS, scaled, strict=True)}


def _score(x: NDArray[np.float64], weights: RiskWeights) -> NDArray[np.float64]:
    w = np.array([getattr(weights, name) for name in PARTS], dtype=np.float64)
    return x @ w


def main() -> None:
    base = default_risk_settings().for_program(None)
    room = 100 - sum(getattr(base.weights, name) for name in FIXED)
    train_x, train_r, train_y = cohort_table(TRAINING_SEED, PATIENTS, base)
    coef = fit_logistic(train_x, train_y)[1:]
    suggestion = suggested_weights(coef, room)
    print("coefficients:", dict(zip(PARTS, np.round(coef, 2).tolist(), strict=True)))
    print("suggested weights:", suggestion)
    suggested = replace(base.weights, **suggestion)
    test_x, test_r, test_y = cohort_table(HELD_OUT_SEED, PATIENTS, base)
    for name, x, r, y in (
        (f"training (seed {TRAINING_SEED})", train_x, train_r, train_y),
        (f"held out (seed {HELD_OUT_SEED})", test_x, test_r, test_y),
    ):
        print(
            f"{name}: shipped {auroc(_score(x, base.weights), y).value:.3f}, "
            f"suggested {auroc(_score(x, suggested), y).value:.3f}, "
            f"reported use last week {auroc(r, y).value:.3f}"
        )


if __name__ == "__main__":
    main()
