"""Recommend a level of care from the intake and the latest scores.

Each dimension is rated by the highest criterion of the rules that holds (never a sum
or an average). The level follows the highest-risk dimensions: the rules map the top
rating to a level, and combination rules may lift it further when serious risk sits in
several dimensions at once. Safety actions are decided separately and never wait for
the level.
"""

from __future__ import annotations

from attune.domain.intake.battery import default_battery
from attune.domain.levelofcare.evaluate import Facts, abbreviation, describe_score, evaluate
from attune.domain.levelofcare.model import (
    Action,
    DimensionRating,
    Inputs,
    Level,
    Recommendation,
    SafetyAction,
)
from attune.domain.levelofcare.rules import Combination, DimensionRules, Rules, load_rules

NOTHING_FOUND = "Nothing in the intake or the scores raised this dimension."


def rate(rules: DimensionRules, facts: Facts) -> DimensionRating:
    """One dimension: the highest rating among the criteria that hold, with evidence."""
    matched = [(c, ev) for c in rules.criteria if (ev := evaluate(c.when, facts)) is not None]
    rating = max((c.rating for c, _ in matched), default=0)
    ordered = sorted(matched, key=lambda m: -m[0].rating)
    evidence = tuple(dict.fromkeys(e for _, ev in ordered for e in ev))
    reasons = tuple(dict.fromkeys(c.reason for c, _ in matched if c.rating == rating))
    context = tuple(
        f"{describe_score(n.instrument, score)}: {n.note}"
        for n in rules.context
        if (score := facts.inputs.scores.get(n.instrument)) is not None and score.scored
    )
    return DimensionRating(
        dimension=rules.dimension,
        rating=rating,
        evidence=evidence,
        reasons=reasons or (NOTHING_FOUND,),
        context=context,
    )


def level_for(ratings: dict[str, int] | tuple[DimensionRating, ...], rules: Rules) -> Level:
    """The level the ratings call for (see :func:`recommend`)."""
    level, _ = _level(_as_ratings(ratings), rules)
    return level


def _as_ratings(
    ratings: dict[str, int] | tuple[DimensionRating, ...],
) -> dict[str, int]:
    if isinstance(ratings, dict):
        return ratings
    return {d.dimension.value: d.rating for d in ratings}


def _combination_holds(c: Combination, ratings: dict[str, int]) -> bool:
    high = [d for d, r in ratings.items() if r >= c.rating]
    return len(high) >= c.count and all(d.value in high for d in c.including)


def _level(ratings: dict[str, int], rules: Rules) -> tuple[Level, list[str]]:
    top = max(ratings.values(), default=0)
    level = rules.level_for_rating[top]
    reasons: list[str] = []
    for c in rules.combinations:
        if _combination_holds(c, ratings) and c.level > level:
            level = c.level
            reasons.append(c.reason)
    return level, reasons


def recommend(inputs: Inputs, rules: Rules | None = None) -> Recommendation:
    """The recommended level, the six ratings with their evidence, the reasons and the
    safety actions, stamped with the rules version."""
    rules = rules or load_rules()
    facts = Facts.of(inputs, rules)
    dimensions = tuple(rate(d, facts) for d in rules.dimensions)
    ratings = _as_ratings(dimensions)
    level, combination_reasons = _level(ratings, rules)

    top = max(ratings.values(), default=0)
    names = {d.dimension: d.name for d in rules.dimensions}
    info = rules.level_info(level)
    if top == 0:
        reasons = [f"No dimension shows risk; this suggests {info.name.lower()}."]
    else:
        tops = [f"{names[d.dimension]} ({d.rating})" for d in dimensions if d.rating == top]
        noun = "dimension" if len(tops) == 1 else "dimensions"
        base = rules.level_info(rules.level_for_rating[top]).name.lower()
        reasons = [f"Highest-risk {noun}: {', '.join(tops)}. A rating of {top} suggests {base}."]
    reasons += combination_reasons
    for d in dimensions:
        if d.rating == top and top > 0:
            reasons += [f"{names[d.dimension]}: {r}" for r in d.reasons]

    return Recommendation(
        level=level,
        dimensions=dimensions,
        reasons=tuple(dict.fromkeys(reasons)),
        safety_actions=safety_actions(facts),
        rules_version=rules.version,
        missing_information=_missing(inputs, rules),
    )


def safety_actions(facts: Facts) -> tuple[SafetyAction, ...]:
    """Every safety action whose trigger holds, once each, in the rules' order."""
    found: dict[Action, SafetyAction] = {}
    for rule in facts.rules.safety:
        evidence = evaluate(rule.when, facts)
        if evidence is None:
            continue
        earlier = found.get(rule.action)
        if earlier is None:
            found[rule.action] = SafetyAction(rule.action, rule.reason, evidence)
        else:
            merged = tuple(dict.fromkeys(earlier.evidence + evidence))
            found[rule.action] = SafetyAction(rule.action, earlier.reason, merged)
    return tuple(found.values())


def _missing(inputs: Inputs, rules: Rules) -> tuple[str, ...]:
    expected = {e.instrument_id for e in default_battery(inputs.intake.named)}
    missing: list[str] = []
    for d in rules.dimensions:
        for instrument_id in d.instruments:
            score = inputs.scores.get(instrument_id)
            if instrument_id in expected and (score is None or not score.scored):
                missing.append(
                    f"{abbreviation(instrument_id)} is not scored yet; {d.name.lower()} may "
                    "be rated too low until it is."
                )
    return tuple(dict.fromkeys(missing))
