"""The daily check-in: how the day went, in under thirty seconds.

A patient answers once per day of their own calendar (``day`` is the date where they
live). Four 0–10 ratings (mood, stress, loneliness, craving), whether they used (and
what, how much), trigger and coping tags with optional words, sleep, and one safety
question. :func:`checkin_errors` lists every problem as ``(field, message)`` so a form can
show each one beside its field; :func:`validate_checkin` raises them together.

The safety question is asked every day. Any answer other than :attr:`Safety.NONE` means
the patient has had thoughts of ending their life or of hurting themselves: a clinician
is alerted at once and the patient is shown the clinic's crisis resources
(:func:`needs_safety_alert`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import Enum

from attune.domain.intake.model import AddictionType, AmountUnit
from attune.domain.kap import checks

RATING_MIN = 0
RATING_MAX = 10
SLEEP_HOURS_MAX = 24.0
SLEEP_QUALITY_MAX = 4
MAX_TAGS = 12
MAX_NOTE = checks.MAX_LONG_TEXT


class Safety(Enum):
    """Thoughts of ending one's life or of self-harm today."""

    NONE = "none"
    #: Thoughts, without a plan or intention to act on them.
    THOUGHTS = "thoughts"
    #: Thoughts with a feeling that they might act on them.
    MIGHT_ACT = "might_act"


#: What came before a hard moment. Tags are stable ids; labels are for people.
TRIGGERS: dict[str, str] = {
    "alone": "Being alone",
    "conflict": "Conflict or an argument",
    "rejected": "Feeling rejected or left out",
    "criticised": "Feeling criticised or judged",
    "work_stress": "Work or money pressure",
    "tired": "Tired or run down",
    "bored": "Bored or empty",
    "pain": "Physical pain",
    "cue": "Saw or was offered it",
    "celebration": "A celebration or social event",
    "memories": "Hard memories",
    "family": "Family contact",
}

#: What the patient did that helped, or tried to.
COPING: dict[str, str] = {
    "reached_out": "Reached out to someone",
    "breathwork": "Breathing or breathwork",
    "movement": "A walk or exercise",
    "meeting": "A group or meeting",
    "urge_surfing": "Rode out the urge",
    "journaling": "Wrote it down",
    "rest": "Ate, rested or slept",
    "delay": "Waited before deciding",
    "left_situation": "Left the situation",
    "self_kindness": "Spoke kindly to myself",
    "therapy_skill": "Used a skill from therapy",
}


@dataclass(frozen=True)
class Use:
    """One addiction used today, with an optional amount."""

    what: AddictionType
    amount: float | None = None
    unit: AmountUnit | None = None
    detail: str = ""


@dataclass(frozen=True)
class CheckIn:
    """One day's check-in. Ratings are 0–10 (10 = most: best mood, most stress …)."""

    day: date
    mood: int
    stress: int
    loneliness: int
    craving: int
    #: Empty when the patient did not use today.
    uses: tuple[Use, ...] = ()
    triggers: tuple[str, ...] = ()
    trigger_note: str = ""
    coping: tuple[str, ...] = ()
    sleep_hours: float | None = None
    #: 0 very poor … 4 very good.
    sleep_quality: int | None = None
    safety: Safety = Safety.NONE
    note: str = ""

    @property
    def used(self) -> bool:
        return bool(self.uses)


@dataclass(frozen=True)
class StoredCheckIn:
    """A check-in as saved: who, when first saved and when last changed (UTC)."""

    id: int
    patient_id: int
    checkin: CheckIn
    created_at: datetime
    updated_at: datetime


RATINGS = ("mood", "stress", "loneliness", "craving")


def _rating_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"Choose a whole number from {RATING_MIN} to {RATING_MAX}."
    if not RATING_MIN <= value <= RATING_MAX:
        return f"Choose a number from {RATING_MIN} to {RATING_MAX} (got {value})."
    return None


