"""Trial-shaped scenarios: the arms, schedules, durations and outcomes of each paper.

Each :class:`Trial` mirrors one published study as far as the evidence file describes it
(design, doses, weeks, outcome). Where a paper's detail is not in the evidence file (how
many therapy sessions, on which days) the schedule here is Attune's own choice, and
:attr:`Trial.assumptions` says so in words that the calibration report prints.

Day 0 is the first treatment day. The outcome functions work on the simulator's daily
arrays ``[patients, days]`` and are pure numpy, so they are tested on hand-made arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.domain.levelofcare.model import Level
from attune.sim.targets import (
    DAKWAR_2019,
    DAKWAR_2019_CONTROL,
    HULL_2022,
    KARE_KETAMINE_THERAPY_LEVEL,
    KARE_KETAMINE_VS_SALINE,
    KARE_THERAPY_VS_EDUCATION,
    SUSTAIN_1,
    SUSTAIN_1_RELAPSE_CONTINUE,
    SUSTAIN_1_RELAPSE_WITHDRAW,
    Target,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Arm:
    """What one arm receives, as days counted from day 0."""

    id: str
    label: str
    ketamine_days: tuple[int, ...] = ()
    therapy_days: tuple[int, ...] = ()
    integration_days: tuple[int, ...] = ()


@dataclass(frozen=True)
class Trial:
    id: str
    title: str
    #: The addiction the cohort has (an ``AddictionType`` value) or "depression".
    population: str
    population_text: str
    arms: tuple[Arm, ...]
    #: Days simulated from day 0 (the run may add lead-in days before day 0).
    days: int
    outcome_text: str
    targets: tuple[Target, ...]
    published_n: int
    assumptions: tuple[str, ...]
    #: Level of care from day 0, for every arm.
    level: Level = Level.OUTPATIENT
    #: Level of care during the screening lead-in. Self-management before outpatient
    #: care gives the trial an entry effect (``access_outpatient``).
    lead_in_level: Level = Level.OUTPATIENT


def weekly(first: int, count: int, every: int = 7) -> tuple[int, ...]:
    return tuple(first + every * i for i in range(count))


def twice_weekly(first: int, weeks: int) -> tuple[int, ...]:
    return tuple(sorted(day for w in range(weeks) for day in (first + 7 * w, first + 7 * w + 3)))


_KARE_INFUSIONS = weekly(0, 3)
_KARE_THERAPY = twice_weekly(0, 3)
KARE_FOLLOW_UP = (21, 21 + 180)

KARE = Trial(
    id="kare",
    title="KARE: ketamine and therapy for severe alcohol use disorder",
    population="alcohol",
    population_text="Adults with severe alcohol use disorder, drinking on most days.",
    arms=(
        Arm(
            "ketamine_therapy",
            "Ketamine + therapy",
            _KARE_INFUSIONS,
            _KARE_THERAPY,
            _KARE_INFUSIONS,
        ),
        Arm("ketamine_education", "Ketamine + education", _KARE_INFUSIONS),
        Arm("saline_therapy", "Saline + therapy", (), _KARE_THERAPY),
        Arm("saline_education", "Saline + education"),
    ),
    days=KARE_FOLLOW_UP[1],
    outcome_text=(
        "Percent days abstinent over the 180 days after the three treatment weeks "
        "(days 21 to 200), from the simulated person's true daily use."
    ),
    targets=(KARE_THERAPY_VS_EDUCATION, KARE_KETAMINE_VS_SALINE, KARE_KETAMINE_THERAPY_LEVEL),
    published_n=96,
    assumptions=(
        "Infusions on days 0, 7 and 14, as in the paper's three weekly infusions.",
        "Therapy twice a week over the three infusion weeks, with an integration "
        "session after each infusion in the ketamine + therapy arm: Attune's schedule, "
        "since the evidence file does not give the session count.",
        "Education is modelled as contact without skill training: it builds no coping.",
        "Screening is in self-management and every arm is in outpatient care from day 0: "
        "the trial's entry effect (KARE's saline + education arm abstained on about 70% "
        "of days, from about 2% before).",
    ),
    lead_in_level=Level.SELF_MANAGEMENT,
)

DAKWAR_FOLLOW_UP = (21, 35)

DAKWAR = Trial(
    id="dakwar",
    title="Dakwar 2019: one ketamine infusion for cocaine use disorder",
    population="stimulants",
    population_text=(
        "Adults whose main addiction is a stimulant (the model has no separate cocaine)."
    ),
    arms=(
        Arm("ketamine", "Ketamine + MBRP", (0,), twice_weekly(0, 5), (1,)),
        Arm("midazolam", "Midazolam + MBRP", (), twice_weekly(0, 5)),
    ),
    days=DAKWAR_FOLLOW_UP[1],
    outcome_text=(
        "Abstinent on every day of the last two weeks of the five-week trial "
        "(days 21 to 34), from true daily use."
    ),
    targets=(DAKWAR_2019, DAKWAR_2019_CONTROL),
    published_n=55,
    assumptions=(
        "The infusion on day 0 and mindfulness-based relapse prevention twice a week "
        "for five weeks: Attune's schedule within the paper's design.",
        "Midazolam is an active placebo: modelled as no ketamine.",
        "The paper judged abstinence by self-report and urine tests; the model uses "
        "the true daily use it knows.",
    ),
)

_HULL_SESSIONS = weekly(0, 4)
HULL_OUTCOME_DAY = 28

HULL = Trial(
    id="hull",
    title="Hull 2022: four at-home ketamine sessions (open label)",
    population="depression",
    population_text=(
        "Adults whose PHQ-9 at baseline is 10 or more (the start of the PHQ-9's "
        "'moderate' band; Attune's inclusion rule for this scenario)."
    ),
    arms=(
        Arm(
            "at_home_kap",
            "Four at-home sessions",
            _HULL_SESSIONS,
            (),
            tuple(day + 1 for day in _HULL_SESSIONS),
        ),
    ),
    days=HULL_OUTCOME_DAY + 1,
    outcome_text=(
        "PHQ-9 at least 50% lower on day 28 (after the fourth session) than at baseline."
    ),
    targets=(HULL_2022,),
    published_n=1247,
    assumptions=(
        "Sessions on days 0, 7, 14 and 21 with integration the next day, and the PHQ-9 "
        "a week after the fourth session: Attune's schedule; the evidence file gives "
        "the count (four), not the spacing or when the PHQ-9 was taken.",
        "No control arm, as in the study (open label).",
    ),
)

SUSTAIN_INDUCTION = twice_weekly(0, 4)
SUSTAIN_OPTIMISATION = weekly(28, 12)
SUSTAIN_RANDOMISED = 28 + 7 * 12
SUSTAIN_FOLLOW_UP_WEEKS = 48

SUSTAIN = Trial(
    id="sustain1",
    title="SUSTAIN-1: continuing or stopping esketamine in stable remission",
    population="depression",
    population_text=(
        "Adults with depression who reach stable remission on the induction and "
        "optimisation phases (PHQ-9 below 5, the PHQ-9's 'minimal' band, at each of "
        "the last four weekly administrations before randomisation)."
    ),
    arms=(
        Arm(
            "continue",
            "Continue dosing",
            SUSTAIN_INDUCTION
            + SUSTAIN_OPTIMISATION
            + weekly(SUSTAIN_RANDOMISED, SUSTAIN_FOLLOW_UP_WEEKS),
        ),
        Arm("withdraw", "Switch to placebo", SUSTAIN_INDUCTION + SUSTAIN_OPTIMISATION),
    ),
    days=SUSTAIN_RANDOMISED + 7 * SUSTAIN_FOLLOW_UP_WEEKS,
    outcome_text=(
        "Time from randomisation to relapse, relapse being a PHQ-9 of 15 or more (the "
        "start of the 'moderately severe' band) at two weekly administrations in a row; "
        "hazard ratio from a Cox model, continuing against stopping."
    ),
    targets=(SUSTAIN_1, SUSTAIN_1_RELAPSE_CONTINUE, SUSTAIN_1_RELAPSE_WITHDRAW),
    published_n=297,
    assumptions=(
        "Twice-weekly induction for four weeks, then weekly for twelve weeks, then "
        "weekly in the continuing arm: a simplification of the trial's weekly or "
        "every-other-week dosing.",
        "Relapse is defined on the PHQ-9 (the model's questionnaire), not the scale the "
        "trial used.",
        "Follow-up is 48 weeks after randomisation for everyone (the trial's follow-up "
        "varied by when people entered), so the simulated shares who relapse are over "
        "a fixed 48 weeks.",
    ),
)

TRIALS: tuple[Trial, ...] = (KARE, DAKWAR, HULL, SUSTAIN)


def percent_days_abstinent(used: BoolArray, first: int, last: int) -> FloatArray:
    """Each row's share of days in ``first <= day < last`` without use."""
    window = np.asarray(used[:, first:last], dtype=bool)
    if window.shape[1] == 0:
        raise ValueError("first, last: the window holds no days")
    result: FloatArray = 1.0 - window.mean(axis=1)
    return result


