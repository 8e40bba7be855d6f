"""Who is acting: the user behind a request, as the services see them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What kind of user someone is. Staff are admins and clinicians."""

    ADMIN = "admin"
    CLINICIAN = "clinician"
    PATIENT = "patient"

    @property
    def is_staff(self) -> bool:
        return self is not Role.PATIENT


@dataclass(frozen=True)
class Actor:
    """The logged-in user a service acts for.

    ``patient_id`` is set only for a patient's own portal login: it is the patient record
    that user belongs to.
    """

    user_id: int
    clinic_id: int
    role: Role
    name: str
    patient_id: int | None = None

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff
