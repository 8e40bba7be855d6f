"""The KAP eligibility rules: versioned data, read from ``rules/eligibility_<name>.json``.

Every threshold, severity, wording and source lives in the file. The engine
(:mod:`attune.domain.kap.eligibility`) only decides *when* a reason applies. Parsing is
strict (unknown keys, unknown sources, missing reasons are errors) and
``parse_rules(rules_to_dict(r)) == r``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import cache
from importlib import resources

from attune.domain.errors import InvalidDefinition

DEFAULT_RULES = "v1"


class Severity(Enum):
    """How a reason weighs: ``exclude`` rules treatment out, ``condition`` must be met
    or planned before the first dose, ``note`` is information for the prescriber."""

    EXCLUDE = "exclude"
    CONDITION = "condition"
    NOTE = "note"


class Verified(Enum):
    """Whether a source's content was checked when the rules were written."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


@dataclass(frozen=True)
class Source:
    id: str
    citation: str
    verified: Verified
    note: str


@dataclass(frozen=True)
class ReasonRule:
    code: str
    severity: Severity
    text: str
    sources: tuple[str, ...]
    #: A prescriber may proceed past this exclusion with a documented override.
    overridable: bool = False
    #: The severity in the at-home program, when it differs.
    at_home_severity: Severity | None = None

    def severity_for(self, at_home: bool) -> Severity:
        if at_home and self.at_home_severity is not None:
            return self.at_home_severity
        return self.severity


@dataclass(frozen=True)
class BloodPressureLimit:
    systolic: int
    diastolic: int

    def exceeded_by(self, systolic: int, diastolic: int) -> bool:
        return systolic > self.systolic or diastolic > self.diastolic

    def __str__(self) -> str:
        return f"{self.systolic}/{self.diastolic} mmHg"


@dataclass(frozen=True)
class EligibilityRules:
    version: str
    title: str
    raised_above: BloodPressureLimit
    too_high_above: BloodPressureLimit
    phq9_recent_days: int
    heavy_drinking_grams: float
    grams_per_unit: Mapping[str, float]
    sources: tuple[Source, ...]
    reasons: tuple[ReasonRule, ...]
    notes: tuple[str, ...] = ()

    def reason(self, code: str) -> ReasonRule:
        for r in self.reasons:
            if r.code == code:
                return r
        raise KeyError(code)

    def source(self, source_id: str) -> Source:
        for s in self.sources:
            if s.id == source_id:
                return s
        raise KeyError(source_id)


#: Every code the engine can emit; the rules must define each one.
CODES = frozenset(
    {
        "vascular_contraindication", "uncontrolled_hypertension", "hypertension_control_unknown",
        "controlled_hypertension", "blood_pressure_too_high", "blood_pressure_raised",
        "blood_pressure_not_measured", "heart_disease", "pregnancy", "current_psychosis",
        "psychosis_history", "current_mania", "past_mania", "dissociative_misuse",
        "severe_hepatic_impairment", "hepatic_impairment", "suicidal_thoughts",
        "suicide_attempt_past_year", "recent_self_harm", "open_suicidal_ideation_flag",
        "phq9_item9_recent", "phq9_not_recent", "same_day_safety_assessment",
        "supervised_withdrawal_first", "current_alcohol_use", "current_sedating_substance_use",
        "current_stimulant_use", "interacting_benzodiazepine", "interacting_sedative",
        "interacting_opioid", "interacting_stimulant", "interacting_maoi", "not_answered",
        "preliminary_screen_contraindication", "preliminary_screen_caution",
        "esketamine_at_home", "spravato_rems", "no_driving", "off_label",
        "at_home_no_sitter", "at_home_sitter_unconfirmed", "at_home_unstable_housing",
        "at_home_housing_unknown", "at_home_heavy_drinking", "at_home_drinking_amount_unknown",
        "at_home_alcohol_agreement_declined", "at_home_alcohol_agreement_missing",
        "at_home_no_bp_cuff", "at_home_bp_cuff_unconfirmed",
        "at_home_driving_agreement_declined", "at_home_driving_agreement_missing",
    }
)  # fmt: skip


def _fail(where: str, message: str) -> InvalidDefinition:
    return InvalidDefinition(f"KAP eligibility rules, {where}: {message}", field=where)


def _obj(value: object, where: str, allowed: set[str]) -> Mapping[str, object]:
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise _fail(where, "expected an object")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(where, f"unknown key '{unknown[0]}'")
    return value


def _list(value: object, where: str) -> Sequence[object]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "expected a non-empty list")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, "expected text")
    return value


