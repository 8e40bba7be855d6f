"""What a simulation run returns: arrays ``[patients, days]`` plus per-patient truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.typing import NDArray

from attune.sim.cycle.cohort import Cohort
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.schedule import Schedule


@dataclass(frozen=True)
class Administrations:
    """One questionnaire's administrations: row ``j`` is ``patient[j]`` on ``day[j]``.

    ``codes`` holds the published answer codes (rows × the instrument's items, in its
    item order), ready for ``attune.domain.instruments.batch.score_table``; ``level`` is
    the latent level the answers were drawn from (PHQ-9 and GAD-7: the total; AUDIT,
    DAST-10, PGSI: the share of the scale's maximum; ECR-R: unused, the traits are
    in the cohort).
    """

    instrument_id: str
    patient: NDArray[np.int64]
    day: NDArray[np.int64]
    codes: NDArray[np.int8]
    level: NDArray[np.float64]

    def __len__(self) -> int:
        return int(self.patient.shape[0])


@dataclass(frozen=True)
class Truth:
    """What is really there, per patient (``[patients]`` unless shown).

    ``effects[:, k]`` is the true change in next-day craving (points of the 0–10 rating)
    per unit of ``predictors[k]`` as the check-in records it — a point of stress,
    loneliness or mood, an hour of sleep, a day with the ``cue`` trigger — holding the
    other same-day answers fixed. ``standardised`` multiplies each by the patient's own
    day-to-day SD of that predictor (latent); ``top_trigger`` indexes the largest
    standardised effect that raises craving (mood and sleep count when *lower* raises
    it). ``coping_effects[:, j]`` is the fall in next-day craving after using strategy
    ``coping[j]`` (0 when it does not help or is not in the patient's repertoire).
    ``lapse`` / ``relapse`` are ``[patients, days]`` (definitions in the parameters).
    """

    predictors: tuple[str, ...]
    effects: NDArray[np.float64]
    standardised: NDArray[np.float64]
    top_trigger: NDArray[np.int64]
    coping: tuple[str, ...]
    repertoire: NDArray[np.bool_]
    coping_effects: NDArray[np.float64]
    ketamine_response: NDArray[np.float64]
    usual_stress: NDArray[np.float64]
    usual_loneliness: NDArray[np.float64]
    usual_sleep: NDArray[np.float64]
    #: Log-odds of use per point of same-day craving (the same for everyone).
    use_per_craving: float
    lapse: NDArray[np.bool_]
    relapse: NDArray[np.bool_]

    def top_trigger_names(self) -> list[str]:
        return [self.predictors[int(k)] for k in self.top_trigger]


@dataclass(frozen=True)
class SimResult:
    """One run. Daily arrays are ``[patients, days]`` (views; day ``d`` is
    ``start + d``).

    * ``checkins``: what the patients answered (names as in ``CheckIn``): ``checked_in``;
      ``mood``, ``stress``, ``loneliness``, ``craving``, ``sleep_quality`` (int8, -1 with
      no check-in); ``sleep_half_hours`` (int8, hours × 2); ``used`` (reported);
      ``triggers`` / ``coping`` bit masks over ``TRIGGER_SIM`` / ``COPING_SIM``;
      ``safety`` (0 none, 1 thoughts, 2 might act, -1 no check-in).
    * ``events``: what really happened, every day: ``used``, ``amount``, ``cue``,
      ``conflict``, ``work``, ``coping`` (bits), ``safety``, and the sessions attended:
      ``therapy``, ``integration``, ``dose`` (a dose given).
    * ``latent``: the model's states (float32; empty when run with ``keep_latent=False``):
      ``stress``, ``loneliness``, ``negative_affect``, ``craving`` (0–10),
      ``depression`` (PHQ-9 scale, after the ketamine effect), ``sleep_hours``,
      ``tolerance``, ``habit``, ``coping_skill``, ``plasticity``, ``antidepressant`` (0–1).
    """

    params: Parameters
    cohort: Cohort
    schedule: Schedule
    days: int
    seed: int
    start: date
    checkins: dict[str, NDArray[np.generic]]
    events: dict[str, NDArray[np.generic]]
    latent: dict[str, NDArray[np.float32]]
    questionnaires: dict[str, Administrations]
    truth: Truth

    @property
    def patients(self) -> int:
        return self.cohort.n

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def completion(self) -> float:
        """Share of patient-days with a check-in."""
        done = self.checkins["checked_in"]
        return float(done.mean()) if done.size else 0.0
