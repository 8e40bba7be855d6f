"""The statistics under the insight engine, checked against numbers worked out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attune.domain.monitoring.stats import fit_each, incomplete_beta, t_cdf, t_quantile


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        # Printed t tables: t(0.975; 10) = 2.228, t(0.975; 1) = 12.706, t(0.995; 30) = 2.750.
        (0.975, 10, 2.2281),
        (0.975, 1, 12.7062),
        (0.995, 30, 2.7500),
        (0.025, 20, -2.0860),
        (0.5, 7, 0.0),
    ],
)
def test_t_quantile_matches_the_tables(p: float, df: float, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=5e-4)


def test_t_cdf_and_incomplete_beta_by_hand() -> None:
    # With 1 degree of freedom t is Cauchy: P(T <= 1) = 1/2 + atan(1)/pi = 0.75.
    assert t_cdf(1.0, 1.0) == pytest.approx(0.75, abs=1e-10)
    # I_x(1, 1) = x, and I_x(2, 1) = x^2.
    assert incomplete_beta(1.0, 1.0, 0.3) == pytest.approx(0.3, abs=1e-12)
    assert incomplete_beta(2.0, 1.0, 0.3) == pytest.approx(0.09, abs=1e-12)


def test_one_slope_by_hand() -> None:
    # y = 1, 2, 3, 5 on x = 0, 1, 2, 3 (plus a row with a missing y, left out).
    # mean x 1.5, mean y 2.75; Sxx = 5; Sxy = 6.5 -> slope 1.3.
    # fitted 0.8, 2.1, 3.4, 4.7; residuals .2, -.1, -.4, .3; RSS = 0.30 on 2 df
    # -> sigma^2 = 0.15, se = sqrt(0.15 / 5) = 0.173205.
    y = np.array([1.0, 2.0, 3.0, 5.0, np.nan])
    ones = np.ones((5, 1))
    x = np.array([[0.0], [1.0], [2.0], [3.0], [9.0]])
    fits = fit_each(y, ones, x, min_rows=3)
    assert fits.ok.tolist() == [True]
    assert fits.slope[0] == pytest.approx(1.3)
    assert fits.se[0] == pytest.approx(math.sqrt(0.03))
    assert fits.n.tolist() == [4] and fits.df.tolist() == [2]


def test_each_predictor_uses_its_own_rows_and_flat_predictors_are_not_fitted() -> None:
    y = np.array([1.0, 2.0, 3.0, 5.0, 4.0])
    ones = np.ones((5, 1))
    x = np.column_stack(
        [
            [0.0, 1.0, 2.0, 3.0, np.nan],  # the hand example again: last row left out
            [1.0, 1.0, 1.0, 1.0, 1.0],  # never varies: cannot be told from the intercept
            [0.0, 1.0, 0.0, 1.0, 0.0],  # too few rows for min_rows=6
        ]
    )
    fits = fit_each(y, ones, x, min_rows=3)
    assert fits.slope[0] == pytest.approx(1.3)
    assert fits.ok.tolist() == [True, False, True]
    assert math.isnan(fits.slope[1])
    assert not fit_each(y, ones, x, min_rows=6).ok.any()


def test_robust_errors_match_the_hc3_formula_and_are_never_narrower() -> None:
    rng = np.random.default_rng(4)
    n = 30
    y = (rng.random(n) < 0.3).astype(float)
    covariates = np.column_stack([np.ones(n), rng.normal(size=n)])
    x = rng.normal(size=(n, 1))
    fits = fit_each(y, covariates, x, min_rows=5, robust=True)
    plain = fit_each(y, covariates, x, min_rows=5)
    design = np.column_stack([covariates, x])
    inverse = np.linalg.inv(design.T @ design)
    beta = inverse @ design.T @ y
    residual = y - design @ beta
    leverage = np.einsum("ij,jk,ik->i", design, inverse, design)
    meat = (design.T * (residual**2 / (1 - leverage) ** 2)) @ design
    hc3 = math.sqrt((inverse @ meat @ inverse)[2, 2])
    assert fits.slope[0] == pytest.approx(beta[2])
    assert fits.se[0] == pytest.approx(max(hc3, plain.se[0]))