def _whole(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(where, "expected a whole number of at least 1")
    return value


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise _fail(where, "expected a number above 0")
    return float(value)


def _flag(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(where, "expected true or false")
    return value


def _severity(value: object, where: str) -> Severity:
    for s in Severity:
        if s.value == value:
            return s
    raise _fail(where, f"unknown severity {value!r}")


def _limit(value: object, where: str) -> BloodPressureLimit:
    m = _obj(value, where, {"systolic", "diastolic"})
    return BloodPressureLimit(
        _whole(m.get("systolic"), f"{where}.systolic"),
        _whole(m.get("diastolic"), f"{where}.diastolic"),
    )


def _source(value: object, where: str) -> Source:
    m = _obj(value, where, {"id", "citation", "verified", "note"})
    verified = next((v for v in Verified if v.value == m.get("verified")), None)
    if verified is None:
        raise _fail(f"{where}.verified", "expected yes, partly or no")
    return Source(
        _text(m.get("id"), f"{where}.id"),
        _text(m.get("citation"), f"{where}.citation"),
        verified,
        _text(m.get("note"), f"{where}.note"),
    )


def _reason(value: object, where: str, source_ids: set[str]) -> ReasonRule:
    keys = {"code", "severity", "at_home_severity", "overridable", "text", "sources"}
    m = _obj(value, where, keys)
    sources = tuple(_text(s, f"{where}.sources") for s in _list(m.get("sources"), where))
    for s in sources:
        if s not in source_ids:
            raise _fail(f"{where}.sources", f"unknown source '{s}'")
    code = _text(m.get("code"), f"{where}.code")
    if code not in CODES:
        raise _fail(f"{where}.code", f"unknown reason code '{code}'")
    severity = _severity(m.get("severity"), f"{where}.severity")
    overridable = _flag(m.get("overridable"), f"{where}.overridable")
    if overridable and severity is not Severity.EXCLUDE:
        raise _fail(f"{where}.overridable", "only an exclusion can be overridden")
    at_home = m.get("at_home_severity")
    return ReasonRule(
        code=code,
        severity=severity,
        text=_text(m.get("text"), f"{where}.text"),
        sources=sources,
        overridable=overridable,
        at_home_severity=None if at_home is None else _severity(at_home, f"{where}.at_home"),
    )


_TOP = {
    "version", "title", "blood_pressure", "phq9_recent_days", "heavy_drinking_grams",
    "grams_per_unit", "notes", "sources", "reasons",
}  # fmt: skip


def parse_rules(data: Mapping[str, object]) -> EligibilityRules:
    """Parse a rules mapping; raises InvalidDefinition naming the first bad field."""
    m = _obj(data, "rules", _TOP)
    bp = _obj(m.get("blood_pressure"), "blood_pressure", {"raised_above", "too_high_above"})
    raised = _limit(bp.get("raised_above"), "blood_pressure.raised_above")
    too_high = _limit(bp.get("too_high_above"), "blood_pressure.too_high_above")
    if too_high.systolic < raised.systolic or too_high.diastolic < raised.diastolic:
        raise _fail("blood_pressure", "too_high_above must not be below raised_above")
    grams = _obj(m.get("grams_per_unit"), "grams_per_unit", {"standard_drinks", "grams"})
    sources = tuple(
        _source(s, f"sources[{i}]") for i, s in enumerate(_list(m.get("sources"), "sources"))
    )
    ids = {s.id for s in sources}
    if len(ids) != len(sources):
        raise _fail("sources", "each source id must be unique")
    raw = _list(m.get("reasons"), "reasons")
    reasons = tuple(_reason(r, f"reasons[{i}]", ids) for i, r in enumerate(raw))
    codes = [r.code for r in reasons]
    if len(set(codes)) != len(codes):
        raise _fail("reasons", "each reason code must be defined once")
    missing = sorted(CODES - set(codes))
    if missing:
        raise _fail("reasons", f"no reason defined for '{missing[0]}'")
    notes = m.get("notes")
    return EligibilityRules(
        version=_text(m.get("version"), "version"),
        title=_text(m.get("title"), "title"),
        raised_above=raised,
        too_high_above=too_high,
        phq9_recent_days=_whole(m.get("phq9_recent_days"), "phq9_recent_days"),
        heavy_drinking_grams=_number(m.get("heavy_drinking_grams"), "heavy_drinking_grams"),
        grams_per_unit={str(k): _number(v, f"grams_per_unit.{k}") for k, v in grams.items()},
        sources=sources,
        reasons=reasons,
        notes=() if notes is None else tuple(_text(n, "notes") for n in _list(notes, "notes")),
    )


def rules_to_dict(rules: EligibilityRules) -> dict[str, object]:
    """The JSON form of the rules (the inverse of :func:`parse_rules`)."""

    def limit(x: BloodPressureLimit) -> dict[str, int]:
        return {"systolic": x.systolic, "diastolic": x.diastolic}

    def reason(r: ReasonRule) -> dict[str, object]:
        out: dict[str, object] = {"code": r.code, "severity": r.severity.value}
        if r.at_home_severity is not None:
            out["at_home_severity"] = r.at_home_severity.value
        out.update({"overridable": r.overridable, "sources": list(r.sources), "text": r.text})
        return out

    return {
        "version": rules.version,
        "title": rules.title,
        "blood_pressure": {
            "raised_above": limit(rules.raised_above),
            "too_high_above": limit(rules.too_high_above),
        },
        "phq9_recent_days": rules.phq9_recent_days,
        "heavy_drinking_grams": rules.heavy_drinking_grams,
        "grams_per_unit": dict(rules.grams_per_unit),
        "notes": list(rules.notes),
        "sources": [
            {"id": s.id, "citation": s.citation, "verified": s.verified.value, "note": s.note}
            for s in rules.sources
        ],
        "reasons": [reason(r) for r in rules.reasons],
    }


@cache
def load_rules(name: str = DEFAULT_RULES) -> EligibilityRules:
    """The eligibility rules shipped with Attune (``rules/eligibility_<name>.json``)."""
    if not name.replace("-", "").replace("_", "").isalnum():
        raise _fail("name", f"no rules named {name!r}")
    path = resources.files("attune.domain.kap") / "rules" / f"eligibility_{name}.json"
    if not path.is_file():
        raise _fail("name", f"no rules named {name!r}")
    return parse_rules(_obj(json.loads(path.read_text(encoding="utf-8")), "rules", _TOP))
