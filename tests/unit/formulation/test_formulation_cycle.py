"""The cycle: validation with field-named errors, form lines, prompts and serialisation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.formulation import (
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    PROMPTS,
    AuthorRole,
    Formulation,
    FormulationVersion,
    Part,
    from_dict,
    from_lines,
    require_valid,
    to_dict,
    validate,
    version_from_dict,
    version_to_dict,
)

MINIMAL = Formulation(situations=("Coming home to an empty flat",), behaviour=("Drinking",))


def fields(formulation: Formulation) -> list[str]:
    return [field for field, _ in validate(formulation)]


def test_a_trigger_and_the_behaviour_are_enough_to_save() -> None:
    assert validate(MINIMAL) == ()
    assert require_valid(MINIMAL) is MINIMAL
    relational_only = Formulation(relational=("An argument",), behaviour=("Gaming all night",))
    assert validate(relational_only) == ()
    assert relational_only.triggers == ("An argument",)


def test_an_empty_formulation_names_both_required_parts() -> None:
    errors = dict(validate(Formulation()))
    assert set(errors) == {"triggers", "behaviour"}
    assert "at least one trigger" in errors["triggers"]
    with pytest.raises(FormErrors) as err:
        require_valid(Formulation())
    assert err.value.field == "triggers"
    assert [f for f, _ in err.value.errors] == ["triggers", "behaviour"]


def test_each_entry_problem_names_its_part_and_position() -> None:
    formulation = Formulation(
        situations=("Pay day", "x" * (MAX_ENTRY_CHARS + 1), "   "),
        feelings=("Lonely", "lonely "),
        urge=("Strong\x00urge",),
        behaviour=("Betting online",),
    )
    errors = validate(formulation)
    assert [f for f, _ in errors] == [
        "situations[1]",
        "situations[2]",
        "feelings[1]",
        "urge[0]",
    ]
    messages = dict(errors)
    assert f"(this one has {MAX_ENTRY_CHARS + 1})" in messages["situations[1]"]
    assert "empty" in messages["situations[2]"]
    assert "repeats line 1" in messages["feelings[1]"]
    assert "U+0000" in messages["urge[0]"]


def test_an_entry_of_exactly_the_limit_is_fine() -> None:
    formulation = Formulation(situations=("y" * MAX_ENTRY_CHARS,), behaviour=("b",))
    assert validate(formulation) == ()


def test_too_many_entries_in_a_part() -> None:
    many = tuple(f"Alternative {n}" for n in range(MAX_ENTRIES + 1))
    formulation = Formulation(situations=("s",), behaviour=("b",), alternatives=many)
    assert fields(formulation) == ["alternatives"]
    assert validate(Formulation(situations=("s",), behaviour=("b",), alternatives=many[:-1])) == ()


def test_from_lines_reads_one_entry_per_line_and_refuses_unknown_parts() -> None:
    formulation = from_lines(
        {
            "situations": "  Pay day \r\n\n Alone   on Sunday\n",
            "behaviour": "Betting",
            "soothes": "",
        }
    )
    assert formulation.situations == ("Pay day", "Alone on Sunday")
    assert formulation.behaviour == ("Betting",)
    assert formulation.soothes == ()
    with pytest.raises(ValidationError) as err:
        from_lines({"triggers": "x"})
    assert err.value.field == "triggers"


def test_every_part_has_its_prompt_in_our_own_words() -> None:
    assert set(PROMPTS) == set(Part)
    titles = [PROMPTS[p].title for p in Part]
    assert len(set(titles)) == len(titles)
    for part in Part:
        prompt = PROMPTS[part]
        assert prompt.question.endswith(("?", ".")) and prompt.hint and prompt.example
        assert len(prompt.example) <= MAX_ENTRY_CHARS


texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
formulations = st.builds(
    Formulation, **{p.value: st.lists(texts, max_size=4).map(tuple) for p in Part}
)


@settings(deadline=None)  # never a timing assertion, even on a busy machine
@given(formulations)
def test_to_dict_and_back_is_the_same_formulation(formulation: Formulation) -> None:
    assert from_dict(to_dict(formulation)) == formulation


def test_from_dict_is_strict() -> None:
    with pytest.raises(ValidationError) as err:
        from_dict({"triggers": ["x"]})
    assert err.value.field == "triggers"
    with pytest.raises(ValidationError) as err:
        from_dict({"feelings": "sad"})
    assert err.value.field == "feelings"
    with pytest.raises(ValidationError) as err:
        from_dict({"feelings": ["sad", 3]})
    assert err.value.field == "feelings"


def test_versions_serialise_and_bad_fields_are_named() -> None:
    version = FormulationVersion(
        2, datetime(2026, 3, 1, 9, tzinfo=UTC), AuthorRole.TOGETHER, MINIMAL
    )
    data = version_to_dict(version)
    assert data["author_role"] == "together"
    assert version_from_dict(data) == version
    for key, bad in (
        ("number", 0),
        ("number", True),
        ("created_at", "2026-03-01T09:00:00"),
        ("created_at", "yesterday"),
        ("author_role", "admin"),
        ("content", []),
    ):
        with pytest.raises(ValidationError) as err:
            version_from_dict({**data, key: bad})
        assert err.value.field == key
