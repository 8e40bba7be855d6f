"""Ground truth: lapse and relapse definitions, effects and the top trigger."""

from __future__ import annotations

import numpy as np
import pytest

from attune.sim.cycle import (
    NO_TREATMENT,
    PREDICTORS,
    Schedule,
    default_parameters,
    draw_cohort,
    simulate,
)
from attune.sim.cycle.truth import lapses


def test_lapse_and_relapse_by_hand() -> None:
    params = default_parameters()  # lapse after 7 clear days; relapse: 3 use days in 7
    days = [1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0]
    used = np.array(days, dtype=np.bool_)[:, None]
    lapse, relapse = lapses(used, params)
    assert np.nonzero(lapse[:, 0])[0].tolist() == [8, 16]
    # Day 8: no other use in days 8–14 → a lapse only. Day 16: use on 16, 17, 19 → relapse.
    assert np.nonzero(relapse[:, 0])[0].tolist() == [16]


def test_the_first_use_is_never_a_lapse_because_earlier_days_are_unknown() -> None:
    used = np.zeros((10, 1), dtype=np.bool_)
    used[9] = True
    lapse, _ = lapses(used, default_parameters())
    assert lapse[9, 0]
    used[:] = False
    used[3] = True
    lapse, _ = lapses(used, default_parameters())
    assert not lapse.any()


@pytest.fixture(scope="module")
def truth_run():  # type: ignore[no-untyped-def]
    params = default_parameters()
    cohort = draw_cohort(500, params, 9)
    return simulate(params, cohort, Schedule.single(NO_TREATMENT, 500, 120), 120, 9)


def test_effects_have_the_documented_signs(truth_run) -> None:  # type: ignore[no-untyped-def]
    t = truth_run.truth
    k = {name: i for i, name in enumerate(PREDICTORS)}
    assert (t.effects[:, k["stress"]] > 0).all()
    assert (t.effects[:, k["mood"]] < 0).all()
    assert (t.effects[:, k["sleep_hours"]] < 0).all()
    assert (t.effects[:, k["cue"]] > 0).all()
    negative = (t.effects[:, k["loneliness"]] < 0).mean()
    assert 0.15 < negative < 0.35  # loneliness_negative_share = 0.25


def test_the_top_trigger_is_the_largest_standardised_effect(truth_run) -> None:  # type: ignore[no-untyped-def]
    t = truth_run.truth
    for i in range(0, 500, 37):
        raising = np.abs(t.standardised[i]).copy()
        if t.effects[i, 1] < 0:
            raising[1] = 0.0
        assert t.top_trigger[i] == int(np.argmax(raising))
    # Patients differ: more than one predictor is somebody's top trigger.
    assert len(set(t.top_trigger.tolist())) >= 3
    assert (t.standardised[:, :4] != 0).all()


def test_coping_effects_only_for_strategies_in_the_repertoire(truth_run) -> None:  # type: ignore[no-untyped-def]
    t = truth_run.truth
    assert (t.coping_effects[~t.repertoire] == 0).all()
    assert (t.repertoire.sum(axis=1) == 3).all()
    assert (t.coping_effects >= 0).all() and (t.coping_effects > 0).any()


def test_two_schedules_with_one_seed_meet_the_same_days() -> None:
    # Common random numbers: the same people, the same draws; only the care differs.
    from attune.sim.cycle.arms import PRESETS

    params = default_parameters()
    cohort = draw_cohort(200, params, 5)
    without = simulate(params, cohort, Schedule.single(NO_TREATMENT, 200, 60), 60, 5)
    with_kap = simulate(params, cohort, Schedule.single(PRESETS["kap"], 200, 60), 60, 5)
    np.testing.assert_array_equal(without.truth.effects, with_kap.truth.effects)
    np.testing.assert_array_equal(without.events["conflict"], with_kap.events["conflict"])
    np.testing.assert_array_equal(without.latent["stress"][:, 0], with_kap.latent["stress"][:, 0])
    assert (
        with_kap.latent["coping_skill"][:, -1].mean() > without.latent["coping_skill"][:, -1].mean()
    )
