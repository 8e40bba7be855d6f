"""The demo clinic's daily check-ins, made by the cycle simulator (:mod:`attune.sim.cycle`).

Each demo patient is one simulated person: their main problem sets the simulated
addiction, their course (improving, flat, worsening) sets how much care the model gives
them (weekly therapy, or none), and the model's days become check-ins in Attune's own
schema, with its engagement-dependent missed days. The demo replays them through the
check-in service at each patient's evening, so safety alerts, streaks, insight and the
relapse-risk scan come from the same code paths as real check-ins.

A safety answer older than two days is followed by the clinician acknowledging the alert
within the hour and resolving it the next day with a note, as a clinic would have done;
recent ones stay open for the inbox. Patients whose questionnaire history never shows
thoughts of self-harm (``at_risk`` False) never give a safety answer here either, so the
two histories agree. Synthetic and seeded: nothing here describes a real person.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo

import numpy as np

from attune.domain.intake.model import AddictionType
from attune.domain.levelofcare.model import Level
from attune.domain.monitoring.checkin import CheckIn, Safety, Use
from attune.sim.cycle import (
    ADDICTIONS,
    PREDICTORS,
    Arm,
    Schedule,
    checkins_of,
    default_parameters,
    draw_cohort,
    simulate,
)
from attune.sim.demo_history import Course, DemoHistory, DemoPatient

#: How far back the demo's check-ins go (a patient who joined later starts when they joined).
DEMO_DAYS = 90
#: The local time a demo patient checks in.
EVENING = time(20, 30)
#: Safety alerts older than this were handled by the clinic; newer ones stay open.
HANDLED_AFTER = timedelta(days=2)

THERAPY = Arm(
    name="weekly_therapy", level=Level.OUTPATIENT, therapy_weekdays=(1,), therapy_weeks=52
)
NO_THERAPY = Arm(name="waiting", level=Level.OUTPATIENT)


@dataclass(frozen=True)
class CheckinDone:
    """A demo patient saves their check-in for ``checkin.day`` at ``at``."""

    patient: str
    at: datetime
    checkin: CheckIn


@dataclass(frozen=True)
class SafetyHandled:
    """The clinician acknowledges (``resolve`` False) or resolves the safety alert the
    check-in of ``day`` raised."""

    patient: str
    at: datetime
    day: date
    resolve: bool


@dataclass(frozen=True)
class DemoCheckins:
    events: tuple[CheckinDone | SafetyHandled, ...]
    #: Each demo patient's true strongest trigger in the model (a PREDICTORS id).
    top_trigger: dict[str, str]


def _addiction_code(problem: AddictionType) -> int:
    return (
        ADDICTIONS.index(problem)
        if problem in ADDICTIONS
        else ADDICTIONS.index(
            AddictionType.GAMBLING if problem.kind.value != "substance" else AddictionType.ALCOHOL
        )
    )


def _as_patient_said(checkin: CheckIn, patient: DemoPatient) -> CheckIn:
    """Name the patient's own problem in a day of use, and keep safety answers to the
    patients whose questionnaires show them."""
    uses = checkin.uses
    if uses and uses[0].what is not patient.problem:
        uses = (Use(what=patient.problem, detail="" if not patient.problem.is_other else "it"),)
    safety = checkin.safety if patient.at_risk else Safety.NONE
    return replace(checkin, uses=uses, safety=safety)


def generate_checkins(
    seed: int, history: DemoHistory, now: datetime, tz: tzinfo, days: int = DEMO_DAYS
) -> DemoCheckins:
    """Every demo patient's check-ins up to yesterday (today is left for the demo user)."""
    patients = history.patients
    today = now.astimezone(tz).date()
    start = today - timedelta(days=days)
    params = default_parameters()
    cohort = draw_cohort(len(patients), params, seed=seed)
    codes = np.array([_addiction_code(p.problem) for p in patients], dtype=cohort.addiction.dtype)
    cohort = replace(cohort, addiction=codes)
    arms = [THERAPY, NO_THERAPY]
    assignment = np.array([1 if p.course is Course.WORSENING else 0 for p in patients])
    schedule = Schedule.from_arms(arms, assignment, days=days)
    result = simulate(params, cohort, schedule, days=days, seed=seed, start=start)
    events: list[CheckinDone | SafetyHandled] = []
    top: dict[str, str] = {}
    for index, patient in enumerate(patients):
        joined = patient.joined.astimezone(tz).date()
        top[patient.key] = PREDICTORS[int(result.truth.top_trigger[index])]
        for checkin in checkins_of(result, index):
            if checkin.day <= joined or checkin.day >= today:
                continue
            said = _as_patient_said(checkin, patient)
            at = datetime.combine(said.day, EVENING, tzinfo=tz)
            events.append(CheckinDone(patient.key, at, said))
            if said.safety is not Safety.NONE and now - at > HANDLED_AFTER:
                events.append(
                    SafetyHandled(patient.key, at + timedelta(minutes=40), said.day, False)
                )
                events.append(SafetyHandled(patient.key, at + timedelta(days=1), said.day, True))
    return DemoCheckins(events=tuple(events), top_trigger=top)
