"""Questionnaire answers drawn from the latent states, as codes Attune's engine scores.

Each item's answer aims at the weight its latent level implies (the same share of every
item's weight range), plus item noise; the answer given is the published code whose
*weight* is nearest, so reverse-keyed items (ECR-R, DAST-10 item 3) come out reversed and
score back to the latent level. PHQ-9 item 9 (thoughts of self-harm) sits lower than
the other items at the same depression (``phq9_item9_offset``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from attune.domain.instruments import Instrument, get_instrument
from attune.sim.cycle.cohort import ADDICTIONS, ECR_HIGH, ECR_LOW, Cohort
from attune.sim.cycle.parameters import Parameters
from attune.sim.cycle.rates import standard_normals
from attune.sim.cycle.record import Administered
from attune.sim.cycle.result import Administrations

Floats = NDArray[np.float64]
Ints = NDArray[np.int64]

#: The questionnaire measuring each simulated addiction.
SUBSTANCE_INSTRUMENT = {
    "alcohol": "audit",
    "opioids": "dast10",
    "stimulants": "dast10",
    "cannabis": "dast10",
    "gambling": "pgsi",
}
PHQ9_MAX, GAD7_MAX = 27.0, 21.0
#: Administrations answered per numpy step (keeps temporaries small enough to stay in
#: cache and be reused, rather than mapped afresh from the system each time).
CHUNK = 8192


def answer_codes(
    instrument: Instrument,
    share: Floats,
    rng: np.random.Generator,
    noise: float,
    offsets: dict[str, float] | None = None,
) -> NDArray[np.int8]:
    """Codes ``[rows, items]``: item ``j`` of row ``i`` aims at ``share[i]`` of its weight
    range (``share`` may be ``[rows]`` or ``[rows, items]``), plus Normal(0, ``noise`` ×
    range) and any per-item offset in weight points."""
    rows = share.shape[0]
    k = len(instrument.items)
    groups: dict[tuple[tuple[float, ...], tuple[int, ...]], list[int]] = {}
    for j, item in enumerate(instrument.items):
        pairs = sorted((o.weight, o.code) for o in item.options)
        key = (tuple(float(w) for w, _ in pairs), tuple(c for _, c in pairs))
        groups.setdefault(key, []).append(j)
    shift = np.array([(offsets or {}).get(item.link_id, 0.0) for item in instrument.items])
    codes = np.zeros((rows, k), dtype=np.int8)
    for first in range(0, rows, CHUNK):
        part = slice(first, min(first + CHUNK, rows))
        z = standard_normals(rng, (part.stop - part.start, k))
        level = share[part] if share.ndim == 2 else share[part, None]
        aimed = level + noise * z  # a share of each item's range
        for (weights, item_codes), columns in groups.items():
            low, span = weights[0], weights[-1] - weights[0]
            target = low + aimed[:, columns] * span + shift[columns]
            middles = (np.array(weights[1:]) + np.array(weights[:-1])) / 2.0
            # The option index is the number of midpoints below the target (what
            # searchsorted finds; a few comparisons are quicker for so few options).
            index = np.zeros(target.shape, dtype=np.intp)
            for middle in middles.tolist():
                index += middle < target
            picked = np.array(item_codes, dtype=np.int8)[index]
            codes[part, columns] = picked
    return codes


def _ecrr_share(instrument: Instrument, cohort: Cohort, patients: Ints) -> Floats:
    anxiety = (cohort.anxiety[patients] - ECR_LOW) / (ECR_HIGH - ECR_LOW)
    avoidance = (cohort.avoidance[patients] - ECR_LOW) / (ECR_HIGH - ECR_LOW)
    avoidance_items = {i for s in instrument.subscales if s.key == "avoidance" for i in s.items}
    columns = [
        avoidance if item.link_id in avoidance_items else anxiety for item in instrument.items
    ]
    return np.stack(columns, axis=1) if columns else np.zeros((patients.shape[0], 0))


def build_questionnaires(
    p: Parameters, cohort: Cohort, given: dict[str, Administered], seed: int
) -> dict[str, Administrations]:
    """Every administration of every questionnaire, keyed by instrument id."""
    rng = np.random.default_rng([seed, 0x17E45])
    noise = p.item_noise
    out: dict[str, Administrations] = {}

    def add(
        instrument_id: str, patient: Ints, day: Ints, level: Floats, share: Floats, **kw: float
    ) -> None:
        instrument = get_instrument(instrument_id)
        offsets = dict(kw) or None
        codes = answer_codes(instrument, share, rng, noise, offsets)
        out[instrument_id] = Administrations(instrument_id, patient, day, codes, level)

    patient, day, level = given["phq9"].arrays()
    add("phq9", patient, day, level, level / PHQ9_MAX, q9=p.phq9_item9_offset)
    patient, day, level = given["gad7"].arrays()
    add("gad7", patient, day, level, level / GAD7_MAX)
    patient, day, level = given["substance"].arrays()
    kinds = np.array([SUBSTANCE_INSTRUMENT[a.value] for a in ADDICTIONS])[cohort.addiction[patient]]
    for instrument_id in sorted(set(SUBSTANCE_INSTRUMENT.values())):
        mine = kinds == instrument_id
        add(instrument_id, patient[mine], day[mine], level[mine], level[mine])
    patient, day, _ = given["ecrr"].arrays()
    ecrr = get_instrument("ecrr")
    share = _ecrr_share(ecrr, cohort, patient)
    out["ecrr"] = Administrations(
        "ecrr", patient, day, answer_codes(ecrr, share, rng, noise), np.zeros(patient.shape[0])
    )
    return out
