"""Course protocol templates: the default values per program, strict parsing, storage."""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from importlib import resources

import pytest

from attune.domain.errors import InvalidDefinition
from attune.domain.kap.program import AT_HOME, IN_OFFICE, PROGRAMS, SPRAVATO_IN_OFFICE
from attune.domain.kap.protocol import (
    load_protocol,
    parse_template,
    protocol_from_dict,
    protocol_to_dict,
)

TEMPLATE = json.loads(
    (resources.files("attune.domain.kap") / "protocols" / "default.json").read_text("utf-8")
)


def test_the_default_course() -> None:
    for program in (IN_OFFICE, AT_HOME):
        p = load_protocol(program)
        assert (p.preparation_sessions, p.dosing_sessions, p.course_weeks) == (2, 6, 3)
        assert (p.integration_opens, p.integration_closes) == (
            timedelta(hours=24),
            timedelta(hours=72),
        )
        assert p.min_between_doses == timedelta(hours=48)
        assert p.integration_before_next_dose
        assert p.program == program


def test_spravato_follows_its_twice_weekly_induction() -> None:
    p = load_protocol(SPRAVATO_IN_OFFICE)
    assert (p.dosing_sessions, p.course_weeks) == (8, 4)


def test_resolved_protocols_round_trip() -> None:
    for program in PROGRAMS:
        p = load_protocol(program)
        assert protocol_from_dict(protocol_to_dict(p)) == p


def test_a_program_changes_only_what_it_names() -> None:
    data = copy.deepcopy(TEMPLATE)
    data["programs"]["at_home"] = {"min_hours_between_doses": 72}
    protocols = parse_template(data)
    assert protocols["at_home"].min_between_doses == timedelta(hours=72)
    assert protocols["at_home"].dosing_sessions == 6
    assert protocols["in_office"].min_between_doses == timedelta(hours=48)


@pytest.mark.parametrize(
    ("where", "key", "value", "field"),
    [
        ("course", "dosing_sessions", 0, "course.dosing_sessions"),
        ("course", "preparation_sessions", True, "course.preparation_sessions"),
        ("course", "integration_before_next_dose", "yes", "course.integration_before_next_dose"),
        ("course", "integration_opens_hours", 80, "programs.in_office"),
        ("course", "colour", "blue", "course"),
        ("programs", "spravato_at_home", {}, "programs"),
    ],
)
def test_bad_templates_name_the_field(where: str, key: str, value: object, field: str) -> None:
    data = copy.deepcopy(TEMPLATE)
    data[where][key] = value
    with pytest.raises(InvalidDefinition) as caught:
        parse_template(data)
    assert caught.value.field == field


def test_a_missing_course_value_is_refused() -> None:
    data = copy.deepcopy(TEMPLATE)
    del data["course"]["dosing_sessions"]
    with pytest.raises(InvalidDefinition, match="missing"):
        parse_template(data)


def test_an_unknown_template_is_refused() -> None:
    with pytest.raises(InvalidDefinition):
        load_protocol(IN_OFFICE, "nope")
    with pytest.raises(InvalidDefinition):
        load_protocol(IN_OFFICE, "../rules/eligibility_v1")
