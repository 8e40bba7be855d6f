"""Benchmark: how often the insight engine finds an effect planted in synthetic check-ins.

For each planted effect and each length of data (calendar days, with about three days in
four checked in), it builds ``--series`` synthetic people
(:mod:`attune.domain.monitoring.synthetic`), runs :func:`analyse` on each and counts how
often the planted predictor comes out ``clear`` in the right direction (a person with
too few check-ins counts as "not found"). On series with nothing planted it counts how
often anything at all comes out clear (the false-positive rate per person, per family).
Prints a Markdown table (the one in docs/monitoring.md) and the time per analysis.
Seeded: every run gives the same table. Run with ``uv run python bench/insight_recovery.py``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from attune.domain.monitoring.insight import Insight, analyse
from attune.domain.monitoring.synthetic import Planted, planted_series

SCENARIOS = (
    ("Trigger tag, +2 points next-day craving", Planted("trigger:conflict", 2.0)),
    ("Trigger tag, +3 points next-day craving", Planted("trigger:conflict", 3.0)),
    ("Stress, +0.5 points per point above usual", Planted("stress", 0.5)),
    ("Stress, +0.8 points per point above usual", Planted("stress", 0.8)),
    ("Coping tag, −2 points next-day craving", Planted("coping:breathwork", -2.0)),
)


def _found(insight: Insight, planted: Planted) -> bool:
    family = insight.coping if planted.predictor.startswith("coping:") else insight.craving
    return any(
        e.predictor == planted.predictor
        and e.clear
        and np.sign(e.estimate) == np.sign(planted.effect)
        for e in family
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=400, help="synthetic people per cell")
    parser.add_argument("--days", type=int, nargs="+", default=[21, 30, 60, 90, 180])
    parser.add_argument("--completion", type=float, default=0.75)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    n = args.series
    header = "| Planted effect | " + " | ".join(f"{d} days" for d in args.days) + " |"
    what = f"{args.completion:.0%} of days checked in, seed {args.seed}"
    print(f"{n} synthetic people per cell, {what}\n")
    print(header)
    print("|---|" + "---:|" * len(args.days))
    elapsed, runs = 0.0, 0
    checkins = {d: 0.0 for d in args.days}
    for name, planted in SCENARIOS:
        cells = []
        for days in args.days:
            found = 0
            for _ in range(n):
                series = planted_series(rng, days, planted, completion=args.completion)
                started = time.perf_counter()
                insight = analyse(series)
                elapsed += time.perf_counter() - started
                runs += 1
                found += _found(insight, planted)
                checkins[days] += series.checkins / n / len(SCENARIOS)
            cells.append(f"{found / n:.0%}")
        print(f"| {name} | " + " | ".join(cells) + " |")

    null = {"craving": [], "use": [], "coping": [], "weekday": [], "enough": []}
    for days in args.days:
        counts = dict.fromkeys(null, 0)
        for _ in range(n):
            insight = analyse(planted_series(rng, days, None, completion=args.completion))
            counts["enough"] += insight.enough_data
            counts["craving"] += any(e.clear for e in insight.craving)
            counts["use"] += any(e.clear and e.predictor != "craving" for e in insight.use)
            counts["coping"] += any(e.clear for e in insight.coping)
            counts["weekday"] += any(w.clear for w in insight.weekday)
        for key in null:
            null[key].append(f"{counts[key] / n:.1%}")
    print("| *Nothing planted: anything clear, per person* | |" + " |" * (len(args.days) - 1))
    labels = {
        "craving": "… what precedes craving",
        "use": "… what precedes use (besides craving)",
        "coping": "… which coping helps",
        "weekday": "… a weekday pattern",
        "enough": "People with enough data (≥ 21 check-ins)",
    }
    for key, label in labels.items():
        print(f"| {label} | " + " | ".join(null[key]) + " |")
    print("| Mean check-ins | " + " | ".join(f"{checkins[d]:.0f}" for d in args.days) + " |")
    print(f"\n{runs} analyses, {elapsed / runs * 1000:.2f} ms each on average")


if __name__ == "__main__":
    main()