def _tags_problem(tags: tuple[str, ...], known: dict[str, str]) -> str | None:
    unknown = [t for t in tags if t not in known]
    if unknown:
        return f"Unknown choice {unknown[0]!r}; choose from the list."
    if len(set(tags)) != len(tags):
        return "A choice is listed twice."
    if len(tags) > MAX_TAGS:
        return f"Choose at most {MAX_TAGS}."
    return None


def _use_errors(uses: tuple[Use, ...]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []
    seen: set[tuple[AddictionType, str]] = set()
    for i, use in enumerate(uses):
        key = (use.what, use.detail.strip().lower())
        if key in seen:
            errors.append((f"uses.{i}.what", f"{use.what.value} is listed twice."))
        seen.add(key)
        if use.amount is not None:
            if not math.isfinite(use.amount) or use.amount < 0:
                errors.append((f"uses.{i}.amount", "The amount is a number of 0 or more."))
            elif use.unit is None:
                errors.append((f"uses.{i}.unit", "Say what the amount is in (the unit)."))
        if problem := checks.text_problem(use.detail, checks.MAX_SHORT_TEXT, required=False):
            errors.append((f"uses.{i}.detail", problem))
        elif use.what.is_other and not use.detail.strip():
            errors.append((f"uses.{i}.detail", "Say what the “other” is."))
    return errors


def checkin_errors(checkin: CheckIn, today: date) -> checks.FieldErrors:
    """Every problem with a check-in, as ``(field, message)``; empty when it can be saved.

    ``today`` is the patient's own date: a check-in is for today or an earlier day, never
    a day still to come.
    """
    errors: list[tuple[str, str]] = []
    if checkin.day > today:
        errors.append(("day", "A check-in cannot be for a day that has not come yet."))
    for name in RATINGS:
        if problem := _rating_problem(getattr(checkin, name)):
            errors.append((name, problem))
    errors.extend(_use_errors(checkin.uses))
    if problem := _tags_problem(checkin.triggers, TRIGGERS):
        errors.append(("triggers", problem))
    if problem := _tags_problem(checkin.coping, COPING):
        errors.append(("coping", problem))
    if problem := checks.text_problem(checkin.trigger_note, MAX_NOTE, required=False):
        errors.append(("trigger_note", problem))
    if problem := checks.text_problem(checkin.note, MAX_NOTE, required=False):
        errors.append(("note", problem))
    hours = checkin.sleep_hours
    if hours is not None and (not math.isfinite(hours) or not 0 <= hours <= SLEEP_HOURS_MAX):
        errors.append(("sleep_hours", f"Hours of sleep are from 0 to {SLEEP_HOURS_MAX:g}."))
    quality = checkin.sleep_quality
    if quality is not None and (
        isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 4
    ):
        errors.append(("sleep_quality", f"Sleep quality is from 0 to {SLEEP_QUALITY_MAX}."))
    return tuple(errors)


def validate_checkin(checkin: CheckIn, today: date) -> CheckIn:
    """Return the check-in unchanged, or raise FormErrors naming every problem."""
    checks.raise_if_any(checkin_errors(checkin, today))
    return checkin


def needs_safety_alert(checkin: CheckIn) -> bool:
    """Any sign of suicidal thoughts or self-harm raises a high-priority alert at once."""
    return checkin.safety is not Safety.NONE


def local_day(now: datetime, tz: tzinfo) -> date:
    """The patient's calendar date at ``now`` (an aware UTC time)."""
    return now.astimezone(tz).date()


def editable_until(day: date, tz: tzinfo) -> datetime:
    """The moment a day's check-in closes: the patient's next local midnight, as UTC."""
    midnight = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz)
    return midnight.astimezone(UTC)


def is_editable(day: date, now: datetime, tz: tzinfo) -> bool:
    """Today's check-in may be changed until local midnight; earlier days are closed."""
    return now < editable_until(day, tz) and local_day(now, tz) == day
