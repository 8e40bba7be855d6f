"""Prove the engines on simulated patients whose truth is known.

Two questions, each on its own freshly drawn cohort:

* **Does the insight engine find a person's true top trigger?** For every patient and
  every length of data in :data:`LENGTHS` (calendar days from the first day, about
  three in four of them checked in), the check-ins of those days go through
  :func:`attune.domain.monitoring.insight.analyse`, and
  :func:`~attune.domain.monitoring.insight.top_trigger` is set beside the simulator's
  true top trigger (the predictor with the largest effect on next-day craving per usual
  day-to-day swing). "Found" means the same predictor; a *close* match also counts a tag
  that stands for the same state (``trigger:alone`` for loneliness, ``trigger:tired``
  or sleep quality for sleep, ``trigger:conflict`` or ``trigger:work_stress`` for stress).
* **Does the relapse-risk score rank next-week lapses?** On a held-out cohort (drawn
  with its own seed; the score's default weights were tuned on other seeds by
  :mod:`attune.sim.risk_tuning`, never on this cohort), every patient is scored once a week
  by :func:`~attune.domain.monitoring.risk.assess_risk` using only the check-ins up to
  that day, and the label is whether the person *really* used in the next seven days
  (the simulator knows, even on days with no check-in). The AUROC has a 95% interval
  from resampling patients. A second, harder question keeps only weeks that followed
  seven days without use (a lapse from abstinence). The days of use *reported* in the
  last week, alone, is shown as a plain comparator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from attune.domain.levelofcare.model import Level
from attune.domain.monitoring.insight import analyse, top_trigger
from attune.domain.monitoring.risk import RiskThresholds, assess_risk, default_risk_settings
from attune.domain.monitoring.series import DailySeries, series_from_arrays
from attune.sim.cycle import (
    ADDICTIONS,
    COPING_SIM,
    NO_TREATMENT,
    TRIGGER_SIM,
    Arm,
    Parameters,
    Schedule,
    SimResult,
    draw_cohort,
    simulate,
)
from attune.sim.estimators import Estimate, cluster_bootstrap_auroc, proportion_interval

#: Days of data the insight engine is given.
LENGTHS = (21, 30, 60, 90)
#: Days simulated for the risk question, and the first day a score is taken.
RISK_DAYS = 182
RISK_FIRST_DAY = 28
HORIZON = 7
#: How the simulator's predictor names read as the insight engine's predictor ids.
ENGINE_ID = {
    "stress": "stress",
    "loneliness": "loneliness",
    "mood": "mood",
    "sleep_hours": "sleep_hours",
    "cue": "trigger:cue",
}
#: Engine predictors that stand for the same state as a simulator predictor.
CLOSE = {
    "stress": {"trigger:conflict", "trigger:work_stress"},
    "loneliness": {"trigger:alone"},
    "sleep_hours": {"sleep_quality", "trigger:tired"},
    "mood": set(),
    "cue": set(),
}
#: A spread of care, so the engines meet people in and out of treatment.
PROOF_ARMS = (
    NO_TREATMENT,
    Arm("therapy", level=Level.OUTPATIENT, therapy_weekdays=(1,), therapy_weeks=12),
    Arm(
        "kap",
        level=Level.OUTPATIENT,
        therapy_weekdays=(1,),
        therapy_weeks=12,
        dose_days=(7, 14, 21),
        integration_after=1,
    ),
)

Progress = Callable[[int], None]


def _bits(values: NDArray[np.generic], names: tuple[str, ...]) -> dict[str, NDArray[np.float64]]:
    ints = np.asarray(values, dtype=np.int64)
    return {name: ((ints >> j) & 1).astype(np.float64) for j, name in enumerate(names)}


def patient_series(result: SimResult, patient: int, days: int) -> DailySeries:
    """Patient ``patient``'s check-ins on days ``0 … days - 1`` as a :class:`DailySeries`."""
    c = result.checkins

    def rating(name: str) -> NDArray[np.float64]:
        values = np.asarray(c[name][patient, :days], dtype=np.float64)
        return np.where(values < 0, np.nan, values)

    half_hours = rating("sleep_half_hours")
    return series_from_arrays(
        result.start,
        mood=rating("mood"),
        stress=rating("stress"),
        loneliness=rating("loneliness"),
        craving=rating("craving"),
        used=np.asarray(c["used"][patient, :days], dtype=np.float64),
        sleep_hours=half_hours / 2.0,
        sleep_quality=rating("sleep_quality"),
        checked_in=np.asarray(c["checked_in"][patient, :days], dtype=bool),
        triggers=_bits(c["triggers"][patient, :days], TRIGGER_SIM),
        coping=_bits(c["coping"][patient, :days], COPING_SIM),
    )


