"""Relapse-risk settings: thresholds, weights and escalation times, per program.

Attune ships ``rules/risk_v1.json``. Every number in it is one of Attune's starting
points for a clinic to review, not a published clinical cut-off. The file has a
``default`` section and optional ``programs`` sections keyed by level of care id (e.g.
``intensive_outpatient``); a program section lists only what differs from the default::

    {"basis": "...",
     "default": {"medium": 30, "high": 55, "weights": {...}, ...},
     "programs": {"intensive_outpatient": {"escalation_minutes": {"medium": 120}}}}

:func:`load_risk_settings` reads a clinic's own file; :func:`parse_risk_settings` its
parsed JSON. Anything wrong raises InvalidDefinition naming the key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path

from attune.domain.errors import InvalidDefinition
from attune.domain.kap import checks
from attune.domain.levelofcare.model import Level

_WHAT = "risk settings"
DEFAULT_FILE = "risk_v1.json"
PRIORITIES = ("urgent", "high", "medium", "low")


@dataclass(frozen=True)
class RiskWeights:
    """The most points each part of the score can add (the score is their sum)."""

    craving_trend: int
    negative_affect: int
    loneliness: int
    sleep: int
    missed_checkins: int
    recent_lapse: int
    missed_sessions: int
    last_use: int
    craving_level: int
    low_mood: int

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Escalation:
    """Minutes an unacknowledged alert waits before it goes to a second clinician.

    ``None`` means alerts of that priority do not escalate.
    """

    urgent: int | None
    high: int | None
    medium: int | None
    low: int | None

    def minutes(self, priority: str) -> int | None:
        """By priority name (``urgent``, ``high``, ``medium``, ``low``; any case)."""
        name = priority.lower()
        if name not in PRIORITIES:
            raise InvalidDefinition(f"Unknown priority {priority!r}.", field="priority")
        value: int | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class RiskThresholds:
    """Everything :func:`~attune.domain.monitoring.risk.assess_risk` is checked against."""

    #: A score at or above this is MEDIUM; at or above ``high`` it is HIGH.
    medium: int
    high: int
    weights: RiskWeights
    #: The recent days compared with the baseline (ending today).
    window_days: int
    #: The days before the window that make the patient's own baseline.
    baseline_days: int
    #: Check-ins needed in the baseline before it is compared against.
    min_baseline_checkins: int
    #: Check-ins needed in the window before its ratings count.
    min_window_checkins: int
    #: A rise (in the baseline's day-to-day standard deviations) that starts to add
    #: points, and the rise that adds all of a part's points.
    rise_start_sd: float
    rise_full_sd: float
    #: The smallest day-to-day spread assumed for a 0–10 rating, and for sleep (hours
    #: or the 0–4 quality), so a very steady baseline does not turn a small change into
    #: a large one.
    rating_sd_floor: float
    sleep_sd_floor: float
    #: Missed check-ins in the window that add all of that part's points.
    missed_full_days: int
    #: Missed check-ins in a row (before today) that raise a missed-check-ins alert.
    missed_alert_days: int
    #: Days with use in the window that add all of the recent-use part's points.
    lapse_full_days: int
    #: Last reported use this many days ago or fewer adds all of the last-use part's
    #: points; ``last_use_none_days`` ago or more adds none, in proportion between.
    last_use_full_days: int
    last_use_none_days: int
    #: Mean craving in the window (0–10) that starts to add points, and that adds all
    #: of the craving-level part's points.
    craving_level_start: float
    craving_level_full: float
    #: Mean mood in the window (0–10, higher is better) below which points start, and
    #: at or below which the low-mood part adds all of its points.
    low_mood_start: float
    low_mood_full: float
    #: Missed sessions that add all of that part's points.
    missed_sessions_full: int
    escalation: Escalation

    def escalation_minutes(self, priority: str) -> int | None:
        return self.escalation.minutes(priority)


@dataclass(frozen=True)
class RiskSettings:
    """The default thresholds and any program's own."""

    default: RiskThresholds
    programs: Mapping[str, RiskThresholds]
    basis: str

    def for_program(self, program: str | None) -> RiskThresholds:
        """A program's thresholds (level of care id), else the default."""
        if program is None:
            return self.default
        return self.programs.get(program, self.default)


_INTS = {
    "medium": (1, 1000),
    "high": (1, 1000),
    "window_days": (3, 60),
    "baseline_days": (7, 365),
    "min_baseline_checkins": (3, 365),
    "min_window_checkins": (1, 60),
    "missed_full_days": (1, 60),
    "missed_alert_days": (1, 60),
    "lapse_full_days": (1, 60),
    "last_use_full_days": (0, 365),
    "last_use_none_days": (1, 365),
    "missed_sessions_full": (1, 20),
}
_FLOATS = {
    "rise_start_sd": (0.0, 10.0),
    "rise_full_sd": (0.1, 10.0),
    "rating_sd_floor": (0.1, 10.0),
    "sleep_sd_floor": (0.1, 10.0),
    "craving_level_start": (0.0, 10.0),
    "craving_level_full": (0.0, 10.0),
    "low_mood_start": (0.0, 10.0),
    "low_mood_full": (0.0, 10.0),
}
_KEYS = {*_INTS, *_FLOATS, "weights", "escalation_minutes"}
_WEIGHTS = tuple(f.name for f in fields(RiskWeights))


def _fail(where: str, message: str) -> InvalidDefinition:
    return checks.fail(_WHAT, where, message)


