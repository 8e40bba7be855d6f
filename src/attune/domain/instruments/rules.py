"""Extra scoring rules some manuals add on top of sums, means and bands.

Each rule takes the validated answers (published codes), the item weights and the
generic result, and returns an amended result. Rules are looked up by the name in the
definition file's ``scoring.rule``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from attune.domain.errors import InvalidDefinition
from attune.domain.instruments.model import Instrument, Score, ScoringContext

Rule = Callable[
    [Instrument, Mapping[str, int | None], Mapping[str, float], Score, ScoringContext], Score
]

RULES: dict[str, Rule] = {}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def apply(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, float],
    result: Score,
    context: ScoringContext,
) -> Score:
    if instrument.rule not in RULES:
        raise InvalidDefinition(f"{instrument.id}: unknown scoring rule '{instrument.rule}'")
    return RULES[instrument.rule](instrument, answers, weights, result, context)
