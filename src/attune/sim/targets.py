"""The published numbers the simulator is calibrated against, each with its source.

Every figure here is copied from the project's evidence file
(``research/evidence.md``), which names the paper and where it was read. Nothing is
rounded into a different number and nothing is guessed: an interval is given only where
the source gives one. A value is a fraction (0.482 for 48.2%), a difference of fractions
(0.159 for +15.9 percentage points) or a ratio (a hazard ratio).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Scale(Enum):
    SHARE = "share"
    DIFFERENCE = "difference"
    RATIO = "ratio"


@dataclass(frozen=True)
class Target:
    """One published number and exactly what it measures."""

    id: str
    study: str
    design: str
    outcome: str
    value: float
    scale: Scale
    source: str
    low: float | None = None
    high: float | None = None
    #: The comparison arm's published number, when the target is a difference of arms.
    note: str = ""


KARE_THERAPY_VS_EDUCATION = Target(
    id="kare_pda_difference",
    study="KARE (Grabski et al. 2022)",
    design=(
        "2×2 randomised trial, N=96 with severe alcohol use disorder: 3 weekly infusions "
        "of ketamine 0.8 mg/kg or saline, with therapy (MBRP-based) or education."
    ),
    outcome=(
        "Percent days abstinent over the 6 months after treatment: ketamine + therapy "
        "minus saline + education."
    ),
    value=0.159,
    low=0.038,
    high=0.281,
    scale=Scale.DIFFERENCE,
    source="Am J Psychiatry, doi 10.1176/appi.ajp.2021.21030277",
)

KARE_KETAMINE_VS_SALINE = Target(
    id="kare_pda_ketamine",
    study="KARE (Grabski et al. 2022)",
    design=KARE_THERAPY_VS_EDUCATION.design,
    outcome=(
        "Percent days abstinent over the 6 months: the ketamine arms minus the saline "
        "arms (therapy and education pooled)."
    ),
    value=0.101,
    low=0.011,
    high=0.190,
    scale=Scale.DIFFERENCE,
    source=KARE_THERAPY_VS_EDUCATION.source,
)

KARE_KETAMINE_THERAPY_LEVEL = Target(
    id="kare_pda_level",
    study="KARE (Grabski et al. 2022)",
    design=KARE_THERAPY_VS_EDUCATION.design,
    outcome=(
        "Percent days abstinent over the 6 months in the ketamine + therapy arm "
        "(reported as about 86%, from about 2% before treatment)."
    ),
    value=0.86,
    scale=Scale.SHARE,
    source=(
        "Awakn Life Sciences' release of the KARE results (a secondary source; "
        "the paper reports the arm differences above)"
    ),
    note=(
        "The secondary source gives no interval for this level, and reports it both as "
        "'162 of 180 days' (90%) and as 'about 86%'; the report uses 86%."
    ),
)

DAKWAR_2019 = Target(
    id="dakwar_abstinence",
    study="Dakwar et al. 2019 (cocaine)",
    design=(
        "Randomised trial, N=55 with cocaine use disorder: one infusion of ketamine "
        "0.5 mg/kg or midazolam, with 5 weeks of mindfulness-based relapse prevention."
    ),
    outcome="Abstinent over the last 2 weeks of the 5-week trial (intention to treat).",
    value=0.482,
    scale=Scale.SHARE,
    source="Am J Psychiatry 176:923 (PubMed 31230464)",
    note="Comparison arm (midazolam): 10.7%.",
)

DAKWAR_2019_CONTROL = Target(
    id="dakwar_abstinence_control",
    study="Dakwar et al. 2019 (cocaine)",
    design=DAKWAR_2019.design,
    outcome="Abstinent over the last 2 weeks, midazolam arm (intention to treat).",
    value=0.107,
    scale=Scale.SHARE,
    source=DAKWAR_2019.source,
)

HULL_2022 = Target(
    id="hull_phq9_response",
    study="Hull et al. 2022 (at-home sublingual ketamine)",
    design=(
        "Open-label, N=1,247, four at-home sessions; no control group, sponsored by "
        "the provider (Mindbloom)."
    ),
    outcome="Share with at least 50% improvement on the PHQ-9 after the four sessions.",
    value=0.628,
    scale=Scale.SHARE,
    source="J Affect Disord 2022 (summaries: moreblossom.com, psychiatryadvisor.com)",
    note="Remission 32.6%; deterioration 0.9%.",
)

SUSTAIN_1 = Target(
    id="sustain1_hazard_ratio",
    study="SUSTAIN-1 (Daly et al. 2019)",
    design=(
        "Randomised withdrawal: 297 people in stable remission or response on "
        "esketamine were randomised to continue it or switch to placebo."
    ),
    outcome=(
        "Hazard ratio for relapse, continuing esketamine against stopping it, "
        "among stable remitters (relapse 26.7% vs 45.3%)."
    ),
    value=0.49,
    low=0.29,
    high=0.84,
    scale=Scale.RATIO,
    source="JAMA Psychiatry 2019 (PMC6551577)",
)

SUSTAIN_1_RELAPSE_CONTINUE = Target(
    id="sustain1_relapse_continue",
    study="SUSTAIN-1 (Daly et al. 2019)",
    design=SUSTAIN_1.design,
    outcome="Share of stable remitters who relapsed while continuing esketamine.",
    value=0.267,
    scale=Scale.SHARE,
    source=SUSTAIN_1.source,
)

SUSTAIN_1_RELAPSE_WITHDRAW = Target(
    id="sustain1_relapse_withdraw",
    study="SUSTAIN-1 (Daly et al. 2019)",
    design=SUSTAIN_1.design,
    outcome="Share of stable remitters who relapsed after switching to placebo.",
    value=0.453,
    scale=Scale.SHARE,
    source=SUSTAIN_1.source,
)

#: The targets the calibration report checks, in the order it shows them.
CALIBRATION_TARGETS: tuple[Target, ...] = (
    KARE_THERAPY_VS_EDUCATION,
    KARE_KETAMINE_VS_SALINE,
    KARE_KETAMINE_THERAPY_LEVEL,
    DAKWAR_2019,
    DAKWAR_2019_CONTROL,
    HULL_2022,
    SUSTAIN_1,
    SUSTAIN_1_RELAPSE_CONTINUE,
    SUSTAIN_1_RELAPSE_WITHDRAW,
)


@dataclass(frozen=True)
class PredictionAnchor:
    """A published accuracy for predicting lapses from self-reports (for context)."""

    study: str
    setting: str
    auroc: str
    source: str


#: Published AUROCs for lapse prediction from self-report (evidence section 2). These
#: studies used richer data (several prompts a day, many features); they show what
#: such prediction has reached, not a bar Attune's simple points score must meet.
EMA_ANCHORS: tuple[PredictionAnchor, ...] = (
    PredictionAnchor(
        study="Wyant et al. 2024",
        setting="N=151 adults with AUD, EMA 4 times a day for up to 3 months; next week",
        auroc="median 0.89 (next day 0.90, next hour 0.93)",
        source="J Psychopathol Clin Sci 133:527 (PubMed 39172368)",
    ),
    PredictionAnchor(
        study="Curtin lab, lagged prediction",
        setting="24-hour lapse window predicted 1 day to 2 weeks ahead",
        auroc="median 0.85 to 0.91, falling slightly with lag",
        source="github.com/jjcurtin/study_lag",
    ),
    PredictionAnchor(
        study="Perski 2024 (smoking)",
        setting="N=38, 16 prompts a day for 10 days; group model applied to new people",
        auroc="median 0.639 (range 0.524 to 0.994); 0.899 within the group",
        source="PLOS Digit Health 2024",
    ),
)
