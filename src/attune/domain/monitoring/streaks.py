"""Days checked in, told without guilt.

A streak is shown to encourage, never to scold: the words count what was done, not what
was not, and a day without a check-in is never called a failure. Today still counts as
open until it ends, so a streak that reached yesterday is still the current streak.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Streak:
    #: Check-in days in a row up to today (or up to yesterday while today is open).
    current: int
    #: The most days in a row ever.
    longest: int
    #: Days with a check-in among the last 7 and the last 30 (today included).
    last_7: int
    last_30: int
    #: Whether today already has a check-in.
    today_done: bool


def streak_of(days: Iterable[date], today: date) -> Streak:
    """The streak from the days that have a check-in (days after ``today`` are ignored)."""
    done = {day for day in days if day <= today}
    today_done = today in done
    current = 0
    day = today if today_done else today - timedelta(days=1)
    while day in done:
        current += 1
        day -= timedelta(days=1)
    longest = run = 0
    previous: date | None = None
    for day in sorted(done):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    return Streak(
        current=current,
        longest=longest,
        last_7=sum(1 for d in done if (today - d).days < 7),
        last_30=sum(1 for d in done if (today - d).days < 30),
        today_done=today_done,
    )


def streak_words(streak: Streak) -> str:
    """A warm line about the streak. Counts what was done; never mentions what was not."""
    if streak.last_30 == 0:
        return (
            "Each check-in helps you and your clinician see how things are going. "
            "It takes about half a minute."
        )
    if streak.current >= 2:
        line = f"{streak.current} days in a row. That steadiness helps you see your patterns."
        if streak.longest > streak.current:
            line += f" Your longest run so far is {streak.longest} days."
        return line
    if streak.today_done:
        days = streak.last_7
        return (
            f"Thank you for checking in today. That makes {days} "
            f"day{'s' if days != 1 else ''} in the last week."
        )
    days = streak.last_30
    return (
        f"You have checked in on {days} day{'s' if days != 1 else ''} this past month. "
        "Whenever you are ready, today's check-in is here, and every one adds to the picture."
    )
