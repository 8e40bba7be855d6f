"""The statistics the calibration and engine-proof reports need, in plain numpy.

* :func:`auroc` — the area under the ROC curve, computed as the Mann–Whitney statistic
  with average ranks for ties (so a score that cannot tell two cases apart earns half a
  point for that pair), with the Hanley & McNeil (1982) standard error and a normal 95%
  interval clipped to [0, 1]; :func:`roc_points` gives the curve for a chart.
* :func:`kaplan_meier` — the product-limit survival curve with the number at risk.
* :func:`cox_hazard_ratio` — the hazard ratio for one 0/1 covariate from Cox's partial
  likelihood with Breslow's handling of tied times, fitted by Newton–Raphson; its 95%
  interval comes from the observed information (a Wald interval on the log scale).
* :func:`proportion_interval` — a Wilson 95% interval for a share.
* :func:`mean_difference` — a difference of two means with a Welch 95% interval (normal
  approximation; the reports use groups of hundreds).

Every function checks its input and raises :class:`ValueError` naming the argument.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: The two-sided 95% normal quantile.
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Estimate:
    """A number with its 95% interval and how many units it rests on."""

    value: float
    low: float
    high: float
    n: int


@dataclass(frozen=True)
class SurvivalCurve:
    """A Kaplan–Meier curve: survival just after each distinct event time."""

    times: NDArray[np.float64]
    survival: NDArray[np.float64]
    at_risk: NDArray[np.int64]
    events: NDArray[np.int64]


def _as_float(values: ArrayLike, name: str) -> NDArray[np.float64]:
    array = np.asarray(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name}: every value must be a finite number")
    return array


def _as_binary(values: ArrayLike, name: str) -> NDArray[np.bool_]:
    array = np.asarray(values).ravel()
    if array.dtype == np.bool_:
        return np.asarray(array, dtype=np.bool_)
    numbers = np.asarray(array, dtype=np.float64)
    if not np.all((numbers == 0) | (numbers == 1)):
        raise ValueError(f"{name}: every value must be 0 or 1")
    flags: NDArray[np.bool_] = np.equal(numbers, 1.0)
    return flags


def _same_length(name: str, first: NDArray[np.generic], *others: NDArray[np.generic]) -> None:
    for other in others:
        if other.shape != first.shape:
            raise ValueError(f"{name}: the arrays must have the same length")


def average_ranks(values: NDArray[np.float64]) -> NDArray[np.float64]:
    """Ranks from 1, with tied values sharing the mean of the ranks they span."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    ranks = np.empty(values.size, dtype=np.float64)
    boundaries = np.flatnonzero(np.diff(sorted_values)) + 1
    starts = np.concatenate(([0], boundaries))
    ends = np.concatenate((boundaries, [values.size]))
    for start, end in zip(starts, ends, strict=True):
        ranks[order[start:end]] = (start + 1 + end) / 2.0
    return ranks


def auroc(scores: ArrayLike, labels: ArrayLike) -> Estimate:
    """The probability that a random positive case scores above a random negative one.

    Ties count one half. ``labels`` are 0/1 (or booleans); both classes must be present.
    """
    score = _as_float(scores, "scores")
    label = _as_binary(labels, "labels")
    _same_length("auroc", score, label)
    positives = int(label.sum())
    negatives = int(label.size - positives)
    if positives == 0 or negatives == 0:
        raise ValueError("labels: both outcomes (0 and 1) must occur")
    ranks = average_ranks(score)
    u = float(ranks[label].sum()) - positives * (positives + 1) / 2.0
    area = u / (positives * negatives)
    se = hanley_mcneil_se(area, positives, negatives)
    return Estimate(
        value=area,
        low=max(0.0, area - Z95 * se),
        high=min(1.0, area + Z95 * se),
        n=positives + negatives,
    )


def hanley_mcneil_se(area: float, positives: int, negatives: int) -> float:
    """Hanley & McNeil's (1982) standard error of an AUROC."""
    q1 = area / (2.0 - area)
    q2 = 2.0 * area * area / (1.0 + area)
    variance = (
        area * (1.0 - area)
        + (positives - 1) * (q1 - area * area)
        + (negatives - 1) * (q2 - area * area)
    ) / (positives * negatives)
    return math.sqrt(max(variance, 0.0))


