"""The cycle simulator's parameters: one data file, every value with its meaning and unit.

``parameters/cycle_v1.json`` holds each parameter as ``{"value", "unit", "group",
"meaning", "source"}``. :func:`default_parameters` reads it; :func:`load_parameters` reads
a clinic's or a report's own copy (every parameter must be present, each a finite
number, nothing unknown: an error names the key). Change a few values for a scenario
with :meth:`Parameters.replace` (``params.replace(plasticity_gain=0.0)``).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from attune.domain.errors import InvalidDefinition

DEFAULT_FILE = "cycle_v1.json"


@dataclass(frozen=True)
class ParameterInfo:
    """What a parameter means, in what unit, and where its value comes from."""

    name: str
    value: float
    unit: str
    group: str
    meaning: str
    source: str


@dataclass(frozen=True)
class Parameters:
    """Every number of the model (see the data file for meanings and units)."""

    anxiety_mean: float
    anxiety_sd: float
    avoidance_mean: float
    avoidance_sd: float
    anxiety_avoidance_corr: float
    ace_mean: float
    severity_alpha: float
    severity_beta: float
    support_alpha: float
    support_beta: float
    support_per_avoidance: float
    engagement_mean: float
    engagement_concentration: float
    share_alcohol: float
    share_opioids: float
    share_stimulants: float
    share_cannabis: float
    share_gambling: float
    stress_base: float
    stress_per_ace: float
    stress_per_anxiety: float
    stress_coping_relief: float
    stress_halflife: float
    stress_noise_sd: float
    reactivity_per_anxiety: float
    reactivity_per_ace: float
    conflict_rate: float
    conflict_stress: float
    work_rate: float
    work_stress: float
    loneliness_base: float
    loneliness_per_avoidance: float
    loneliness_per_support: float
    loneliness_halflife: float
    loneliness_noise_sd: float
    na_base: float
    na_per_depression: float
    na_withdrawal: float
    na_from_stress: float
    na_from_loneliness: float
    na_halflife: float
    na_noise_sd: float
    relief: float
    relief_halflife: float
    shame: float
    shame_halflife: float
    sleep_mean: float
    sleep_sd_between: float
    sleep_per_stress: float
    sleep_after_use: float
    sleep_noise_sd: float
    sleep_report_sd: float
    sleep_quality_per_hour: float
    depression_base: float
    depression_per_ace: float
    depression_per_anxiety: float
    depression_per_recent_use: float
    depression_coping_relief: float
    depression_halflife: float
    depression_noise_sd: float
    recent_use_halflife: float
    antidepressant: float
    antidepressant_halflife: float
    ketamine_response_alpha: float
    ketamine_response_beta: float
    ketamine_craving: float
    plasticity_halflife: float
    plasticity_gain: float
    coping_initial: float
    coping_therapy_learning: float
    coping_integration_learning: float
    coping_decay_halflife: float
    coping_try_base: float
    coping_try_skill: float
    coping_effect_mean: float
    coping_effect_sd: float
    coping_ineffective_share: float
    tolerance_initial: float
    tolerance_shift: float
    tolerance_recovery_halflife: float
    habit_initial: float
    habit_gain: float
    habit_decay_halflife: float
    craving_halflife: float
    craving_base: float
    craving_per_tolerance: float
    craving_per_habit: float
    craving_per_coping: float
    craving_between_stress: float
    craving_between_loneliness: float
    craving_noise_sd: float
    effect_stress: float
    effect_loneliness: float
    loneliness_negative_share: float
    effect_mood: float
    effect_sleep: float
    effect_cue: float
    effect_heterogeneity_sd: float
    cue_rate: float
    use_intercept: float
    use_per_craving: float
    use_per_habit: float
    use_per_coping: float
    use_per_severity: float
    use_cue: float
    amount_alcohol: float
    amount_opioids: float
    amount_stimulants: float
    amount_cannabis: float
    amount_gambling: float
    amount_sd: float
    support_self_management: float
    support_outpatient: float
    support_intensive_outpatient: float
    support_residential: float
    cue_self_management: float
    cue_outpatient: float
    cue_intensive_outpatient: float
    cue_residential: float
    access_self_management: float
    access_outpatient: float
    access_intensive_outpatient: float
    access_residential: float
    attend_rate: float
    attend_per_engagement: float
    dose_attend_rate: float
    checkin_time_decline: float
    checkin_use_penalty: float
    rating_noise_sd: float
    use_report_rate: float
    tag_report_rate: float
    alone_threshold: float
    tired_threshold: float
    safety_intercept: float
    safety_per_depression: float
    safety_might_act_share: float
    phq9_every: float
    gad7_every: float
    substance_every: float
    ecrr_every: float
    questionnaire_completion: float
    item_noise: float
    phq9_item9_offset: float
    gad7_base: float
    gad7_per_stress: float
    gad7_per_depression: float
    substance_base: float
    substance_per_use: float
    substance_per_severity: float
    lapse_after_abstinent_days: float
    relapse_window: float
    relapse_use_days: float

    def replace(self, **changes: float) -> Parameters:
        """A copy with some values changed; an unknown name raises InvalidDefinition."""
        known = {f.name for f in dataclasses.fields(self)}
        for name, value in changes.items():
            if name not in known:
                raise InvalidDefinition(f"unknown simulator parameter {name!r}", field=name)
            _check_number(name, value)
        return dataclasses.replace(self, **changes)

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in dataclasses.fields(self)}


def carry_over(half_life_days: float) -> float:
    """How much of yesterday's value is left today, for a half-life in days."""
    factor: float = 0.5 ** (1.0 / half_life_days)
    return factor


