"""What tends to come before craving and use for one person, and what helps.

:func:`analyse` reads one :class:`~attune.domain.monitoring.series.DailySeries` and asks
three questions of consecutive days (today → tomorrow, lag 1):

* **craving** — which of today's states (mood, stress, loneliness, sleep, use) and
  trigger tags come before higher (or lower) craving tomorrow;
* **use** — which of today's states (craving included) and trigger tags come before
  use tomorrow (a linear probability model: the estimate is a change in the chance of
  using, from 0 to 1);
* **coping** — which coping tags come before lower craving tomorrow.

Each predictor gets its own least-squares fit, ``tomorrow ~ 1 + today's outcome + week +
predictor``: controlling for today's craving (or use) means a trigger is not credited
with craving that was already there; the linear time term (in weeks) means a slow drift
over the months (for example, everything easing with treatment) is not taken for a
day-to-day link. Every predictor is centred on the person's own mean (within-person
centring); in a one-person fit with an intercept that does not change the slope, but it
makes every number a difference from *this person's usual*, and :func:`between_within`
(many people) uses the same centring to keep "people who are usually stressed" apart
from "days more stressful than usual".

Intervals are 95 % intervals for the whole family of predictors tested for one outcome
(Bonferroni: each interval uses the t quantile for 0.05 / (2 m), m = predictors
tested), so across all the patterns shown for an outcome, the chance that any of them
is a fluke is at most about 5 %. ``clear`` means the interval leaves out zero. A
predictor is tested only with enough pairs of consecutive check-in days (``MIN_PAIRS``)
and, for a tag, enough days with and without it (``MIN_TAG_DAYS``).

With fewer than ``min_checkins`` check-ins the engine does not guess: ``enough_data`` is
False and ``message`` says how many more are needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from attune.domain.monitoring.checkin import COPING, TRIGGERS
from attune.domain.monitoring.insight_words import (
    effect_words,
    not_enough_words,
    summary_words,
    weekday_words,
)
from attune.domain.monitoring.pooled import BetweenWithin, between_within
from attune.domain.monitoring.series import DailySeries, FloatArray
from attune.domain.monitoring.stats import fit_each, t_quantile

__all__ = [
    "LABELS",
    "BetweenWithin",
    "Direction",
    "Effect",
    "Insight",
    "WeekdayPattern",
    "analyse",
    "between_within",
    "top_trigger",
]

MIN_CHECKINS = 21
#: Pairs of consecutive check-in days a fit needs.
MIN_PAIRS = 14
#: Days with, and days without, a tag before it is tested.
MIN_TAG_DAYS = 3
#: Days with use, and without, before "what comes before use" is asked.
MIN_USE_DAYS = 3
#: Days of each weekday before that weekday is compared with the rest.
MIN_WEEKDAY_DAYS = 4
FAMILY_LEVEL = 0.05

STATES: dict[str, str] = {
    "mood": "Mood",
    "stress": "Stress",
    "loneliness": "Loneliness",
    "craving": "Craving",
    "sleep_hours": "Hours of sleep",
    "sleep_quality": "Sleep quality",
    "used": "Using",
}
#: Every predictor id and its label: the states, ``trigger:<tag>``, ``coping:<tag>``.
LABELS: dict[str, str] = {
    **STATES,
    **{f"trigger:{tag}": label for tag, label in TRIGGERS.items()},
    **{f"coping:{tag}": label for tag, label in COPING.items()},
}
#: The direction of each state that would be the worrying one (for ``top_trigger``).
WORRYING_SIGN = {"mood": -1.0, "sleep_hours": -1.0, "sleep_quality": -1.0}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


@dataclass(frozen=True)
class Effect:
    """One lagged association: today's ``predictor`` with tomorrow's ``outcome``."""

    predictor: str
    label: str
    #: "craving" (0–10 points) or "use" (chance of using, 0–1).
    outcome: str
    lag: int
    #: Change in tomorrow's outcome per point of the predictor above the person's usual,
    #: or on days with the tag against days without.
    estimate: float
    ci_low: float
    ci_high: float
    #: Pairs of consecutive days the fit used.
    n: int
    #: The interval leaves out zero.
    clear: bool
    #: Which way the outcome tended to go when the predictor was higher (or present).
    direction: Direction
    #: The interval's coverage for this one effect (above 95 %: see the module notes).
    level: float
    plain: str

    @property
    def is_tag(self) -> bool:
        return ":" in self.predictor


@dataclass(frozen=True)
class WeekdayPattern:
    """One weekday's craving against the person's other days."""

    weekday: int
    name: str
    #: Mean craving on this weekday minus the mean on other days.
    difference: float
    ci_low: float
    ci_high: float
    n: int
    clear: bool
    #: Share of this weekday's check-ins with use (NaN when none).
    use_rate: float
    plain: str


@dataclass(frozen=True)
class Insight:
    enough_data: bool
    checkins: int
    needed: int
    message: str
    craving: tuple[Effect, ...] = ()
    use: tuple[Effect, ...] = ()
    coping: tuple[Effect, ...] = ()
    weekday: tuple[WeekdayPattern, ...] = ()
    #: The person's own means (only what they answered): the ratings, sleep, and
    #: ``use_rate`` (share of check-ins with use).
    usual: Mapping[str, float] = field(default_factory=dict)
    #: Why a family was not asked (e.g. too few days with use), in plain words.
    notes: tuple[str, ...] = ()


def _centred(values: FloatArray) -> FloatArray:
    if np.isnan(values).all():
        return values.copy()
    centred: FloatArray = values - np.nanmean(values)
    return centred


def _eligible(x: FloatArray, pair: np.ndarray, tag: bool) -> bool:
    today = x[:-1][pair]
    today = today[~np.isnan(today)]
    if today.size < MIN_PAIRS:
        return False
    if tag:
        on = int((today == 1.0).sum())
        return on >= MIN_TAG_DAYS and today.size - on >= MIN_TAG_DAYS
    return bool(np.ptp(today) > 0)


def _family(
    series: DailySeries, outcome: str, control: str, predictors: list[str]
) -> tuple[Effect, ...]:
    y_all = series.measure(control)
    pair = ~np.isnan(y_all[1:]) & ~np.isnan(y_all[:-1])
    chosen = [
        p for p in predictors if _eligible(series.measure(p), pair, tag=":" in p or p == "used")
    ]
    if not chosen:
        return ()
    y = y_all[1:]
    days = np.arange(series.days - 1, dtype=np.float64)
    week = (days - days.mean()) / 7.0
    covariates = np.column_stack([np.ones(series.days - 1), _centred(y_all)[:-1], week])
    covariates[~pair] = np.nan
    x = np.column_stack([_centred(series.measure(p))[:-1] for p in chosen])
    fits = fit_each(y, covariates, x, min_rows=MIN_PAIRS, robust=outcome == "use")
    tested = int(fits.ok.sum())
    if tested == 0:
        return ()
    tail = FAMILY_LEVEL / (2 * tested)
    effects = []
    for j, predictor in enumerate(chosen):
        if not fits.ok[j]:
            continue
        q = t_quantile(1.0 - tail, float(fits.df[j]))
        est, se = float(fits.slope[j]), float(fits.se[j])
        low, high = est - q * se, est + q * se
        clear = low > 0 or high < 0
        direction = Direction.HIGHER if est >= 0 else Direction.LOWER
        label = LABELS[predictor]
        effects.append(
            Effect(
                predictor=predictor,
                label=label,
                outcome=outcome,
                lag=1,
                estimate=est,
                ci_low=low,
                ci_high=high,
                n=int(fits.n[j]),
                clear=clear,
                direction=direction,
                level=1.0 - 2 * tail,
                plain=effect_words(predictor, label, outcome, est, low, high, clear),
            )
        )
    effects.sort(key=lambda e: (not e.clear, -abs(e.estimate) / max(e.ci_high - e.ci_low, 1e-12)))
    return tuple(effects)


def _weekdays(series: DailySeries) -> tuple[WeekdayPattern, ...]:
    crave = series.craving
    seen = ~np.isnan(crave)
    weekday = (np.arange(series.days) + series.start.weekday()) % 7
    groups = [d for d in range(7) if int((seen & (weekday == d)).sum()) >= MIN_WEEKDAY_DAYS]
    if len(groups) < 2:
        return ()
    tail = FAMILY_LEVEL / (2 * len(groups))
    patterns = []
    for d in groups:
        on = crave[seen & (weekday == d)]
        off = crave[seen & (weekday != d)]
        diff = float(on.mean() - off.mean())
        # Pooled variance: a weekday has only a few days, and their own spread alone
        # can be small by chance.
        df = on.size + off.size - 2
        pooled = (((on - on.mean()) ** 2).sum() + ((off - off.mean()) ** 2).sum()) / df
        se = float(np.sqrt(pooled * (1 / on.size + 1 / off.size)))
        q = t_quantile(1.0 - tail, float(df))
        low, high = diff - q * se, diff + q * se
        used = series.used[seen & (weekday == d)]
        used = used[~np.isnan(used)]
        clear = se > 0 and (low > 0 or high < 0)
        patterns.append(
            WeekdayPattern(
                weekday=d,
                name=WEEKDAYS[d],
                difference=diff,
                ci_low=low,
                ci_high=high,
                n=int(on.size),
                clear=clear,
                use_rate=float(used.mean()) if used.size else float("nan"),
                plain=weekday_words(WEEKDAYS[d], diff, low, high, clear),
            )
        )
    return tuple(patterns)


def _usual(series: DailySeries) -> dict[str, float]:
    usual: dict[str, float] = {}
    for name in ("mood", "stress", "loneliness", "craving", "sleep_hours", "sleep_quality"):
        values = series.measure(name)
        if not np.isnan(values).all():
            usual[name] = float(np.nanmean(values))
    if not np.isnan(series.used).all():
        usual["use_rate"] = float(np.nanmean(series.used))
    return usual


def analyse(series: DailySeries, *, min_checkins: int = MIN_CHECKINS) -> Insight:
    """The person's patterns, or a plain message that there is not enough data yet."""
    checkins = series.checkins
    if checkins < min_checkins:
        return Insight(
            enough_data=False,
            checkins=checkins,
            needed=min_checkins,
            message=not_enough_words(checkins, min_checkins),
            usual=_usual(series),
        )
    states = [s for s in STATES if s not in ("craving", "used")]
    trigger_ids = [f"trigger:{tag}" for tag in TRIGGERS]
    craving = _family(series, "craving", "craving", [*states, "used", *trigger_ids])
    notes: list[str] = []
    used = series.used[~np.isnan(series.used)]
    use_days = int(used.sum())
    if use_days >= MIN_USE_DAYS and used.size - use_days >= MIN_USE_DAYS:
        use = _family(series, "use", "used", [*states, "craving", *trigger_ids])
    else:
        use = ()
        notes.append(
            "There are too few days with use (or without) to say what comes before it."
            if use_days
            else "No use was reported, so there is nothing to say about what comes before it."
        )
    coping = _family(series, "craving", "craving", [f"coping:{tag}" for tag in COPING])
    if not craving and not coping:
        notes.append(
            "There are not yet enough pairs of check-ins on consecutive days to compare "
            "one day with the next."
        )
    return Insight(
        enough_data=True,
        checkins=checkins,
        needed=min_checkins,
        message=summary_words(checkins, series.start, series.end, craving, use, coping),
        craving=craving,
        use=use,
        coping=coping,
        weekday=_weekdays(series),
        usual=_usual(series),
        notes=tuple(notes),
    )


def _worrying(effect: Effect) -> bool:
    if not effect.clear:
        return False
    sign = WORRYING_SIGN.get(effect.predictor, 1.0)
    return effect.estimate * sign > 0


def top_trigger(insight: Insight) -> str | None:
    """The predictor id most clearly followed by more craving (else by use), or None."""
    for family in (insight.craving, insight.use):
        worrying = [e for e in family if _worrying(e)]
        if worrying:
            best = max(worrying, key=lambda e: abs(e.estimate) / max(e.ci_high - e.ci_low, 1e-12))
            return best.predictor
    return None
