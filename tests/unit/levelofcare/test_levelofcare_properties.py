"""Properties of the level-of-care engine that must hold for every input."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loc_strategies import TODAY, Case, cases, riskier

from attune.domain.intake import (
    Addiction,
    AddictionType,
    AmountUnit,
    AttemptHistory,
    EpisodeHistory,
    SelfHarm,
)
from attune.domain.levelofcare import (
    Action,
    Dimension,
    compare,
    from_dict,
    level_for,
    load_rules,
    parse_rules,
    recommend,
    rules_to_dict,
    to_dict,
)

RULES = load_rules()
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ratings = st.fixed_dictionaries({d.value: st.integers(0, 4) for d in Dimension})


@PROPERTY
@given(ratings, st.sampled_from(Dimension), st.integers(1, 4))
def test_raising_any_dimension_rating_never_lowers_the_level(
    base: dict[str, int], dimension: Dimension, step: int
) -> None:
    raised = {**base, dimension.value: min(4, base[dimension.value] + step)}
    assert level_for(raised, RULES) >= level_for(base, RULES)


@PROPERTY
@given(ratings)
def test_the_level_is_never_below_what_the_highest_rating_maps_to(r: dict[str, int]) -> None:
    assert level_for(r, RULES) >= RULES.level_for_rating[max(r.values())]


@PROPERTY
@given(st.data())
def test_more_risk_in_the_inputs_never_lowers_the_level_or_any_rating(data: st.DataObject) -> None:
    case: Case = data.draw(cases())
    worse: Case = data.draw(riskier(case))
    before, after = recommend(case.inputs()), recommend(worse.inputs())
    assert after.level >= before.level
    for dimension in Dimension:
        assert after.rating(dimension) >= before.rating(dimension), dimension
    assert set(before.actions) <= set(after.actions)
    change = compare(before, after)
    assert change is None or not change.actions_removed


@PROPERTY
@given(cases())
def test_every_recommendation_is_consistent_and_stores(case: Case) -> None:
    result = recommend(case.inputs())
    assert [d.dimension for d in result.dimensions] == list(Dimension)
    assert all(0 <= d.rating <= 4 for d in result.dimensions)
    assert result.level is level_for(result.dimensions, RULES)
    assert result.level >= RULES.level_for_rating[max(result.ratings.values())]
    assert result.rules_version == RULES.version
    assert result.reasons
    for d in result.dimensions:
        assert d.reasons
        assert bool(d.evidence) == (d.rating > 0)
    for action in result.safety_actions:
        assert action.evidence and action.reason
    stored = json.loads(json.dumps(to_dict(result)))
    assert from_dict(stored) == result
    assert compare(result, result) is None


def _with_trigger(case: Case, trigger: str) -> Case:
    i, h, w = case.intake, case.intake.mental_health, case.intake.withdrawal
    if trigger == "thoughts":
        return replace(
            case, intake=replace(i, mental_health=replace(h, suicidal_thoughts_now=True))
        )
    if trigger == "attempt":
        return replace(
            case,
            intake=replace(i, mental_health=replace(h, suicide_attempts=AttemptHistory.PAST_YEAR)),
        )
    if trigger == "self_harm":
        return replace(case, intake=replace(i, mental_health=replace(h, self_harm=SelfHarm.RECENT)))
    if trigger == "phq9_item9":
        answers = {**case.answers.get("phq9", {f"q{n}": 0 for n in range(1, 10)}), "q9": 1}
        return replace(case, answers={**case.answers, "phq9": answers})
    if trigger == "open_flag":
        return replace(case, open_flags=("suicidal_ideation",))
    if trigger in ("seizures", "delirium"):
        return replace(case, intake=replace(i, withdrawal=replace(w, **{trigger: True})))
    if trigger == "heavy_alcohol":
        drink = Addiction(
            AddictionType.ALCOHOL,
            days_per_week=6,
            amount=13,
            unit=AmountUnit.STANDARD_DRINKS,
            last_use=TODAY,
            years_of_use=4,
        )
        return replace(case, intake=replace(i, addictions=(*i.named, drink)))
    if trigger == "audit_daily":
        drink = Addiction(AddictionType.ALCOHOL, days_per_week=5, last_use=TODAY)
        audit = {f"q{n}": 4 for n in range(1, 11)}
        return replace(
            case,
            intake=replace(i, addictions=(*i.named, drink)),
            answers={**case.answers, "audit": audit},
        )
    if trigger == "daily_sedatives":
        pills = Addiction(
            AddictionType.SEDATIVES,
            days_per_week=7,
            amount=2,
            unit=AmountUnit.TABLETS,
            last_use=TODAY,
            years_of_use=0.5,
        )
        return replace(case, intake=replace(i, addictions=(*i.named, pills)))
    key = "psychosis" if trigger == "psychosis" else "mania"
    return replace(
        case, intake=replace(i, mental_health=replace(h, **{key: EpisodeHistory.CURRENT}))
    )


TRIGGERS = {
    "thoughts": Action.SAME_DAY_SAFETY_ASSESSMENT,
    "attempt": Action.SAME_DAY_SAFETY_ASSESSMENT,
    "self_harm": Action.SAME_DAY_SAFETY_ASSESSMENT,
    "phq9_item9": Action.SAME_DAY_SAFETY_ASSESSMENT,
    "open_flag": Action.SAME_DAY_SAFETY_ASSESSMENT,
    "seizures": Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    "delirium": Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    "heavy_alcohol": Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    "audit_daily": Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    "daily_sedatives": Action.MEDICALLY_SUPERVISED_WITHDRAWAL,
    "psychosis": Action.URGENT_PSYCHIATRIC_ASSESSMENT,
    "mania": Action.URGENT_PSYCHIATRIC_ASSESSMENT,
}


@PROPERTY
@given(cases(), st.sampled_from(sorted(TRIGGERS)))
def test_any_safety_trigger_always_yields_its_action(case: Case, trigger: str) -> None:
    result = recommend(_with_trigger(case, trigger).inputs())
    action = TRIGGERS[trigger]
    assert action in result.actions
    assert next(a for a in result.safety_actions if a.action is action).evidence


@PROPERTY
@given(cases())
def test_without_any_trigger_there_is_no_safety_action(case: Case) -> None:
    i = case.intake
    calm = replace(
        i,
        addictions=tuple(
            a
            for a in i.named
            if a.what
            not in (AddictionType.ALCOHOL, AddictionType.BENZODIAZEPINES, AddictionType.SEDATIVES)
        ),
        withdrawal=replace(i.withdrawal, seizures=False, delirium=False),
        mental_health=replace(
            i.mental_health,
            suicidal_thoughts_now=False,
            suicide_attempts=AttemptHistory.NONE,
            self_harm=SelfHarm.NEVER,
            psychosis=EpisodeHistory.NEVER,
            mania=EpisodeHistory.NEVER,
        ),
    )
    answers = dict(case.answers)
    if "phq9" in answers:
        answers["phq9"] = {**answers["phq9"], "q9": 0}
    result = recommend(Case(calm, answers, ()).inputs())
    assert result.safety_actions == ()


def test_the_rules_file_round_trips() -> None:
    data = rules_to_dict(RULES)
    assert parse_rules(data) == RULES
    assert parse_rules(json.loads(json.dumps(data))) == RULES
