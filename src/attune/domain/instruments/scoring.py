"""Score one response exactly as the instrument's manual says.

``score(instrument, answers)`` validates every answer first: an unknown item or a code
outside the item's allowed values raises, naming the item and the allowed values. It
never turns a bad or missing answer into a silent zero: a missing item is filled only by
a published rule (the form's skip instruction, or the manual's missing-item rule), and
the Score says which items were filled and how.

The arithmetic is written so the vectorised path (:mod:`.batch`) can repeat it
operation for operation: with ``s`` the sum of the present item weights, ``a`` their
count and ``m`` the number of imputed items, a sum is ``s + m * (s / a)`` and a mean that
divided by the number of items.
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


def allowed_text(instrument: Instrument, link_id: str) -> str:
    item = instrument.item(link_id)
    parts = []
    for option in item.options:
        parts.append(f"{option.code} ({option.label})" if option.label else str(option.code))
    return ", ".join(parts)


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
            raise InvalidAnswer(
                f"{instrument.abbreviation} item {link_id}: {value!r} is not an allowed "
                f"answer (allowed: {allowed_text(instrument, link_id)})",
                field=link_id,
            )
        clean[link_id] = value
    return clean


def band_for(bands: tuple[Band, ...], value: float | None) -> int | None:
    """Index of the highest band whose minimum the value reaches, or None."""
    if value is None:
        return None
    chosen: int | None = None
    for index, band in enumerate(bands):
        if value >= band.minimum:
            chosen = index
    return chosen


def skipped_items(instrument: Instrument, clean: Mapping[str, int | None]) -> dict[str, int]:
    """Unanswered items the form's own skip instructions score, with their weight."""
    skipped: dict[str, int] = {}
    for skip in instrument.skip_rules:
        codes = [clean.get(i) for i in skip.when]
        if any(c is None for c in codes) or sum(c or 0 for c in codes) != skip.equals:
            continue
        for link_id in skip.skip:
            if clean.get(link_id) is None and link_id not in skipped:
                skipped[link_id] = skip.weight
    return skipped


def _combine(
    link_ids: tuple[str, ...],
    weights: Mapping[str, int],
    imputed: frozenset[str],
    mean: float,
    method: Method,
) -> float:
    present = sum(weights[i] for i in link_ids if i not in imputed)
    filled = sum(1 for i in link_ids if i in imputed)
    value = float(present) + filled * mean if filled else float(present)
    return value / len(link_ids) if method is Method.MEAN else value


def score(
    instrument: Instrument, answers: Answers, *, context: ScoringContext | None = None
) -> Score:
    """Score one response. Raises InvalidAnswer / UnknownItem on bad input."""
    clean = validate(instrument, answers)
    skipped = skipped_items(instrument, clean)
    weights: dict[str, int] = {}
    for item in instrument.items:
        code = clean.get(item.link_id)
        if code is not None:
            weights[item.link_id] = item.weight(code)
        elif item.link_id in skipped:
            weights[item.link_id] = skipped[item.link_id]
    missing = tuple(i for i in instrument.item_ids if i not in weights)

    flags = tuple(
        dict.fromkeys(
            c.flag
            for c in instrument.critical
            if (code := clean.get(c.link_id)) is not None and code >= c.minimum
        )
    )
    skipped_ids = tuple(i for i in instrument.item_ids if i in skipped)

    imputed: tuple[str, ...] = ()
    mean = 0.0
    if missing and (
        instrument.missing_rule is MissingRule.MEAN_SUBSTITUTION
        and len(missing) <= instrument.max_missing
        and weights
    ):
        mean = float(sum(weights.values())) / len(weights)
        imputed = missing
        missing = ()

    if missing:
        return Score(
            instrument_id=instrument.id,
            total=None,
            subscales={sub.key: None for sub in instrument.subscales},
            flags=flags,
            missing=missing,
            skipped=skipped_ids,
        )

    filled = frozenset(imputed)
    subscales: dict[str, float | None] = {
        sub.key: _combine(sub.items, weights, filled, mean, sub.method)
        for sub in instrument.subscales
    }
    total: float | None = None
    if instrument.has_total:
        total = _combine(instrument.item_ids, weights, filled, mean, instrument.method)
    band_index = band_for(instrument.bands, total)
    band = instrument.bands[band_index] if band_index is not None else None
    result = Score(
        instrument_id=instrument.id,
        total=total,
        band=band.label if band else None,
        band_meaning=band.meaning if band else "",
        subscales=subscales,
        flags=flags,
        imputed=imputed,
        band_index=band_index,
        skipped=skipped_ids,
    )
    if instrument.rule is not None:
        result = rules.apply(instrument, clean, weights, result, context or ScoringContext())
    return result
