"""The calibration runs: schedules, comparisons and a small end-to-end report."""

from __future__ import annotations

from html import escape

import numpy as np
import pytest

from attune.domain.levelofcare.model import Level
from attune.sim.calibration import (
    LEAD_IN,
    Closeness,
    calibrate,
    compare,
    trial_schedule,
)
from attune.sim.cycle import LEVELS, default_parameters
from attune.sim.estimators import Estimate
from attune.sim.report import render
from attune.sim.report_calibration import calibration_report, closeness_text
from attune.sim.targets import CALIBRATION_TARGETS, DAKWAR_2019, KARE_THERAPY_VS_EDUCATION
from attune.sim.trials import DAKWAR, KARE


def test_compare_uses_the_published_interval_when_there_is_one() -> None:
    inside = compare(KARE_THERAPY_VS_EDUCATION, Estimate(0.20, 0.10, 0.30, 100))
    assert inside.closeness is Closeness.INSIDE_PUBLISHED
    assert inside.gap == pytest.approx(0.20 - 0.159)
    outside = compare(KARE_THERAPY_VS_EDUCATION, Estimate(0.40, 0.35, 0.45, 100))
    assert outside.closeness is Closeness.OUTSIDE
    assert "outside the published interval" in closeness_text(outside)
    assert "+24.1 percentage points" in closeness_text(outside)


def test_compare_uses_the_simulated_interval_when_the_paper_gives_none() -> None:
    near = compare(DAKWAR_2019, Estimate(0.45, 0.40, 0.50, 400))
    assert near.closeness is Closeness.PUBLISHED_INSIDE_SIMULATED
    far = compare(DAKWAR_2019, Estimate(0.20, 0.17, 0.23, 400))
    assert far.closeness is Closeness.OUTSIDE
    assert far.gap == pytest.approx(0.20 - 0.482)


def test_trial_schedule_puts_each_arm_after_the_lead_in() -> None:
    assignment = np.array([0, 1, 2, 3], dtype=np.int64)
    schedule = trial_schedule(KARE, assignment, LEAD_IN)
    assert schedule.shape == (4, LEAD_IN + KARE.days)
    assert np.flatnonzero(schedule.dose[0]).tolist() == [LEAD_IN, LEAD_IN + 7, LEAD_IN + 14]
    assert np.flatnonzero(schedule.dose[1]).tolist() == [LEAD_IN, LEAD_IN + 7, LEAD_IN + 14]
    assert not schedule.dose[2].any() and not schedule.dose[3].any()
    assert schedule.therapy[0].sum() == 6 and schedule.therapy[2].sum() == 6
    assert not schedule.therapy[1].any() and not schedule.therapy[3].any()
    assert np.flatnonzero(schedule.integration[0]).tolist() == [
        LEAD_IN,
        LEAD_IN + 7,
        LEAD_IN + 14,
    ]
    assert not schedule.therapy[:, :LEAD_IN].any() and not schedule.dose[:, :LEAD_IN].any()


def test_kare_screens_in_self_management_and_treats_in_outpatient_care() -> None:
    schedule = trial_schedule(KARE, np.array([0, 3], dtype=np.int64), LEAD_IN)
    levels = [LEVELS[code] for code in schedule.level[0]]
    assert set(levels[:LEAD_IN]) == {Level.SELF_MANAGEMENT}
    assert set(levels[LEAD_IN:]) == {Level.OUTPATIENT}
    assert (schedule.level[1] == schedule.level[0]).all()


def test_dakwar_has_no_entry_effect() -> None:
    schedule = trial_schedule(DAKWAR, np.array([0, 1], dtype=np.int64), LEAD_IN)
    assert (schedule.level == LEVELS.index(Level.OUTPATIENT)).all()


def test_a_small_calibration_run_reports_every_target() -> None:
    outcomes = calibrate(default_parameters(), seed=3, scale=0.15)
    again = calibrate(default_parameters(), seed=3, scale=0.15)
    assert [c.simulated for o in outcomes for c in o.comparisons] == [
        c.simulated for o in again for c in o.comparisons
    ]
    assert [o.trial.id for o in outcomes] == ["kare", "dakwar", "hull", "sustain1"]
    for outcome in outcomes:
        assert 0 < outcome.included <= outcome.screened
        for comparison in outcome.comparisons:
            s = comparison.simulated
            assert s.low <= s.value <= s.high
    ids = {c.target.id for o in outcomes for c in o.comparisons}
    # every target except possibly SUSTAIN-1's (few stable remitters in a small run)
    assert ids >= {t.id for t in CALIBRATION_TARGETS} - {"sustain1_hazard_ratio"}
    html = render(calibration_report(outcomes, seed=3, scale=0.15, parameters_id="cycle_v1"))
    assert "not a prediction for any real person" in html
    for target in CALIBRATION_TARGETS:
        assert escape(target.source) in html
    assert html.count("<svg") >= 7