def abstinent_throughout(used: BoolArray, first: int, last: int) -> BoolArray:
    """True for a row with no use on any day in ``first <= day < last``."""
    window = np.asarray(used[:, first:last], dtype=bool)
    if window.shape[1] == 0:
        raise ValueError("first, last: the window holds no days")
    result = np.asarray(~window.any(axis=1), dtype=np.bool_)
    return result


def halved(baseline: FloatArray, after: FloatArray) -> BoolArray:
    """At least 50% improvement: ``after <= baseline / 2`` (baseline above 0)."""
    base = np.asarray(baseline, dtype=np.float64)
    later = np.asarray(after, dtype=np.float64)
    result = np.asarray(np.logical_and(base > 0, later <= base / 2.0), dtype=np.bool_)
    return result


def first_relapse(
    weekly_scores: FloatArray, threshold: float, in_a_row: int = 2
) -> tuple[FloatArray, BoolArray]:
    """Weeks to relapse and whether it happened, from scores ``[patients, weeks]``.

    Relapse is ``in_a_row`` consecutive scores at or above ``threshold``; its time is the
    week of the first of them, counted from 1. Rows that never relapse are censored at
    the number of weeks observed.
    """
    scores = np.asarray(weekly_scores, dtype=np.float64)
    patients, weeks = scores.shape
    high = scores >= threshold
    run = np.zeros(patients, dtype=np.int64)
    times = np.full(patients, float(weeks))
    events = np.zeros(patients, dtype=bool)
    for week in range(weeks):
        run = np.where(high[:, week], run + 1, 0)
        newly = (run >= in_a_row) & ~events
        times[newly] = week - in_a_row + 2
        events |= newly
    return times, events
