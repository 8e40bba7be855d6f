"""Across several people: keep "who is usually higher" apart from "days higher than usual".

A person who is lonely on average may drink more than others, while on days they feel
lonelier than *their own* usual they may drink less (Bragard 2021; see
docs/monitoring.md). One pooled correlation would mix the two. :func:`between_within`
splits them:

* **within** — each person's days centred on their own mean (predictor and outcome),
  pooled: the fixed-effects slope of tomorrow's outcome (``lag=1``; or the same day,
  ``lag=0``) on today's difference from usual. Its standard error is cluster-robust by
  person (CR1, t with people − 1 degrees of freedom), because one person's days are not
  independent of each other;
* **between** — one row per person: their mean outcome on their mean predictor
  (ordinary least squares, t with people − 2 degrees of freedom).

Intervals are 95 %. Everything is computed on the concatenated days with ``bincount``,
so thousands of simulated people take moments.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.domain.errors import ValidationError
from attune.domain.monitoring.series import DailySeries, FloatArray
from attune.domain.monitoring.stats import t_quantile

MIN_PEOPLE = 3
OUTCOMES = {"craving": "craving", "use": "used", "used": "used"}


@dataclass(frozen=True)
class BetweenWithin:
    predictor: str
    outcome: str
    lag: int
    people: int
    #: Pairs of days pooled for the within-person slope.
    n: int
    within: float
    within_low: float
    within_high: float
    between: float
    between_low: float
    between_high: float

    @property
    def within_clear(self) -> bool:
        return self.within_low > 0 or self.within_high < 0

    @property
    def between_clear(self) -> bool:
        return self.between_low > 0 or self.between_high < 0


def _interval(estimate: float, se: float, df: int) -> tuple[float, float]:
    if not np.isfinite(se) or df < 1:
        return float("nan"), float("nan")
    q = t_quantile(0.975, float(df))
    return estimate - q * se, estimate + q * se


def between_within(
    series_list: Sequence[DailySeries], predictor: str, *, outcome: str = "craving", lag: int = 1
) -> BetweenWithin:
    """The within-person and between-person association of ``predictor`` with ``outcome``.

    ``predictor`` is a measure name (``stress``), ``trigger:<tag>`` or ``coping:<tag>``;
    ``outcome`` is ``craving`` or ``use``.
    """
    if outcome not in OUTCOMES:
        raise ValidationError("The outcome is craving or use.", field="outcome")
    if lag not in (0, 1):
        raise ValidationError("The lag is 0 (same day) or 1 (next day).", field="lag")
    xs: list[FloatArray] = []
    ys: list[FloatArray] = []
    groups: list[NDArray[np.int64]] = []
    x_means: list[float] = []
    y_means: list[float] = []
    for series in series_list:
        x = series.measure(predictor)
        y = series.measure(OUTCOMES[outcome])
        today, later = (x[:-1], y[1:]) if lag else (x, y)
        keep = ~np.isnan(today) & ~np.isnan(later)
        if keep.sum() < 2 or np.isnan(x).all() or np.isnan(y).all():
            continue
        xs.append(today[keep])
        ys.append(later[keep])
        groups.append(np.full(int(keep.sum()), len(x_means)))
        x_means.append(float(np.nanmean(x)))
        y_means.append(float(np.nanmean(y)))
    people = len(x_means)
    if people < MIN_PEOPLE:
        raise ValidationError(
            f"Comparing people needs at least {MIN_PEOPLE} with answers (got {people}).",
            field="series_list",
        )
    x_all, y_all, g = np.concatenate(xs), np.concatenate(ys), np.concatenate(groups)
    counts = np.bincount(g, minlength=people).astype(np.float64)
    xc = x_all - (np.bincount(g, x_all, people) / counts)[g]
    yc = y_all - (np.bincount(g, y_all, people) / counts)[g]
    sxx = float(xc @ xc)
    if sxx <= 0:
        raise ValidationError(
            f"{predictor} never differs from anyone's usual, so there is nothing to compare.",
            field="predictor",
        )
    within = float(xc @ yc) / sxx
    residual = yc - within * xc
    scores = np.bincount(g, xc * residual, people)
    within_se = float(np.sqrt(people / (people - 1) * float(scores @ scores)) / sxx)
    within_low, within_high = _interval(within, within_se, people - 1)

    bx, by = np.asarray(x_means), np.asarray(y_means)
    bxc = bx - bx.mean()
    bsxx = float(bxc @ bxc)
    if bsxx > 0:
        between = float(bxc @ (by - by.mean())) / bsxx
        fitted = by.mean() + between * bxc
        sigma2 = float(((by - fitted) ** 2).sum()) / (people - 2)
        between_low, between_high = _interval(between, float(np.sqrt(sigma2 / bsxx)), people - 2)
    else:
        between, between_low, between_high = float("nan"), float("nan"), float("nan")
    return BetweenWithin(
        predictor=predictor,
        outcome=outcome if outcome != "used" else "use",
        lag=lag,
        people=people,
        n=int(x_all.size),
        within=within,
        within_low=within_low,
        within_high=within_high,
        between=between,
        between_low=between_low,
        between_high=between_high,
    )
