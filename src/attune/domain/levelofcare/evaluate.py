"""Evaluate rule conditions against the inputs, keeping the facts each one used.

:func:`evaluate` returns None when a condition does not hold, else the evidence: plain
strings naming the facts, e.g. "AUDIT total 24 (Zone IV)". An unanswered intake
question or an instrument not scored yet never makes a condition hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from attune.domain.errors import UnknownInstrument
from attune.domain.instruments import get_instrument
from attune.domain.instruments.model import Score
from attune.domain.intake.labels import label
from attune.domain.intake.model import Addiction, Medication
from attune.domain.intake.serialise import to_dict
from attune.domain.levelofcare.conditions import (
    AddictionMatch,
    AllOf,
    Answer,
    AnyOf,
    AtLeast,
    Condition,
    MedicationMatch,
    OpenFlag,
    Scalar,
    ScoreMatch,
    TreatmentOutcomes,
)
from attune.domain.levelofcare.model import Inputs
from attune.domain.levelofcare.rules import Rules

Evidence = tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """The inputs prepared once for evaluating many conditions."""

    inputs: Inputs
    rules: Rules
    answers: Mapping[str, object]

    @classmethod
    def of(cls, inputs: Inputs, rules: Rules) -> Facts:
        return cls(inputs, rules, to_dict(inputs.intake))


def _unique(parts: list[str]) -> Evidence:
    return tuple(dict.fromkeys(parts))


def evaluate(condition: Condition, facts: Facts) -> Evidence | None:
    if isinstance(condition, AnyOf | AllOf | AtLeast):
        results = [evaluate(c, facts) for c in condition.conditions]
        met = [r for r in results if r is not None]
        need = (
            1
            if isinstance(condition, AnyOf)
            else len(results)
            if isinstance(condition, AllOf)
            else condition.count
        )
        return _unique([e for r in met for e in r]) if len(met) >= need else None
    if isinstance(condition, Answer):
        return _answer(condition, facts)
    if isinstance(condition, AddictionMatch):
        found = [
            _describe(a, facts) for a in facts.inputs.intake.named if _matches(condition, a, facts)
        ]
        return _unique(found) if found else None
    if isinstance(condition, MedicationMatch):
        meds = [_medication(m, condition) for m in facts.inputs.intake.medications.items]
        found = [m for m in meds if m is not None]
        return _unique(found) if found else None
    if isinstance(condition, ScoreMatch):
        return _score(condition, facts)
    if isinstance(condition, OpenFlag):
        if condition.flag in facts.inputs.open_flags:
            return (f"Open flag: {condition.flag.replace('_', ' ')}",)
        return None
    return _treatments(condition, facts)


def _medication(m: Medication, c: MedicationMatch) -> str | None:
    classes = sorted(x.value.replace("_", " ") for x in m.classes if x.value in c.classes)
    return f"Medication: {m.name} ({'; '.join(classes)})" if classes else None


def _lookup(answers: Mapping[str, object], path: str) -> object:
    value: object = answers
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _same(a: object, b: Scalar) -> bool:
    return type(a) is type(b) and a == b


def _answer(c: Answer, facts: Facts) -> Evidence | None:
    value = _lookup(facts.answers, c.path)
    if value is None:
        return None
    if c.values:
        held = any(_same(value, v) for v in c.values)
    elif c.contains_any:
        held = isinstance(value, list) and any(v in value for v in c.contains_any)
    elif c.empty:
        held = isinstance(value, list) and not value
    else:
        held = isinstance(value, list) and len(value) >= (c.count_at_least or 1)
    return (c.evidence,) if held else None


def alcohol_grams(a: Addiction, rules: Rules) -> float | None:
    """Grams of alcohol on a typical day, when the unit converts to grams."""
    if a.amount is None or a.unit is None or a.unit.value not in rules.alcohol_grams:
        return None
    return a.amount * rules.alcohol_grams[a.unit.value]


def is_current(a: Addiction, facts: Facts) -> bool:
    """Not stopped, and used within the recent window (an unknown date counts as recent)."""
    if a.stopped:
        return False
    window = facts.inputs.today - timedelta(days=facts.rules.recent_use_days)
    return a.last_use is None or a.last_use >= window


def _matches(c: AddictionMatch, a: Addiction, facts: Facts) -> bool:
    if c.what and a.what.value not in c.what:
        return False
    if c.kind and a.kind.value not in c.kind:
        return False
    if c.current and not is_current(a, facts):
        return False
    if c.days_per_week_at_least is not None and (
        a.days_per_week is None or a.days_per_week < c.days_per_week_at_least
    ):
        return False
    if c.alcohol_grams_at_least is not None:
        grams = alcohol_grams(a, facts.rules)
        if grams is None or grams < c.alcohol_grams_at_least:
            return False
    return c.years_at_least is None or (
        a.years_of_use is not None and a.years_of_use >= c.years_at_least
    )


def _describe(a: Addiction, facts: Facts) -> str:
    parts: list[str] = []
    if a.stopped:
        parts.append("stopped")
    if a.days_per_week is not None:
        parts.append(f"{a.days_per_week} day{'s' if a.days_per_week != 1 else ''} a week")
    if a.amount is not None and a.unit is not None:
        amount = f"about {a.amount:g} {label(a.unit)} a day"
        grams = alcohol_grams(a, facts.rules) if a.what.value == "alcohol" else None
        if grams is not None and a.unit.value != "grams":
            amount += f" (about {grams:g} g of alcohol)"
        parts.append(amount)
    if a.last_use is not None:
        parts.append(f"last use {a.last_use.isoformat()}")
    if a.years_of_use is not None:
        parts.append(f"{a.years_of_use:g} year{'s' if a.years_of_use != 1 else ''} of use")
    detail = a.detail.strip()
    name = a.what.value.replace("_", " ").capitalize()
    if detail:
        name = detail if a.what.is_other else f"{name} ({detail})"
    return f"{name}: {', '.join(parts)}" if parts else name


def abbreviation(instrument_id: str) -> str:
    try:
        return get_instrument(instrument_id).abbreviation
    except UnknownInstrument:
        return instrument_id.upper()


def describe_score(instrument_id: str, score: Score) -> str:
    """E.g. "AUDIT total 24 (Zone IV)" or "ECR-R anxiety 4.2, avoidance 3.1"."""
    name = abbreviation(instrument_id)
    if score.total is not None:
        band = f" ({score.band})" if score.band else ""
        estimated = " (estimated for unanswered items)" if score.imputed else ""
        return f"{name} total {round(score.total, 1):g}{band}{estimated}"
    subs = ", ".join(f"{k} {v:.2f}" for k, v in score.subscales.items() if v is not None)
    return f"{name} {subs}" if subs else f"{name} not scored"


def _flag_message(instrument_id: str, flag: str) -> str:
    try:
        instrument = get_instrument(instrument_id)
    except UnknownInstrument:
        return f"{instrument_id.upper()} flag: {flag}"
    return next((c.message for c in instrument.critical if c.flag == flag), f"{flag}")


def _score(c: ScoreMatch, facts: Facts) -> Evidence | None:
    score = facts.inputs.scores.get(c.instrument)
    if score is None:
        return None
    if c.flag is not None:
        return (_flag_message(c.instrument, c.flag),) if c.flag in score.flags else None
    if c.finding is not None:
        found = [f for f in score.findings if f.code == c.finding]
        return (f"{abbreviation(c.instrument)}: {found[0].text}",) if found else None
    if c.total_at_least is not None:
        held = score.total is not None and score.total >= c.total_at_least
    else:
        held = score.band is not None and score.band in c.band_in
    return (describe_score(c.instrument, score),) if held else None


def _treatments(c: TreatmentOutcomes, facts: Facts) -> Evidence | None:
    found = [
        f"Earlier treatment: {label(t.kind)} ({label(t.outcome)})"
        for t in facts.inputs.intake.treatment.items
        if t.outcome is not None and t.outcome.value in c.outcomes
    ]
    return tuple(found) if len(found) >= c.count else None
