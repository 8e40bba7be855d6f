"""Run the trial-shaped scenarios and set each result beside the published number.

Each run screens a simulated cohort over a 28-day lead-in without treatment (as a trial
screens people before randomising them), keeps those who meet the scenario's inclusion
rule, and treats them from day 0 by their randomly assigned arm. Because the arm is
drawn independently of anything that happens in the lead-in, keeping people after the
run is the same as enrolling them before it.

:func:`calibrate` runs every trial in :data:`attune.sim.trials.TRIALS` and returns a
:class:`TrialOutcome` for each: the simulated estimate of every published target with
its 95% interval, and how close it lands (:class:`Comparison`). The report itself is
drawn by :mod:`attune.sim.report_calibration`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import numpy as np
from numpy.typing import NDArray

from attune.domain.instruments import get_instrument
from attune.domain.instruments.batch import score_table
from attune.domain.intake.model import AddictionType
from attune.sim.cycle import Parameters, Schedule, SimResult, draw_cohort, simulate
from attune.sim.cycle.schedule import LEVELS
from attune.sim.estimators import (
    Estimate,
    cox_hazard_ratio,
    kaplan_meier,
    mean_difference,
    mean_interval,
    proportion_interval,
)
from attune.sim.targets import Scale, Target
from attune.sim.trials import (
    DAKWAR,
    DAKWAR_FOLLOW_UP,
    HULL,
    HULL_OUTCOME_DAY,
    KARE,
    KARE_FOLLOW_UP,
    SUSTAIN,
    SUSTAIN_RANDOMISED,
    Trial,
    abstinent_throughout,
    first_relapse,
    halved,
    percent_days_abstinent,
)

#: Days of screening before day 0 (a multiple of 7, so weekly questionnaires fall on
#: the trial's own weeks).
LEAD_IN = 28
#: Screened patients per trial at ``scale=1`` (inclusion keeps a share of them).
SCREENED = {"kare": 30_000, "dakwar": 6_000, "hull": 8_000, "sustain1": 24_000}

Progress = Callable[[int], None]
FloatArray = NDArray[np.float64]


class Closeness(Enum):
    """How a simulated estimate sits against the published number."""

    #: The simulated point lies inside the published interval.
    INSIDE_PUBLISHED = "inside the published interval"
    #: No published interval, but the published value lies inside the simulated one.
    PUBLISHED_INSIDE_SIMULATED = "the published value lies inside the simulation's interval"
    OUTSIDE = "outside"


@dataclass(frozen=True)
class Comparison:
    target: Target
    simulated: Estimate
    closeness: Closeness
    #: Simulated minus published, in the target's own units.
    gap: float


@dataclass(frozen=True)
class Curve:
    """A line for a figure: one arm's values by day or week."""

    label: str
    xs: tuple[float, ...]
    ys: tuple[float, ...]


@dataclass(frozen=True)
class TrialOutcome:
    trial: Trial
    screened: int
    included: int
    inclusion_text: str
    arm_sizes: tuple[tuple[str, int], ...]
    comparisons: tuple[Comparison, ...]
    #: Curves over time by arm, with their axis label and whether they are shares.
    curves: tuple[Curve, ...]
    curve_axis: str
    curve_x_axis: str
    #: Anything the reader needs to know about this run (e.g. why a target is missing).
    notes: tuple[str, ...] = ()


def compare(target: Target, simulated: Estimate) -> Comparison:
    """Where ``simulated`` lands against ``target``."""
    gap = simulated.value - target.value
    if target.low is not None and target.high is not None:
        inside = target.low <= simulated.value <= target.high
        closeness = Closeness.INSIDE_PUBLISHED if inside else Closeness.OUTSIDE
    else:
        inside = simulated.low <= target.value <= simulated.high
        closeness = Closeness.PUBLISHED_INSIDE_SIMULATED if inside else Closeness.OUTSIDE
    return Comparison(target=target, simulated=simulated, closeness=closeness, gap=gap)


