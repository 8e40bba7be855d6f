"""The numpy model and the plain per-patient loop agree, and a run is reproducible."""

from __future__ import annotations

import numpy as np
import pytest

from attune.domain.levelofcare.model import Level
from attune.sim.cycle import (
    NO_TREATMENT,
    Arm,
    Engine,
    Schedule,
    SimResult,
    default_parameters,
    draw_cohort,
    simulate,
)

KAP = Arm(
    "kap",
    level=Level.INTENSIVE_OUTPATIENT,
    therapy_weekdays=(1, 4),
    therapy_weeks=8,
    dose_days=(7, 14, 21),
    dose_strength=0.8,
    integration_after=1,
)
RESIDENTIAL = Arm(
    "residential",
    level=Level.RESIDENTIAL,
    therapy_weekdays=(0, 2, 4),
    therapy_weeks=4,
    level_changes=((28, Level.OUTPATIENT),),  # a month, then outpatient: levels by day
)


def _run(engine: Engine, seed: int = 11, n: int = 60, days: int = 100) -> SimResult:
    params = default_parameters()
    cohort = draw_cohort(n, params, seed)
    schedule = Schedule.from_arms([NO_TREATMENT, KAP, RESIDENTIAL], np.arange(n) % 3, days)
    return simulate(params, cohort, schedule, days, seed, engine=engine)


@pytest.fixture(scope="module")
def both() -> tuple[SimResult, SimResult]:
    return _run(Engine.NUMPY), _run(Engine.LOOP)


def test_every_discrete_output_is_identical(both: tuple[SimResult, SimResult]) -> None:
    fast, loop = both
    for group in ("checkins", "events"):
        a, b = getattr(fast, group), getattr(loop, group)
        assert a.keys() == b.keys()
        for name in a:
            if a[name].dtype.kind == "f":
                np.testing.assert_allclose(a[name], b[name], rtol=1e-6, err_msg=name)
            else:
                np.testing.assert_array_equal(a[name], b[name], err_msg=name)
    assert fast.events["used"].any() and fast.checkins["checked_in"].any()


def test_latent_states_agree(both: tuple[SimResult, SimResult]) -> None:
    fast, loop = both
    assert set(fast.latent) == set(loop.latent)
    for name in fast.latent:
        np.testing.assert_allclose(
            fast.latent[name], loop.latent[name], rtol=1e-5, atol=1e-5, err_msg=name
        )


def test_questionnaires_and_truth_agree(both: tuple[SimResult, SimResult]) -> None:
    fast, loop = both
    for key, given in fast.questionnaires.items():
        other = loop.questionnaires[key]
        np.testing.assert_array_equal(given.patient, other.patient)
        np.testing.assert_array_equal(given.day, other.day)
        np.testing.assert_array_equal(given.codes, other.codes)
    np.testing.assert_allclose(fast.truth.standardised, loop.truth.standardised, rtol=1e-9)
    np.testing.assert_array_equal(fast.truth.relapse, loop.truth.relapse)


def test_same_seed_same_run_and_another_seed_differs() -> None:
    first, again, other = _run(Engine.NUMPY, 5), _run(Engine.NUMPY, 5), _run(Engine.NUMPY, 6)
    for name in first.checkins:
        np.testing.assert_array_equal(first.checkins[name], again.checkins[name])
    assert not np.array_equal(first.latent["craving"], other.latent["craving"])


def test_blocks_keep_results_independent_of_the_progress_callback() -> None:
    seen: list[int] = []
    params = default_parameters()
    cohort = draw_cohort(20, params, 1)
    schedule = Schedule.single(NO_TREATMENT, 20, 30)
    quiet = simulate(params, cohort, schedule, 30, 1)
    loud = simulate(params, cohort, schedule, 30, 1, progress=seen.append)
    assert sum(seen) == 20 * 30
    np.testing.assert_array_equal(quiet.latent["stress"], loud.latent["stress"])


def test_threads_give_the_same_run(monkeypatch: pytest.MonkeyPatch) -> None:
    from attune.sim.cycle import run

    monkeypatch.setattr(run, "BLOCK", 16)  # several blocks in a small cohort
    params = default_parameters()
    cohort = draw_cohort(70, params, 4)
    schedule = Schedule.from_arms([NO_TREATMENT, KAP], np.arange(70) % 2, 40)
    one = simulate(params, cohort, schedule, 40, 4)
    two = simulate(params, cohort, schedule, 40, 4, threads=2)
    for name in one.checkins:
        np.testing.assert_array_equal(one.checkins[name], two.checkins[name])
    np.testing.assert_array_equal(one.events["amount"], two.events["amount"])
    for key, given in one.questionnaires.items():
        np.testing.assert_array_equal(given.codes, two.questionnaires[key].codes)


def test_daily_draws_are_standard_normals_and_uniforms() -> None:
    from attune.sim.cycle import rates

    n = 40_000
    z = np.empty((rates.NZ, n))
    u = np.empty((rates.NU, n))
    rates.draw_day(np.random.default_rng(9), z, u)
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1.0) < 0.01
    assert np.abs(z).max() < 5.8
    assert abs((np.abs(z) > 1.96).mean() - 0.05) < 0.004  # normal tails, not uniform ones
    assert (u >= 0.0).all() and (u < 1.0).all() and abs(u.mean() - 0.5) < 0.005
    # Rows are separate draws: neighbouring rows are uncorrelated.
    assert abs(np.corrcoef(z[0], z[rates.NZ // 2])[0, 1]) < 0.02
    assert abs(np.corrcoef(u[0], u[1])[0, 1]) < 0.02
    z2, u2 = np.empty_like(z), np.empty_like(u)
    rates.draw_day(np.random.default_rng(9), z2, u2)
    np.testing.assert_array_equal(z, z2)
    np.testing.assert_array_equal(u, u2)


def test_standard_normals_of_any_shape() -> None:
    from attune.sim.cycle.rates import standard_normals

    z = standard_normals(np.random.default_rng(2), (20_001, 3))  # an odd count
    assert z.shape == (20_001, 3)
    assert abs(z.mean()) < 0.02 and abs(z.std() - 1.0) < 0.02
