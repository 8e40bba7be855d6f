"""The eligibility rules file: strict parsing, a lossless round trip, every source used."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from attune.domain.errors import InvalidDefinition
from attune.domain.kap.eligibility_rules import (
    CODES,
    Severity,
    Verified,
    load_rules,
    parse_rules,
    rules_to_dict,
)


def test_the_shipped_rules_round_trip() -> None:
    rules = load_rules()
    assert parse_rules(rules_to_dict(rules)) == rules
    assert rules.version == "1.0.0"


def test_every_code_has_one_reason_with_text_and_sources() -> None:
    rules = load_rules()
    assert {r.code for r in rules.reasons} == CODES
    for r in rules.reasons:
        assert r.text.strip() and r.sources, r.code
        assert all(rules.source(s).citation for s in r.sources)


def test_every_source_is_used_and_says_whether_it_was_verified() -> None:
    rules = load_rules()
    used = {s for r in rules.reasons for s in r.sources}
    assert used == {s.id for s in rules.sources}
    assert {s.verified for s in rules.sources} <= set(Verified)
    # Our own choices are marked as not verified against any outside source.
    assert rules.source("attune_policy").verified is Verified.NO


def test_at_home_only_ever_makes_a_reason_stricter() -> None:
    order = [Severity.NOTE, Severity.CONDITION, Severity.EXCLUDE]
    for r in load_rules().reasons:
        assert order.index(r.severity_for(True)) >= order.index(r.severity_for(False)), r.code


def test_at_home_codes_are_exclusions_or_conditions_and_never_overridable() -> None:
    for r in load_rules().reasons:
        if r.code.startswith("at_home_"):
            assert r.severity in (Severity.EXCLUDE, Severity.CONDITION)
            assert not r.overridable


Change = Callable[[dict[str, object]], None]


def _set(path: tuple[object, ...], value: object) -> Change:
    def change(data: dict[str, object]) -> None:
        target: object = data
        for key in path[:-1]:
            target = target[key]  # type: ignore[index]
        target[path[-1]] = value  # type: ignore[index]

    return change


def _drop_reason(code: str) -> Change:
    def change(data: dict[str, object]) -> None:
        data["reasons"] = [r for r in data["reasons"] if r["code"] != code]  # type: ignore[attr-defined,index]

    return change


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set(("colour",), "blue"), "rules"),
        (_set(("blood_pressure", "raised_above", "systolic"), "140"), "systolic"),
        (_set(("blood_pressure", "too_high_above", "systolic"), 120), "blood_pressure"),
        (_set(("phq9_recent_days",), 0), "phq9_recent_days"),
        (_set(("heavy_drinking_grams",), -1), "heavy_drinking_grams"),
        (_set(("sources", 0, "verified"), "maybe"), "verified"),
        (_set(("reasons", 0, "sources"), ["nowhere"]), "sources"),
        (_set(("reasons", 0, "code"), "made_up"), "code"),
        (_set(("reasons", 0, "severity"), "fatal"), "severity"),
        (_set(("reasons", 1, "overridable"), "yes"), "overridable"),
        (_drop_reason("pregnancy"), "reasons"),
    ],
)
def test_bad_rules_name_the_field(change: Change, field: str) -> None:
    data = copy.deepcopy(rules_to_dict(load_rules()))
    change(data)
    with pytest.raises(InvalidDefinition) as caught:
        parse_rules(data)
    assert field in str(caught.value.field)


def test_only_an_exclusion_can_be_overridable() -> None:
    data = copy.deepcopy(rules_to_dict(load_rules()))
    condition = next(r for r in data["reasons"] if r["severity"] == "condition")  # type: ignore[attr-defined]
    condition["overridable"] = True
    with pytest.raises(InvalidDefinition, match="only an exclusion"):
        parse_rules(data)


def test_a_reason_defined_twice_is_refused() -> None:
    data = copy.deepcopy(rules_to_dict(load_rules()))
    data["reasons"].append(data["reasons"][0])  # type: ignore[attr-defined,index]
    with pytest.raises(InvalidDefinition, match="once"):
        parse_rules(data)


@pytest.mark.parametrize("name", ["v9", "../v1", "v1.json"])
def test_unknown_rules_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidDefinition):
        load_rules(name)