def _number(value: object, where: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise _fail(where, f"expected a number from {low:g} to {high:g}")
    return float(value)


def _merged(base: Mapping[str, object], override: Mapping[str, object]) -> dict[str, object]:
    merged = dict(base)
    for key, value in override.items():
        inner = merged.get(key)
        if isinstance(inner, Mapping) and isinstance(value, Mapping):
            merged[key] = {**inner, **value}
        else:
            merged[key] = value
    return merged


def _thresholds(data: Mapping[str, object], where: str) -> RiskThresholds:
    missing = sorted(_KEYS - set(data))
    if missing:
        raise _fail(f"{where}.{missing[0]}", "missing")
    ints = {k: checks.whole(data[k], _WHAT, f"{where}.{k}", *_INTS[k]) for k in _INTS}
    floats = {k: _number(data[k], f"{where}.{k}", *_FLOATS[k]) for k in _FLOATS}
    w = checks.obj(data["weights"], _WHAT, f"{where}.weights", set(_WEIGHTS))
    for name in _WEIGHTS:
        if name not in w:
            raise _fail(f"{where}.weights.{name}", "missing")
    weights = RiskWeights(
        **{k: checks.whole(w[k], _WHAT, f"{where}.weights.{k}", 0, 100) for k in _WEIGHTS}
    )
    e = checks.obj(
        data["escalation_minutes"], _WHAT, f"{where}.escalation_minutes", set(PRIORITIES)
    )
    minutes: dict[str, int | None] = {}
    for name in PRIORITIES:
        value = e.get(name)
        minutes[name] = (
            None
            if value is None
            else checks.whole(value, _WHAT, f"{where}.escalation_minutes.{name}", 1, 10080)
        )
    if not ints["medium"] < ints["high"]:
        raise _fail(f"{where}.high", "must be above medium")
    if ints["high"] > weights.total:
        raise _fail(f"{where}.high", f"is above the most the weights can add ({weights.total})")
    if not floats["rise_start_sd"] < floats["rise_full_sd"]:
        raise _fail(f"{where}.rise_full_sd", "must be above rise_start_sd")
    for key in ("min_window_checkins", "missed_full_days", "missed_alert_days"):
        if ints[key] > ints["window_days"]:
            raise _fail(f"{where}.{key}", "cannot be more than window_days")
    if not ints["last_use_full_days"] < ints["last_use_none_days"]:
        raise _fail(f"{where}.last_use_none_days", "must be above last_use_full_days")
    if not floats["craving_level_start"] < floats["craving_level_full"]:
        raise _fail(f"{where}.craving_level_full", "must be above craving_level_start")
    if not floats["low_mood_full"] < floats["low_mood_start"]:
        raise _fail(f"{where}.low_mood_full", "must be below low_mood_start")
    if ints["min_baseline_checkins"] > ints["baseline_days"]:
        raise _fail(f"{where}.min_baseline_checkins", "cannot be more than baseline_days")
    return RiskThresholds(
        medium=ints["medium"],
        high=ints["high"],
        weights=weights,
        window_days=ints["window_days"],
        baseline_days=ints["baseline_days"],
        min_baseline_checkins=ints["min_baseline_checkins"],
        min_window_checkins=ints["min_window_checkins"],
        rise_start_sd=floats["rise_start_sd"],
        rise_full_sd=floats["rise_full_sd"],
        rating_sd_floor=floats["rating_sd_floor"],
        sleep_sd_floor=floats["sleep_sd_floor"],
        missed_full_days=ints["missed_full_days"],
        missed_alert_days=ints["missed_alert_days"],
        lapse_full_days=ints["lapse_full_days"],
        last_use_full_days=ints["last_use_full_days"],
        last_use_none_days=ints["last_use_none_days"],
        craving_level_start=floats["craving_level_start"],
        craving_level_full=floats["craving_level_full"],
        low_mood_start=floats["low_mood_start"],
        low_mood_full=floats["low_mood_full"],
        missed_sessions_full=ints["missed_sessions_full"],
        escalation=Escalation(**minutes),
    )


def parse_risk_settings(data: object) -> RiskSettings:
    """Settings from their JSON form; InvalidDefinition names anything wrong."""
    root = checks.obj(data, _WHAT, "root", {"basis", "default", "programs"})
    if "default" not in root:
        raise _fail("default", "missing")
    default_data = checks.obj(root["default"], _WHAT, "default", _KEYS)
    default = _thresholds(default_data, "default")
    programs: dict[str, RiskThresholds] = {}
    known = {level.value for level in Level}
    for program, section in checks.obj(root.get("programs", {}), _WHAT, "programs", known).items():
        where = f"programs.{program}"
        override = checks.obj(section, _WHAT, where, _KEYS)
        for nested in ("weights", "escalation_minutes"):
            if nested in override:
                allowed = set(_WEIGHTS) if nested == "weights" else set(PRIORITIES)
                checks.obj(override[nested], _WHAT, f"{where}.{nested}", allowed)
        programs[program] = _thresholds(_merged(default_data, override), where)
    basis = root.get("basis", "")
    if not isinstance(basis, str):
        raise _fail("basis", "expected text")
    return RiskSettings(default=default, programs=programs, basis=basis)


def load_risk_settings(path: str | Path) -> RiskSettings:
    """A clinic's own settings file (JSON); InvalidDefinition names anything wrong."""
    file = Path(path)
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise InvalidDefinition(
            f"{_WHAT}: cannot read {file}: {error.strerror}", field="risk_settings_file"
        ) from None
    except json.JSONDecodeError as error:
        raise InvalidDefinition(
            f"{_WHAT}: {file} is not valid JSON (line {error.lineno}): {error.msg}",
            field="risk_settings_file",
        ) from None
    return parse_risk_settings(data)


def default_risk_settings() -> RiskSettings:
    """The shipped settings (Attune's starting points)."""
    folder = resources.files("attune.domain.monitoring") / "rules"
    text = (folder / DEFAULT_FILE).read_text(encoding="utf-8")
    return parse_risk_settings(json.loads(text))
