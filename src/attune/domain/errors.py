"""The one tree of domain errors.

::

    DomainError                       something the user or caller can fix; never a 500
    ├── ValidationError               input that breaks a rule; names the field
    │   ├── InvalidAnswer             an answer outside an item's allowed values
    │   ├── UnknownItem               an answer for an item the instrument does not have
    │   └── InvalidDefinition         an instrument or Questionnaire file that cannot be used
    ├── NotFound                      no such record (or not visible to this user)
    │   └── UnknownInstrument         no instrument with that id
    ├── PermissionDenied              the user may not do this
    ├── AuthenticationFailed          wrong credentials or an ended session (generic message)
    └── Conflict                      the request clashes with the current state

The web layer maps each branch to one HTTP status (web/errors.py); the CLI prints the
message and exits non-zero.
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error Attune raises on purpose."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(DomainError):
    """Input that breaks a rule. ``field`` names what is wrong."""


class InvalidAnswer(ValidationError):
    """An answer outside the item's allowed values."""


class UnknownItem(ValidationError):
    """An answer for an item the instrument does not have."""


class InvalidDefinition(ValidationError):
    """An instrument definition or FHIR Questionnaire that cannot be used."""


class NotFound(DomainError):
    """No such record, or not one this user may see."""


class UnknownInstrument(NotFound):
    """No instrument with that id."""


class PermissionDenied(DomainError):
    """The user may not do this."""


class AuthenticationFailed(DomainError):
    """Wrong credentials or an expired session. The message never says which."""


class Conflict(DomainError):
    """The request clashes with the current state of a record."""
