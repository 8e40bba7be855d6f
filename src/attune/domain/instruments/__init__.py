"""Validated questionnaires as data, scored exactly as their manuals say.

Public API::

    get_instrument(id) -> Instrument          list_instruments() -> list[Instrument]
    score(instrument, answers, context=None) -> Score
    validate(instrument, answers) -> dict     builtin_library() -> InstrumentLibrary
    batch.score_table(instrument, codes) -> BatchResult   (vectorised, numpy)
    styles.describe_quadrant(anxiety, avoidance)          (ECR-R / ECR-RS aid)
"""

from attune.domain.instruments.library import (
    InstrumentLibrary,
    builtin_library,
    get_instrument,
    list_instruments,
    parse_definition,
)
from attune.domain.instruments.model import (
    Band,
    CriticalItem,
    Evidence,
    Fact,
    Finding,
    Instrument,
    Item,
    Licence,
    Method,
    MissingRule,
    Option,
    Score,
    ScoringContext,
    SkipRule,
    Source,
    Subscale,
    reverse_code,
)
from attune.domain.instruments.scoring import score, validate

__all__ = [
    "Band",
    "CriticalItem",
    "Evidence",
    "Fact",
    "Finding",
    "Instrument",
    "InstrumentLibrary",
    "Item",
    "Licence",
    "Method",
    "MissingRule",
    "Option",
    "Score",
    "ScoringContext",
    "SkipRule",
    "Source",
    "Subscale",
    "builtin_library",
    "get_instrument",
    "list_instruments",
    "parse_definition",
    "reverse_code",
    "score",
    "validate",
]