def _cohort_run(
    params: Parameters, patients: int, days: int, seed: int, progress: Progress | None
) -> SimResult:
    cohort = draw_cohort(patients, params, seed=seed)
    schedule = Schedule.from_arms(PROOF_ARMS, np.arange(patients) % len(PROOF_ARMS), days)
    return simulate(params, cohort, schedule, days, seed, keep_latent=False, progress=progress)


@dataclass(frozen=True)
class RecoveryRow:
    """How often the true top trigger was found with ``days`` days of data."""

    days: int
    patients: int
    enough_data: int
    found: Estimate
    close: Estimate
    #: The engine named nothing clear.
    silent: Estimate
    #: The engine named something clear that is not the true top trigger (nor close).
    other: Estimate


@dataclass(frozen=True)
class TriggerRecovery:
    rows: tuple[RecoveryRow, ...]
    #: How many patients have each true top trigger (simulator names).
    truth_counts: tuple[tuple[str, int], ...]
    completion: float
    #: With the most days of data: (true top trigger, people, found) for each trigger.
    by_trigger: tuple[tuple[str, int, int], ...] = ()


def trigger_recovery(
    params: Parameters, *, patients: int, seed: int, progress: Progress | None = None
) -> TriggerRecovery:
    days = max(LENGTHS)
    result = _cohort_run(params, patients, days, seed, progress)
    truth = result.truth.top_trigger_names()
    rows: list[RecoveryRow] = []
    hits = np.zeros(patients, dtype=bool)
    for length in LENGTHS:
        enough = found = close = silent = 0
        for patient in range(patients):
            insight = analyse(patient_series(result, patient, length))
            enough += insight.enough_data
            named = top_trigger(insight)
            true = truth[patient]
            hits[patient] = named == ENGINE_ID[true]
            if named is None:
                silent += 1
            elif named == ENGINE_ID[true]:
                found += 1
                close += 1
            elif named in CLOSE[true]:
                close += 1
        other = patients - close - silent
        rows.append(
            RecoveryRow(
                days=length,
                patients=patients,
                enough_data=enough,
                found=proportion_interval(found, patients),
                close=proportion_interval(close, patients),
                silent=proportion_interval(silent, patients),
                other=proportion_interval(other, patients),
            )
        )
    names, counts = np.unique(np.array(truth), return_counts=True)
    true_names = np.array(truth)
    return TriggerRecovery(
        rows=tuple(rows),
        truth_counts=tuple((str(n), int(k)) for n, k in zip(names, counts, strict=True)),
        completion=result.completion(),
        by_trigger=tuple(
            (str(n), int(k), int(hits[true_names == n].sum()))
            for n, k in zip(names, counts, strict=True)
        ),
    )


@dataclass(frozen=True)
class RiskQuestion:
    """One AUROC question: which person-weeks, and how well each score ranks them."""

    title: str
    person_weeks: int
    patients: int
    events: int
    score: Estimate
    reported_use: Estimate
    #: Share of event weeks and of other weeks at or above the medium and high levels.
    flagged: tuple[tuple[str, float, float], ...]
    roc_scores: NDArray[np.float64]
    roc_labels: NDArray[np.bool_]


@dataclass(frozen=True)
class GroupAuroc:
    """The score's AUROC for any use next week within one group of people."""

    group: str
    people: int
    person_weeks: int
    score: Estimate | None


@dataclass(frozen=True)
class RiskProof:
    questions: tuple[RiskQuestion, ...]
    thresholds: RiskThresholds
    completion: float
    #: The first question's AUROC by main addiction and by how often people checked in
    #: (the published studies found accuracy differed between groups; this checks ours).
    groups: tuple[GroupAuroc, ...] = ()


