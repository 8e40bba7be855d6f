"""Synthetic daily series with one planted effect, to check that the insight engine finds
what is really there (and not what is not).

Used by the unit tests and ``bench/insight_recovery.py``. Not a model of anyone: the
cycle simulator (``attune.sim``) is the mechanistic model; this is the smallest series
that looks like daily check-ins (0–10 whole-number ratings that drift from day to day,
tags on some days, about three check-ins in four answered — Jones 2019) with a single
known lagged effect on next-day craving.

Each day: stress, loneliness and craving follow their own first-order autoregressions
around the person's usual level (persistence 0.5, 0.5 and 0.4); mood falls when stress
rises. The person uses four of the trigger tags, each on about one day in five (the
planted one among them), and three coping tags, each on about three days in ten.
Tomorrow's craving gets ``effect`` points after a day with the planted trigger
(``planted="trigger:<tag>"``) or the planted coping tag (``planted="coping:<tag>"``; a
negative effect means it helps), or ``effect`` points per point of today's stress above
usual (``planted="stress"``). Use is more likely on higher-craving days. Everything is
rounded and clipped to the check-in's scales, and days are left unanswered at random.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from attune.domain.monitoring.checkin import COPING, TRIGGERS
from attune.domain.monitoring.series import DailySeries, FloatArray, series_from_arrays

#: How many trigger tags a person ever uses, and the chance each is chosen on a day.
TAGS_USED = 4
TAG_CHANCE = 0.2
#: How many coping tags a person uses, and the chance each is chosen on a day.
COPING_USED = 3
COPING_CHANCE = 0.3


@dataclass(frozen=True)
class Planted:
    predictor: str
    effect: float


def _ar1(rng: np.random.Generator, days: int, mean: float, keep: float, sd: float) -> FloatArray:
    shocks = rng.normal(0.0, sd, days)
    values = np.empty(days)
    values[0] = mean + shocks[0] / np.sqrt(1 - keep**2)
    for t in range(1, days):
        values[t] = mean + keep * (values[t - 1] - mean) + shocks[t]
    return values


def _scale(values: FloatArray) -> FloatArray:
    scaled: FloatArray = np.clip(np.rint(values), 0, 10)
    return scaled


def planted_series(
    rng: np.random.Generator,
    days: int,
    planted: Planted | None,
    *,
    completion: float = 0.75,
    start: date = date(2026, 1, 5),
    craving_noise: float = 1.5,
) -> DailySeries:
    """One synthetic person's check-ins with ``planted`` (None: no effect at all)."""
    usual_stress = rng.uniform(3, 6)
    stress = _ar1(rng, days, usual_stress, 0.5, 1.5)
    loneliness = _ar1(rng, days, rng.uniform(2, 6), 0.5, 1.5)
    mood = 6.0 - 0.4 * (stress - usual_stress) + rng.normal(0, 1.2, days)
    own = set(rng.choice(sorted(TRIGGERS), size=TAGS_USED, replace=False).tolist())
    if planted is not None and planted.predictor.startswith("trigger:"):
        own = {*sorted(own)[1:], planted.predictor.split(":", 1)[1]}
    tags = {
        tag: (rng.random(days) < (TAG_CHANCE if tag in own else 0.0)).astype(np.float64)
        for tag in TRIGGERS
    }
    helps = rng.choice(sorted(COPING), size=COPING_USED, replace=False).tolist()
    coping = {tag: (rng.random(days) < COPING_CHANCE).astype(np.float64) for tag in helps}
    usual_craving = rng.uniform(2, 5)
    push = np.zeros(days)
    if planted is not None:
        if planted.predictor.startswith("trigger:"):
            push = planted.effect * tags[planted.predictor.split(":", 1)[1]]
        elif planted.predictor.startswith("coping:"):
            tag = planted.predictor.split(":", 1)[1]
            coping.pop(helps[0], None)
            coping[tag] = (rng.random(days) < COPING_CHANCE).astype(np.float64)
            push = planted.effect * coping[tag]
        elif planted.predictor == "stress":
            push = planted.effect * (_scale(stress) - usual_stress)
        else:
            raise ValueError(f"cannot plant {planted.predictor!r}")
    craving = np.empty(days)
    craving[0] = usual_craving + rng.normal(0, craving_noise)
    shocks = rng.normal(0, craving_noise, days)
    for t in range(1, days):
        craving[t] = (
            usual_craving + 0.4 * (craving[t - 1] - usual_craving) + push[t - 1] + shocks[t]
        )
    craving = _scale(craving)
    chance = 1 / (1 + np.exp(-(craving - 7.0)))
    used = (rng.random(days) < chance).astype(np.float64)
    sleep = np.clip(np.round(rng.normal(7, 1, days) * 2) / 2, 0, 14)
    return series_from_arrays(
        start,
        mood=_scale(mood),
        stress=_scale(stress),
        loneliness=_scale(loneliness),
        craving=craving,
        used=used,
        sleep_hours=sleep,
        sleep_quality=np.clip(np.rint(rng.normal(2, 1, days)), 0, 4),
        checked_in=rng.random(days) < completion,
        triggers=tags,
        coping=coping,
    )
