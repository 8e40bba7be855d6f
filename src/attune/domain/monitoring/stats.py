"""The statistics behind the insight engine, in numpy and the standard library only.

* :func:`t_quantile` — Student's t quantile, exact to about 1e-10 (the regularised
  incomplete beta function by its continued fraction, inverted by bisection);
* :func:`fit_each` — many small least-squares fits at once: the same outcome and shared
  covariates, one extra predictor per fit, each fit on the rows where all its values
  are present. Returns each predictor's slope, standard error and rows used.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _beta_fraction(a: float, b: float, x: float) -> float:
    """The continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        step = d * c
        h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return h


def incomplete_beta(a: float, b: float, x: float) -> float:
    """The regularised incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(a, b, x) / a
    return 1.0 - front * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * incomplete_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@lru_cache(maxsize=4096)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (e.g. ``t_quantile(0.975, 10) == 2.228…``)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be between 0 and 1")
    if df <= 0:
        raise ValueError("df must be positive")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if t_cdf(mid, df) < p:
            low = mid
        else:
            high = mid
        if high - low < 1e-12 * max(1.0, high):
            break
    return (low + high) / 2.0


@dataclass(frozen=True, eq=False)
class Fits:
    """One row per predictor: its slope, standard error, rows used and whether it could
    be fitted at all (enough rows, and the predictor varies once the covariates are
    allowed for)."""

    slope: FloatArray
    se: FloatArray
    n: IntArray
    df: IntArray
    ok: BoolArray


def fit_each(
    y: FloatArray,
    covariates: FloatArray,
    predictors: FloatArray,
    *,
    min_rows: int,
    robust: bool = False,
) -> Fits:
    """Least squares of ``y`` on ``covariates`` plus one column of ``predictors`` at a time.

    ``y`` has shape (n,), ``covariates`` (n, k) (include a column of ones for an
    intercept) and ``predictors`` (n, m). NaN anywhere in a row leaves that row out of
    that predictor's fit. All m fits are solved together as a stack of small systems.

    ``robust`` takes the larger of the ordinary and the heteroscedasticity-consistent
    standard error (HC3: each squared residual divided by (1 - leverage)^2), which a 0/1
    outcome needs.
    """
    n_rows, k = covariates.shape
    m = predictors.shape[1]
    shared = ~np.isnan(y) & ~np.isnan(covariates).any(axis=1)
    rows = shared[:, None] & ~np.isnan(predictors)  # (n, m)
    weight = rows.astype(np.float64)
    y0 = np.where(shared, y, 0.0)
    c0 = np.where(shared[:, None], covariates, 0.0)
    x0 = np.where(rows, predictors, 0.0)
    # The design of fit j is [covariates, predictor j] on its own rows: (m, n, k + 1).
    design = (
        np.concatenate([np.broadcast_to(c0, (m, n_rows, k)), x0.T[:, :, None]], axis=2)
        * weight.T[:, :, None]
    )
    gram = np.einsum("mni,mnj->mij", design, design)
    cross = np.einsum("mni,mn->mi", design, y0[None, :] * weight.T)
    yy = np.einsum("mn,mn->m", weight.T, (y0 * y0)[None, :])
    n = rows.sum(axis=0).astype(np.int64)
    df = n - (k + 1)
    # A fit is possible when there are spare rows and its design is well conditioned.
    scale = np.sqrt(np.einsum("mii->mi", gram)) + 1e-300
    normalised = gram / scale[:, :, None] / scale[:, None, :]
    ok = (df >= 1) & (n >= min_rows) & (np.linalg.cond(normalised) < 1e8)
    safe = np.where(ok[:, None, None], gram, np.eye(k + 1)[None, :, :])
    inverse = np.linalg.inv(safe)
    beta = np.einsum("mij,mj->mi", inverse, np.where(ok[:, None], cross, 0.0))
    rss = np.maximum(yy - np.einsum("mi,mi->m", beta, cross), 0.0)
    sigma2 = np.where(ok, rss / np.maximum(df, 1), np.nan)
    if robust:
        residual = (y0[None, :] - np.einsum("mni,mi->mn", design, beta)) * weight.T
        leverage = np.einsum("mni,mij,mnj->mn", design, inverse, design)
        scaled = residual**2 / np.maximum(1.0 - leverage, 1e-8) ** 2
        bread = np.einsum("mj,mnj->mn", inverse[:, k, :], design)  # row k of (X'X)^-1 X'
        # Never narrower than the ordinary standard error: with a rare 0/1 outcome and a
        # rare tag, HC3 alone can be too small (measured in bench/insight_recovery.py).
        se = np.maximum(
            np.sqrt(np.einsum("mn,mn->m", bread**2, scaled)), np.sqrt(sigma2 * inverse[:, k, k])
        )
    else:
        se = np.sqrt(sigma2 * inverse[:, k, k])
    slope = np.where(ok, beta[:, k], np.nan)
    return Fits(slope=slope, se=np.where(ok, se, np.nan), n=n, df=df, ok=ok)
