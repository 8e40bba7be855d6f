"""The insight engine's words for the patient: plain, warm, honest about uncertainty.

A pattern is told as something that *tended to* happen in the person's own check-ins,
with its likely range, never as a cause or a diagnosis. When the check-ins cannot tell,
the words say so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

#: How a state's "higher than usual" reads, and its unit.
_STATE_WORDS: dict[str, tuple[str, str, str]] = {
    # id: (higher than usual, unit, subject for "we can't tell whether …")
    "mood": ("your mood was better than usual", "point of mood", "your mood"),
    "stress": ("you felt more stressed than usual", "point of stress", "stress"),
    "loneliness": ("you felt lonelier than usual", "point of loneliness", "loneliness"),
    "craving": ("your craving was stronger than usual", "point of craving", "craving"),
    "sleep_hours": ("you slept longer than usual", "hour of sleep", "how long you slept"),
    "sleep_quality": ("you slept better than usual", "step of sleep quality", "how you slept"),
}


class _Clear(Protocol):
    @property
    def clear(self) -> bool: ...


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _amount(value: float) -> str:
    return f"{abs(value):.1f} point{'' if round(abs(value), 1) == 1.0 else 's'}"


def _range(outcome: str, low: float, high: float) -> str:
    a, b = sorted((abs(low), abs(high)))
    if outcome == "use":
        return f"likely between {a * 100:.0f} and {b * 100:.0f}"
    return f"likely between {a:.1f} and {b:.1f}"


def _condition(predictor: str, label: str) -> tuple[str, str]:
    """("On days …" / "When …", what we can't tell about) for a predictor."""
    if predictor in _STATE_WORDS:
        higher, _, subject = _STATE_WORDS[predictor]
        return f"When {higher}", subject
    if predictor == "used":
        return "On days you used", "using"
    if predictor.startswith("coping:"):
        return f"On days you chose “{label}”", f"“{label}”"
    return f"On days with “{label}”", f"“{label}”"


def effect_words(
    predictor: str,
    label: str,
    outcome: str,
    estimate: float,
    low: float,
    high: float,
    clear: bool,
) -> str:
    """One pattern in a sentence or two."""
    condition, subject = _condition(predictor, label)
    next_day = "your craving the next day" if outcome == "craving" else "using the next day"
    if not clear:
        return (
            f"Your check-ins don't show yet whether {subject} makes a difference to "
            f"{next_day}; there is not enough to tell either way."
        )
    per = f" for each extra {_STATE_WORDS[predictor][1]}" if predictor in _STATE_WORDS else ""
    likely = _range(outcome, low, high)
    if outcome == "use":
        way = "more" if estimate >= 0 else "less"
        return (
            f"{condition}, using the next day was {way} common: on about "
            f"{abs(estimate) * 100:.0f} {way} days in every 100{per} ({likely})."
        )
    way = "higher" if estimate >= 0 else "lower"
    return f"{condition}, {next_day} tended to be {way}: about {_amount(estimate)}{per} ({likely})."


def weekday_words(name: str, difference: float, low: float, high: float, clear: bool) -> str:
    if not clear:
        return f"{name}s look much like your other days."
    way = "higher" if difference >= 0 else "lower"
    return (
        f"On {name}s your craving was usually {way} than on other days: about "
        f"{abs(difference):.1f} points ({_range('craving', low, high)})."
    )


def not_enough_words(checkins: int, needed: int) -> str:
    if checkins == 0:
        return (
            f"Once you have checked in on about {needed} days, this is where you will see "
            "what tends to come before cravings and what seems to help. There are no "
            "check-ins yet."
        )
    more = needed - checkins
    return (
        f"You have {checkins} check-in{'s' if checkins != 1 else ''} so far. Patterns "
        f"need about {needed} before they mean much, so we won't guess yet: about {more} "
        f"more day{'s' if more != 1 else ''} to go, whenever suits you."
    )


def summary_words(
    checkins: int,
    start: date,
    end: date,
    *families: Sequence[_Clear],
) -> str:
    clear = sum(1 for family in families for effect in family if effect.clear)
    opening = f"Based on {checkins} check-ins between {_day(start)} and {_day(end)}."
    if clear == 0:
        return (
            f"{opening} Nothing stands out clearly yet. That is common: day-to-day life is "
            "noisy, and more days make real patterns easier to see."
        )
    return (
        f"{opening} {clear} pattern{'s stand' if clear != 1 else ' stands'} out. They are "
        "patterns in your own check-ins, not proof that one thing causes another, and "
        "they may change as you add more days."
    )
