"""The rules are versioned data: strict parsing, and the engine follows the data."""

from __future__ import annotations

import copy
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import InvalidDefinition
from attune.domain.levelofcare import Dimension, Level, load_rules, parse_rules, rules_to_dict
from attune.domain.levelofcare.conditions import (
    AddictionMatch,
    AllOf,
    Answer,
    AnyOf,
    AtLeast,
    Condition,
    MedicationMatch,
    OpenFlag,
    ScoreMatch,
    TreatmentOutcomes,
    condition_to_dict,
    parse_condition,
)
from attune.domain.levelofcare.rules import Criterion

RULES_DIR = Path(__file__).parents[3] / "src" / "attune" / "domain" / "levelofcare" / "rules"


def data() -> dict[str, object]:
    return copy.deepcopy(rules_to_dict(load_rules()))


def test_the_shipped_rules_parse_and_carry_a_version() -> None:
    rules = load_rules()
    assert rules.version == "1.0.0"
    assert [d.dimension for d in rules.dimensions] == list(Dimension)
    assert [x.level for x in rules.levels] == list(Level)
    assert rules.level_for_rating == (
        Level.SELF_MANAGEMENT,
        Level.SELF_MANAGEMENT,
        Level.OUTPATIENT,
        Level.INTENSIVE_OUTPATIENT,
        Level.RESIDENTIAL,
    )
    assert rules.sources and rules.notes


def test_the_file_on_disk_is_what_rules_to_dict_writes() -> None:
    on_disk = json.loads((RULES_DIR / "v1.json").read_text(encoding="utf-8"))
    assert parse_rules(on_disk) == load_rules()
    assert parse_rules(rules_to_dict(parse_rules(on_disk))) == load_rules()


def test_every_reason_uses_tentative_words_and_no_brand_names() -> None:
    text = (RULES_DIR / "v1.json").read_text(encoding="utf-8")
    assert not re.search(r"\basam\b", text, re.IGNORECASE)
    rules = load_rules()
    for d in rules.dimensions:
        for c in d.criteria:
            words = c.reason.lower()
            assert any(w in words for w in ("suggest", "consider", "keep", "should")), c.id
            assert "diagnos" not in words, c.id
    for c in rules.combinations:
        assert "suggests" in c.reason


def test_criterion_ids_are_unique_within_each_dimension() -> None:
    for d in load_rules().dimensions:
        ids = [c.id for c in d.criteria]
        assert len(ids) == len(set(ids)), d.dimension


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda d: d.update(extra=1), "rules"),
        (lambda d: d.pop("version"), "version"),
        (lambda d: d.update(recent_use_days=0), "recent_use_days"),
        (lambda d: d.update(level_for_rating=["outpatient", "self_management", "outpatient",
                                              "residential", "residential"]), "level_for_rating"),
        (lambda d: d.update(level_for_rating=["outpatient"] * 4), "level_for_rating"),
        (lambda d: d.update(level_for_rating=["outpatient"] * 4 + ["hospital"]),
         "level_for_rating[4]"),
        (lambda d: d["levels"].reverse(), "levels"),
        (lambda d: d["dimensions"].pop(), "dimensions"),
        (lambda d: d["dimensions"][0].update(id="spirit"), "dimensions[0].id"),
        (lambda d: d["dimensions"][0]["criteria"][0].update(rating=5),
         "dimensions[0].criteria[0].rating"),
        (lambda d: d["dimensions"][0]["criteria"][0].update(rating=True),
         "dimensions[0].criteria[0].rating"),
        (lambda d: d["dimensions"][0]["criteria"][0].update(reason=""),
         "dimensions[0].criteria[0].reason"),
        (lambda d: d["dimensions"][0]["criteria"][0].update(when={"weather": "rain"}),
         "dimensions[0].criteria[0].when"),
        (lambda d: d["dimensions"][0].update(criteria=[]), "dimensions[0].criteria"),
        (lambda d: d["combinations"][0].update(level="hospital"), "combinations[0].level"),
        (lambda d: d["combinations"][0].update(dimensions_at_least=7), "combinations[0]"),
        (lambda d: d["safety_actions"][0].update(action="call_a_friend"),
         "safety_actions[0].action"),
        (lambda d: d["alcohol_grams"].update(standard_drinks="ten"),
         "alcohol_grams.standard_drinks"),
    ],
)  # fmt: skip
def test_bad_rules_are_refused_naming_where(change: object, where: str) -> None:
    d = data()
    change(d)  # type: ignore[operator]
    with pytest.raises(InvalidDefinition) as caught:
        parse_rules(d)
    assert caught.value.field == where
    assert where in caught.value.message


