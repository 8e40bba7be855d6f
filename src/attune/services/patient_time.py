"""Where a patient's day begins: their own time zone (``patients.timezone``), else the
clinic's (``ATTUNE_TIMEZONE``)."""

from __future__ import annotations

from datetime import tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from attune.services.ports import UnitOfWork


def zone_named(name: str | None, clinic: tzinfo) -> tzinfo:
    """The time zone of an IANA name, or the clinic's when there is none (or it is
    unknown to this machine's time-zone database)."""
    if not name:
        return clinic
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return clinic


def zone_name(zone: tzinfo) -> str:
    """An IANA-style name for a time zone ("UTC" for UTC)."""
    key = getattr(zone, "key", None)
    return key if isinstance(key, str) else str(zone)


def patient_timezone(uow: UnitOfWork, patient_id: int) -> tzinfo:
    """Where the patient's day begins: their own time zone, else the clinic's."""
    return zone_named(uow.monitoring.timezone_of(patient_id), uow.clinic_timezone)
