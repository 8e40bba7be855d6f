"""Treatment plan validation: every problem named by its field, the goal named in the message."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from plan_examples import TODAY, example_plan

from attune.domain.errors import FormErrors
from attune.domain.instruments import builtin_library, get_instrument, parse_definition
from attune.domain.instruments.serialise import to_definition
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    KapCandidacySummary,
    Modality,
    PlanStatus,
    measure_name,
    require_valid,
    target_range,
    validate,
)


def errors_of(plan: object, today: date = TODAY) -> dict[str, str]:
    return dict(validate(plan, today=today))  # type: ignore[arg-type]


def with_target(**changes: object) -> object:
    plan = example_plan()
    goal = plan.goals[0]
    return replace(plan, goals=(replace(goal, target=replace(goal.target, **changes)),))


def test_a_good_plan_is_valid() -> None:
    plan = example_plan()
    assert validate(plan, today=TODAY) == ()
    assert require_valid(plan, today=TODAY) is plan


def test_a_plan_needs_goals() -> None:
    errors = errors_of(replace(example_plan(), goals=()))
    assert list(errors) == ["goals"]
    assert "at least one goal" in errors["goals"]
    with pytest.raises(FormErrors) as err:
        require_valid(replace(example_plan(), goals=()), today=TODAY)
    assert err.value.field == "goals"


def test_a_target_outside_the_instruments_range_is_refused_naming_the_goal() -> None:
    errors = errors_of(with_target(value=30))
    assert errors == {
        "goals[0].target.value": 'Goal "I want to stop feeling so low every morning": 30 is '
        "outside the PHQ-9 total range, 0 to 27."
    }
    assert "goals[0].target.value" in errors_of(with_target(value=-1))
    assert "goals[0].target.value" in errors_of(with_target(value=float("nan")))


def test_subscale_targets_use_the_subscale_range() -> None:
    plan = example_plan()
    ecrr_goal = plan.goals[2]
    too_high = replace(ecrr_goal, target=replace(ecrr_goal.target, value=7.5))
    errors = errors_of(replace(plan, goals=(too_high,)))
    assert errors == {
        "goals[0].target.value": 'Goal "Feel less panicky when my partner goes quiet": 7.5 is '
        "outside the ECR-R attachment anxiety range, 1 to 7."
    }
    ecrr = get_instrument("ecrr")
    assert target_range(ecrr, ecrr_goal.target) == (1.0, 7.0)
    assert measure_name(ecrr, ecrr_goal.target) == "ECR-R attachment anxiety"


def test_targets_that_can_never_be_met_are_refused() -> None:
    below_zero = errors_of(with_target(value=0, comparison=Comparison.BELOW))
    assert "can never be below 0" in below_zero["goals[0].target.value"]
    above_max = errors_of(with_target(value=27, comparison=Comparison.ABOVE))
    assert "can never be above 27" in above_max["goals[0].target.value"]
    assert errors_of(with_target(value=0, comparison=Comparison.AT_OR_BELOW)) == {}
    assert errors_of(with_target(value=27, comparison=Comparison.AT_OR_ABOVE)) == {}


def test_unknown_instruments_and_subscales_are_named() -> None:
    assert list(errors_of(with_target(instrument_id="nope"))) == ["goals[0].target.instrument_id"]
    assert (
        "no instrument 'nope'"
        in errors_of(with_target(instrument_id="nope"))["goals[0].target.instrument_id"]
    )
    no_total = errors_of(with_target(instrument_id="ecrr", value=4))
    assert (
        "has no total; choose one of its subscales (anxiety, avoidance)"
        in no_total["goals[0].target.subscale"]
    )
    bad_sub = errors_of(with_target(subscale="mood"))
    assert "has no subscale 'mood' (it has none)" in bad_sub["goals[0].target.subscale"]


def test_a_clinic_instrument_is_checked_against_its_own_range() -> None:
    phq = to_definition(get_instrument("phq9"))
    phq["id"] = "clinicphq"
    library = builtin_library().with_instruments([parse_definition(phq)])
    plan = with_target(instrument_id="clinicphq", value=12)
    assert validate(plan, today=TODAY, library=library) == ()  # type: ignore[arg-type]


def test_dates_in_the_past_are_refused() -> None:
    errors = errors_of(with_target(by=TODAY - timedelta(days=1)))
    assert errors == {
        "goals[0].target.by": 'Goal "I want to stop feeling so low every morning": the target '
        "date 2026-03-01 is in the past."
    }
    review = errors_of(replace(example_plan(), review_on=date(2026, 3, 1)))
    assert review == {"review_on": "The review date 2026-03-01 is in the past."}
    assert errors_of(replace(example_plan(), review_on=TODAY)) == {}


def test_goal_text_and_lists_are_checked_by_position() -> None:
    plan = example_plan()
    plan = replace(
        plan,
        goals=(
            plan.goals[0],
            Goal("   ", plan.goals[1].target),
            Goal("x" * 301, plan.goals[0].target),
        ),
        modalities=(Modality.CBT, Modality.CBT),
        addresses=("Alcohol", ""),
        kap=KapCandidacySummary(" "),
        aftercare=Aftercare(
            support_groups=("ok", "y" * 201),
            sober_community=("bad\x07",),
            follow_up=FollowUp(every_weeks=0, occasions=0),
        ),
    )
    assert list(errors_of(plan)) == [
        "goals[1].text",
        "goals[2].text",
        "modalities",
        "addresses[1]",
        "kap.status",
        "aftercare.support_groups[1]",
        "aftercare.sober_community[0]",
        "aftercare.follow_up.every_weeks",
        "aftercare.follow_up.occasions",
    ]


def test_too_many_goals() -> None:
    plan = example_plan()
    assert "goals" in errors_of(replace(plan, goals=plan.goals * 4))


def test_the_agreement_must_be_consistent() -> None:
    plan = example_plan()
    assert "status" in errors_of(replace(plan, status=PlanStatus.AGREED))
    both = replace(plan, clinician_agreed_on=TODAY, patient_acknowledged_on=TODAY)
    assert "status" in errors_of(both)
    assert errors_of(replace(both, status=PlanStatus.AGREED)) == {}
    future = replace(plan, clinician_agreed_on=TODAY + timedelta(days=1))
    assert list(errors_of(future)) == ["clinician_agreed_on"]