def _compared(target: Target, estimate: Callable[[], Estimate]) -> tuple[Comparison, ...]:
    """``compare`` when the simulated cohort can estimate the target, else nothing."""
    try:
        return (compare(target, estimate()),)
    except ValueError:
        return ()


def trial_schedule(trial: Trial, assignment: NDArray[np.int64], lead_in: int) -> Schedule:
    """The arms' offered care as ``[patients, lead_in + trial.days]`` arrays."""
    n = int(assignment.shape[0])
    days = lead_in + trial.days
    therapy = np.zeros((n, days), dtype=np.bool_)
    dose = np.zeros((n, days), dtype=np.float32)
    integration = np.zeros((n, days), dtype=np.bool_)
    for index, arm in enumerate(trial.arms):
        rows = np.flatnonzero(assignment == index)
        for day in arm.therapy_days:
            therapy[rows, lead_in + day] = True
        for day in arm.ketamine_days:
            dose[rows, lead_in + day] = 1.0
        for day in arm.integration_days:
            integration[rows, lead_in + day] = True
    level = np.full((n, days), LEVELS.index(trial.level), dtype=np.int8)
    level[:, :lead_in] = LEVELS.index(trial.lead_in_level)
    return Schedule(
        therapy=therapy,
        dose=dose,
        integration=integration,
        level=level,
        arm=assignment.astype(np.int64),
        arms=(),
    )


@dataclass(frozen=True)
class _Run:
    result: SimResult
    arm: NDArray[np.int64]


def _run(
    trial: Trial,
    params: Parameters,
    patients: int,
    seed: int,
    addiction: AddictionType | None,
    progress: Progress | None,
) -> _Run:
    cohort = draw_cohort(patients, params, seed=seed, addiction=addiction)
    arm = np.random.default_rng([seed, 1]).integers(0, len(trial.arms), size=patients)
    schedule = trial_schedule(trial, arm, LEAD_IN)
    result = simulate(
        params,
        cohort,
        schedule,
        LEAD_IN + trial.days,
        seed,
        keep_latent=False,
        progress=progress,
    )
    return _Run(result, arm)


