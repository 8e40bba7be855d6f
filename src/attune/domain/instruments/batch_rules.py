"""The extra scoring rules of :mod:`.rules`, written again over whole tables.

Each function mirrors the single-response rule of the same name and reports the same
finding codes (``rules.FINDINGS``); the property tests check that the two agree. A
finding is only ever true on a scored row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from attune.domain.errors import InvalidDefinition
from attune.domain.instruments.model import Instrument
from attune.domain.instruments.rules import FINDINGS, PCL5_CLUSTERS, PCL5_CUTPOINT, PCL5_ENDORSED

Bools = NDArray[np.bool_]
Findings = dict[str, Bools]


@dataclass(frozen=True)
class Table:
    """What a rule may read: item weights (rows × items), totals, bands, and masks."""

    weights: NDArray[np.int64]
    totals: NDArray[np.float64]
    bands: NDArray[np.int64]
    scored: Bools
    male: Bools
    female: Bools

    def col(self, instrument: Instrument, link_id: str) -> NDArray[np.int64]:
        return self.weights[:, instrument.item_ids.index(link_id)]


BatchRule = Callable[[Instrument, Table], tuple[Findings, NDArray[np.int64]]]


def _pcl5(instrument: Instrument, t: Table) -> tuple[Findings, NDArray[np.int64]]:
    met = t.scored.copy()
    for first, last, need in PCL5_CLUSTERS:
        endorsed = (t.weights[:, first - 1 : last] >= PCL5_ENDORSED).sum(axis=1)
        met &= endorsed >= need
    near = t.scored & (t.totals >= 31) & (t.totals < PCL5_CUTPOINT)
    return {"dsm5_rule_met": met, "cutpoint_31_to_32": near}, t.bands


def _audit_zone(instrument: Instrument, t: Table) -> tuple[Findings, NDArray[np.int64]]:
    def w(n: int) -> NDArray[np.int64]:
        return t.col(instrument, f"q{n}")

    trigger = (w(4) + w(5) + w(6) >= 2) | (w(9) == 4) | (w(10) == 4)
    raised = t.scored & trigger & (t.bands >= 0) & (t.bands < len(instrument.bands) - 1)
    return {"zone_raised": raised}, np.where(raised, t.bands + 1, t.bands)


def _auditc_sex(instrument: Instrument, t: Table) -> tuple[Findings, NDArray[np.int64]]:
    total = np.where(t.scored, t.totals, 0.0)
    unknown = t.scored & ~t.male & ~t.female
    male = t.scored & t.male
    female = t.scored & t.female
    q1_only = (
        t.scored & (total > 0) & (t.col(instrument, "q2") == 0) & (t.col(instrument, "q3") == 0)
    )
    found = {
        "positive_male": male & (total >= 4),
        "negative_male": male & (total < 4),
        "positive_female": female & (total >= 3),
        "negative_female": female & (total < 3),
        "positive_if_female": unknown & (total >= 3),
        "positive_if_male": unknown & (total >= 4),
        "below_both_thresholds": unknown & (total < 3),
        "points_from_q1_only": q1_only,
    }
    return found, t.bands


def _igds9sf(instrument: Instrument, t: Table) -> tuple[Findings, NDArray[np.int64]]:
    very_often = (t.weights == 5).sum(axis=1)
    return {"five_or_more_very_often": t.scored & (very_often >= 5)}, t.bands


def _bwas(instrument: Instrument, t: Table) -> tuple[Findings, NDArray[np.int64]]:
    often = (t.weights >= 4).sum(axis=1)
    return {"four_or_more_often": t.scored & (often >= 4)}, t.bands


BATCH_RULES: dict[str, BatchRule] = {
    "pcl5": _pcl5,
    "audit_zone": _audit_zone,
    "auditc_sex": _auditc_sex,
    "igds9sf": _igds9sf,
    "bwas": _bwas,
}


def apply(instrument: Instrument, table: Table) -> tuple[Findings, NDArray[np.int64]]:
    name = instrument.rule
    if name is None or name not in BATCH_RULES:
        raise InvalidDefinition(f"{instrument.id}: unknown scoring rule '{name}'")
    found, bands = BATCH_RULES[name](instrument, table)
    missing = set(FINDINGS[name]) ^ set(found)
    if missing:
        raise InvalidDefinition(f"{instrument.id}: batch rule findings differ: {sorted(missing)}")
    return {code: found[code] for code in FINDINGS[name]}, bands
