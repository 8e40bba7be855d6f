"""The vectorised path of ``attune score``: complete, error-free rows scored with numpy.

Rows that have errors or unanswered items are scored one at a time by the single-response
engine (which lists exactly which items were missing, imputed or skipped); every other
row goes through :func:`attune.domain.instruments.batch.score_table`. The domain's
property tests prove the two paths agree, and ``tests/unit/cli`` checks the printed
results are identical.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from attune.cli.score import RowResult, score_row
from attune.cli.score_input import InputRow
from attune.domain.instruments import Instrument
from attune.domain.instruments.batch import BatchResult, score_table

#: Rows scored per call, so the progress bar moves on very large files.
CHUNK = 20_000


def _complete(item_ids: tuple[str, ...], row: InputRow) -> bool:
    return not row.errors and all(row.answers.get(i) is not None for i in item_ids)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def _results(
    instrument: Instrument, rows: Sequence[InputRow], batch: BatchResult
) -> list[RowResult]:
    results = []
    for i, row in enumerate(rows):
        band_index = int(batch.bands[i])
        results.append(
            RowResult(
                id=row.id,
                total=_number(float(batch.totals[i])),
                band=instrument.bands[band_index].label if band_index >= 0 else None,
                subscales={
                    s.key: _number(float(batch.subscales[s.key][i])) for s in instrument.subscales
                },
                flags=[flag for flag, hits in batch.flags.items() if hits[i]],
                findings=[code for code, hits in batch.findings.items() if hits[i]],
            )
        )
    return results


def score_rows_batched(
    instrument: Instrument,
    rows: Sequence[InputRow],
    default_sex: str | None,
    advance: Callable[[int], None],
) -> list[RowResult]:
    """Score every row; the same results as scoring them one at a time."""
    results: list[RowResult | None] = [None] * len(rows)
    ids = instrument.item_ids
    complete = []
    for i, row in enumerate(rows):
        if _complete(ids, row):
            complete.append(i)
        else:
            results[i] = score_row(instrument, row, default_sex)
            advance(1)
    for start in range(0, len(complete), CHUNK):
        chunk = complete[start : start + CHUNK]
        chunk_rows = [rows[i] for i in chunk]
        codes = np.array(
            [[row.answers[link_id] for link_id in ids] for row in chunk_rows], dtype=np.int64
        ).reshape(len(chunk_rows), len(ids))
        sex = [row.sex or default_sex for row in chunk_rows]
        batch = score_table(instrument, codes, sex=sex)
        for i, result in zip(chunk, _results(instrument, chunk_rows, batch), strict=True):
            results[i] = result
        advance(len(chunk))
    return [r for r in results if r is not None]