def _check_number(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidDefinition(f"simulator parameter {name!r} must be a number", field=name)
    if not math.isfinite(value):
        raise InvalidDefinition(f"simulator parameter {name!r} must be finite", field=name)
    return float(value)


def _read_info(raw: object, origin: str) -> dict[str, ParameterInfo]:
    if not isinstance(raw, dict) or not isinstance(raw.get("parameters"), dict):
        raise InvalidDefinition(
            f"{origin}: expected an object with 'parameters'", field="parameters"
        )
    infos: dict[str, ParameterInfo] = {}
    for name, entry in raw["parameters"].items():
        if not isinstance(entry, dict) or "value" not in entry:
            raise InvalidDefinition(f"{origin}: parameter {name!r} needs a 'value'", field=name)
        value = _check_number(name, entry["value"])
        texts = {k: entry.get(k, "") for k in ("unit", "group", "meaning", "source")}
        for key, text in texts.items():
            if not isinstance(text, str):
                raise InvalidDefinition(f"{origin}: {name}.{key} must be text", field=name)
        if not texts["unit"] or not texts["meaning"]:
            raise InvalidDefinition(
                f"{origin}: parameter {name!r} needs its 'unit' and 'meaning'", field=name
            )
        infos[name] = ParameterInfo(name=name, value=value, **texts)
    return infos


def _build(infos: dict[str, ParameterInfo], origin: str) -> Parameters:
    fields = [f.name for f in dataclasses.fields(Parameters)]
    for name in fields:
        if name not in infos:
            raise InvalidDefinition(f"{origin}: parameter {name!r} is missing", field=name)
    for name in infos:
        if name not in fields:
            raise InvalidDefinition(f"{origin}: unknown parameter {name!r}", field=name)
    params = Parameters(**{name: infos[name].value for name in fields})
    _check_ranges(params, origin)
    return params


def _check_ranges(p: Parameters, origin: str) -> None:
    for name, value in p.as_dict().items():
        if name.endswith(("_halflife", "_every", "_sd", "_concentration")) and value <= 0:
            raise InvalidDefinition(f"{origin}: {name} must be above 0", field=name)
        if name.endswith(("_rate", "_share")) and not 0 <= value <= 1:
            raise InvalidDefinition(f"{origin}: {name} must be from 0 to 1", field=name)
    shares = sum(getattr(p, f"share_{kind}") for kind in ADDICTION_NAMES)
    if abs(shares - 1.0) > 1e-9:
        raise InvalidDefinition(
            f"{origin}: the share_* of addictions must add up to 1 (they add up to {shares:g})",
            field="share_alcohol",
        )
    if not 0 < p.engagement_mean < 1:
        raise InvalidDefinition(
            f"{origin}: engagement_mean must be between 0 and 1", field="engagement_mean"
        )


#: The addictions the model simulates, in the order of ``Cohort.addiction`` codes.
ADDICTION_NAMES = ("alcohol", "opioids", "stimulants", "cannabis", "gambling")


def load_parameters(path: Path) -> Parameters:
    """Read a parameter file; InvalidDefinition names the first problem."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidDefinition(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return _build(_read_info(raw, str(path)), str(path))


@cache
def parameter_info() -> dict[str, ParameterInfo]:
    """Meaning, unit, group and source of every default parameter (for docs and reports)."""
    text = resources.files("attune.sim").joinpath("parameters", DEFAULT_FILE).read_text("utf-8")
    return _read_info(json.loads(text), DEFAULT_FILE)


@cache
def default_parameters() -> Parameters:
    """The shipped parameters (``cycle_v1.json``)."""
    return _build(parameter_info(), DEFAULT_FILE)
