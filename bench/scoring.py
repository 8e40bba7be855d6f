"""Benchmark: batch-score 1,000,000 random PHQ-9 responses.

Prints responses per second for the vectorised path and for a plain per-response
Python loop (``score()`` once per response, measured on a sample and extrapolated),
and the ratio between them, all measured in the same run. Seeded, so every run scores
the same table. Run with ``make bench`` or ``uv run python bench/scoring.py``.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from attune.domain.instruments import get_instrument, score
from attune.domain.instruments.batch import MISSING, score_table


def random_codes(n: int, items: int, seed: int, missing_rate: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, items), dtype=np.int8)
    codes[rng.random((n, items)) < missing_rate] = MISSING
    return codes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000, help="rows for the loop")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--missing-rate", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3, help="batch runs; best is kept")
    args = parser.parse_args()

    phq9 = get_instrument("phq9")
    codes = random_codes(args.rows, len(phq9.items), args.seed, args.missing_rate)

    batch_times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = score_table(phq9, codes)
        batch_times.append(time.perf_counter() - start)
    batch = min(batch_times)

    sample = codes[: args.sample]
    ids = phq9.item_ids
    rows = [
        {i: (None if v == MISSING else int(v)) for i, v in zip(ids, row, strict=True)}
        for row in sample.tolist()
    ]
    start = time.perf_counter()
    for answers in rows:
        score(phq9, answers)
    loop = time.perf_counter() - start
    loop_rate = len(rows) / loop
    batch_rate = args.rows / batch

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"PHQ-9, {args.rows:,} random responses, {args.missing_rate:.0%} of answers missing")
    print(
        f"  scored: {int(result.scored.sum()):,}; with the item-9 flag: "
        f"{int(result.flags['suicidal_ideation'].sum()):,}"
    )
    print(f"batch (best of {args.repeat}): {batch:.3f} s  -> {batch_rate:,.0f} responses/s")
    print(
        f"per-response loop on {len(rows):,}: {loop:.3f} s  -> {loop_rate:,.0f} responses/s "
        f"(1M would take ~{args.rows / loop_rate:.1f} s)"
    )
    print(f"speed-up: {batch_rate / loop_rate:,.0f}x")


if __name__ == "__main__":
    main()
