"""Versions of a formulation: save the next one, read any earlier one, see what changed.

Nothing here edits a saved version. :func:`next_version` checks the new content and
returns the version that follows the latest; :func:`get_version` reads any earlier one;
:func:`diff` says, part by part, which entries were added and which removed between two
formulations (an entry reworded counts as one removed and one added).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from attune.domain.errors import Conflict, NotFound, ValidationError
from attune.domain.formulation.model import (
    AuthorRole,
    Formulation,
    FormulationVersion,
    Part,
)
from attune.domain.formulation.validation import normalise, require_valid


@dataclass(frozen=True)
class PartChange:
    """What changed in one part: entries added and removed, each in its own order.

    ``reordered`` is True when the part holds the same entries in another order, or with
    only their case or spacing changed (nothing added or removed).
    """

    part: Part
    added: tuple[str, ...]
    removed: tuple[str, ...]
    reordered: bool = False


@dataclass(frozen=True)
class FormulationDiff:
    """The changes between two formulations, only for parts that changed, in form order."""

    changes: tuple[PartChange, ...]
    old_number: int | None = None
    new_number: int | None = None

    @property
    def unchanged(self) -> bool:
        return not self.changes

    def of(self, part: Part) -> PartChange:
        """The change to one part (empty added/removed when it did not change)."""
        return next((c for c in self.changes if c.part is part), PartChange(part, (), ()))


def _check_time(created_at: datetime) -> None:
    if created_at.tzinfo is None or created_at.utcoffset() != timedelta(0):
        raise ValidationError("created_at must be a timezone-aware UTC time", field="created_at")


def latest(versions: Sequence[FormulationVersion]) -> FormulationVersion | None:
    return max(versions, key=lambda v: v.number, default=None)


def next_version(
    versions: Sequence[FormulationVersion],
    content: Formulation,
    *,
    created_at: datetime,
    author_role: AuthorRole,
) -> FormulationVersion:
    """The version after the latest of ``versions`` (version 1 when there are none).

    Raises FormErrors when the content cannot be saved, ValidationError when the time is
    not aware UTC or earlier than the latest version's, and Conflict when nothing changed.
    """
    require_valid(content)
    _check_time(created_at)
    previous = latest(versions)
    if previous is None:
        return FormulationVersion(1, created_at, author_role, content)
    if created_at < previous.created_at:
        raise ValidationError(
            f"created_at is earlier than version {previous.number}", field="created_at"
        )
    if content == previous.content:
        raise Conflict(f"Nothing has changed since version {previous.number}.")
    return FormulationVersion(previous.number + 1, created_at, author_role, content)


def get_version(versions: Sequence[FormulationVersion], number: int) -> FormulationVersion:
    """One earlier (or the latest) version, by number, or NotFound naming it."""
    for version in versions:
        if version.number == number:
            return version
    raise NotFound(f"There is no version {number} of this formulation.", field="version")


def _key(entry: str) -> str:
    return normalise(entry).casefold()


def diff(old: Formulation, new: Formulation) -> FormulationDiff:
    """Entries added and removed, part by part.

    Entries are matched ignoring case and spacing; a part whose entries match but differ
    in order or wording is reported as ``reordered``.
    """
    changes: list[PartChange] = []
    for part in Part:
        before, after = old.part(part), new.part(part)
        before_keys = {_key(e) for e in before}
        after_keys = {_key(e) for e in after}
        added = tuple(e for e in after if _key(e) not in before_keys)
        removed = tuple(e for e in before if _key(e) not in after_keys)
        if added or removed:
            changes.append(PartChange(part, added, removed))
        elif before != after:
            changes.append(PartChange(part, (), (), reordered=True))
    return FormulationDiff(tuple(changes))


def diff_versions(old: FormulationVersion, new: FormulationVersion) -> FormulationDiff:
    """:func:`diff` between two saved versions, carrying their numbers."""
    changes = diff(old.content, new.content).changes
    return FormulationDiff(changes, old.number, new.number)
