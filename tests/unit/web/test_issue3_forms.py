"""The intake and plan forms: what a saved answer looks like on the page reads back as
the same answer; empty rows are dropped and renumbered; unreadable values are named."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from attune.domain.errors import FormErrors
from attune.domain.instruments import builtin_library
from attune.domain.intake import (
    SECTIONS,
    Addiction,
    AddictionType,
    Intake,
    Medication,
    MedicationClass,
    Medications,
    PreviousTreatment,
    TreatmentHistory,
    TreatmentKind,
    TreatmentOutcome,
    from_dict,
    to_dict,
)
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    Modality,
    Target,
    TreatmentPlan,
)
from attune.web.pages import intake_form as forms
from attune.web.pages import plan_form
from factories import complete_intake

TODAY = date(2026, 1, 5)


def _variants() -> list[Intake]:
    base = complete_intake(TODAY)
    return [
        base,
        Intake(),
        replace(base, addictions=()),
        replace(
            base,
            addictions=(
                *base.named,
                Addiction(AddictionType.OTHER_BEHAVIOUR, detail="skin picking", stopped=True),
            ),
            medications=Medications(
                True,
                (
                    Medication("Diazepam", frozenset({MedicationClass.BENZODIAZEPINE})),
                    Medication("Sertraline"),
                ),
            ),
            treatment=TreatmentHistory(
                True,
                (
                    PreviousTreatment(
                        TreatmentKind.COUNSELLING,
                        TreatmentOutcome.HELPED,
                        2019,
                        detail="Weekly sessions at the surgery",
                    ),
                    PreviousTreatment(TreatmentKind.PEER_SUPPORT),
                ),
            ),
        ),
    ]


@pytest.mark.parametrize("intake", _variants())
def test_every_section_reads_back_as_saved(intake: Intake) -> None:
    stored = to_dict(intake)
    for section in SECTIONS:
        raw, _ = forms.raw_from_intake(intake, section)
        # As the browser posts it: every field, in order.
        posted = [(name, value) for name, values in raw.items() for value in values]
        again, again_counts = forms.raw_from_form(section, posted)
        answers = forms.parse_section(section, again, again_counts)
        # Read back into the intake (a key the form does not ask is "not answered").
        assert from_dict({**stored, **answers}) == intake, section.key


def test_ticking_nothing_is_not_answered_and_none_of_these_is_none() -> None:
    section = forms.section("situation")
    untouched = forms.parse_section(section, *forms.raw_from_form(section, []))
    assert untouched["situation"]["supports"] is None  # type: ignore[index]
    nobody = forms.parse_section(
        section, *forms.raw_from_form(section, [("situation.supports", forms.NONE_CHOICE)])
    )
    assert nobody["situation"]["supports"] == []  # type: ignore[index]
    with pytest.raises(FormErrors) as caught:
        forms.parse_section(
            section,
            *forms.raw_from_form(
                section,
                [("situation.supports", forms.NONE_CHOICE), ("situation.supports", "friends")],
            ),
        )
    assert caught.value.errors[0][0] == "situation.supports"


def test_empty_rows_are_dropped_and_the_rest_renumbered() -> None:
    section = forms.section("addictions")
    raw, counts = forms.raw_from_form(
        section,
        [
            ("addictions[0].what", "gambling"),
            ("addictions[1].what", ""),
            ("addictions[1].detail", "  "),
            ("addictions[4].what", "alcohol"),
            ("addictions[4].days_per_week", "3"),
        ],
    )
    assert counts == {"addictions": 2}
    answers = forms.parse_section(section, raw, counts)
    assert [a["what"] for a in answers["addictions"]] == ["gambling", "alcohol"]  # type: ignore[index, union-attr]


def test_nothing_to_add_and_unread_values_are_named_by_field() -> None:
    section = forms.section("addictions")
    nothing = forms.parse_section(
        section, *forms.raw_from_form(section, [("addictions.none", "yes")])
    )
    assert nothing == {"addictions": []}
    unanswered = forms.parse_section(section, *forms.raw_from_form(section, []))
    assert unanswered == {"addictions": None}
    with pytest.raises(FormErrors) as caught:
        forms.parse_section(
            section,
            *forms.raw_from_form(
                section,
                [
                    ("addictions.none", "yes"),
                    ("addictions[0].detail", "wine"),
                    ("addictions[0].days_per_week", "most"),
                    ("addictions[0].amount", "1e999"),
                    ("addictions[0].last_use", "yesterday"),
                    ("addictions[0].stopped", "maybe"),
                ],
            ),
        )
    fields = {field for field, _ in caught.value.errors}
    assert fields == {
        "addictions",
        "addictions[0].what",
        "addictions[0].days_per_week",
        "addictions[0].amount",
        "addictions[0].last_use",
        "addictions[0].stopped",
    }


def test_errors_link_to_their_field_or_group() -> None:
    names = ["addictions[0].what", "goals"]
    assert forms.anchor_for("addictions[0].what", names) == "f-addictions-0-what"
    assert forms.anchor_for("medications.items", names) == "f-medications-items"
    assert forms.anchor_for("addictions[3].years_of_use", names) == "f-addictions"


def test_a_plan_reads_back_as_saved() -> None:
    plan = TreatmentPlan(
        goals=(
            Goal("Feel less low", Target("phq9", Comparison.BELOW, 10, date(2026, 6, 1))),
            Goal(
                "Worry less about being left",
                Target("ecrr", Comparison.AT_OR_BELOW, 3.5, date(2026, 9, 1), "anxiety"),
            ),
        ),
        review_on=date(2026, 4, 1),
        modalities=(Modality.CBT, Modality.GROUP),
        aftercare=Aftercare(("Tuesday group",), ("Recovery café",), FollowUp(4, date(2026, 2, 2))),
        addresses=("alcohol",),
        description="Weekly sessions to start.",
    )
    form = plan_form.form_from_plan(plan)
    posted = [
        *form.fields.items(),
        *[(f"goals[{i}].{k}", v) for i, row in enumerate(form.goals) for k, v in row.items()],
        ("goals[2].target.comparison", "below"),  # the empty row at the end
        *[("modalities", m) for m in sorted(form.modalities)],
    ]
    assert plan_form.parse_plan(plan_form.form_from_post(posted)) == plan


def test_plan_values_that_cannot_be_read_are_named() -> None:
    posted = [
        ("goals[0].text", "Sleep"),
        ("goals[0].target.measure", ""),
        ("goals[0].target.comparison", "sideways"),
        ("goals[0].target.value", "ten"),
        ("goals[0].target.by", "June"),
        ("review_on", ""),
        ("aftercare.follow_up.every_weeks", ""),
        ("aftercare.follow_up.starts_on", "2026-02-01"),
        ("modalities", "hypnosis"),
    ]
    with pytest.raises(FormErrors) as caught:
        plan_form.parse_plan(plan_form.form_from_post(posted))
    assert {f for f, _ in caught.value.errors} == {
        "goals[0].target.measure",
        "goals[0].target.comparison",
        "goals[0].target.value",
        "goals[0].target.by",
        "review_on",
        "aftercare.follow_up.every_weeks",
        "modalities",
    }
    assert plan_form.control_for("goals[1].target.subscale") == "goals[1].target.measure"
    assert plan_form.control_for("aftercare.support_groups[2]") == "aftercare.support_groups"


def test_every_instrument_total_and_subscale_can_be_a_target() -> None:
    library = builtin_library()
    values = {m.value for g in plan_form.measures(library) for m in g.measures}
    assert {"phq9", "gad7", "ecrr/anxiety", "ecrr/avoidance"} <= values
    assert "ecrr" not in values  # the ECR-R has no total
