"""Streaks: counted by hand, and told without guilt."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from attune.domain.monitoring.streaks import Streak, streak_of, streak_words

MARCH = [date(2026, 3, d) for d in (1, 2, 3, 5, 6, 7, 8)]

#: Words that blame or count what was not done.
GUILT = re.compile(r"\b(broke|broken|break|lost|failed|fail|miss(ed)?|only|streak ended)\b", re.I)


def test_counted_by_hand() -> None:
    s = streak_of(MARCH, date(2026, 3, 8))
    assert s == Streak(current=4, longest=4, last_7=6, last_30=7, today_done=True)


def test_today_stays_open_until_it_ends() -> None:
    s = streak_of(MARCH, date(2026, 3, 9))
    assert s.current == 4 and not s.today_done
    assert streak_of(MARCH, date(2026, 3, 10)).current == 0


def test_the_longest_run_and_future_days() -> None:
    days = [date(2026, 1, 1) + timedelta(days=i) for i in range(10)] + [date(2026, 2, 1)]
    s = streak_of([*days, date(2026, 2, 2)], date(2026, 2, 1))  # 2 Feb is after today
    # The last 30 days run from 3 January: 3–10 January (8 days) and 1 February.
    assert s.longest == 10 and s.current == 1 and s.last_30 == 9 and s.last_7 == 1


@pytest.mark.parametrize(
    "streak",
    [
        Streak(0, 0, 0, 0, False),
        Streak(0, 5, 0, 3, False),
        Streak(1, 1, 1, 1, True),
        Streak(1, 9, 3, 12, True),
        Streak(6, 6, 6, 20, True),
        Streak(6, 11, 6, 20, False),
    ],
)
def test_words_are_warm_and_never_count_what_was_not_done(streak: Streak) -> None:
    words = streak_words(streak)
    assert words and not GUILT.search(words)


def test_words_by_case() -> None:
    assert "6 days in a row" in streak_words(Streak(6, 11, 6, 20, True))
    assert "longest run so far is 11 days" in streak_words(Streak(6, 11, 6, 20, True))
    assert "Thank you for checking in today" in streak_words(Streak(1, 9, 3, 12, True))
    assert "3 days this past month" in streak_words(Streak(0, 5, 0, 3, False))
    assert "1 day in the last week" in streak_words(Streak(1, 1, 1, 1, True))
