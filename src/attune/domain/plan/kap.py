"""The plan's KAP candidacy summary, taken from the preliminary screen.

The plan holds the screen as a summary (a status and the reasons as text) so that a
saved plan reads the same later, whatever the screen's rules become.
"""

from __future__ import annotations

from attune.domain.kap.candidacy import Outcome, Screen, Severity
from attune.domain.plan.model import KapCandidacySummary

STATUS_TEXT = {
    Outcome.NO_CONTRAINDICATIONS_FOUND: "No contraindications found",
    Outcome.CAUTIONS: "Cautions found",
    Outcome.CONTRAINDICATIONS_FOUND: "Contraindications found",
}
SEVERITY_TEXT = {Severity.CONTRAINDICATION: "Contraindication", Severity.CAUTION: "Caution"}


def kap_summary(screen: Screen) -> KapCandidacySummary:
    """The screen as the plan keeps it: contraindications first, then cautions."""
    ordered = (*screen.contraindications, *screen.cautions)
    reasons = tuple(f"{SEVERITY_TEXT[f.severity]}: {f.reason}" for f in ordered)
    return KapCandidacySummary(STATUS_TEXT[screen.outcome], reasons, screen.label)
