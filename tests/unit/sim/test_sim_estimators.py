"""The report statistics on examples small enough to work out by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from attune.sim.estimators import (
    auroc,
    average_ranks,
    cluster_bootstrap_auroc,
    cox_hazard_ratio,
    hanley_mcneil_se,
    kaplan_meier,
    mean_difference,
    mean_interval,
    proportion_interval,
    roc_points,
    survival_at,
)


def test_auroc_counts_the_pairs_a_positive_outranks() -> None:
    # positives 0.35 and 0.8 against negatives 0.1 and 0.4: 0.35 beats 0.1 only,
    # 0.8 beats both -> 3 of 4 pairs.
    result = auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    assert result.value == pytest.approx(0.75)
    assert result.n == 4


def test_auroc_gives_a_tie_half_a_pair() -> None:
    # positives 1 and 2 against negative 1: a tie (0.5) and a win (1) -> 1.5 / 2.
    assert auroc([1.0, 1.0, 2.0], [0, 1, 1]).value == pytest.approx(0.75)


def test_auroc_perfect_and_reversed_scores() -> None:
    assert auroc([1, 2, 3, 4], [0, 0, 1, 1]).value == 1.0
    assert auroc([4, 3, 2, 1], [0, 0, 1, 1]).value == 0.0


def test_hanley_mcneil_standard_error_by_hand() -> None:
    # A = 0.75, 2 positives, 2 negatives: Q1 = 0.6, Q2 = 1.125 / 1.75.
    q2 = 1.125 / 1.75
    variance = (0.75 * 0.25 + (0.6 - 0.5625) + (q2 - 0.5625)) / 4
    assert hanley_mcneil_se(0.75, 2, 2) == pytest.approx(math.sqrt(variance))
    result = auroc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    assert result.low == pytest.approx(max(0.0, 0.75 - 1.959964 * math.sqrt(variance)))
    assert result.high == 1.0


def test_auroc_needs_both_outcomes() -> None:
    with pytest.raises(ValueError, match="labels"):
        auroc([0.1, 0.2], [1, 1])
    with pytest.raises(ValueError, match="labels"):
        auroc([0.1, 0.2], [0, 2])


def test_average_ranks_share_ties() -> None:
    ranks = average_ranks(np.array([3.0, 1.0, 3.0, 2.0]))
    assert ranks.tolist() == [3.5, 1.0, 3.5, 2.0]


def test_roc_points_walk_from_corner_to_corner() -> None:
    fpr, tpr = roc_points([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    assert fpr.tolist() == [0.0, 0.0, 0.5, 0.5, 1.0]
    assert tpr.tolist() == [0.0, 0.5, 0.5, 1.0, 1.0]
    # the trapezoid area under these points is the AUROC
    assert float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)) == pytest.approx(0.75)


def test_kaplan_meier_by_hand() -> None:
    # t=1: 5 at risk, 1 event -> 0.8; t=2: 4 at risk, 1 event (one censored) -> 0.6;
    # t=3: 2 at risk, 1 event -> 0.3; t=4 censored.
    curve = kaplan_meier([1, 2, 2, 3, 4], [1, 1, 0, 1, 0])
    assert curve.times.tolist() == [1.0, 2.0, 3.0]
    assert curve.at_risk.tolist() == [5, 4, 2]
    assert curve.survival == pytest.approx([0.8, 0.6, 0.3])
    assert survival_at(curve, 0.5) == 1.0
    assert survival_at(curve, 2.5) == pytest.approx(0.6)
    assert survival_at(curve, 10) == pytest.approx(0.3)


def test_cox_hazard_ratio_by_hand() -> None:
    # Events at 1 (group 1), 2 (group 0), 3 (group 1); time 4 censored (group 0).
    # With x = exp(beta) the log partial likelihood is
    # 2b - log 2 - 2 log(x + 1) - log(x + 2); setting its derivative to zero gives
    # x^2 - x - 4 = 0, so the hazard ratio is (1 + sqrt 17) / 2.
    result = cox_hazard_ratio([1, 2, 3, 4], [1, 1, 1, 0], [1, 0, 1, 0])
    x = (1 + math.sqrt(17)) / 2
    assert result.value == pytest.approx(x, rel=1e-8)
    information = 2 * x / (x + 1) ** 2 + 2 * x / (x + 2) ** 2
    se = 1 / math.sqrt(information)
    assert result.low == pytest.approx(x * math.exp(-1.959964 * se), rel=1e-5)
    assert result.high == pytest.approx(x * math.exp(1.959964 * se), rel=1e-5)


def test_cox_hazard_ratio_is_one_for_identical_groups() -> None:
    result = cox_hazard_ratio([1, 1, 2, 2, 3, 3], [1, 1, 1, 1, 0, 0], [0, 1, 0, 1, 0, 1])
    assert result.value == pytest.approx(1.0)


def test_cox_refuses_a_ratio_that_runs_off() -> None:
    with pytest.raises(ValueError, match="group"):
        cox_hazard_ratio([1, 2, 3, 4], [1, 1, 0, 0], [1, 1, 0, 0])
    with pytest.raises(ValueError, match="group"):
        cox_hazard_ratio([1, 2], [1, 1], [0, 0])


def test_cox_recovers_a_planted_ratio() -> None:
    rng = np.random.default_rng(7)
    group = np.repeat([0, 1], 2000)
    rate = np.where(group == 1, 0.5, 1.0)
    times = rng.exponential(1 / rate)
    censor = np.minimum(times, 2.0)
    events = times <= 2.0
    result = cox_hazard_ratio(censor, events, group)
    assert result.low < 0.5 < result.high
    assert result.value == pytest.approx(0.5, abs=0.06)


def test_wilson_interval_for_eight_of_ten() -> None:
    result = proportion_interval(8, 10)
    assert result.value == 0.8
    assert result.low == pytest.approx(0.4902, abs=1e-4)
    assert result.high == pytest.approx(0.9433, abs=1e-4)
    with pytest.raises(ValueError, match="successes"):
        proportion_interval(11, 10)


def test_mean_difference_with_welch_interval() -> None:
    # means 2 and 1; variances 1 and 1 (n = 3 each) -> se = sqrt(1/3 + 1/3).
    result = mean_difference([1, 2, 3], [0, 1, 2])
    assert result.value == pytest.approx(1.0)
    se = math.sqrt(2 / 3)
    assert result.low == pytest.approx(1 - 1.959964 * se, rel=1e-6)
    assert result.high == pytest.approx(1 + 1.959964 * se, rel=1e-6)


def test_cluster_bootstrap_keeps_the_point_and_brackets_it() -> None:
    rng = np.random.default_rng(3)
    patients = np.repeat(np.arange(60), 10)
    labels = rng.random(600) < 0.3
    scores = labels * 1.0 + rng.normal(0, 1, 600)
    result = cluster_bootstrap_auroc(scores, labels, patients, seed=1, replicates=100)
    assert result.value == pytest.approx(auroc(scores, labels).value)
    assert result.low < result.value < result.high
    again = cluster_bootstrap_auroc(scores, labels, patients, seed=1, replicates=100)
    assert again == result  # seeded


def test_mean_interval_by_hand() -> None:
    # mean 2, sample SD 1, n 3 -> se = 1 / sqrt 3.
    result = mean_interval([1, 2, 3])
    assert result.value == pytest.approx(2.0)
    assert result.high - result.value == pytest.approx(1.959964 / math.sqrt(3), rel=1e-6)
