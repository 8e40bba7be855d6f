"""Level of care: a rules engine over six risk dimensions, with rules as versioned data.

Public API (pure; no I/O beyond reading the packaged rules file)::

    recommend(Inputs(intake, today, scores={id: Score}, open_flags=("suicidal_ideation",)),
              rules=None) -> Recommendation
        .level               Level: SELF_MANAGEMENT < OUTPATIENT < INTENSIVE_OUTPATIENT
                             < RESIDENTIAL (compare with <, or .rank)
        .dimensions          tuple[DimensionRating(dimension, rating 0-4, evidence, reasons,
                             context)] in the order withdrawal, biomedical, emotional,
                             readiness, relapse, environment
        .reasons             why this level ("suggests" / "consider" wording)
        .safety_actions      tuple[SafetyAction(action: Action, reason, evidence)], separate
                             from the level: SAME_DAY_SAFETY_ASSESSMENT,
                             MEDICALLY_SUPERVISED_WITHDRAWAL, URGENT_PSYCHIATRIC_ASSESSMENT
        .rules_version       the version of the rules that produced it
        .missing_information instruments of the battery not scored yet
    compare(previous, current) -> Change | None   what changed, for the clinician to review
    load_rules(name="v1") -> Rules     parse_rules(mapping) -> Rules     rules_to_dict(rules)
    level_for(ratings, rules) -> Level            the level a set of ratings calls for
    to_dict(recommendation) / from_dict(mapping)  for storage (strict)

The rules live in ``rules/v1.json``; docs/levelofcare.md explains them and ADR 0010 the
choices behind them. The recommendation supports the clinician's judgement; it is not a
diagnosis, and the clinician accepts or overrides it.
"""

from attune.domain.levelofcare.compare import compare
from attune.domain.levelofcare.engine import level_for, recommend
from attune.domain.levelofcare.model import (
    Action,
    Change,
    Dimension,
    DimensionChange,
    DimensionRating,
    Inputs,
    Level,
    Recommendation,
    SafetyAction,
)
from attune.domain.levelofcare.rules import Rules, load_rules, parse_rules, rules_to_dict
from attune.domain.levelofcare.serialise import from_dict, to_dict

__all__ = [
    "Action",
    "Change",
    "Dimension",
    "DimensionChange",
    "DimensionRating",
    "Inputs",
    "Level",
    "Recommendation",
    "Rules",
    "SafetyAction",
    "compare",
    "from_dict",
    "level_for",
    "load_rules",
    "parse_rules",
    "recommend",
    "rules_to_dict",
    "to_dict",
]
