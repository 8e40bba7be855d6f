"""Validated questionnaires as data, scored exactly as their manuals say.

Public API::

    get_instrument(id) -> Instrument          list_instruments() -> list[Instrument]
    score(instrument, answers, context=None) -> Score
"""

from attune.domain.instruments.library import get_instrument, list_instruments, parse_definition
from attune.domain.instruments.model import (
    Band,
    Finding,
    Instrument,
    Item,
    Method,
    MissingRule,
    Option,
    Score,
    ScoringContext,
    Subscale,
)
from attune.domain.instruments.scoring import score, validate

__all__ = [
    "Band",
    "Finding",
    "Instrument",
    "Item",
    "Method",
    "MissingRule",
    "Option",
    "Score",
    "ScoringContext",
    "Subscale",
    "get_instrument",
    "list_instruments",
    "parse_definition",
    "score",
    "validate",
]