def weekly_phq9(result: SimResult, first_day: int, weeks: int) -> FloatArray:
    """PHQ-9 totals ``[patients, weeks]`` on days ``first_day + 7 w`` (NaN: not done)."""
    administered = result.questionnaires["phq9"]
    totals = score_table(get_instrument("phq9"), administered.codes).totals
    out = np.full((result.patients, weeks), np.nan)
    offset = administered.day - first_day
    on_week = (offset >= 0) & (offset % 7 == 0) & (offset < 7 * weeks)
    out[administered.patient[on_week], offset[on_week] // 7] = totals[on_week]
    return out


def _arm_sizes(trial: Trial, arm: NDArray[np.int64]) -> tuple[tuple[str, int], ...]:
    return tuple((a.label, int((arm == i).sum())) for i, a in enumerate(trial.arms))


def _weekly_curves(
    trial: Trial, arm: NDArray[np.int64], daily: FloatArray, first_week: int
) -> tuple[Curve, ...]:
    """Each arm's mean of ``daily`` (``[patients, days]``) by week, weeks from ``first_week``."""
    weeks = daily.shape[1] // 7
    by_week = daily[:, : weeks * 7].reshape(daily.shape[0], weeks, 7).mean(axis=2)
    xs = tuple(float(first_week + w) for w in range(weeks))
    return tuple(
        Curve(a.label, xs, tuple(float(v) for v in by_week[arm == i].mean(axis=0)))
        for i, a in enumerate(trial.arms)
        if (arm == i).any()
    )


def run_kare(
    params: Parameters, seed: int, scale: float, progress: Progress | None
) -> TrialOutcome:
    screened = max(int(SCREENED["kare"] * scale), 40)
    run = _run(KARE, params, screened, seed, AddictionType.ALCOHOL, progress)
    used = np.asarray(run.result.events["used"], dtype=bool)
    included = (~used[:, :LEAD_IN]).sum(axis=1) <= 2
    arm = run.arm[included]
    used = used[included]
    first, last = KARE_FOLLOW_UP
    pda = percent_days_abstinent(used, LEAD_IN + first, LEAD_IN + last)
    ketamine = (arm == 0) | (arm == 1)
    comparisons = (
        *_compared(KARE.targets[0], lambda: mean_difference(pda[arm == 0], pda[arm == 3])),
        *_compared(KARE.targets[1], lambda: mean_difference(pda[ketamine], pda[~ketamine])),
        *_compared(KARE.targets[2], lambda: mean_interval(pda[arm == 0])),
    )
    return TrialOutcome(
        trial=KARE,
        screened=screened,
        included=int(included.sum()),
        inclusion_text=(
            "Drank on at least 26 of the 28 lead-in days (KARE's participants were "
            "abstinent on about 2% of days before treatment; the rule is Attune's)."
        ),
        arm_sizes=_arm_sizes(KARE, arm),
        comparisons=comparisons,
        curves=_weekly_curves(KARE, arm, 1.0 - used.astype(np.float64), -LEAD_IN // 7),
        curve_axis="Share of days abstinent",
        curve_x_axis="Week (0 = first infusion)",
    )


def run_dakwar(
    params: Parameters, seed: int, scale: float, progress: Progress | None
) -> TrialOutcome:
    screened = max(int(SCREENED["dakwar"] * scale), 40)
    run = _run(DAKWAR, params, screened, seed, AddictionType.STIMULANTS, progress)
    used = np.asarray(run.result.events["used"], dtype=bool)
    included = used[:, :LEAD_IN].sum(axis=1) >= 7
    arm = run.arm[included]
    used = used[included]
    first, last = DAKWAR_FOLLOW_UP
    abstinent = abstinent_throughout(used, LEAD_IN + first, LEAD_IN + last)

    def share_of(i: int) -> Callable[[], Estimate]:
        return lambda: proportion_interval(int(abstinent[arm == i].sum()), int((arm == i).sum()))

    comparisons = tuple(
        c for i, target in enumerate(DAKWAR.targets) for c in _compared(target, share_of(i))
    )
    return TrialOutcome(
        trial=DAKWAR,
        screened=screened,
        included=int(included.sum()),
        inclusion_text=(
            "Used on at least 7 of the 28 lead-in days (about weekly or more; the rule "
            "is Attune's, as the evidence file does not give the trial's)."
        ),
        arm_sizes=_arm_sizes(DAKWAR, arm),
        comparisons=comparisons,
        curves=_weekly_curves(DAKWAR, arm, 1.0 - used.astype(np.float64), -LEAD_IN // 7),
        curve_axis="Share of days abstinent",
        curve_x_axis="Week (0 = the infusion)",
    )


def run_hull(
    params: Parameters, seed: int, scale: float, progress: Progress | None
) -> TrialOutcome:
    screened = max(int(SCREENED["hull"] * scale), 40)
    weekly_params = params.replace(phq9_every=7.0)
    run = _run(HULL, weekly_params, screened, seed, None, progress)
    weeks = (LEAD_IN + HULL_OUTCOME_DAY) // 7 + 1
    scores = weekly_phq9(run.result, 0, weeks)
    baseline = scores[:, LEAD_IN // 7 - 1]
    after = scores[:, (LEAD_IN + HULL_OUTCOME_DAY) // 7]
    included = (baseline >= 10) & np.isfinite(after)
    responded = halved(baseline[included], after[included])
    comparisons = _compared(
        HULL.targets[0], lambda: proportion_interval(int(responded.sum()), int(included.sum()))
    )
    shown = scores[included][:, LEAD_IN // 7 - 1 :]
    xs = tuple(float(w - 1) for w in range(shown.shape[1]))
    curve = Curve(HULL.arms[0].label, xs, tuple(float(v) for v in np.nanmean(shown, axis=0)))
    return TrialOutcome(
        trial=HULL,
        screened=screened,
        included=int(included.sum()),
        inclusion_text=(
            "PHQ-9 of 10 or more a week before the first session, with the day-28 "
            "PHQ-9 completed (a completers' analysis)."
        ),
        arm_sizes=((HULL.arms[0].label, int(included.sum())),),
        comparisons=comparisons,
        curves=(curve,),
        curve_axis="Mean PHQ-9",
        curve_x_axis="Week (0 = first session)",
    )


def run_sustain(
    params: Parameters, seed: int, scale: float, progress: Progress | None
) -> TrialOutcome:
    screened = max(int(SCREENED["sustain1"] * scale), 40)
    weekly_params = params.replace(phq9_every=7.0)
    run = _run(SUSTAIN, weekly_params, screened, seed, None, progress)
    weeks = (LEAD_IN + SUSTAIN.days) // 7
    scores = weekly_phq9(run.result, 0, weeks)
    randomised_week = (LEAD_IN + SUSTAIN_RANDOMISED) // 7
    before = scores[:, randomised_week - 4 : randomised_week]
    included = np.all(np.nan_to_num(before, nan=np.inf) < 5, axis=1)
    arm = run.arm[included]
    after = scores[included, randomised_week:]
    times, events = first_relapse(np.nan_to_num(after, nan=-1.0), 15.0)
    continuing = arm == 0
    curves: list[Curve] = []
    for i, a in enumerate(SUSTAIN.arms):
        if not (arm == i).any():
            continue
        curve = kaplan_meier(times[arm == i], events[arm == i])
        end = float(after.shape[1])
        xs = (0.0, *(float(t) for t in curve.times), end)
        ys = (
            1.0,
            *(float(s) for s in curve.survival),
            float(curve.survival[-1]) if curve.times.size else 1.0,
        )
        curves.append(Curve(a.label, xs, ys))
    comparisons = (
        *_compared(SUSTAIN.targets[0], lambda: cox_hazard_ratio(times, events, continuing)),
        *_compared(
            SUSTAIN.targets[1],
            lambda: proportion_interval(int(events[continuing].sum()), int(continuing.sum())),
        ),
        *_compared(
            SUSTAIN.targets[2],
            lambda: proportion_interval(int(events[~continuing].sum()), int((~continuing).sum())),
        ),
    )
    notes: tuple[str, ...] = ()
    if included.any() and (not events[continuing].any() or not events[~continuing].any()):
        quiet = "continuing" if not events[continuing].any() else "placebo"
        notes = (
            f"No simulated person in the {quiet} arm relapsed, so the hazard ratio is not "
            "finite and is not shown; the shares who relapsed are compared instead.",
        )
    return TrialOutcome(
        trial=SUSTAIN,
        screened=screened,
        included=int(included.sum()),
        inclusion_text=SUSTAIN.population_text,
        arm_sizes=_arm_sizes(SUSTAIN, arm),
        comparisons=comparisons,
        curves=tuple(curves),
        curve_axis="Share not yet relapsed",
        curve_x_axis="Weeks since randomisation",
        notes=notes,
    )


RUNNERS: dict[str, Callable[[Parameters, int, float, Progress | None], TrialOutcome]] = {
    KARE.id: run_kare,
    DAKWAR.id: run_dakwar,
    HULL.id: run_hull,
    SUSTAIN.id: run_sustain,
}


def planned_patient_days(scale: float) -> int:
    """How many patient-days :func:`calibrate` simulates (for a progress bar)."""
    trials = {KARE.id: KARE, DAKWAR.id: DAKWAR, HULL.id: HULL, SUSTAIN.id: SUSTAIN}
    return sum(
        max(int(SCREENED[key] * scale), 40) * (LEAD_IN + trials[key].days) for key in RUNNERS
    )


def calibrate(
    params: Parameters, *, seed: int, scale: float = 1.0, progress: Progress | None = None
) -> tuple[TrialOutcome, ...]:
    """Every trial-shaped scenario, each from its own seed derived from ``seed``."""
    if not 0 < scale <= 10:
        raise ValueError("scale: must be above 0 and at most 10")
    return tuple(
        runner(params, seed + 1000 * index, scale, progress)
        for index, runner in enumerate(RUNNERS.values())
    )


def share_scale(target: Target) -> bool:
    return target.scale in (Scale.SHARE, Scale.DIFFERENCE)
