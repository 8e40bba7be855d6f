"""The trial scenarios' schedules and outcome definitions on hand-made arrays."""

from __future__ import annotations

import numpy as np
import pytest

from attune.sim.trials import (
    DAKWAR,
    KARE,
    SUSTAIN,
    TRIALS,
    abstinent_throughout,
    first_relapse,
    halved,
    percent_days_abstinent,
    twice_weekly,
    weekly,
)


def test_schedules() -> None:
    assert weekly(0, 3) == (0, 7, 14)
    assert twice_weekly(0, 2) == (0, 3, 7, 10)
    ketamine_therapy = KARE.arms[0]
    assert ketamine_therapy.ketamine_days == (0, 7, 14)
    assert [arm.ketamine_days for arm in DAKWAR.arms] == [(0,), ()]
    continuing, withdrawn = SUSTAIN.arms
    assert set(withdrawn.ketamine_days) < set(continuing.ketamine_days)


def test_every_trial_is_described_and_within_its_days() -> None:
    for trial in TRIALS:
        assert trial.targets and trial.assumptions and trial.outcome_text
        for arm in trial.arms:
            for day in arm.ketamine_days + arm.therapy_days + arm.integration_days:
                assert 0 <= day < trial.days


def test_percent_days_abstinent() -> None:
    used = np.array([[1, 0, 0, 0, 1], [1, 1, 1, 1, 1]], dtype=bool)
    # days 1..4: row 0 used on 1 of 4 days -> 0.75; row 1 used on all -> 0.
    assert percent_days_abstinent(used, 1, 5).tolist() == [0.75, 0.0]
    with pytest.raises(ValueError, match="window"):
        percent_days_abstinent(used, 3, 3)


def test_abstinent_throughout() -> None:
    used = np.array([[1, 0, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    assert abstinent_throughout(used, 1, 3).tolist() == [True, False, True]


def test_halved_needs_at_least_half_the_baseline_gone() -> None:
    assert halved(np.array([20.0, 20.0, 0.0]), np.array([10.0, 11.0, 0.0])).tolist() == [
        True,
        False,
        False,
    ]


def test_first_relapse_needs_two_weeks_in_a_row() -> None:
    scores = np.array([[16, 16, 3], [3, 16, 16], [16, 3, 16]], dtype=float)
    times, events = first_relapse(scores, 15)
    assert times.tolist() == [1.0, 2.0, 3.0]
    assert events.tolist() == [True, True, False]