@pytest.mark.parametrize(
    "condition",
    [
        {"any": []},
        {"at_least": 3, "of": [{"open_flag": "x"}, {"open_flag": "y"}]},
        {"at_least": 0, "of": [{"open_flag": "x"}]},
        {"answer": "goals", "evidence": "e"},
        {"answer": "goals", "in": ["a"], "empty": True, "evidence": "e"},
        {"answer": "goals", "in": ["a"]},
        {"answer": "goals", "in": [{"a": 1}], "evidence": "e"},
        {"answer": "goals", "empty": False, "evidence": "e"},
        {"score": "phq9"},
        {"score": "phq9", "total_at_least": "ten"},
        {"score": "phq9", "flag": "x", "finding": "y"},
        {"addiction": {"colour": "red"}},
        {"addiction": {"current": "yes"}},
        {"addiction": []},
        {"medication": []},
        {"open_flag": ""},
        {"treatment_outcomes": ["left_early"], "at_least": True},
        {"open_flag": "x", "extra": 1},
        [],
    ],
)
def test_bad_conditions_are_refused(condition: object) -> None:
    with pytest.raises(InvalidDefinition):
        parse_condition(condition, "when")


def test_every_shipped_condition_round_trips() -> None:
    for d in load_rules().dimensions:
        for c in d.criteria:
            assert parse_condition(condition_to_dict(c.when), "when") == c.when


@pytest.mark.parametrize("name", ["v0", "../v1", "v1.json", "", "rules/v1"])
def test_unknown_rule_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidDefinition):
        load_rules(name)


def test_the_docs_list_every_criterion_combination_and_safety_action() -> None:
    docs = (Path(__file__).parents[3] / "docs" / "levelofcare.md").read_text(encoding="utf-8")
    rules = load_rules()
    assert f"rules version {rules.version}" in docs
    for d in rules.dimensions:
        assert f"(`{d.dimension.value}`)" in docs
        for c in d.criteria:
            assert f"| {c.rating} | `{c.id}` |" in docs, c.id
    for combination in rules.combinations:
        assert f"`{combination.id}`" in docs
    for safety in rules.safety:
        assert f"`{safety.action.value}`" in docs


texts = st.text(alphabet="abcdefghij_", min_size=1, max_size=8)
plain = st.none() | st.booleans() | st.integers(-5, 20) | texts
leaves = st.one_of(
    st.builds(Answer, texts, texts, values=st.lists(plain, min_size=1, max_size=3).map(tuple)),
    st.builds(Answer, texts, texts, contains_any=st.lists(texts, min_size=1).map(tuple)),
    st.builds(Answer, texts, texts, empty=st.just(True)),
    st.builds(Answer, texts, texts, count_at_least=st.integers(1, 4)),
    st.builds(
        AddictionMatch,
        what=st.lists(texts, max_size=2).map(tuple),
        kind=st.lists(texts, max_size=2).map(tuple),
        current=st.booleans(),
        days_per_week_at_least=st.none() | st.integers(1, 7),
        alcohol_grams_at_least=st.none() | st.integers(1, 300).map(float),
        years_at_least=st.none() | st.floats(0.01, 40),
    ),
    st.builds(MedicationMatch, st.lists(texts, min_size=1, max_size=3).map(tuple)),
    st.builds(ScoreMatch, texts, total_at_least=st.integers(0, 40).map(float)),
    st.builds(ScoreMatch, texts, band_in=st.lists(texts, min_size=1).map(tuple)),
    st.builds(ScoreMatch, texts, flag=texts),
    st.builds(ScoreMatch, texts, finding=texts),
    st.builds(OpenFlag, texts),
    st.builds(TreatmentOutcomes, st.lists(texts, min_size=1).map(tuple), st.integers(1, 3)),
)
conditions = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(AnyOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.builds(AllOf, st.lists(inner, min_size=1, max_size=3).map(tuple)),
        st.lists(inner, min_size=1, max_size=3).flatmap(
            lambda parts: st.builds(AtLeast, st.integers(1, len(parts)), st.just(tuple(parts)))
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(conditions)
def test_any_condition_round_trips_through_json(condition: Condition) -> None:
    stored = json.loads(json.dumps(condition_to_dict(condition)))
    assert parse_condition(stored, "when") == condition


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_rules_with_changed_criteria_round_trip(data: st.DataObject) -> None:
    rules = load_rules()
    index = data.draw(st.integers(0, len(rules.dimensions) - 1))
    dimension = rules.dimensions[index]
    extra = Criterion(
        id=data.draw(texts),
        rating=data.draw(st.integers(0, 4)),
        when=data.draw(conditions),
        reason=data.draw(texts),
    )
    changed = replace(
        rules,
        version=data.draw(texts),
        dimensions=tuple(
            replace(d, criteria=(*d.criteria, extra)) if d is dimension else d
            for d in rules.dimensions
        ),
    )
    assert parse_rules(json.loads(json.dumps(rules_to_dict(changed)))) == changed
