"""The rules are versioned data: strict parsing, and the engine follows the data."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

from attune.domain.errors import InvalidDefinition
from attune.domain.levelofcare import Dimension, Level, load_rules, parse_rules, rules_to_dict
from attune.domain.levelofcare.conditions import condition_to_dict, parse_condition

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
