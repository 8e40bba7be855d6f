"""Benchmark: simulate 100,000 patients × 365 days with the cycle simulator.

Prints patient-days per second and peak memory for the vectorised model (numpy, one
thread and then several), the same for a plain per-patient Python loop over the same
model measured on a subsample in the same run, and the ratio between them. Before
timing, the loop and numpy are run on the subsample with the same seed and every output
is checked to be identical (same draws, same model). Targets (issue 6): at least 100×
the loop, the whole cohort in under 30 s and under 4 GB.

Run with ``uv run python bench/simulate.py`` (``--help`` for the options). Timings on a
shared machine vary from run to run; CPU seconds are printed beside wall seconds.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import time

import numpy as np

from attune.sim.cycle import (
    Engine,
    Schedule,
    SimResult,
    default_parameters,
    draw_cohort,
    simulate,
)
from attune.sim.cycle.arms import PRESETS


def _peak_rss_gb() -> float:
    # ru_maxrss is in KiB on Linux: the process's peak resident memory so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _system_s() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_stime


def _timed(run: callable) -> tuple[SimResult, float, float, float]:  # type: ignore[valid-type]
    """The result, wall seconds, CPU seconds and, of those, seconds in the kernel (mostly
    first touches of fresh memory, which vary a lot on a shared virtual machine)."""
    gc.collect()
    wall, cpu, system = time.perf_counter(), time.process_time(), _system_s()
    result = run()
    return result, time.perf_counter() - wall, time.process_time() - cpu, _system_s() - system


def _same(a: SimResult, b: SimResult) -> bool:
    groups = ("checkins", "events", "latent")
    arrays = all(
        np.array_equal(getattr(a, g)[k], getattr(b, g)[k]) for g in groups for k in getattr(a, g)
    )
    answers = all(
        np.array_equal(a.questionnaires[k].codes, b.questionnaires[k].codes)
        for k in a.questionnaires
    )
    return arrays and answers and np.array_equal(a.truth.standardised, b.truth.standardised)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--loop-patients", type=int, default=300, help="subsample for the loop")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--latent", action="store_true", help="also keep every day's latent states (+1.6 GB)"
    )
    args = parser.parse_args()
    keep = args.latent

    params = default_parameters()
    n, days = args.patients, args.days
    cohort = draw_cohort(n, params, args.seed)
    arms = [PRESETS["therapy"], PRESETS["kap"]]
    schedule = Schedule.from_arms(arms, np.arange(n) % len(arms), days)

    k = min(args.loop_patients, n)
    sub_cohort = cohort.subset(slice(0, k))
    sub_schedule = Schedule.from_arms(arms, np.arange(k) % len(arms), days)

    def sub(engine: Engine) -> SimResult:
        return simulate(
            params, sub_cohort, sub_schedule, days, args.seed, keep_latent=keep, engine=engine
        )

    loop_result, loop_wall, loop_cpu, _ = _timed(lambda: sub(Engine.LOOP))
    agree = _same(loop_result, sub(Engine.NUMPY))
    loop_rate = k * days / loop_wall
    loop_cpu_rate = k * days / loop_cpu
    del loop_result

    print(f"Cycle simulator: {n:,} patients × {days} days = {n * days:,} patient-days")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()}, numpy {np.__version__}; latent states kept: {keep}"
    )
    print(
        f"plain Python loop, {k} patients: {loop_wall:.2f} s wall ({loop_cpu:.2f} s CPU), "
        f"{loop_rate:,.0f} patient-days/s"
    )
    print(f"loop and numpy identical on the subsample (same seed, same draws): {agree}")
    print(f"load average (1, 5, 15 min) before timing numpy: {_load()}")
    print()
    header = (
        f"{'threads':>7}  {'wall s':>7}  {'CPU s':>7}  {'sys s':>6}  {'patient-days/s':>15}  "
        f"{'× loop':>7}  {'× loop CPU':>10}  {'peak GB':>7}"
    )
    print(header)
    print("-" * len(header))
    results = []
    thread_counts = sorted({1, max(1, args.threads)})
    for threads in thread_counts:
        result, wall, cpu, system = _timed(
            lambda t=threads: simulate(
                params, cohort, schedule, days, args.seed, keep_latent=keep, threads=t
            )
        )
        rate = n * days / wall
        peak = _peak_rss_gb()
        results.append((threads, wall, rate, peak))
        cpu_ratio = (n * days / cpu) / loop_cpu_rate
        print(
            f"{threads:>7}  {wall:>7.2f}  {cpu:>7.2f}  {system:>6.2f}  {rate:>15,.0f}  "
            f"{rate / loop_rate:>6.0f}×  {cpu_ratio:>9.0f}×  {peak:>7.2f}"
        )
        completion = result.completion()
        del result
        gc.collect()
    best = max(results, key=lambda r: r[2])
    print(f"load average after: {_load()} (other work on the machine slows wall time)")
    print()
    print(
        "× loop compares wall-clock patient-days/s; × loop CPU compares CPU seconds per "
        "patient-day (all threads summed), which a busy machine disturbs less; sys s is "
        "the part of CPU s spent in the kernel (first touches of fresh memory)."
    )
    print(f"check-in completion in the run: {completion:.1%}")
    print(
        f"best: {best[0]} thread(s), {best[1]:.1f} s, {best[2] / loop_rate:.0f}× the loop; "
        f"peak memory {max(r[3] for r in results):.2f} GB (process peak RSS)"
    )
    print(
        "targets: ≥100× the loop: "
        + ("met" if best[2] / loop_rate >= 100 else "NOT met")
        + "; under 30 s: "
        + ("met" if best[1] < 30 else "NOT met")
        + "; under 4 GB: "
        + ("met" if max(r[3] for r in results) < 4 else "NOT met")
    )


if __name__ == "__main__":
    main()
