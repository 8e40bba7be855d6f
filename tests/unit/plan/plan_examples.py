"""A realistic plan shared by the plan and CarePlan tests."""

from __future__ import annotations

from datetime import date

from attune.domain.levelofcare import Level
from attune.domain.plan import (
    Aftercare,
    Comparison,
    FollowUp,
    Goal,
    KapCandidacySummary,
    Modality,
    Target,
    TreatmentPlan,
)

TODAY = date(2026, 3, 2)


def example_plan() -> TreatmentPlan:
    return TreatmentPlan(
        goals=(
            Goal(
                "I want to stop feeling so low every morning",
                Target("phq9", Comparison.BELOW, 10, date(2026, 6, 1)),
            ),
            Goal(
                "Drink less, and not at all on work nights",
                Target("audit", Comparison.AT_OR_BELOW, 7, date(2026, 9, 1)),
            ),
            Goal(
                "Feel less panicky when my partner goes quiet",
                Target("ecrr", Comparison.BELOW, 4.5, date(2026, 12, 1), subscale="anxiety"),
            ),
        ),
        review_on=date(2026, 6, 1),
        modalities=(
            Modality.MOTIVATIONAL_INTERVIEWING,
            Modality.CBT,
            Modality.ATTACHMENT_BASED,
            Modality.GROUP,
        ),
        level_of_care=Level.OUTPATIENT,
        kap=KapCandidacySummary(
            "no contraindication found",
            ("Blood pressure is controlled", "No history of psychosis or mania"),
        ),
        aftercare=Aftercare(
            support_groups=("Tuesday evening peer group",),
            sober_community=("Recovery running club",),
            follow_up=FollowUp(every_weeks=4, starts_on=date(2026, 6, 8), occasions=6),
            notes="Keep the Sunday check-in going",
        ),
        addresses=("Alcohol", "Low mood"),
        description="Outpatient plan agreed at intake review",
    )
