"""Relapse-risk settings: the shipped starting points, per-program sections, clear errors."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from attune.domain.errors import InvalidDefinition
from attune.domain.monitoring.risk import (
    default_risk_settings,
    load_risk_settings,
    parse_risk_settings,
)
from attune.domain.monitoring.risk_settings import DEFAULT_FILE

SHIPPED = Path(__file__).parents[3] / "src/attune/domain/monitoring/rules" / DEFAULT_FILE


def _shipped() -> dict[str, object]:
    data: dict[str, object] = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data


def test_shipped_defaults_are_labelled_and_consistent() -> None:
    settings = default_risk_settings()
    t = settings.default
    assert "starting points" in settings.basis and "not published" in settings.basis
    assert t.medium < t.high <= t.weights.total == 100
    assert t.escalation_minutes("urgent") == 15
    assert t.escalation_minutes("HIGH") == 60
    assert t.escalation_minutes("medium") == 240
    assert t.escalation_minutes("low") is None


def test_a_program_section_overrides_only_what_it_names() -> None:
    settings = default_risk_settings()
    iop = settings.for_program("intensive_outpatient")
    assert iop.escalation_minutes("medium") == 120
    assert iop.escalation_minutes("urgent") == 15  # kept from the default
    assert iop.weights == settings.default.weights
    assert settings.for_program("outpatient") is settings.default
    assert settings.for_program(None) is settings.default


def test_a_clinic_file_is_read(tmp_path: Path) -> None:
    data = _shipped()
    data["programs"] = {"residential": {"high": 40, "weights": {"sleep": 5}}}
    path = tmp_path / "risk.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    settings = load_risk_settings(path)
    assert settings.for_program("residential").high == 40
    assert settings.for_program("residential").weights.sleep == 5
    assert settings.for_program("residential").weights.craving_trend == 5


def _broken(change: str) -> dict[str, object]:
    data = copy.deepcopy(_shipped())
    default = data["default"]
    assert isinstance(default, dict)
    if change == "unknown_key":
        default["surprise"] = 1
    elif change == "high_below_medium":
        default["high"] = 10
    elif change == "weights_missing":
        del default["weights"]["sleep"]
    elif change == "bad_escalation":
        default["escalation_minutes"]["urgent"] = 0
    elif change == "unknown_program":
        data["programs"] = {"spa_weekend": {}}
    elif change == "program_bad_value":
        data["programs"] = {"outpatient": {"window_days": "seven"}}
    return data


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ("unknown_key", "default"),
        ("high_below_medium", "default.high"),
        ("weights_missing", "default.weights.sleep"),
        ("bad_escalation", "default.escalation_minutes.urgent"),
        ("unknown_program", "programs"),
        ("program_bad_value", "programs.outpatient.window_days"),
    ],
)
def test_errors_name_the_key(change: str, where: str) -> None:
    with pytest.raises(InvalidDefinition) as caught:
        parse_risk_settings(_broken(change))
    assert caught.value.field == where
    assert where in caught.value.message


def test_an_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidDefinition, match="cannot read"):
        load_risk_settings(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(InvalidDefinition, match="not valid JSON"):
        load_risk_settings(bad)


@pytest.mark.parametrize(
    ("key", "value", "field"),
    [
        ("last_use_none_days", 2, "default.last_use_none_days"),
        ("craving_level_full", 1.0, "default.craving_level_full"),
        ("low_mood_full", 7.0, "default.low_mood_full"),
    ],
)
def test_level_ranges_must_run_the_right_way(key: str, value: float, field: str) -> None:
    data = copy.deepcopy(_shipped())
    default = data["default"]
    assert isinstance(default, dict)
    default[key] = value
    with pytest.raises(InvalidDefinition) as caught:
        parse_risk_settings(data)
    assert caught.value.field == field
