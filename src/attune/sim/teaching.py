"""One simulated person's year, four ways: the teaching picture of the cycle.

:func:`teaching_year` draws one made-up person (``person`` picks which of
:data:`PEOPLE`) and lives their year four times with the same life events: no
treatment, weekly therapy, therapy with three ketamine doses each followed by an
integration session (KAP), and the same doses without therapy or integration. Because
every run uses the same seed for one person, the days of conflict and pressure fall on
the same dates in each; what differs is the care (and what care changes: cue exposure
and support come with the level of care). The charts are SVG from
:mod:`attune.sim.report_svg`.

It is a model for teaching and testing, not a prediction for any real person.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from attune.domain.errors import ValidationError
from attune.domain.levelofcare.model import Level
from attune.sim.cycle import (
    ADDICTIONS,
    NO_TREATMENT,
    Arm,
    Schedule,
    SimResult,
    default_parameters,
    draw_cohort,
    simulate,
)
from attune.sim.report_svg import PALETTE, Axis, Line, Marker, line_chart

#: How many made-up people the page offers.
PEOPLE = 12
DAYS = 364
COHORT_SEED = 2026
LIFE_SEED = 77
DOSE_DAYS = (7, 14, 21)


@dataclass(frozen=True)
class Scenario:
    id: str
    label: str
    words: str
    arm: Arm


SCENARIOS = (
    Scenario(
        "none",
        "No treatment",
        "Getting by alone: no sessions, no doses.",
        NO_TREATMENT,
    ),
    Scenario(
        "therapy",
        "Therapy",
        "A therapy session each week for twelve weeks.",
        Arm("therapy", level=Level.OUTPATIENT, therapy_weekdays=(1,), therapy_weeks=12),
    ),
    Scenario(
        "kap",
        "Therapy with KAP",
        "The same therapy, plus three ketamine sessions (weeks 2, 3 and 4), each followed "
        "the next day by an integration session.",
        Arm(
            "kap",
            level=Level.OUTPATIENT,
            therapy_weekdays=(1,),
            therapy_weeks=12,
            dose_days=DOSE_DAYS,
            integration_after=1,
        ),
    ),
    Scenario(
        "ketamine_only",
        "Ketamine without therapy",
        "The same three ketamine sessions, with no therapy and no integration.",
        Arm("ketamine_only", level=Level.OUTPATIENT, dose_days=DOSE_DAYS),
    ),
)


@dataclass(frozen=True)
class ScenarioSummary:
    scenario: Scenario
    use_days: int
    use_days_last_quarter: int
    craving_last_quarter: float
    depression_end: float
    lapses: int
    relapses: int


@dataclass(frozen=True)
class TeachingYear:
    person: int
    person_words: tuple[str, ...]
    summaries: tuple[ScenarioSummary, ...]
    #: SVG charts, each with a heading and a sentence saying how to read it.
    charts: tuple[tuple[str, str, str], ...]


def _weekly(values: NDArray[np.generic], how: str) -> tuple[float, ...]:
    array = np.asarray(values, dtype=np.float64)[: DAYS // 7 * 7].reshape(-1, 7)
    out = array.sum(axis=1) if how == "sum" else array.mean(axis=1)
    return tuple(float(v) for v in out)


def _person_words(result: SimResult) -> tuple[str, ...]:
    c = result.cohort
    addiction = ADDICTIONS[int(c.addiction[0])].value.replace("_", " ")
    return (
        f"Main addiction: {addiction}; severity {c.severity[0]:.2f} on the model's 0–1 scale.",
        f"Attachment: anxiety {c.anxiety[0]:.1f} and avoidance {c.avoidance[0]:.1f} on the "
        "ECR-R's 1–7 scale (4 is the middle).",
        f"Hard things in childhood (ACEs): {int(c.ace[0])}. "
        f"Support from other people: {c.support[0]:.2f} on a 0–1 scale.",
    )


def _summary(scenario: Scenario, result: SimResult) -> ScenarioSummary:
    used = np.asarray(result.events["used"][0], dtype=bool)
    quarter = DAYS - 91
    return ScenarioSummary(
        scenario=scenario,
        use_days=int(used.sum()),
        use_days_last_quarter=int(used[quarter:].sum()),
        craving_last_quarter=float(result.latent["craving"][0, quarter:].mean()),
        depression_end=float(result.latent["depression"][0, -1]),
        lapses=int(result.truth.lapse[0].sum()),
        relapses=int(result.truth.relapse[0].sum()),
    )


def _chart(
    key: str,
    title: str,
    results: tuple[SimResult, ...],
    series: str,
    axis: Axis,
    how: str = "mean",
) -> str:
    weeks = tuple(float(w + 1) for w in range(DAYS // 7))
    lines = []
    for index, (scenario, result) in enumerate(zip(SCENARIOS, results, strict=True)):
        if series == "used":
            values: NDArray[np.generic] = np.asarray(result.events["used"][0], dtype=np.float64)
        else:
            values = result.latent[series][0]
        lines.append(
            Line(
                scenario.label,
                weeks,
                _weekly(values, how),
                PALETTE[index],
                dashed=scenario.id == "ketamine_only",
            )
        )
    markers = tuple(Marker(day / 7 + 1, f"Ketamine session, day {day}") for day in DOSE_DAYS)
    return line_chart(
        key=key,
        title=title,
        desc=f"{title}, week by week over one simulated year, for each of the four ways.",
        lines=tuple(lines),
        x=Axis(1.0, float(len(weeks)), "Week of the year", ticks=(1.0, 13.0, 26.0, 39.0, 52.0)),
        y=axis,
        markers=markers,
        height=320,
    )


@cache
def teaching_year(person: int) -> TeachingYear:
    """Person ``person`` (1 to :data:`PEOPLE`) lived four ways."""
    if not 1 <= person <= PEOPLE:
        raise ValidationError(f"Choose a person from 1 to {PEOPLE}.", field="person")
    params = default_parameters()
    cohort = draw_cohort(PEOPLE, params, seed=COHORT_SEED).subset(np.array([person - 1]))
    results = tuple(
        simulate(params, cohort, Schedule.single(s.arm, 1, DAYS), DAYS, LIFE_SEED + person)
        for s in SCENARIOS
    )
    charts = (
        (
            "Craving",
            "The weekly average of the model's craving (0 to 10). The dotted lines mark "
            "the ketamine sessions in the two ketamine scenarios.",
            _chart("teach-craving", "Craving", results, "craving", Axis(0, 10, "Craving (0–10)")),
        ),
        (
            "Days of use each week",
            "How many of the 7 days in each week the person used.",
            _chart(
                "teach-use",
                "Days of use each week",
                results,
                "used",
                Axis(0, 7, "Days of use", ticks=(0, 1, 2, 3, 4, 5, 6, 7)),
                how="sum",
            ),
        ),
        (
            "Coping skill",
            "Skill built by therapy and, faster, by integration while the window a "
            "ketamine session opens is still open (0 none, 1 full).",
            _chart(
                "teach-coping",
                "Coping skill",
                results,
                "coping_skill",
                Axis(0, 1, "Coping skill (0–1)"),
            ),
        ),
        (
            "Low mood",
            "The model's depression on the PHQ-9's 0–27 scale: a ketamine session brings a "
            "quick drop that fades over the following weeks.",
            _chart(
                "teach-mood",
                "Depression (PHQ-9 scale)",
                results,
                "depression",
                Axis(0, 27, "PHQ-9 scale (0–27)", ticks=(0, 5, 10, 15, 20, 27)),
            ),
        ),
    )
    return TeachingYear(
        person=person,
        person_words=_person_words(results[0]),
        summaries=tuple(_summary(s, r) for s, r in zip(SCENARIOS, results, strict=True)),
        charts=charts,
    )
