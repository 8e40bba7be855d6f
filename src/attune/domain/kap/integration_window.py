"""The integration window after each dose, and what an integration session records.

By default the integration session falls 24 to 72 hours after a dose (the program's
template; clinic-configurable in :class:`WindowSettings`). :func:`integration_window`
gives the window, :func:`window_status` where a dose stands (not yet open, open,
overdue, or held early, in time or late) and :func:`overdue` which doses' sessions are
overdue now.

An :class:`IntegrationNote` records the session: insights and commitments in the
patient's words, the prompts used and the measures taken (by response id), linked to
the dose it follows. A :class:`JournalEntry` is the patient's writing to one prompt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TypeVar

from attune.domain.errors import ValidationError
from attune.domain.kap import checks

K = TypeVar("K")
MAX_ITEMS = 10


@dataclass(frozen=True)
class WindowSettings:
    opens_after_hours: int = 24
    closes_after_hours: int = 72

    def __post_init__(self) -> None:
        if not 0 <= self.opens_after_hours < self.closes_after_hours <= 24 * 14:
            raise ValidationError(
                "The integration window must open before it closes, within two weeks of the dose.",
                field="closes_after_hours",
            )


@dataclass(frozen=True)
class IntegrationWindow:
    opens: datetime
    closes: datetime

    def contains(self, at: datetime) -> bool:
        return self.opens <= at <= self.closes


class WindowStatus(Enum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    OVERDUE = "overdue"
    HELD_EARLY = "held_early"
    HELD_IN_WINDOW = "held_in_window"
    HELD_LATE = "held_late"


def integration_window(dosed_at: datetime, settings: WindowSettings) -> IntegrationWindow:
    return IntegrationWindow(
        dosed_at + timedelta(hours=settings.opens_after_hours),
        dosed_at + timedelta(hours=settings.closes_after_hours),
    )


def window_status(
    window: IntegrationWindow, now: datetime, held_at: datetime | None = None
) -> WindowStatus:
    if held_at is not None:
        if held_at < window.opens:
            return WindowStatus.HELD_EARLY
        return WindowStatus.HELD_IN_WINDOW if held_at <= window.closes else WindowStatus.HELD_LATE
    if now < window.opens:
        return WindowStatus.NOT_YET_OPEN
    return WindowStatus.OPEN if now <= window.closes else WindowStatus.OVERDUE


def overdue(
    doses: Iterable[tuple[K, datetime, datetime | None]], now: datetime, settings: WindowSettings
) -> tuple[K, ...]:
    """The keys of doses (key, dosed_at, integration held_at or None) whose integration
    session is overdue at ``now``, oldest dose first."""
    late = [
        (dosed_at, key)
        for key, dosed_at, held_at in doses
        if window_status(integration_window(dosed_at, settings), now, held_at)
        is WindowStatus.OVERDUE
    ]
    return tuple(key for _, key in sorted(late, key=lambda pair: pair[0]))


@dataclass(frozen=True)
class IntegrationNote:
    #: The dosing session this integration follows.
    dose_id: str
    held_at: datetime
    insights: tuple[str, ...] = ()
    commitments: tuple[str, ...] = ()
    prompt_ids: tuple[str, ...] = ()
    #: Questionnaire responses taken at this session (session-level measures).
    response_ids: tuple[str, ...] = ()
    note: str = ""


def note_errors(note: IntegrationNote, dosed_at: datetime, now: datetime) -> checks.FieldErrors:
    """Why a note cannot be saved, each named by its field. A session may be held outside
    the window (that is shown, not refused) but never before the dose or in the future."""
    errors: list[tuple[str, str]] = []
    if not note.dose_id.strip():
        errors.append(("dose_id", "Choose the dose this integration session follows."))
    if problem := checks.time_problem(note.held_at):
        errors.append(("held_at", problem))
    elif note.held_at < dosed_at:
        errors.append(("held_at", "An integration session comes after its dose."))
    elif note.held_at > now + timedelta(minutes=1):
        errors.append(("held_at", "This is in the future; please check the time."))
    for name in ("insights", "commitments"):
        entries: tuple[str, ...] = getattr(note, name)
        if len(entries) > MAX_ITEMS:
            errors.append((name, f"Please keep to {MAX_ITEMS} or fewer."))
        for i, entry in enumerate(entries):
            if problem := checks.text_problem(entry, checks.MAX_SHORT_TEXT * 2):
                errors.append((f"{name}[{i}]", problem))
    if not note.insights and not note.commitments:
        errors.append(("insights", "Write at least one insight or commitment."))
    if problem := checks.text_problem(note.note, checks.MAX_LONG_TEXT, required=False):
        errors.append(("note", problem))
    return tuple(errors)


@dataclass(frozen=True)
class JournalEntry:
    prompt_id: str
    written_at: datetime
    text: str
    #: The prompt as the patient saw it (a cycle prompt quotes their own words).
    prompt_text: str = ""


MAX_JOURNAL_CHARS = 10_000


def journal_errors(entry: JournalEntry, now: datetime) -> checks.FieldErrors:
    errors: list[tuple[str, str]] = []
    if problem := checks.time_problem(entry.written_at):
        errors.append(("written_at", problem))
    elif entry.written_at > now + timedelta(minutes=1):
        errors.append(("written_at", "This is in the future; please check the time."))
    if problem := checks.text_problem(entry.text, MAX_JOURNAL_CHARS):
        errors.append(("text", problem))
    return tuple(errors)