def _groups(
    result: SimResult,
    scores: NDArray[np.float64],
    labels: NDArray[np.bool_],
    owner: NDArray[np.int64],
    seed: int,
) -> tuple[GroupAuroc, ...]:
    done = np.asarray(result.checkins["checked_in"], dtype=bool).mean(axis=1)
    median = float(np.median(done))
    addiction = np.asarray(result.cohort.addiction)
    groups: list[tuple[str, NDArray[np.bool_]]] = [
        (f"Main addiction: {ADDICTIONS[int(code)].value}", addiction == code)
        for code in np.unique(addiction)
    ]
    groups += [
        (f"Checked in on fewer than {median:.0%} of days", done < median),
        (f"Checked in on {median:.0%} of days or more", done >= median),
    ]
    out: list[GroupAuroc] = []
    for name, members in groups:
        keep = members[owner]
        estimate: Estimate | None = None
        y = labels[keep]
        if y.any() and not y.all():
            try:
                estimate = cluster_bootstrap_auroc(scores[keep], y, owner[keep], seed=seed)
            except ValueError:
                estimate = None
        out.append(GroupAuroc(name, int(members.sum()), int(keep.sum()), estimate))
    return tuple(out)


def _question(
    title: str,
    keep: NDArray[np.bool_],
    scores: NDArray[np.float64],
    reported: NDArray[np.float64],
    labels: NDArray[np.bool_],
    patient: NDArray[np.int64],
    thresholds: RiskThresholds,
    seed: int,
) -> RiskQuestion | None:
    s, r, y, p = scores[keep], reported[keep], labels[keep], patient[keep]
    if y.all() or not y.any():
        return None
    flagged = tuple(
        (name, float((s[y] >= cut).mean()), float((s[~y] >= cut).mean()))
        for name, cut in (("medium", thresholds.medium), ("high", thresholds.high))
    )
    return RiskQuestion(
        title=title,
        person_weeks=int(keep.sum()),
        patients=int(np.unique(p).size),
        events=int(y.sum()),
        score=cluster_bootstrap_auroc(s, y, p, seed=seed),
        reported_use=cluster_bootstrap_auroc(r, y, p, seed=seed),
        flagged=flagged,
        roc_scores=s,
        roc_labels=y,
    )


def risk_proof(
    params: Parameters, *, patients: int, seed: int, progress: Progress | None = None
) -> RiskProof:
    thresholds = default_risk_settings().for_program(None)
    result = _cohort_run(params, patients, RISK_DAYS, seed, progress)
    used = np.asarray(result.events["used"], dtype=bool)
    reported_use = np.asarray(result.checkins["used"], dtype=bool)
    days = list(range(RISK_FIRST_DAY, RISK_DAYS - HORIZON, 7))
    scores, reported, labels, abstinent, owner = [], [], [], [], []
    for patient in range(patients):
        series = patient_series(result, patient, RISK_DAYS)
        for day in days:
            today = result.start + timedelta(days=day)
            scores.append(assess_risk(series, today, thresholds=thresholds).score)
            reported.append(reported_use[patient, day - 6 : day + 1].sum())
            labels.append(used[patient, day + 1 : day + 1 + HORIZON].any())
            abstinent.append(not used[patient, day - 6 : day + 1].any())
            owner.append(patient)
    s = np.array(scores, dtype=np.float64)
    r = np.array(reported, dtype=np.float64)
    y = np.array(labels, dtype=bool)
    a = np.array(abstinent, dtype=bool)
    p = np.array(owner, dtype=np.int64)
    questions = [
        _question(
            "Any use in the next 7 days (every scored week)",
            np.ones_like(y),
            s,
            r,
            y,
            p,
            thresholds,
            seed,
        ),
        _question(
            "A lapse in the next 7 days after 7 days without use",
            a,
            s,
            r,
            y,
            p,
            thresholds,
            seed + 1,
        ),
    ]
    return RiskProof(
        questions=tuple(q for q in questions if q is not None),
        thresholds=thresholds,
        completion=result.completion(),
        groups=_groups(result, s, y, p, seed + 2),
    )


def planned_patient_days(trigger_patients: int, risk_patients: int) -> int:
    return trigger_patients * max(LENGTHS) + risk_patients * RISK_DAYS
