"""Reading the KAP clinician forms: pure helpers, no I/O.

A :class:`Reader` reads posted text into typed values and collects every value it cannot
read as ``(field, message)``, named like the domain's own fields, so each message lands
next to its control; :meth:`Reader.done` raises them all at once as FormErrors. An empty
field reads as None (not given), which the service then names as missing where it must
be given. Times are entered as ``YYYY-MM-DDTHH:MM`` (an ``<input type="datetime-local">``)
and read as UTC, the time the pages show everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from attune.domain.errors import DomainError, FormErrors
from attune.web.pages.intake_form import field_id

__all__ = ["Reader", "errors_of", "field_id", "local_input", "posted", "yes_no_input"]

YES, NO = "yes", "no"


def posted(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """The named fields as text, stripped; a field not sent is empty."""
    values: dict[str, str] = {}
    for name in names:
        value = form.get(name)
        values[name] = value.strip() if isinstance(value, str) else ""
    return values


def errors_of(error: DomainError, fallback: str) -> dict[str, str]:
    """Every (field, message) of an error by field, the first message for each field."""
    found = error.errors if isinstance(error, FormErrors) else ((error.field, error.message),)
    errors: dict[str, str] = {}
    for name, message in found:
        errors.setdefault(str(name or fallback), message)
    return errors


def local_input(value: datetime | None) -> str:
    """A time as a datetime-local input's value, in UTC."""
    return "" if value is None else value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def yes_no_input(value: bool | None) -> str:
    return "" if value is None else (YES if value else NO)


class Reader:
    """Reads one posted form; see the module text."""

    def __init__(self, form: Mapping[str, str]) -> None:
        self.form = form
        self.errors: list[tuple[str, str]] = []

    def fail(self, name: str, message: str) -> None:
        self.errors.append((name, message))

    def text(self, name: str) -> str:
        return self.form.get(name, "").strip()

    def yes_no(self, name: str) -> bool | None:
        value = self.text(name)
        if value == "":
            return None
        if value in (YES, NO):
            return value == YES
        self.fail(name, "Choose yes or no.")
        return None

    def whole(self, name: str, low: int = 0, high: int = 10_000) -> int | None:
        value = self.text(name)
        if value == "":
            return None
        if not (value.isdigit() or (value.startswith("-") and value[1:].isdigit())):
            self.fail(name, "Enter a whole number, e.g. 120.")
            return None
        number = int(value)
        if not low <= number <= high:
            self.fail(name, f"Enter a number from {low} to {high}.")
            return None
        return number

    def decimal(self, name: str) -> Decimal | None:
        value = self.text(name).replace(",", ".")
        if value == "":
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            self.fail(name, "Enter a number, e.g. 35 or 0.5.")
            return None
        return number

    def day(self, name: str) -> date | None:
        value = self.text(name)
        if value == "":
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(name, "Enter a date such as 2026-01-05.")
            return None

    def moment(self, name: str) -> datetime | None:
        value = self.text(name)
        if value == "":
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.fail(name, "Enter a date and time such as 2026-01-05T14:05 (UTC).")
            return None
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def choice(self, name: str, allowed: Iterable[str], message: str) -> str | None:
        value = self.text(name)
        if value == "":
            return None
        if value not in set(allowed):
            self.fail(name, message)
            return None
        return value

    def done(self) -> None:
        """Raise every problem found so far, together."""
        if self.errors:
            raise FormErrors(tuple(self.errors))
