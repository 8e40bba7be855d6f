"""Extra scoring rules some manuals add on top of sums, means and bands.

A rule runs only on a scored response. It takes the validated answers (published
codes; None for an item the form's skip rule scored), the item weights and the generic
result, and returns an amended result: findings added, and for AUDIT the zone raised.
Rules are looked up by the name in the definition file's ``scoring.rule``; each one's
possible findings are listed in :data:`FINDINGS` (code → text), so the batch path
(:mod:`.batch_rules`) reports the same codes. The sources are in docs/instruments.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from attune.domain.errors import InvalidDefinition
from attune.domain.instruments.model import Finding, Instrument, Score, ScoringContext

Rule = Callable[
    [Instrument, Mapping[str, int | None], Mapping[str, int], Score, ScoringContext], Score
]

RULES: dict[str, Rule] = {}

FINDINGS: dict[str, dict[str, str]] = {
    "pcl5": {
        "dsm5_rule_met": (
            "The DSM-5 symptom-cluster rule is met: at least one item from B (1–5), one "
            "from C (6–7), two from D (8–14) and two from E (15–20) rated 2 (Moderately) "
            "or higher. A provisional screen, not a diagnosis."
        ),
        "cutpoint_31_to_32": (
            "Total of 31–32: below the default cut-point of 33, but inside the published "
            "provisional range of 31–33; a service that uses 31 or 32 would count it."
        ),
    },
    "audit_zone": {
        "zone_raised": (
            "Zone raised by one: the WHO manual advises the next higher intervention when "
            "items 4–6 add up to 2 or more, or item 9 or 10 scores 4."
        ),
    },
    "auditc_sex": {
        "positive_male": "Positive screen: 4 or more, the threshold for men.",
        "negative_male": "Below 4, the positive-screen threshold for men.",
        "positive_female": "Positive screen: 3 or more, the threshold for women.",
        "negative_female": "Below 3, the positive-screen threshold for women.",
        "positive_if_female": (
            "Sex not recorded: at or above 3, the positive-screen threshold for women."
        ),
        "positive_if_male": (
            "Sex not recorded: at or above 4, the positive-screen threshold for men."
        ),
        "below_both_thresholds": (
            "Sex not recorded: below both thresholds (3 for women, 4 for men)."
        ),
        "points_from_q1_only": (
            "All points come from item 1 (how often): this usually means drinking within "
            "recommended limits; worth checking the answers together."
        ),
    },
    "igds9sf": {
        "five_or_more_very_often": (
            "Five or more of the nine items answered 5 (Very often): meets the scale's "
            "classification for disordered gaming, which mirrors the DSM-5 five-of-nine "
            "rule. A screen, not a diagnosis."
        ),
    },
    "bwas": {
        "four_or_more_often": (
            "Four or more of the seven items scored 4 (Often) or 5 (Always): meets the "
            "cut-off its authors suggested for workaholism."
        ),
    },
}

#: PCL-5 DSM-5 clusters: (first item, last item, how many endorsed items it needs).
PCL5_CLUSTERS: tuple[tuple[int, int, int], ...] = ((1, 5, 1), (6, 7, 1), (8, 14, 2), (15, 20, 2))
PCL5_ENDORSED = 2
PCL5_CUTPOINT = 33.0

#: Items each rule reads, checked when a definition naming the rule is loaded.
REQUIRES: dict[str, tuple[str, ...]] = {
    "pcl5": tuple(f"q{n}" for n in range(1, 21)),
    "audit_zone": ("q4", "q5", "q6", "q9", "q10"),
    "auditc_sex": ("q2", "q3"),
    "igds9sf": (),
    "bwas": (),
}


def rule(name: str) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[name] = fn
        return fn

    return register


def finding(rule_name: str, code: str) -> Finding:
    return Finding(code, FINDINGS[rule_name][code])


def _with(result: Score, rule_name: str, codes: list[str]) -> Score:
    found = tuple(finding(rule_name, c) for c in FINDINGS[rule_name] if c in codes)
    return replace(result, findings=result.findings + found)


@rule("pcl5")
def _pcl5(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    met = all(
        sum(1 for n in range(first, last + 1) if weights[f"q{n}"] >= PCL5_ENDORSED) >= need
        for first, last, need in PCL5_CLUSTERS
    )
    codes = ["dsm5_rule_met"] if met else []
    if result.total is not None and 31 <= result.total < PCL5_CUTPOINT:
        codes.append("cutpoint_31_to_32")
    return _with(result, "pcl5", codes)


@rule("audit_zone")
def _audit_zone(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    raise_zone = weights["q4"] + weights["q5"] + weights["q6"] >= 2 or 4 in (
        weights["q9"],
        weights["q10"],
    )
    index = result.band_index
    if not raise_zone or index is None or index >= len(instrument.bands) - 1:
        return result
    band = instrument.bands[index + 1]
    raised = replace(result, band=band.label, band_meaning=band.meaning, band_index=index + 1)
    return _with(raised, "audit_zone", ["zone_raised"])


@rule("auditc_sex")
def _auditc_sex(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    total = result.total or 0.0
    if context.sex == "male":
        codes = ["positive_male" if total >= 4 else "negative_male"]
    elif context.sex == "female":
        codes = ["positive_female" if total >= 3 else "negative_female"]
    else:
        codes = [c for c, t in (("positive_if_female", 3), ("positive_if_male", 4)) if total >= t]
        codes = codes or ["below_both_thresholds"]
    if total > 0 and weights["q2"] == 0 and weights["q3"] == 0:
        codes.append("points_from_q1_only")
    return _with(result, "auditc_sex", codes)


@rule("igds9sf")
def _igds9sf(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    very_often = sum(1 for i in instrument.item_ids if weights[i] == 5)
    return _with(result, "igds9sf", ["five_or_more_very_often"] if very_often >= 5 else [])


@rule("bwas")
def _bwas(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    often = sum(1 for i in instrument.item_ids if weights[i] >= 4)
    return _with(result, "bwas", ["four_or_more_often"] if often >= 4 else [])


def apply(
    instrument: Instrument,
    answers: Mapping[str, int | None],
    weights: Mapping[str, int],
    result: Score,
    context: ScoringContext,
) -> Score:
    if instrument.rule not in RULES:
        raise InvalidDefinition(f"{instrument.id}: unknown scoring rule '{instrument.rule}'")
    return RULES[instrument.rule](instrument, answers, weights, result, context)
