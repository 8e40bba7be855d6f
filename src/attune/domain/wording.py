"""Small helpers for sentences built from parts: "a" or "an" by the word that follows.

The choice goes by sound, approximated from spelling:

* a word starting with a vowel letter takes "an" ("an anxious-preoccupied pattern",
  "an admin"), except where that vowel sounds like "you" or "w" ("a user", "a unit",
  "a one-off", "a European");
* a word starting with a silent h takes "an" ("an hour", "an honest answer");
* an abbreviation spelt out letter by letter (written in capitals, like "PHQ-9" or
  "SSRI") goes by the name of its first letter: "an SSRI", "an ECR-R", "a PHQ-9";
* anything else takes "a".

Abbreviations read as words (such as AUDIT) follow the first letter's name rule too; for
AUDIT that gives the right "an".
"""

from __future__ import annotations

#: Starts of words whose vowel letter sounds like a consonant ("you", "w"). Narrow on
#: purpose: "uni" alone would also catch "an unimportant", "an uninvited".
_CONSONANT_SOUND = (
    "unic", "unif", "union", "uniq", "unis", "unit", "univ",
    "usa", "use", "usi", "usu", "uten", "uti", "ura", "ure", "uri", "uro",
    "eu", "ewe", "once", "one-",
)  # fmt: skip
#: Starts of words whose h is silent.
_SILENT_H = ("hour", "honest", "honour", "honor", "heir")
#: Letters whose spoken name starts with a vowel sound (eff, aitch, ell, em, en, ar, ess, ex).
_VOWEL_NAMED_LETTERS = frozenset("AEFHILMNORSX")


def _spelt_out(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def indefinite_article(phrase: str) -> str:
    """ "a" or "an" for the phrase that follows it (see the module docstring)."""
    word = phrase.strip().split(" ", 1)[0] if phrase.strip() else ""
    if not word:
        return "a"
    if _spelt_out(word):
        return "an" if word[0] in _VOWEL_NAMED_LETTERS else "a"
    lower = word.lower()
    if lower.startswith(_SILENT_H):
        return "an"
    if lower == "one" or lower.startswith(_CONSONANT_SOUND):
        return "a"
    return "an" if lower[0] in "aeiou" else "a"


def with_article(phrase: str, *, capital: bool = False) -> str:
    """The phrase after its article: ``with_article("anxious pattern")`` ->
    "an anxious pattern"; ``capital=True`` starts a sentence ("An admin")."""
    article = indefinite_article(phrase)
    if capital:
        article = article.capitalize()
    return f"{article} {phrase}"
