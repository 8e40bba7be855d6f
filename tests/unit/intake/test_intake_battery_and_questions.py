"""The default battery and the question texts the web renders."""

from __future__ import annotations

from datetime import date
from enum import Enum

import pytest

from attune.domain.instruments import get_instrument
from attune.domain.intake import (
    LABELS,
    SECTIONS,
    Addiction,
    AddictionType,
    AnswerType,
    Intake,
    Kind,
    Medication,
    Medications,
    PreviousTreatment,
    TreatmentHistory,
    TreatmentKind,
    choices,
    default_battery,
    label,
    question,
    to_dict,
)
from attune.domain.intake import model as intake_model

ALWAYS = ["ecrr", "phq9", "gad7", "pcl5", "ace", "ders16"]


def ids(*types: AddictionType) -> list[str]:
    return [e.instrument_id for e in default_battery(Addiction(t) for t in types)]


def test_everyone_gets_the_core_battery() -> None:
    assert ids() == ALWAYS


@pytest.mark.parametrize(
    ("what", "extra"),
    [
        (AddictionType.ALCOHOL, "audit"),
        (AddictionType.CANNABIS, "dast10"),
        (AddictionType.OPIOIDS, "dast10"),
        (AddictionType.BENZODIAZEPINES, "dast10"),
        (AddictionType.KETAMINE, "dast10"),
        (AddictionType.OTHER_SUBSTANCE, "dast10"),
        (AddictionType.GAMBLING, "pgsi"),
        (AddictionType.GAMING, "igds9sf"),
        (AddictionType.SOCIAL_MEDIA, "bsmas"),
        (AddictionType.OVERWORK, "bwas"),
    ],
)
def test_each_addiction_adds_its_screen(what: AddictionType, extra: str) -> None:
    assert ids(what) == ["ecrr", extra, *ALWAYS[1:]]


def test_tobacco_and_unscreened_behaviours_add_nothing() -> None:
    assert (
        ids(
            AddictionType.NICOTINE,
            AddictionType.SHOPPING,
            AddictionType.PORNOGRAPHY,
            AddictionType.COMPULSIVE_EATING,
            AddictionType.STREAMING,
        )
        == ALWAYS
    )


def test_several_drugs_share_one_drug_screen_naming_them() -> None:
    battery = default_battery(
        [
            Addiction(AddictionType.ALCOHOL),
            Addiction(AddictionType.CANNABIS),
            Addiction(AddictionType.OTHER_SUBSTANCE, detail="kratom"),
            Addiction(AddictionType.GAMBLING),
        ]
    )
    assert [e.instrument_id for e in battery] == [
        "ecrr",
        "audit",
        "dast10",
        "pgsi",
        "phq9",
        "gad7",
        "pcl5",
        "ace",
        "ders16",
    ]
    dast = next(e for e in battery if e.instrument_id == "dast10")
    assert "cannabis" in dast.reason and "kratom" in dast.reason


def test_every_battery_instrument_exists_and_has_a_reason() -> None:
    battery = default_battery(Addiction(t) for t in AddictionType)
    assert len({e.instrument_id for e in battery}) == len(battery) == 12
    for entry in battery:
        assert get_instrument(entry.instrument_id).id == entry.instrument_id
        assert entry.reason.strip()


def test_every_addiction_type_has_one_of_the_three_kinds() -> None:
    kinds = {t.kind for t in AddictionType}
    assert kinds == set(Kind)
    assert AddictionType.SOCIAL_MEDIA.kind is Kind.DISTRACTION
    assert AddictionType.GAMBLING.kind is Kind.BEHAVIOUR
    assert AddictionType.KETAMINE.kind is Kind.SUBSTANCE


def test_an_addiction_name_uses_the_detail_for_other() -> None:
    assert Addiction(AddictionType.OTHER_BEHAVIOUR, detail=" skin picking ").name == "skin picking"
    assert Addiction(AddictionType.SOCIAL_MEDIA, detail="tiktok").name == "social media"


def _enums() -> list[type[Enum]]:
    return [
        v
        for v in vars(intake_model).values()
        if isinstance(v, type) and issubclass(v, Enum) and v.__module__ == intake_model.__name__
    ]


def test_every_answer_choice_has_a_plain_label() -> None:
    for enum_type in _enums():
        for member in enum_type:
            assert label(member).strip(), member
        assert [c.value for c in choices(enum_type)] == [m.value for m in enum_type]
    assert len(LABELS) == sum(len(e) for e in _enums())


def test_questions_are_unique_and_choice_questions_have_choices() -> None:
    fields = [q.field for s in SECTIONS for q in s.questions]
    assert len(fields) == len(set(fields))
    assert len({s.key for s in SECTIONS}) == len(SECTIONS)
    for section in SECTIONS:
        assert section.title.strip()
        for q in section.questions:
            assert q.text.strip()
            needs_choices = q.answer in (AnswerType.CHOICE, AnswerType.CHOICES)
            assert bool(q.choices) == needs_choices, q.field
            assert q.field.split("[")[0].split(".")[0] == section.key


def test_a_question_is_found_by_its_field() -> None:
    assert question("readiness.ruler").maximum == 10
    assert question("addictions[].days_per_week").maximum == 7
    with pytest.raises(KeyError):
        question("readiness.mood")


def test_the_battery_reads_from_named_addictions_only() -> None:
    dated = Addiction(AddictionType.ALCOHOL, last_use=date(2025, 1, 1))
    assert [e.instrument_id for e in default_battery([dated])][1] == "audit"


def test_a_required_tick_list_offers_a_none_box_in_its_own_words() -> None:
    for section in SECTIONS:
        for q in section.questions:
            required_list = q.answer is AnswerType.CHOICES and not q.optional
            assert q.has_none_choice is required_list, q.field
            # Every "none" box is worded, and only those questions have one.
            assert bool(q.none_label.strip()) is required_list, q.field
            if required_list:
                # The question says to tick the box, never to leave the list empty.
                assert "empty" not in q.text.lower() and "leave" not in q.text.lower()
                assert f"'{q.none_label}'" in q.help, q.field
    assert question("situation.supports").none_label == "No one at the moment"
    assert question("situation.pressures").none_label == "None of these"
    assert not question("medications.items[].classes").has_none_choice


def _stored_paths(value: object, path: str = "") -> set[str]:
    """Every answer's path in the stored form, ``[]`` for a list of entries."""
    if isinstance(value, dict):
        return {
            p
            for key, inner in value.items()
            for p in _stored_paths(inner, f"{path}.{key}" if path else key)
        }
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return {p for inner in value for p in _stored_paths(inner, f"{path}[]")}
    return {path}


def test_every_stored_answer_is_asked_so_a_form_save_keeps_it() -> None:
    # One entry in each list, so the entries' own answers are counted too.
    everything = Intake(
        addictions=(Addiction(AddictionType.ALCOHOL),),
        medications=Medications(True, (Medication("Diazepam"),)),
        treatment=TreatmentHistory(True, (PreviousTreatment(TreatmentKind.COUNSELLING),)),
    )
    stored = _stored_paths(to_dict(everything)) - {"format"}
    asked = {q.field for s in SECTIONS for q in s.questions}
    assert stored == asked
    detail = question("treatment.items[].detail")
    assert detail.optional and detail.answer is AnswerType.TEXT
