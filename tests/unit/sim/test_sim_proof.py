"""The engine proof on a small simulated cohort."""

from __future__ import annotations

import numpy as np

from attune.sim.cycle import COPING_SIM, TRIGGER_SIM, default_parameters
from attune.sim.proof import LENGTHS, patient_series, risk_proof, trigger_recovery
from attune.sim.proof import _cohort_run as cohort_run
from attune.sim.report import render
from attune.sim.report_proof import proof_report


def test_patient_series_reads_the_check_ins_as_answered() -> None:
    result = cohort_run(default_parameters(), 3, 40, 9, None)
    series = patient_series(result, 1, 40)
    c = result.checkins
    done = np.asarray(c["checked_in"][1], dtype=bool)
    assert series.checkins == int(done.sum())
    day = int(np.flatnonzero(done)[0])
    assert series.craving[day] == c["craving"][1, day]
    assert series.sleep_hours[day] == c["sleep_half_hours"][1, day] / 2
    assert series.used[day] == float(c["used"][1, day])
    missing = np.flatnonzero(~done)
    if missing.size:
        assert np.isnan(series.mood[missing[0]])
    for j, tag in enumerate(TRIGGER_SIM):
        assert series.triggers[tag][day] == (int(c["triggers"][1, day]) >> j) & 1
    for j, tag in enumerate(COPING_SIM):
        assert series.coping[tag][day] == (int(c["coping"][1, day]) >> j) & 1


def test_trigger_recovery_grows_with_days_of_data() -> None:
    recovery = trigger_recovery(default_parameters(), patients=40, seed=4)
    assert [r.days for r in recovery.rows] == list(LENGTHS)
    for row in recovery.rows:
        total = row.close.value + row.silent.value + row.other.value
        assert abs(total - 1.0) < 1e-9
        assert row.found.value <= row.close.value
    assert recovery.rows[-1].enough_data >= recovery.rows[0].enough_data
    assert recovery.rows[-1].silent.value <= recovery.rows[0].silent.value
    assert sum(count for _, count in recovery.truth_counts) == 40
    named = sum(hit for _, _, hit in recovery.by_trigger)
    assert named == round(recovery.rows[-1].found.value * 40)


def test_risk_proof_scores_held_out_weeks_and_writes_a_report() -> None:
    risk = risk_proof(default_parameters(), patients=40, seed=5)
    assert risk.questions
    first = risk.questions[0]
    assert 0 < first.events < first.person_weeks
    assert first.score.low <= first.score.value <= first.score.high
    assert sum(g.people for g in risk.groups if g.group.startswith("Main addiction")) == 40
    engaged = [g for g in risk.groups if g.group.startswith("Checked in")]
    assert len(engaged) == 2 and sum(g.people for g in engaged) == 40
    recovery = trigger_recovery(default_parameters(), patients=20, seed=6)
    html = render(proof_report(recovery, risk, seed=5, parameters_id="cycle_v1"))
    assert "AUROC" in html and "Wyant" in html
    assert "not a prediction for any real person" in html
