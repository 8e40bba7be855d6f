"""Who is simulated: each patient's traits, drawn once, as numpy arrays over patients.

Attachment anxiety and avoidance are on the ECR-R scale (1–7, midpoint 4), so the
simulated ECR-R answers score back to them; ACEs are a count (0–10); the main addiction
is a code into :data:`ADDICTIONS`; severity, social support and engagement are 0–1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.domain.errors import ValidationError
from attune.domain.intake.model import AddictionType, AmountUnit
from attune.sim.cycle.parameters import ADDICTION_NAMES, Parameters

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

#: The addictions simulated, indexed by ``Cohort.addiction``.
ADDICTIONS: tuple[AddictionType, ...] = tuple(AddictionType(name) for name in ADDICTION_NAMES)

#: The unit a day's amount is reported in, by addiction.
UNITS: dict[AddictionType, AmountUnit] = {
    AddictionType.ALCOHOL: AmountUnit.STANDARD_DRINKS,
    AddictionType.OPIOIDS: AmountUnit.USES,
    AddictionType.STIMULANTS: AmountUnit.USES,
    AddictionType.CANNABIS: AmountUnit.USES,
    AddictionType.GAMBLING: AmountUnit.MONEY,
}

#: ECR-R scale bounds.
ECR_LOW, ECR_HIGH, ECR_MID = 1.0, 7.0, 4.0
MAX_ACE = 10


@dataclass(frozen=True)
class Cohort:
    """Traits of ``n`` patients (every array has length ``n``)."""

    anxiety: Floats
    avoidance: Floats
    ace: Ints
    addiction: Ints
    severity: Floats
    support: Floats
    engagement: Floats

    @property
    def n(self) -> int:
        return int(self.anxiety.shape[0])

    def __post_init__(self) -> None:
        n = self.n
        for name in ("avoidance", "ace", "addiction", "severity", "support", "engagement"):
            shape = getattr(self, name).shape
            if shape != (n,):
                raise ValidationError(
                    f"cohort.{name}: expected {n} values, got {shape}", field=name
                )
        if n and (self.addiction.min() < 0 or self.addiction.max() >= len(ADDICTIONS)):
            raise ValidationError("cohort.addiction: unknown addiction code", field="addiction")
        for name in ("severity", "support", "engagement"):
            values = getattr(self, name)
            if n and (values.min() < 0 or values.max() > 1):
                raise ValidationError(f"cohort.{name}: values must be from 0 to 1", field=name)

    def subset(self, index: NDArray[np.intp] | slice) -> Cohort:
        """The patients at ``index`` (a slice or an index array), in that order."""
        return Cohort(
            anxiety=self.anxiety[index],
            avoidance=self.avoidance[index],
            ace=self.ace[index],
            addiction=self.addiction[index],
            severity=self.severity[index],
            support=self.support[index],
            engagement=self.engagement[index],
        )


def _beta(rng: np.random.Generator, mean: float, concentration: float, n: int) -> Floats:
    return rng.beta(mean * concentration, (1.0 - mean) * concentration, size=n)


def draw_cohort(
    n: int, params: Parameters, seed: int, *, addiction: AddictionType | None = None
) -> Cohort:
    """Draw ``n`` patients' traits (seeded). ``addiction`` gives everyone one addiction,
    e.g. alcohol for a trial of alcohol use disorder."""
    if n < 0:
        raise ValidationError("patients must be 0 or more", field="patients")
    p = params
    rng = np.random.default_rng([seed, 0x0C0_4047])
    corr = p.anxiety_avoidance_corr
    z = rng.standard_normal((2, n))
    anxiety = p.anxiety_mean + p.anxiety_sd * z[0]
    avoidance = p.avoidance_mean + p.avoidance_sd * (corr * z[0] + np.sqrt(1 - corr**2) * z[1])
    shares = np.array([getattr(p, f"share_{name}") for name in ADDICTION_NAMES])
    if addiction is None:
        kinds = rng.choice(len(ADDICTIONS), size=n, p=shares / shares.sum()).astype(np.int64)
    else:
        if addiction not in ADDICTIONS:
            names = ", ".join(a.value for a in ADDICTIONS)
            raise ValidationError(
                f"the simulator models {names}, not {addiction.value}", field="addiction"
            )
        kinds = np.full(n, ADDICTIONS.index(addiction), dtype=np.int64)
    support = rng.beta(p.support_alpha, p.support_beta, size=n)
    support = support + p.support_per_avoidance * (np.clip(avoidance, ECR_LOW, ECR_HIGH) - ECR_MID)
    return Cohort(
        anxiety=np.clip(anxiety, ECR_LOW, ECR_HIGH),
        avoidance=np.clip(avoidance, ECR_LOW, ECR_HIGH),
        ace=np.minimum(rng.poisson(p.ace_mean, size=n), MAX_ACE).astype(np.int64),
        addiction=kinds,
        severity=rng.beta(p.severity_alpha, p.severity_beta, size=n),
        support=np.clip(support, 0.0, 1.0),
        engagement=_beta(rng, p.engagement_mean, p.engagement_concentration, n),
    )
