"""The one tree of domain errors.

::

    DomainError                       something the user or caller can fix; never a 500
    ├── ValidationError               input that breaks a rule; names the field
    │   ├── InvalidAnswer             an answer outside an item's allowed values
    │   ├── UnknownItem               an answer for an item the instrument does not have
    │   ├── InvalidDefinition         an instrument or Questionnaire file that cannot be used
    │   └── FormErrors                several answers on one form; ``errors`` lists each one
    ├── NotFound                      no such record (or not visible to this user)
    │   └── UnknownInstrument         no instrument with that id
    ├── PermissionDenied              the user may not do this
    ├── AuthenticationFailed          wrong credentials or an ended session (generic message)
    └── Conflict                      the request clashes with the current state
        └── StepRefused               a KAP course step that is unsafe or out of order

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


class FormErrors(ValidationError):
    """Several answers on one form break rules (the intake). ``errors`` lists every one as
    (field, message), so each message can be shown next to its field; ``field`` and the
    message name the first."""

    def __init__(self, errors: tuple[tuple[str, str], ...]) -> None:
        if not errors:
            raise ValueError("FormErrors needs at least one error")
        first_field, first_message = errors[0]
        message = (
            first_message
            if len(errors) == 1
            else f"{len(errors)} answers need attention. First: {first_message}"
        )
        super().__init__(message, field=first_field)
        self.errors = errors


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


class StepRefused(Conflict):
    """A KAP course step that is unsafe or out of order. ``reasons`` lists every reason
    in plain words; the message gives the first (or all of them, when several)."""

    def __init__(self, reasons: tuple[str, ...], *, field: str | None = None) -> None:
        if not reasons:
            raise ValueError("StepRefused needs at least one reason")
        message = reasons[0] if len(reasons) == 1 else " ".join(reasons)
        super().__init__(message, field=field)
        self.reasons = reasons
