"""Score a whole table of responses at once with numpy.

``score_table(instrument, codes)`` takes one row per response and one column per item
(in the instrument's item order), holding the published answer codes; a missing answer
is :data:`MISSING` (-1) or masked in a ``numpy.ma.MaskedArray``. It applies the same
rules as :func:`attune.domain.instruments.scoring.score` — reverse keys, skip rules,
missing-item rules, subscales, bands, critical items and the manual's extra rules — and
the property tests prove both paths give the same result for every instrument.

Unscored rows have a NaN total and band -1; a bad code raises InvalidAnswer naming the
row, the item and the allowed values, exactly as the single-response path does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from attune.domain.errors import InvalidAnswer, UnknownItem, ValidationError
from attune.domain.instruments import batch_rules
from attune.domain.instruments.model import Instrument, Method, MissingRule
from attune.domain.instruments.scoring import allowed_text

MISSING: Final = -1

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]
Bools = NDArray[np.bool_]


@dataclass(frozen=True)
class BatchResult:
    """Scores for a table of responses, one entry per row.

    ``bands`` index ``Instrument.bands`` (-1: no band); ``missing``, ``imputed`` and
    ``skipped`` count the items the single-response Score would list under those names.
    """

    instrument_id: str
    totals: Floats
    bands: Ints
    subscales: Mapping[str, Floats]
    flags: Mapping[str, Bools]
    findings: Mapping[str, Bools]
    missing: Ints
    imputed: Ints
    skipped: Ints
    scored: Bools

    def __len__(self) -> int:
        return int(self.totals.shape[0])


class _Tables:
    """Per-item lookup tables: weight and validity by code, flattened for np.take."""

    def __init__(self, instrument: Instrument) -> None:
        all_codes = [c for item in instrument.items for c in item.codes]
        self.low = min(all_codes)
        self.span = max(all_codes) - self.low + 1
        k = len(instrument.items)
        self.weights = np.zeros((k, self.span), dtype=np.int64)
        self.valid = np.zeros((k, self.span), dtype=np.bool_)
        for j, item in enumerate(instrument.items):
            for option in item.options:
                self.weights[j, option.code - self.low] = option.weight
                self.valid[j, option.code - self.low] = True
        self.offsets = (np.arange(k, dtype=np.intp) * self.span)[None, :]


def _read_codes(codes: ArrayLike, k: int, name: str) -> tuple[Ints, Bools]:
    if isinstance(codes, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(codes)
        data = np.asarray(codes.filled(MISSING))
    else:
        data = np.asarray(codes)
        mask = data == MISSING
    if data.ndim != 2 or data.shape[1] != k:
        raise ValidationError(
            f"{name}: expected a table with {k} columns (one per item), got shape {data.shape}",
            field="codes",
        )
    if not np.issubdtype(data.dtype, np.integer):
        raise ValidationError(f"{name}: answer codes must be whole numbers", field="codes")
    return data.astype(np.int64, copy=False), np.asarray(mask, dtype=np.bool_)


def _raise_bad(instrument: Instrument, data: Ints, bad: Bools) -> None:
    row, col = (int(x[0]) for x in np.nonzero(bad))
    item = instrument.items[col]
    raise InvalidAnswer(
        f"{instrument.abbreviation} row {row} item {item.link_id}: {int(data[row, col])} "
        f"is not an allowed answer (allowed: {allowed_text(instrument, item.link_id)})",
        field=item.link_id,
    )


def _is_identity(instrument: Instrument) -> bool:
    """True when every item takes the same run of codes low..high, each weighing its code."""
    first = instrument.items[0].codes
    run = tuple(range(min(first), max(first) + 1))
    return all(
        item.codes == run and all(o.weight == o.code for o in item.options)
        for item in instrument.items
    )


def _weights(instrument: Instrument, data: Ints, present: Bools) -> Ints:
    if _is_identity(instrument):
        item = instrument.items[0]
        bad = present & ((data < item.low) | (data > item.high))
        if bad.any():
            _raise_bad(instrument, data, bad)
        return np.where(present, data, 0)
    tables = _Tables(instrument)
    rel = data - tables.low
    in_span = (rel >= 0) & (rel < tables.span)
    flat = np.where(present & in_span, rel, 0) + tables.offsets
    bad = present & ~(np.take(tables.valid, flat) & in_span)
    if bad.any():
        _raise_bad(instrument, data, bad)
    return np.where(present, np.take(tables.weights, flat), 0)


def _sex_masks(sex: Sequence[str | None] | ArrayLike | None, n: int) -> tuple[Bools, Bools]:
    if sex is None:
        none = np.zeros(n, dtype=np.bool_)
        return none, none.copy()
    values = np.asarray(sex, dtype=object)
    if values.shape != (n,):
        raise ValidationError(f"sex: expected {n} values, got shape {values.shape}", field="sex")
    return (
        np.asarray(values == "male", dtype=np.bool_),
        np.asarray(values == "female", dtype=np.bool_),
    )


def score_table(
    instrument: Instrument,
    codes: ArrayLike,
    *,
    sex: Sequence[str | None] | ArrayLike | None = None,
) -> BatchResult:
    """Score every row of ``codes`` (rows × items, published codes, -1 or masked = missing).

    ``sex`` optionally gives each row's recorded sex ("female", "male" or None), used
    only by instruments whose manual scores by it (AUDIT-C).
    """
    index = {link_id: j for j, link_id in enumerate(instrument.item_ids)}
    k = len(index)
    data, mask = _read_codes(codes, k, instrument.abbreviation)
    n = data.shape[0]
    present = ~mask
    weights = _weights(instrument, data, present)

    skipped = np.zeros((n, k), dtype=np.bool_)
    for rule in instrument.skip_rules:
        when = [index[i] for i in rule.when]
        cond = present[:, when].all(axis=1) & (
            np.where(present[:, when], data[:, when], 0).sum(axis=1) == rule.equals
        )
        for link_id in rule.skip:
            j = index[link_id]
            newly = cond & ~present[:, j] & ~skipped[:, j]
            skipped[:, j] |= newly
            weights[newly, j] = rule.weight
    have = present | skipped

    answered = have.sum(axis=1)
    missing_count = k - answered
    sums = weights.sum(axis=1)
    eligible = np.zeros(n, dtype=np.bool_)
    if instrument.missing_rule is MissingRule.MEAN_SUBSTITUTION:
        eligible = (missing_count > 0) & (missing_count <= instrument.max_missing) & (answered > 0)
    scored = (missing_count == 0) | eligible
    mean = np.where(eligible, sums / np.maximum(answered, 1), 0.0)
    imputed = eligible[:, None] & ~have

    def combine(cols: list[int], method: Method) -> Floats:
        whole = len(cols) == k
        filled = imputed.sum(axis=1) if whole else imputed[:, cols].sum(axis=1)
        present_sum = sums if whole else weights[:, cols].sum(axis=1)
        value = present_sum.astype(np.float64) + filled * mean
        if method is Method.MEAN:
            value = value / len(cols)
        return np.where(scored, value, np.nan)

    subscales = {
        sub.key: combine([index[i] for i in sub.items], sub.method) for sub in instrument.subscales
    }
    totals = np.full(n, np.nan)
    bands = np.full(n, -1, dtype=np.int64)
    if instrument.has_total:
        totals = combine(list(range(k)), instrument.method)
        if instrument.bands:
            minima = np.array([b.minimum for b in instrument.bands])
            found = np.searchsorted(minima, np.where(scored, totals, -np.inf), side="right") - 1
            bands = np.where(scored, found, -1).astype(np.int64)

    flags: dict[str, Bools] = {}
    for critical in instrument.critical:
        j = index[critical.link_id]
        hit = present[:, j] & (data[:, j] >= critical.minimum)
        flags[critical.flag] = flags.get(critical.flag, np.zeros(n, dtype=np.bool_)) | hit

    findings: dict[str, Bools] = {}
    if instrument.rule is not None:
        male, female = _sex_masks(sex, n)
        findings, bands = batch_rules.apply(
            instrument,
            batch_rules.Table(weights, totals, bands, scored, male, female),
        )

    return BatchResult(
        instrument_id=instrument.id,
        totals=totals,
        bands=bands,
        subscales=subscales,
        flags=flags,
        findings=findings,
        missing=np.where(eligible, 0, missing_count).astype(np.int64),
        imputed=imputed.sum(axis=1).astype(np.int64),
        skipped=skipped.sum(axis=1).astype(np.int64),
        scored=scored,
    )


def codes_from_answers(instrument: Instrument, rows: Iterable[Mapping[str, int | None]]) -> Ints:
    """Build a codes table from answer mappings (absent or None → MISSING)."""
    ids = instrument.item_ids
    known = set(ids)
    table = []
    for row in rows:
        for link_id in row:
            if link_id not in known:
                raise UnknownItem(
                    f"{instrument.abbreviation} has no item '{link_id}'", field=link_id
                )
        table.append([MISSING if (v := row.get(i)) is None else v for i in ids])
    return np.array(table, dtype=np.int64).reshape(-1, len(ids))
