"""Ketamine-assisted psychotherapy (KAP): domain rules.

Public API so far::

    candidacy.screen(intake) -> Screen(outcome: Outcome, findings: tuple[Finding, ...], label)
        the PRELIMINARY candidacy screen from the intake: contraindications and cautions
        found, each with its reason, category and the intake field it came from. The full
        eligibility check and prescriber sign-off come with the KAP program.
"""

from attune.domain.kap.candidacy import (
    PRELIMINARY,
    Category,
    Finding,
    Outcome,
    Screen,
    Severity,
    screen,
)

__all__ = ["PRELIMINARY", "Category", "Finding", "Outcome", "Screen", "Severity", "screen"]
