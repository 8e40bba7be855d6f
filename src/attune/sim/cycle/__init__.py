"""The cycle simulator: synthetic patients with known ground truth (docs/simulator.md).

Public API::

    params = default_parameters()                 # or load_parameters(path)
    cohort = draw_cohort(n, params, seed)          # traits, numpy arrays over patients
    schedule = Schedule.single(arm, n, days)       # or Schedule.from_arms(arms, assignment, days)
    result = simulate(params, cohort, schedule, days, seed)   # SimResult
    result.checkins / .events / .latent            # [patients, days] arrays
    result.questionnaires["phq9"].codes            # item codes Attune's engine scores
    result.truth                                   # true effects, top trigger, lapses
    checkins_of(result, patient)                   # one patient's CheckIn records

A model for teaching and testing, not a prediction for any real person.
"""

from attune.sim.cycle.checkins import checkins_of
from attune.sim.cycle.cohort import ADDICTIONS, Cohort, draw_cohort
from attune.sim.cycle.constants import COPING_SIM, PREDICTORS, TRIGGER_SIM
from attune.sim.cycle.parameters import (
    ParameterInfo,
    Parameters,
    default_parameters,
    load_parameters,
    parameter_info,
)
from attune.sim.cycle.result import Administrations, SimResult, Truth
from attune.sim.cycle.run import DEFAULT_START, Engine, simulate
from attune.sim.cycle.schedule import LEVELS, NO_TREATMENT, Arm, Schedule

__all__ = [
    "ADDICTIONS",
    "COPING_SIM",
    "DEFAULT_START",
    "LEVELS",
    "NO_TREATMENT",
    "PREDICTORS",
    "TRIGGER_SIM",
    "Administrations",
    "Arm",
    "Cohort",
    "Engine",
    "ParameterInfo",
    "Parameters",
    "Schedule",
    "SimResult",
    "Truth",
    "checkins_of",
    "default_parameters",
    "draw_cohort",
    "load_parameters",
    "parameter_info",
    "simulate",
]
