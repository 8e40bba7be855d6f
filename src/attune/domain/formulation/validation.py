"""Check a formulation before it is saved, and read one from a form's lines.

:func:`validate` lists every problem (never only the first) as ``(field, message)``
pairs, the field naming the part and, for one entry, its position:
``situations[2]``, ``behaviour``, ``triggers``. :func:`require_valid` raises them all at
once as :class:`~attune.domain.errors.FormErrors`, so the web can show each message next
to its field and keep everything the person typed.

To be saved a formulation needs at least one trigger (a situation or a relational event)
and the behaviour; every entry must be non-blank, at most :data:`MAX_ENTRY_CHARS`
characters, free of control characters and not repeated within its part; a part holds
at most :data:`MAX_ENTRIES` entries.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from attune.domain.errors import FormErrors, ValidationError
from attune.domain.formulation.model import (
    MAX_ENTRIES,
    MAX_ENTRY_CHARS,
    Formulation,
    Part,
)

FieldErrors = tuple[tuple[str, str], ...]


def _bad_character(text: str) -> str | None:
    for char in text:
        if unicodedata.category(char) in ("Cc", "Cs") or char in "\ufffe\uffff":
            return f"U+{ord(char):04X}"
    return None


def normalise(text: str) -> str:
    """Collapse runs of whitespace to one space and trim the ends."""
    return " ".join(text.split())


def _entry_errors(part: Part, index: int, entry: str) -> list[tuple[str, str]]:
    field = f"{part.value}[{index}]"
    if not entry.strip():
        return [(field, "This line is empty: write something here or remove it.")]
    errors: list[tuple[str, str]] = []
    if len(entry) > MAX_ENTRY_CHARS:
        errors.append(
            (
                field,
                f"Please keep each line to {MAX_ENTRY_CHARS} characters or fewer "
                f"(this one has {len(entry)}).",
            )
        )
    bad = _bad_character(entry)
    if bad is not None:
        errors.append((field, f"This line has a control character ({bad}) that cannot be saved."))
    return errors


def validate(formulation: Formulation) -> FieldErrors:
    """Every problem with the formulation, in form order; empty when it can be saved."""
    errors: list[tuple[str, str]] = []
    for part in Part:
        entries = formulation.part(part)
        if len(entries) > MAX_ENTRIES:
            errors.append(
                (
                    part.value,
                    f"Please keep to {MAX_ENTRIES} lines or fewer here (there are "
                    f"{len(entries)}); the most important ones are enough.",
                )
            )
        seen: dict[str, int] = {}
        for index, entry in enumerate(entries):
            problems = _entry_errors(part, index, entry)
            errors.extend(problems)
            key = normalise(entry).casefold()
            if not problems and key in seen:
                errors.append(
                    (
                        f"{part.value}[{index}]",
                        f"This repeats line {seen[key] + 1}; each line only needs to be "
                        "written once.",
                    )
                )
            seen.setdefault(key, index)
    if not formulation.triggers:
        errors.append(
            (
                "triggers",
                "Add at least one trigger: a situation or something that happened "
                "between you and someone else.",
            )
        )
    if not formulation.behaviour:
        errors.append(("behaviour", "Add the behaviour: what you do when the urge comes."))
    return tuple(errors)


def require_valid(formulation: Formulation) -> Formulation:
    """Return the formulation unchanged, or raise FormErrors listing every problem."""
    errors = validate(formulation)
    if errors:
        raise FormErrors(errors)
    return formulation


def from_lines(parts: Mapping[str, str]) -> Formulation:
    """A formulation from a form: one text per part, one entry per line.

    Blank lines are dropped and whitespace inside a line is collapsed; a key that names
    no part raises ValidationError naming it. The result still needs :func:`validate`.
    """
    known = {p.value for p in Part}
    values: dict[str, tuple[str, ...]] = {}
    for key, text in parts.items():
        if key not in known:
            raise ValidationError(
                f"'{key}' is not a part of the cycle (parts: {', '.join(sorted(known))})",
                field=key,
            )
        values[key] = tuple(n for line in text.splitlines() if (n := normalise(line)))
    return Formulation(**values)
