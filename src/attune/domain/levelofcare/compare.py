"""Describe what changed between two recommendations, so the clinician sees it.

A new recommendation is never applied silently: the service stores it next to the
accepted one and shows this change for the clinician to accept or override.
"""

from __future__ import annotations

from attune.domain.levelofcare.model import Change, DimensionChange, Recommendation


def _name(value: str) -> str:
    return value.replace("_", " ")


def compare(previous: Recommendation, current: Recommendation) -> Change | None:
    """None when the level, every dimension rating and the safety actions are the same
    (a new rules version alone is not a change to show); else what changed."""
    before, after = previous.ratings, current.ratings
    dimensions = tuple(
        DimensionChange(d, before.get(d, 0), after.get(d, 0))
        for d in dict.fromkeys([*before, *after])
        if before.get(d, 0) != after.get(d, 0)
    )
    added = tuple(a for a in current.actions if a not in previous.actions)
    removed = tuple(a for a in previous.actions if a not in current.actions)
    if previous.level is current.level and not dimensions and not added and not removed:
        return None
    summary: list[str] = []
    if previous.level is not current.level:
        direction = "more" if current.level > previous.level else "less"
        summary.append(
            f"The suggested level changed from {_name(previous.level.value)} to "
            f"{_name(current.level.value)} ({direction} intensive)."
        )
    for c in dimensions:
        verb = "rose" if c.after > c.before else "fell"
        summary.append(
            f"{_name(c.dimension.value).capitalize()} {verb} from {c.before} to {c.after}."
        )
    summary += [f"New safety action: {_name(a.value)}." for a in added]
    summary += [f"Safety action no longer triggered: {_name(a.value)}." for a in removed]
    if previous.rules_version != current.rules_version:
        summary.append(
            f"The rules changed from version {previous.rules_version} to {current.rules_version}."
        )
    return Change(
        level_before=previous.level,
        level_after=current.level,
        dimensions=dimensions,
        actions_added=added,
        actions_removed=removed,
        rules_version_before=previous.rules_version,
        rules_version_after=current.rules_version,
        summary=tuple(summary),
    )
