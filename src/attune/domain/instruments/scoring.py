"""Score one response exactly as the instrument's manual says.

``score(instrument, answers)`` validates every answer first: an unknown item or a code
outside the item's allowed values raises, naming the item and the allowed values. It
never turns a bad or missing answer into a silent zero.
"""

from __future__ import annotations

from collections.abc import Mapping

from attune.domain.errors import InvalidAnswer, UnknownItem
from attune.domain.instruments import rules
from attune.domain.instruments.model import (
    Band,
    Instrument,
    Method,
    MissingRule,
    Score,
    ScoringContext,
)

Answers = Mapping[str, int | None]


def validate(instrument: Instrument, answers: Answers) -> dict[str, int | None]:
    """Return the answers keyed by linkId, or raise naming the first bad item."""
    known = {item.link_id: item for item in instrument.items}
    clean: dict[str, int | None] = {}
    for link_id, value in answers.items():
        item = known.get(link_id)
        if item is None:
            raise UnknownItem(
                f"{instrument.abbreviation} has no item '{link_id}'; "
                f"its items are {instrument.item_ids[0]}–{instrument.item_ids[-1]}",
                field=link_id,
            )
        if value is None:
            clean[link_id] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value not in item.codes:
            allowed = ", ".join(str(c) for c in item.codes)
            raise InvalidAnswer(
                f"{instrument.abbreviation} item {link_id}: {value!r} is not an allowed "
                f"answer (allowed: {allowed})",
                field=link_id,
            )
        clean[link_id] = value
    return clean


def band_for(bands: tuple[Band, ...], value: float | None) -> Band | None:
    """The highest band whose minimum the value reaches."""
    if value is None:
        return None
    chosen: Band | None = None
    for band in sorted(bands, key=lambda b: b.minimum):
        if value >= band.minimum:
            chosen = band
    return chosen


def _combine(values: list[float], method: Method) -> float:
    total = float(sum(values))
    return total / len(values) if method is Method.MEAN else total


def score(
    instrument: Instrument, answers: Answers, *, context: ScoringContext | None = None
) -> Score:
    """Score one response. Raises InvalidAnswer / UnknownItem on bad input."""
    clean = validate(instrument, answers)
    weights: dict[str, float] = {}
    for item in instrument.items:
        code = clean.get(item.link_id)
        if code is not None:
            weights[item.link_id] = float(item.weight(code))
    missing = tuple(i for i in instrument.item_ids if i not in weights)

    imputed: tuple[str, ...] = ()
    if missing and (
        instrument.missing_rule is MissingRule.MEAN_SUBSTITUTION
        and len(missing) <= instrument.max_missing
        and weights
    ):
        mean = sum(weights.values()) / len(weights)
        for link_id in missing:
            weights[link_id] = mean
        imputed = missing

    complete = len(weights) == len(instrument.items)
    subscales: dict[str, float | None] = {}
    for sub in instrument.subscales:
        values = [weights[i] for i in sub.items if i in weights]
        subscales[sub.key] = _combine(values, sub.method) if len(values) == len(sub.items) else None

    total: float | None = None
    if complete and instrument.has_total:
        total = _combine([weights[i] for i in instrument.item_ids], instrument.method)

    band = band_for(instrument.bands, total)
    flags = tuple(
        dict.fromkeys(
            c.flag
            for c in instrument.critical
            if clean.get(c.link_id) is not None and (clean[c.link_id] or 0) >= c.minimum
        )
    )
    result = Score(
        instrument_id=instrument.id,
        total=total,
        band=band.label if band else None,
        band_meaning=band.meaning if band else "",
        subscales=subscales,
        flags=flags,
        missing=() if imputed else missing,
        imputed=imputed,
    )
    if instrument.rule is not None:
        result = rules.apply(instrument, clean, weights, result, context or ScoringContext())
    return result
