"""The parameter file, the cohort and the schedule: loading, checking, documenting."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from attune.domain.errors import InvalidDefinition, ValidationError
from attune.domain.instruments.styles import MIDPOINT
from attune.domain.intake.model import AddictionType
from attune.domain.levelofcare.model import Level
from attune.sim.cycle import (
    ADDICTIONS,
    Arm,
    Schedule,
    default_parameters,
    draw_cohort,
    load_parameters,
    parameter_info,
    simulate,
)

DOCS = Path(__file__).resolve().parents[3] / "docs" / "simulator.md"


def _file(tmp_path: Path, change: dict[str, object] | None = None, drop: str = "") -> Path:
    raw = {
        "parameters": {
            name: {"value": info.value, "unit": info.unit, "meaning": info.meaning}
            for name, info in parameter_info().items()
            if name != drop
        }
    }
    for name, value in (change or {}).items():
        raw["parameters"][name] = value  # type: ignore[index]
    path = tmp_path / "params.json"
    path.write_text(json.dumps(raw))
    return path


def test_every_parameter_has_a_unit_a_meaning_and_a_source() -> None:
    info = parameter_info()
    assert len(info) > 100
    for name, entry in info.items():
        assert entry.unit and entry.meaning and entry.source, name
    assert default_parameters().as_dict() == {n: e.value for n, e in info.items()}


def test_the_docs_table_lists_every_parameter_with_its_value() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for name, entry in parameter_info().items():
        assert f"| `{name}` | {entry.value:g} | {entry.unit} |" in text, name


def test_a_copy_of_the_file_loads(tmp_path: Path) -> None:
    assert load_parameters(_file(tmp_path)) == default_parameters()


@pytest.mark.parametrize(
    ("change", "drop", "message"),
    [
        ({}, "stress_base", "'stress_base' is missing"),
        ({"surprise": {"value": 1, "unit": "u", "meaning": "m"}}, "", "unknown parameter"),
        ({"stress_base": {"value": "high", "unit": "u", "meaning": "m"}}, "", "must be a number"),
        ({"stress_base": {"value": 4, "meaning": "m"}}, "", "needs its 'unit'"),
        ({"stress_halflife": {"value": 0, "unit": "d", "meaning": "m"}}, "", "above 0"),
        ({"cue_rate": {"value": 1.5, "unit": "p", "meaning": "m"}}, "", "from 0 to 1"),
        ({"share_alcohol": {"value": 0.9, "unit": "s", "meaning": "m"}}, "", "add up to 1"),
    ],
)
def test_a_bad_file_is_refused_naming_the_key(
    tmp_path: Path, change: dict[str, object], drop: str, message: str
) -> None:
    with pytest.raises(InvalidDefinition, match=message):
        load_parameters(_file(tmp_path, change, drop))


def test_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(InvalidDefinition, match="not valid JSON"):
        load_parameters(path)


def test_replace_changes_a_value_and_refuses_unknown_names() -> None:
    params = default_parameters()
    assert params.replace(plasticity_gain=0.0).plasticity_gain == 0.0
    assert params.plasticity_gain > 0
    with pytest.raises(InvalidDefinition, match="unknown simulator parameter"):
        params.replace(plasticity=1.0)


def test_about_a_third_of_the_cohort_is_below_the_midpoint_on_both_dimensions() -> None:
    # Wedekind 2013: 33% secure among alcohol-dependent inpatients (evidence.md §3).
    cohort = draw_cohort(20_000, default_parameters(), 1)
    secure = ((cohort.anxiety < MIDPOINT) & (cohort.avoidance < MIDPOINT)).mean()
    assert 0.29 < secure < 0.38
    shares = np.bincount(cohort.addiction, minlength=len(ADDICTIONS)) / cohort.n
    assert abs(shares[0] - default_parameters().share_alcohol) < 0.02


def test_a_cohort_of_one_addiction() -> None:
    cohort = draw_cohort(50, default_parameters(), 2, addiction=AddictionType.ALCOHOL)
    assert set(cohort.addiction.tolist()) == {0}
    with pytest.raises(ValidationError, match="not gaming"):
        draw_cohort(5, default_parameters(), 2, addiction=AddictionType.GAMING)


def test_the_schedule_from_arms_places_sessions_on_the_right_days() -> None:
    arm = Arm(
        "a",
        therapy_weekdays=(1,),
        therapy_weeks=2,
        start_day=3,
        dose_days=(5,),
        integration_after=2,
    )
    schedule = Schedule.from_arms([Arm("none"), arm], [0, 1, 1], 30)
    assert schedule.shape == (3, 30)
    assert np.nonzero(schedule.therapy[1])[0].tolist() == [4, 11]
    assert np.nonzero(schedule.dose[1])[0].tolist() == [5]
    assert np.nonzero(schedule.integration[2])[0].tolist() == [7]
    assert not schedule.therapy[0].any()
    assert schedule.level.tolist() == [1, 1, 1]  # outpatient


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Arm("x", therapy_weekdays=(7,)), "therapy_weekdays"),
        (lambda: Arm("x", dose_strength=3.0), "dose_strength"),
        (lambda: Schedule.from_arms([Arm("x")], [0, 1], 10), "assignment"),
        (lambda: Schedule.from_arms([Arm("x")], [0], 0), "days"),
    ],
)
def test_bad_arms_and_schedules_name_the_field(build, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field


def test_a_schedule_of_the_wrong_size_is_refused() -> None:
    params = default_parameters()
    cohort = draw_cohort(4, params, 1)
    schedule = Schedule.single(Arm("x", level=Level.RESIDENTIAL), 4, 10)
    with pytest.raises(ValidationError, match="the run is 4 × 20"):
        simulate(params, cohort, schedule, 20, 1)
    with pytest.raises(ValidationError, match="days must be"):
        simulate(params, cohort, schedule, 0, 1)