def roc_points(
    scores: ArrayLike, labels: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """False- and true-positive rates at every distinct threshold, from (0, 0) to (1, 1)."""
    score = _as_float(scores, "scores")
    label = _as_binary(labels, "labels")
    _same_length("roc_points", score, label)
    positives = int(label.sum())
    negatives = int(label.size - positives)
    if positives == 0 or negatives == 0:
        raise ValueError("labels: both outcomes (0 and 1) must occur")
    order = np.argsort(-score, kind="mergesort")
    sorted_scores = score[order]
    sorted_labels = label[order]
    true_positives = np.cumsum(sorted_labels)
    false_positives = np.cumsum(~sorted_labels)
    last_of_each = np.concatenate((np.flatnonzero(np.diff(sorted_scores)), [score.size - 1]))
    tpr = np.concatenate(([0.0], true_positives[last_of_each] / positives))
    fpr = np.concatenate(([0.0], false_positives[last_of_each] / negatives))
    return fpr, tpr


def kaplan_meier(times: ArrayLike, events: ArrayLike) -> SurvivalCurve:
    """The product-limit estimate. ``events`` is 1 for an event, 0 for a censored time."""
    time = _as_float(times, "times")
    event = _as_binary(events, "events")
    _same_length("kaplan_meier", time, event)
    if time.size == 0:
        raise ValueError("times: at least one time is needed")
    if np.any(time < 0):
        raise ValueError("times: a time cannot be negative")
    event_times = np.unique(time[event])
    at_risk = np.array([(time >= t).sum() for t in event_times], dtype=np.int64)
    deaths = np.array([(event & (time == t)).sum() for t in event_times], dtype=np.int64)
    survival = np.cumprod(1.0 - deaths / at_risk).astype(np.float64)
    return SurvivalCurve(times=event_times, survival=survival, at_risk=at_risk, events=deaths)


def survival_at(curve: SurvivalCurve, time: float) -> float:
    """The curve's value at ``time`` (1 before the first event)."""
    index = int(np.searchsorted(curve.times, time, side="right"))
    return 1.0 if index == 0 else float(curve.survival[index - 1])


def _cox_score_information(
    beta: float,
    time: NDArray[np.float64],
    event: NDArray[np.bool_],
    group: NDArray[np.float64],
    event_times: NDArray[np.float64],
) -> tuple[float, float, float]:
    log_likelihood = 0.0
    score = 0.0
    information = 0.0
    weight = np.exp(beta * group)
    for t in event_times:
        at_risk = time >= t
        failing = event & (time == t)
        deaths = int(failing.sum())
        s0 = float(weight[at_risk].sum())
        s1 = float((weight * group)[at_risk].sum())
        s2 = float((weight * group * group)[at_risk].sum())
        covariate_sum = float(group[failing].sum())
        log_likelihood += beta * covariate_sum - deaths * math.log(s0)
        score += covariate_sum - deaths * s1 / s0
        information += deaths * (s2 / s0 - (s1 / s0) ** 2)
    return log_likelihood, score, information


def cox_hazard_ratio(times: ArrayLike, events: ArrayLike, group: ArrayLike) -> Estimate:
    """The hazard ratio of ``group == 1`` against ``group == 0`` (Cox, Breslow ties).

    Raises :class:`ValueError` when the data cannot identify it (no events, one group
    only, or every event in one group so the estimate runs off to 0 or infinity).
    """
    time = _as_float(times, "times")
    event = _as_binary(events, "events")
    member = _as_binary(group, "group").astype(np.float64)
    _same_length("cox_hazard_ratio", time, event, member)
    if not event.any():
        raise ValueError("events: at least one event is needed")
    if member.min() == member.max():
        raise ValueError("group: both groups (0 and 1) must occur")
    event_times = np.unique(time[event])
    beta = 0.0
    for _ in range(60):
        _, score, information = _cox_score_information(beta, time, event, member, event_times)
        if information <= 1e-12:
            break
        step = score / information
        step = max(-2.0, min(2.0, step))
        beta += step
        if abs(step) < 1e-10:
            break
        if abs(beta) > 30:
            raise ValueError("group: every event falls in one group; the ratio is not finite")
    _, score, information = _cox_score_information(beta, time, event, member, event_times)
    if information <= 1e-12 or abs(score) > 1e-6:
        raise ValueError("group: every event falls in one group; the ratio is not finite")
    se = 1.0 / math.sqrt(information)
    return Estimate(
        value=math.exp(beta),
        low=math.exp(beta - Z95 * se),
        high=math.exp(beta + Z95 * se),
        n=int(time.size),
    )


def proportion_interval(successes: int, total: int) -> Estimate:
    """A share with its Wilson 95% interval."""
    if total <= 0:
        raise ValueError("total: must be at least 1")
    if not 0 <= successes <= total:
        raise ValueError("successes: must lie between 0 and total")
    share = successes / total
    z2 = Z95 * Z95
    centre = (share + z2 / (2 * total)) / (1 + z2 / total)
    half = (Z95 / (1 + z2 / total)) * math.sqrt(
        share * (1 - share) / total + z2 / (4 * total * total)
    )
    # At 0 or all successes the bound is exactly 0 or 1 (rounding could leave 1e-17).
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == total else min(1.0, centre + half)
    return Estimate(value=share, low=low, high=high, n=total)


def mean_difference(first: ArrayLike, second: ArrayLike) -> Estimate:
    """``mean(first) - mean(second)`` with a Welch (normal approximation) 95% interval."""
    a = _as_float(first, "first")
    b = _as_float(second, "second")
    if a.size < 2 or b.size < 2:
        raise ValueError("mean_difference: each group needs at least two values")
    difference = float(a.mean() - b.mean())
    se = math.sqrt(float(a.var(ddof=1)) / a.size + float(b.var(ddof=1)) / b.size)
    return Estimate(
        value=difference,
        low=difference - Z95 * se,
        high=difference + Z95 * se,
        n=int(a.size + b.size),
    )


def cluster_bootstrap_auroc(
    scores: ArrayLike,
    labels: ArrayLike,
    clusters: ArrayLike,
    *,
    seed: int,
    replicates: int = 200,
) -> Estimate:
    """AUROC with a percentile 95% interval from resampling whole clusters (patients).

    Several weeks of one patient are not independent; resampling patients, not weeks,
    keeps the interval honest. Replicates that draw only one outcome are skipped.
    """
    score = _as_float(scores, "scores")
    label = _as_binary(labels, "labels")
    group = np.asarray(clusters).ravel()
    _same_length("cluster_bootstrap_auroc", score, label, group)
    if replicates < 10:
        raise ValueError("replicates: at least 10 are needed")
    point = auroc(score, label)
    ids, index = np.unique(group, return_inverse=True)
    members = [np.flatnonzero(index == i) for i in range(ids.size)]
    rng = np.random.default_rng(seed)
    areas: list[float] = []
    for _ in range(replicates):
        chosen = rng.integers(0, ids.size, size=ids.size)
        rows = np.concatenate([members[i] for i in chosen])
        sample_labels = label[rows]
        if sample_labels.all() or not sample_labels.any():
            continue
        areas.append(auroc(score[rows], sample_labels).value)
    if len(areas) < 10:
        raise ValueError("labels: too few replicates held both outcomes")
    low, high = np.percentile(np.array(areas), [2.5, 97.5])
    return Estimate(value=point.value, low=float(low), high=float(high), n=point.n)


def mean_interval(values: ArrayLike) -> Estimate:
    """A mean with a normal-approximation 95% interval."""
    array = _as_float(values, "values")
    if array.size < 2:
        raise ValueError("values: at least two are needed")
    mean = float(array.mean())
    se = float(array.std(ddof=1)) / math.sqrt(array.size)
    return Estimate(value=mean, low=mean - Z95 * se, high=mean + Z95 * se, n=int(array.size))
