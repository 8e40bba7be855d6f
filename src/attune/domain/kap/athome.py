"""At-home KAP: the clinic's settings and the dosing-day gate.

Before an at-home dose the patient goes through the gate in the portal: fasting long
enough, a sober sitter present and named, blood pressure measured recently and in range,
phone charged, an agreement not to drive, and an intention set. :func:`evaluate_gate`
returns a :class:`GateResult`: whether it passed, each failure with a plain, warm
instruction saying what to do now, and whether the clinician must be alerted (any
blood pressure out of range). Sitter and post-session check-ins are in
:mod:`.athome_checkins`.

:class:`AtHomeSettings` are clinic-configurable DEFAULTS (``thresholds/athome.json``),
not clinical facts; the file says which figures come from a published source.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from importlib import resources

from attune.domain.kap import checks

_WHAT = "at-home settings"


@dataclass(frozen=True)
class AtHomeSettings:
    min_fasting_hours: int = 4
    bp_max_systolic: int = 140
    bp_max_diastolic: int = 90
    bp_min_systolic: int = 90
    bp_urgent_systolic: int = 180
    bp_urgent_diastolic: int = 120
    #: A reading older than this is measured again.
    bp_max_age_minutes: int = 60
    checkin_every_minutes: int = 15
    checkin_grace_minutes: int = 5
    #: The sitter stays at least this many hours after the dose.
    sitter_min_hours: int = 4
    basis: str = ""


_BOUNDS = {
    "min_fasting_hours": (0, 24),
    "bp_max_systolic": (100, 200),
    "bp_max_diastolic": (60, 130),
    "bp_min_systolic": (60, 120),
    "bp_urgent_systolic": (140, 260),
    "bp_urgent_diastolic": (90, 160),
    "bp_max_age_minutes": (5, 240),
    "checkin_every_minutes": (5, 60),
    "checkin_grace_minutes": (0, 15),
    "sitter_min_hours": (1, 24),
}


def parse_settings(data: object) -> AtHomeSettings:
    """Settings from their JSON form; InvalidDefinition names anything wrong."""
    root = checks.obj(data, _WHAT, "root", {*_BOUNDS, "basis"})
    values = {
        key: checks.whole(root.get(key, getattr(AtHomeSettings, key)), _WHAT, key, low, high)
        for key, (low, high) in _BOUNDS.items()
    }
    basis = root.get("basis", "")
    if not isinstance(basis, str):
        raise checks.fail(_WHAT, "basis", "expected text")
    result = AtHomeSettings(**values, basis=basis)
    if result.bp_urgent_systolic <= result.bp_max_systolic:
        raise checks.fail(_WHAT, "bp_urgent_systolic", "must be above bp_max_systolic")
    if result.bp_urgent_diastolic <= result.bp_max_diastolic:
        raise checks.fail(_WHAT, "bp_urgent_diastolic", "must be above bp_max_diastolic")
    if result.checkin_grace_minutes * 2 >= result.checkin_every_minutes:
        raise checks.fail(_WHAT, "checkin_grace_minutes", "must be under half the interval")
    return result


def settings_as_dict(settings: AtHomeSettings) -> dict[str, object]:
    return {**{key: getattr(settings, key) for key in _BOUNDS}, "basis": settings.basis}


def default_settings() -> AtHomeSettings:
    folder = resources.files("attune.domain.kap") / "thresholds"
    return parse_settings(json.loads((folder / "athome.json").read_text(encoding="utf-8")))


class GateItem(Enum):
    FASTING = "fasting"
    SITTER = "sitter"
    BLOOD_PRESSURE = "blood_pressure"
    PHONE = "phone"
    NO_DRIVING = "no_driving"
    INTENTION = "intention"


@dataclass(frozen=True)
class GateAnswers:
    """What the patient enters on the morning of an at-home dose."""

    last_ate_at: datetime | None = None
    sitter_present: bool | None = None
    sitter_name: str = ""
    systolic: int | None = None
    diastolic: int | None = None
    bp_measured_at: datetime | None = None
    phone_charged: bool | None = None
    no_driving_agreed: bool | None = None
    intention: str = ""


@dataclass(frozen=True)
class GateFailure:
    item: GateItem
    #: The answer to change, e.g. "sitter_name".
    field: str
    #: What to do now, in plain words for the patient.
    instruction: str


@dataclass(frozen=True)
class GateResult:
    passed: bool
    failures: tuple[GateFailure, ...]
    alert_needed: bool
    #: For the clinician: why they are alerted.
    alert_reasons: tuple[str, ...] = ()


MAX_INTENTION = 500


def _input_errors(a: GateAnswers, now: datetime) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    for name in ("last_ate_at", "bp_measured_at"):
        value: datetime | None = getattr(a, name)
        if value is not None and (problem := checks.time_problem(value)):
            errors.append((name, problem))
        elif value is not None and value > now + timedelta(minutes=1):
            errors.append((name, "This time is in the future; please check it."))
    if a.systolic is not None and not 50 <= a.systolic <= 300:
        errors.append(("systolic", "Please check the top number: it looks mistyped."))
    if a.diastolic is not None and not 20 <= a.diastolic <= 200:
        errors.append(("diastolic", "Please check the bottom number: it looks mistyped."))
    if (
        a.systolic is not None
        and a.diastolic is not None
        and not errors
        and a.diastolic >= a.systolic
    ):
        errors.append(("diastolic", "The bottom number should be lower than the top one."))
    if problem := checks.text_problem(a.sitter_name, required=False):
        errors.append(("sitter_name", problem))
    if problem := checks.text_problem(a.intention, MAX_INTENTION, required=False):
        errors.append(("intention", problem))
    return errors


def _fasting(
    a: GateAnswers, now: datetime, s: AtHomeSettings, tz: tzinfo | None
) -> list[GateFailure]:
    item = GateItem.FASTING
    if a.last_ate_at is None:
        return [GateFailure(item, "last_ate_at", "Please tell us when you last ate.")]
    ready = a.last_ate_at + timedelta(hours=s.min_fasting_hours)
    if now >= ready:
        return []
    text = (
        f"Your stomach needs to be empty for {s.min_fasting_hours} hours before your medicine, "
        f"to help avoid feeling sick. Please wait until {checks.clock(ready, tz)}, then come "
        "back to this list. There is no rush."
    )
    return [GateFailure(item, "last_ate_at", text)]


def _blood_pressure(
    a: GateAnswers, now: datetime, s: AtHomeSettings
) -> tuple[list[GateFailure], list[str]]:
    item, field = GateItem.BLOOD_PRESSURE, "systolic"
    sys, dia, measured = a.systolic, a.diastolic, a.bp_measured_at
    if sys is None or dia is None or measured is None:
        text = "Please measure your blood pressure now with your cuff and enter both numbers."
        return [GateFailure(item, field, text)], []
    if now - measured > timedelta(minutes=s.bp_max_age_minutes):
        text = (
            "Your last blood-pressure reading is more than "
            f"{s.bp_max_age_minutes} minutes old. Please measure it again now."
        )
        return [GateFailure(item, "bp_measured_at", text)], []
    reading = f"{sys}/{dia}"
    if sys > s.bp_urgent_systolic or dia > s.bp_urgent_diastolic:
        text = (
            f"Your blood pressure is very high ({reading}). Please do not take your medicine "
            "today. If you have a severe headache, chest pain, shortness of breath, weakness, "
            "or trouble speaking or seeing, call 911 now. Otherwise sit quietly, measure again "
            "in five minutes, and call the clinic. We have let your care team know."
        )
        return [GateFailure(item, field, text)], [f"Blood pressure {reading}: very high."]
    if sys > s.bp_max_systolic or dia > s.bp_max_diastolic:
        text = (
            f"Your blood pressure ({reading}) is higher than your clinic's range for dosing "
            f"(up to {s.bp_max_systolic}/{s.bp_max_diastolic}). Please do not take your "
            "medicine yet. Sit quietly for five minutes, breathe slowly, and measure again. "
            "We have let your care team know, and they may call you."
        )
        return [GateFailure(item, field, text)], [
            f"Blood pressure {reading}: above {s.bp_max_systolic}/{s.bp_max_diastolic}."
        ]
    if sys < s.bp_min_systolic:
        text = (
            f"Your blood pressure ({reading}) is lower than your clinic's range for dosing. "
            "Please do not take your medicine yet. Sit or lie down, have a glass of water, "
            "and measure again in ten minutes. If you feel faint, stay lying down. We have let "
            "your care team know."
        )
        return [GateFailure(item, field, text)], [
            f"Blood pressure {reading}: below {s.bp_min_systolic} systolic."
        ]
    return [], []


def evaluate_gate(
    answers: GateAnswers,
    now: datetime,
    settings: AtHomeSettings,
    tz: tzinfo | None = None,
) -> GateResult:
    """Check the gate. FormErrors for answers that cannot be right (a mistyped number, a
    time in the future); otherwise every unmet item with what to do now."""
    checks.raise_if_any(_input_errors(answers, now))
    failures = _fasting(answers, now, settings, tz)
    if not answers.sitter_present:
        failures.append(
            GateFailure(
                GateItem.SITTER,
                "sitter_present",
                "Your sitter needs to be with you, sober, before you start. Please wait until "
                "they arrive, then go through this list again.",
            )
        )
    elif not answers.sitter_name.strip():
        failures.append(
            GateFailure(GateItem.SITTER, "sitter_name", "Please write your sitter's name.")
        )
    bp_failures, alert_reasons = _blood_pressure(answers, now, settings)
    failures.extend(bp_failures)
    if not answers.phone_charged:
        failures.append(
            GateFailure(
                GateItem.PHONE,
                "phone_charged",
                "Please charge your phone, or keep it plugged in near you, so that you or "
                "your sitter can call for help if you need to.",
            )
        )
    if not answers.no_driving_agreed:
        failures.append(
            GateFailure(
                GateItem.NO_DRIVING,
                "no_driving_agreed",
                "Please agree not to drive, ride a bike or use machinery until tomorrow, after "
                "a night's sleep. If you need to go anywhere today, arrange a lift first.",
            )
        )
    if not answers.intention.strip():
        failures.append(
            GateFailure(
                GateItem.INTENTION,
                "intention",
                "Take a quiet moment to write an intention for today. A few words are "
                "enough, and there is no right answer.",
            )
        )
    return GateResult(not failures, tuple(failures), bool(alert_reasons), tuple(alert_reasons))
