"""Formulations and their versions as JSON-ready dicts, and back (strictly).

``from_dict`` accepts only the keys ``to_dict`` writes: an unknown key, a part that is
not a list of strings, or a bad role or time raises ValidationError naming the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from attune.domain.errors import ValidationError
from attune.domain.formulation.model import AuthorRole, Formulation, FormulationVersion, Part


def to_dict(formulation: Formulation) -> dict[str, list[str]]:
    return {part.value: list(formulation.part(part)) for part in Part}


def from_dict(data: Mapping[str, object]) -> Formulation:
    known = {p.value for p in Part}
    values: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        if key not in known:
            raise ValidationError(f"'{key}' is not a part of the cycle", field=key)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"'{key}' must be a list of texts", field=key)
        values[key] = tuple(str(v) for v in value)
    return Formulation(**values)


def version_to_dict(version: FormulationVersion) -> dict[str, object]:
    return {
        "number": version.number,
        "created_at": version.created_at.isoformat(),
        "author_role": version.author_role.value,
        "content": to_dict(version.content),
    }


def version_from_dict(data: Mapping[str, object]) -> FormulationVersion:
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValidationError("'number' must be a whole number from 1", field="number")
    created = data.get("created_at")
    try:
        created_at = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        created_at = None
    if created_at is None or created_at.tzinfo is None:
        raise ValidationError("'created_at' must be an ISO time with a zone", field="created_at")
    try:
        role = AuthorRole(data.get("author_role"))
    except ValueError:
        choices = ", ".join(r.value for r in AuthorRole)
        raise ValidationError(
            f"'author_role' must be one of {choices}", field="author_role"
        ) from None
    content = data.get("content")
    if not isinstance(content, Mapping):
        raise ValidationError("'content' must be an object", field="content")
    return FormulationVersion(number, created_at, role, from_dict(content))
