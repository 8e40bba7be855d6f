"""Shared helpers of the SQL repositories."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attune.domain.errors import Conflict


def flush(session: Session) -> None:
    """Flush, turning a constraint violation into a Conflict the edges can show."""
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            "That clashes with a record that is already saved; please reload and try again."
        ) from exc
