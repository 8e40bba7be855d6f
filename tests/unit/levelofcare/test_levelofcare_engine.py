"""The engine's details: data-driven thresholds, evidence, recency, missing scores,
comparing recommendations and their stored form."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import timedelta

import pytest
from loc_strategies import TODAY

from attune.domain.errors import ValidationError
from attune.domain.instruments import get_instrument, score
from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    Intake,
    LiverDisease,
    MedicalHistory,
    Medications,
    MentalHealthHistory,
    Pregnancy,
    Readiness,
    SelfHarm,
    Situation,
    Stage,
    Support,
    TreatmentHistory,
    WithdrawalHistory,
)
from attune.domain.levelofcare import (
    Action,
    Dimension,
    Inputs,
    Level,
    Recommendation,
    compare,
    from_dict,
    load_rules,
    parse_rules,
    recommend,
    rules_to_dict,
    to_dict,
)

CALM = Intake(
    addictions=(),
    withdrawal=WithdrawalHistory(False, False, False),
    medications=Medications(False),
    medical=MedicalHistory(False, None, False, False, False, LiverDisease.NONE, Pregnancy.NO),
    mental_health=MentalHealthHistory(
        EpisodeHistory.NEVER, EpisodeHistory.NEVER, AttemptHistory.NONE, SelfHarm.NEVER, False
    ),
    situation=Situation(True, False, False, frozenset({Support.FAMILY}), "", frozenset()),
    treatment=TreatmentHistory(False),
    readiness=Readiness(9, Stage.ACTION),
    goals="x",
)


def drinks(
    per_day: float, days: int = 7, unit: AmountUnit = AmountUnit.STANDARD_DRINKS, **kw: object
) -> Intake:
    a = Addiction(
        AddictionType.ALCOHOL,
        days_per_week=days,
        amount=per_day,
        unit=unit,
        last_use=TODAY,
        years_of_use=3,
    )
    return replace(CALM, addictions=(replace(a, **kw),))  # type: ignore[arg-type]


def rec(intake: Intake, flags: tuple[str, ...] = (), **scores: dict[str, int]) -> Recommendation:
    scored = {i: score(get_instrument(i), a) for i, a in scores.items()}
    return recommend(Inputs(intake, TODAY, scored, flags))


def evidence(result: Recommendation, dimension: Dimension) -> tuple[str, ...]:
    return next(d.evidence for d in result.dimensions if d.dimension is dimension)


def test_nothing_at_all_is_self_management_with_every_dimension_at_zero() -> None:
    result = recommend(Inputs(CALM, TODAY))
    assert result.level is Level.SELF_MANAGEMENT
    assert set(result.ratings.values()) == {0}
    assert result.safety_actions == ()
    assert result.reasons[0].startswith("No dimension shows risk")
    assert all(d.evidence == () for d in result.dimensions)


@pytest.mark.parametrize(
    ("per_day", "unit", "supervised"),
    [
        (11.9, AmountUnit.STANDARD_DRINKS, False),
        (12, AmountUnit.STANDARD_DRINKS, True),
        (119, AmountUnit.GRAMS, False),
        (120, AmountUnit.GRAMS, True),
        (30, AmountUnit.TABLETS, False),
    ],
)
def test_heavy_drinking_is_measured_in_grams_of_alcohol(
    per_day: float, unit: AmountUnit, supervised: bool
) -> None:
    result = recommend(Inputs(drinks(per_day, unit=unit), TODAY))
    assert (Action.MEDICALLY_SUPERVISED_WITHDRAWAL in result.actions) is supervised


def test_thresholds_come_from_the_rules_data() -> None:
    data = rules_to_dict(load_rules())
    heavier_drinks = copy.deepcopy(data)
    heavier_drinks["version"] = "test-grams"
    heavier_drinks["alcohol_grams"] = {"standard_drinks": 20, "grams": 1}
    result = recommend(Inputs(drinks(7), TODAY), parse_rules(heavier_drinks))
    assert result.rules_version == "test-grams"
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL in result.actions
    assert "about 140 g of alcohol" in evidence(result, Dimension.WITHDRAWAL)[0]
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL not in rec(drinks(7)).actions

    flat = copy.deepcopy(data)
    flat["level_for_rating"] = ["outpatient"] * 5
    assert recommend(Inputs(CALM, TODAY), parse_rules(flat)).level is Level.OUTPATIENT


def test_use_stopped_or_older_than_the_recent_window_is_not_current() -> None:
    old = TODAY - timedelta(days=31)
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL not in rec(drinks(15, last_use=old)).actions
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL not in rec(drinks(15, stopped=True)).actions
    recent = TODAY - timedelta(days=30)
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL in rec(drinks(15, last_use=recent)).actions


def test_an_unknown_last_use_date_counts_as_current_to_stay_safe() -> None:
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL in rec(drinks(15, last_use=None)).actions


def test_unknown_amounts_never_trigger_an_amount_rule() -> None:
    result = rec(drinks(0, amount=None))
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL not in result.actions
    assert result.rating(Dimension.WITHDRAWAL) == 2  # near-daily drinking still counts


def test_sedatives_for_under_four_weeks_do_not_trigger_supervised_withdrawal() -> None:
    pills = Addiction(
        AddictionType.BENZODIAZEPINES,
        days_per_week=7,
        amount=2,
        unit=AmountUnit.TABLETS,
        last_use=TODAY,
        years_of_use=0.05,
    )
    short = rec(replace(CALM, addictions=(pills,)))
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL not in short.actions
    long = rec(replace(CALM, addictions=(replace(pills, years_of_use=0.1),)))
    assert Action.MEDICALLY_SUPERVISED_WITHDRAWAL in long.actions
    assert long.rating(Dimension.WITHDRAWAL) == 3


def test_evidence_names_the_facts_used() -> None:
    audit = {f"q{n}": 4 for n in range(1, 11)}
    result = rec(drinks(14), audit=audit)
    assert evidence(result, Dimension.RELAPSE)[0] == "AUDIT total 40 (Zone IV)"
    assert evidence(result, Dimension.WITHDRAWAL)[0] == (
        "Alcohol: 7 days a week, about 14 standard drinks a day (about 140 g of alcohol), "
        "last use 2025-03-01, 3 years of use"
    )
    supervised = next(
        a for a in result.safety_actions if a.action is Action.MEDICALLY_SUPERVISED_WITHDRAWAL
    )
    assert "AUDIT total 40 (Zone IV)" in supervised.evidence


def test_context_scores_never_change_a_rating() -> None:
    ecrr = {f"q{n}": 7 for n in range(1, 37)}
    ders = {f"q{n}": 5 for n in range(1, 17)}
    with_context = rec(CALM, ecrr=ecrr, ders16=ders)
    assert set(with_context.ratings.values()) == {0}
    relapse = next(d for d in with_context.dimensions if d.dimension is Dimension.RELAPSE)
    emotional = next(d for d in with_context.dimensions if d.dimension is Dimension.EMOTIONAL)
    assert relapse.context[0].startswith("ECR-R anxiety")
    assert emotional.context[0].startswith("DERS-16 total 80")


def test_missing_information_lists_battery_instruments_not_scored() -> None:
    result = rec(drinks(2, days=2))
    missing = " ".join(result.missing_information)
    for name in ("PHQ-9", "GAD-7", "PCL-5", "DERS-16", "AUDIT"):
        assert name in missing
    assert "DAST-10" not in missing and "PGSI" not in missing
    scored = rec(drinks(2, days=2), phq9={f"q{n}": 0 for n in range(1, 10)})
    assert "PHQ-9" not in " ".join(scored.missing_information)


def test_an_unscored_response_is_missing_and_raises_nothing() -> None:
    partial = score(get_instrument("phq9"), {"q1": 3, "q2": 3, "q3": 3, "q9": 0})
    assert not partial.scored
    result = recommend(Inputs(CALM, TODAY, {"phq9": partial}))
    assert result.rating(Dimension.EMOTIONAL) == 0
    assert any("PHQ-9" in m for m in result.missing_information)


def test_an_unscored_phq9_still_raises_its_ideation_flag() -> None:
    partial = score(get_instrument("phq9"), {"q9": 2})
    result = recommend(Inputs(CALM, TODAY, {"phq9": partial}))
    assert Action.SAME_DAY_SAFETY_ASSESSMENT in result.actions


def test_compare_describes_what_changed() -> None:
    before = rec(drinks(3, days=3))
    after = rec(
        replace(drinks(15), mental_health=replace(CALM.mental_health, suicidal_thoughts_now=True))
    )
    change = compare(before, after)
    assert change is not None
    assert change.level_changed and change.escalated
    assert change.level_before is Level.SELF_MANAGEMENT
    assert change.level_after is Level.INTENSIVE_OUTPATIENT
    assert set(change.actions_added) == {
        Action.SAME_DAY_SAFETY_ASSESSMENT,
        Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    }
    assert {(c.dimension, c.before, c.after) for c in change.dimensions} == {
        (Dimension.WITHDRAWAL, 1, 3),
        (Dimension.EMOTIONAL, 0, 3),
    }
    assert change.summary[0] == (
        "The suggested level changed from self management to intensive outpatient (more intensive)."
    )
    back = compare(after, before)
    assert back is not None and not back.escalated
    assert set(back.actions_removed) == set(change.actions_added)
    assert "less intensive" in back.summary[0]


def test_compare_ignores_a_new_rules_version_alone_but_mentions_it_with_changes() -> None:
    first = rec(CALM)
    assert compare(first, replace(first, rules_version="1.0.1")) is None
    raised = replace(
        first,
        rules_version="1.0.1",
        dimensions=tuple(
            replace(d, rating=2) if d.dimension is Dimension.READINESS else d
            for d in first.dimensions
        ),
    )
    change = compare(first, raised)
    assert change is not None and not change.level_changed
    assert change.summary == (
        "Readiness rose from 0 to 2.",
        "The rules changed from version 1.0.0 to 1.0.1.",
    )


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("level", "hospital"),
        ("rules_version", 1),
        ("reasons", "because"),
        ("extra", 1),
    ],
)
def test_a_damaged_stored_recommendation_is_refused(path: str, value: object) -> None:
    stored = to_dict(rec(drinks(15)))
    stored[path] = value
    with pytest.raises(ValidationError):
        from_dict(stored)


@pytest.mark.parametrize("rating", [5, -1, True, "2"])
def test_a_stored_rating_out_of_range_is_refused(rating: object) -> None:
    stored = to_dict(rec(CALM))
    stored["dimensions"][0]["rating"] = rating  # type: ignore[index]
    with pytest.raises(ValidationError) as caught:
        from_dict(stored)
    assert caught.value.field == "dimensions[0].rating"


def test_levels_are_ordered() -> None:
    assert Level.SELF_MANAGEMENT < Level.OUTPATIENT < Level.INTENSIVE_OUTPATIENT < Level.RESIDENTIAL
    assert max(Level) is Level.RESIDENTIAL
    assert Level.RESIDENTIAL >= Level.RESIDENTIAL and Level.OUTPATIENT <= Level.OUTPATIENT
