"""The cycle as plain frozen data: a case formulation filled in together.

A :class:`Formulation` holds, for each :class:`Part` of the cycle, the entries the
clinician and patient wrote, in the order they wrote them, as a tuple of short texts:

triggers (``situations`` and ``relational`` events) → ``feelings`` → ``urge`` →
``behaviour`` → short-term ``relief`` → longer-term ``cost`` → back to the triggers;
in the middle, what the behaviour ``soothes`` or solves; leading out of the ring, the
``alternatives`` to practise.

A :class:`FormulationVersion` is one saved formulation with its number, when it was saved
and who wrote it. Versions are never edited: a change is saved as the next version
(:mod:`.versions`), so earlier formulations stay readable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

#: The longest single entry, in characters.
MAX_ENTRY_CHARS = 200
#: The most entries one part may hold.
MAX_ENTRIES = 8


class Part(Enum):
    """The parts of the cycle, in the order the form asks for them."""

    SITUATIONS = "situations"
    RELATIONAL = "relational"
    FEELINGS = "feelings"
    URGE = "urge"
    BEHAVIOUR = "behaviour"
    RELIEF = "relief"
    COST = "cost"
    SOOTHES = "soothes"
    ALTERNATIVES = "alternatives"


#: The two kinds of trigger.
TRIGGER_PARTS = (Part.SITUATIONS, Part.RELATIONAL)


@dataclass(frozen=True)
class Formulation:
    """The cycle's entries, part by part. Every part may be empty while it is being drafted;
    :func:`attune.domain.formulation.validation.validate` says what saving needs."""

    situations: tuple[str, ...] = ()
    relational: tuple[str, ...] = ()
    feelings: tuple[str, ...] = ()
    urge: tuple[str, ...] = ()
    behaviour: tuple[str, ...] = ()
    relief: tuple[str, ...] = ()
    cost: tuple[str, ...] = ()
    soothes: tuple[str, ...] = ()
    alternatives: tuple[str, ...] = ()

    def part(self, part: Part) -> tuple[str, ...]:
        entries: tuple[str, ...] = getattr(self, part.value)
        return entries

    @property
    def triggers(self) -> tuple[str, ...]:
        """Situations, then relational events."""
        return self.situations + self.relational

    @property
    def is_empty(self) -> bool:
        return not any(self.part(p) for p in Part)


class AuthorRole(Enum):
    """Who wrote a version: the clinician, the patient, or both in a session together."""

    CLINICIAN = "clinician"
    PATIENT = "patient"
    TOGETHER = "together"


@dataclass(frozen=True)
class FormulationVersion:
    """One saved formulation. ``number`` counts from 1; ``created_at`` is aware UTC."""

    number: int
    created_at: datetime
    author_role: AuthorRole
    content: Formulation
