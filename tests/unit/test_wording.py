"""'a' or 'an' by the word that follows, for sentences built from parts."""

from __future__ import annotations

import pytest

from attune.domain.wording import indefinite_article, with_article


@pytest.mark.parametrize(
    ("phrase", "article"),
    [
        ("anxious-preoccupied pattern", "an"),
        ("secure pattern", "a"),
        ("dismissive-avoidant pattern", "a"),
        ("fearful-avoidant pattern", "a"),
        ("admin", "an"),
        ("clinician", "a"),
        ("patient", "a"),
        ("evening group", "an"),
        ("idea", "an"),
        ("open intake", "an"),
        ("unimportant detail", "an"),
        ("urge", "an"),
        # A vowel letter that sounds like "you" or "w".
        ("user", "a"),
        ("unit", "a"),
        ("usual day", "a"),
        ("European clinic", "a"),
        ("one-off assignment", "a"),
        ("one", "a"),
        # A silent h.
        ("hour", "an"),
        ("honest answer", "an"),
        ("habit", "a"),
        # Abbreviations spelt out go by the name of their first letter.
        ("PHQ-9 score", "a"),
        ("GAD-7", "a"),
        ("ECR-R", "an"),
        ("SSRI", "an"),
        ("AUDIT", "an"),
        ("DAST-10", "a"),
        ("IGDS9-SF", "an"),
        # Lower-case instrument ids read as words.
        ("audit", "an"),
        ("phq9", "a"),
        ("ecrr", "an"),
        ("", "a"),
    ],
)
def test_the_article_goes_by_the_following_word(phrase: str, article: str) -> None:
    assert indefinite_article(phrase) == article


def test_with_article_puts_it_in_front_and_can_start_a_sentence() -> None:
    assert with_article("anxious-preoccupied") == "an anxious-preoccupied"
    assert with_article("secure") == "a secure"
    assert with_article("admin", capital=True) == "An admin"
    assert with_article("patient", capital=True) == "A patient"
