"""Clinics, staff users, patients (with their portal login) and caseloads.

``actor`` is the logged-in user doing it, or None for the command-line operator (who has
the database in hand anyway); the audit log then records the role ``system``. A logged-in
actor must be staff of the clinic: admins may do everything here, clinicians may create
patients (who then join their caseload) but not staff users.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from argon2 import PasswordHasher

from attune.domain.errors import Conflict, NotFound, PermissionDenied, ValidationError
from attune.services.access import Action, open_patient, require_admin, require_staff
from attune.services.actors import Actor, Role
from attune.services.audit import record_event
from attune.services.auth import hash_password, normalise_email
from attune.services.clock import SYSTEM_CLOCK, Clock
from attune.services.ports import Clinic, Outcome, Patient, UnitOfWork, User

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
SEXES = ("female", "male")
MAX_NAME_LENGTH = 200


@dataclass(frozen=True)
class ClinicInfo:
    id: int
    name: str


@dataclass(frozen=True)
class UserInfo:
    id: int
    clinic_id: int
    email: str
    name: str
    role: Role
    active: bool


@dataclass(frozen=True)
class PatientInfo:
    id: int
    clinic_id: int
    display_name: str
    date_of_birth: date | None
    sex: str | None
    #: The portal login's user id and email, if the patient has one.
    user_id: int | None
    email: str | None
    clinician_ids: tuple[int, ...]


def user_info(user: User) -> UserInfo:
    return UserInfo(user.id, user.clinic_id, user.email, user.name, user.role, user.active)


def _clinic_info(clinic: Clinic) -> ClinicInfo:
    return ClinicInfo(clinic.id, clinic.name)


def _clean_name(value: str, field: str, what: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError(f"Please give a {what}.", field=field)
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"The {what} can have at most {MAX_NAME_LENGTH} characters.", field=field
        )
    return name


def _clean_email(uow: UnitOfWork, email: str) -> str:
    address = normalise_email(email)
    if len(address) > 254 or not EMAIL_PATTERN.match(address):
        raise ValidationError(
            f"'{email.strip()}' does not look like an email address (name@example.org).",
            field="email",
        )
    if uow.users.by_email(address) is not None:
        raise Conflict(f"There is already a user with the email {address}.", field="email")
    return address


def _clinic_for(uow: UnitOfWork, actor: Actor | None, clinic_id: int | None) -> Clinic:
    if actor is not None:
        if clinic_id is not None and clinic_id != actor.clinic_id:
            raise PermissionDenied("You can only add people to your own clinic.", field="clinic_id")
        clinic_id = actor.clinic_id
    if clinic_id is None:
        raise ValidationError("Please say which clinic.", field="clinic_id")
    clinic = uow.clinics.get(clinic_id)
    if clinic is None:
        raise NotFound(f"There is no clinic with id {clinic_id}.", field="clinic_id")
    return clinic


def create_clinic(uow: UnitOfWork, name: str, clock: Clock = SYSTEM_CLOCK) -> ClinicInfo:
    """Create a clinic (a set-up step for the command-line operator)."""
    clean = _clean_name(name, "name", "clinic name")
    now = clock.now()
    with uow:
        clinic = uow.clinics.add(name=clean, created_at=now)
        record_event(
            uow,
            at=now,
            actor=None,
            action="create_clinic",
            outcome=Outcome.ALLOWED,
            detail=f"clinic {clinic.id}",
        )
        uow.commit()
        return _clinic_info(clinic)


def list_clinics(uow: UnitOfWork) -> list[ClinicInfo]:
    with uow:
        return [_clinic_info(c) for c in uow.clinics.all()]


def create_staff_user(
    uow: UnitOfWork,
    actor: Actor | None,
    *,
    email: str,
    name: str,
    role: Role | str,
    password: str,
    clinic_id: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
    hasher: PasswordHasher | None = None,
) -> UserInfo:
    """Create an admin or clinician. A logged-in actor must be an admin of the clinic."""
    try:
        staff_role = Role(role)
    except ValueError:
        staff_role = Role.PATIENT
    if staff_role is Role.PATIENT:
        raise ValidationError(
            f"A staff user's role must be admin or clinician, not '{role}'.", field="role"
        )
    if actor is not None:
        require_admin(actor, "add staff users")
    clean_name = _clean_name(name, "name", "name")
    password_hash = hash_password(password, hasher)
    now = clock.now()
    with uow:
        clinic = _clinic_for(uow, actor, clinic_id)
        address = _clean_email(uow, email)
        user = uow.users.add(
            clinic_id=clinic.id,
            email=address,
            name=clean_name,
            role=staff_role,
            password_hash=password_hash,
            created_at=now,
        )
        record_event(
            uow,
            at=now,
            actor=actor,
            action="create_user",
            outcome=Outcome.ALLOWED,
            detail=f"user {user.id} ({staff_role}) in clinic {clinic.id}",
        )
        uow.commit()
        return user_info(user)


def _check_clinicians(uow: UnitOfWork, clinic_id: int, ids: Iterable[int]) -> list[int]:
    checked: list[int] = []
    for user_id in dict.fromkeys(ids):
        user = uow.users.get(user_id)
        if user is None or user.clinic_id != clinic_id or user.role is not Role.CLINICIAN:
            raise ValidationError(
                f"User {user_id} is not a clinician of this clinic.", field="clinician_ids"
            )
        checked.append(user_id)
    return checked


def create_patient(
    uow: UnitOfWork,
    actor: Actor | None,
    *,
    display_name: str,
    email: str | None = None,
    password: str | None = None,
    clinician_ids: Iterable[int] = (),
    date_of_birth: date | None = None,
    sex: str | None = None,
    clinic_id: int | None = None,
    clock: Clock = SYSTEM_CLOCK,
    hasher: PasswordHasher | None = None,
) -> PatientInfo:
    """Create a patient, their portal login (email + password) and their caseload links.

    Give both ``email`` and ``password`` for a portal login, or neither. A clinician who
    creates a patient has them on their own caseload from the start.
    """
    if actor is not None:
        require_staff(actor, "add patients")
    clean_name = _clean_name(display_name, "display_name", "name")
    if sex is not None and sex not in SEXES:
        raise ValidationError("Sex must be 'female', 'male' or left empty.", field="sex")
    now = clock.now()
    if date_of_birth is not None and date_of_birth > now.date():
        raise ValidationError("The date of birth is in the future.", field="date_of_birth")
    if (email is None) != (password is None):
        missing = "password" if password is None else "email"
        raise ValidationError("A portal login needs both an email and a password.", field=missing)
    password_hash = hash_password(password, hasher) if password is not None else None
    with uow:
        clinic = _clinic_for(uow, actor, clinic_id)
        wanted = list(clinician_ids)
        if actor is not None and actor.role is Role.CLINICIAN:
            wanted.append(actor.user_id)
        clinicians = _check_clinicians(uow, clinic.id, wanted)
        user: User | None = None
        if email is not None and password_hash is not None:
            user = uow.users.add(
                clinic_id=clinic.id,
                email=_clean_email(uow, email),
                name=clean_name,
                role=Role.PATIENT,
                password_hash=password_hash,
                created_at=now,
            )
        patient = uow.patients.add(
            clinic_id=clinic.id,
            display_name=clean_name,
            date_of_birth=date_of_birth,
            sex=sex,
            user_id=user.id if user is not None else None,
            created_at=now,
        )
        for clinician_id in clinicians:
            uow.patients.add_to_caseload(clinician_id, patient.id, now)
        record_event(
            uow,
            at=now,
            actor=actor,
            patient_id=patient.id,
            action=str(Action.CREATE_PATIENT),
            outcome=Outcome.ALLOWED,
            detail=f"clinicians {clinicians}" if clinicians else "",
        )
        uow.commit()
        return _patient_info(patient, user, clinicians)


def _patient_info(patient: Patient, user: User | None, clinicians: list[int]) -> PatientInfo:
    return PatientInfo(
        id=patient.id,
        clinic_id=patient.clinic_id,
        display_name=patient.display_name,
        date_of_birth=patient.date_of_birth,
        sex=patient.sex,
        user_id=user.id if user is not None else None,
        email=user.email if user is not None else None,
        clinician_ids=tuple(clinicians),
    )


def add_to_caseload(
    uow: UnitOfWork,
    actor: Actor | None,
    clinician_id: int,
    patient_id: int,
    clock: Clock = SYSTEM_CLOCK,
) -> bool:
    """Put a patient on a clinician's caseload. False if they were on it already.

    A logged-in actor must be an admin of the patient's clinic (audited like any change
    to a patient's record).
    """
    now = clock.now()
    with uow:
        if actor is not None:
            # Checking the clinician first means a refusal here touches no patient data.
            _check_clinicians(uow, actor.clinic_id, [clinician_id])
            patient = open_patient(
                uow,
                actor,
                patient_id,
                Action.ADD_TO_CASELOAD,
                clock,
                detail=f"clinician {clinician_id}",
            )
        else:
            found = uow.patients.get(patient_id)
            if found is None:
                raise NotFound(f"There is no patient with id {patient_id}.", field="patient_id")
            patient = found
            record_event(
                uow,
                at=now,
                actor=None,
                patient_id=patient.id,
                action=str(Action.ADD_TO_CASELOAD),
                outcome=Outcome.ALLOWED,
                detail=f"clinician {clinician_id}",
            )
            _check_clinicians(uow, patient.clinic_id, [clinician_id])
        added = uow.patients.add_to_caseload(clinician_id, patient.id, now)
        uow.commit()
        return added


def clinic_staff(uow: UnitOfWork, actor: Actor) -> list[UserInfo]:
    """The admins and clinicians of the actor's clinic (for staff only)."""
    require_staff(actor, "see the staff list")
    with uow:
        return [
            user_info(u) for u in uow.users.in_clinic(actor.clinic_id) if u.role is not Role.PATIENT
        ]
