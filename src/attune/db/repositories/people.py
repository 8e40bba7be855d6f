"""Clinics, staff and patient users, patients and caseloads."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attune.db.models import (
    CaseloadLinkRow,
    ClinicRow,
    PatientRow,
    UserRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import NotFound
from attune.services.actors import Role
from attune.services.ports import (
    Clinic,
    Patient,
    User,
)


class SqlClinics:
    def __init__(self, session: Session) -> None:
        self._s = session

    @staticmethod
    def _record(row: ClinicRow) -> Clinic:
        return Clinic(id=row.id, name=row.name, created_at=row.created_at)

    def add(self, *, name: str, created_at: datetime) -> Clinic:
        row = ClinicRow(name=name, created_at=created_at)
        self._s.add(row)
        flush(self._s)
        return self._record(row)

    def get(self, clinic_id: int) -> Clinic | None:
        row = self._s.get(ClinicRow, clinic_id)
        return self._record(row) if row is not None else None

    def all(self) -> list[Clinic]:
        rows = self._s.scalars(select(ClinicRow).order_by(ClinicRow.id))
        return [self._record(r) for r in rows]


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        clinic_id=row.clinic_id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        password_hash=row.password_hash,
        active=row.active,
        created_at=row.created_at,
    )


class SqlUsers:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        clinic_id: int,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        created_at: datetime,
    ) -> User:
        row = UserRow(
            clinic_id=clinic_id,
            email=email.lower(),
            name=name,
            role=str(role),
            password_hash=password_hash,
            active=True,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _user(row)

    def get(self, user_id: int) -> User | None:
        row = self._s.get(UserRow, user_id)
        return _user(row) if row is not None else None

    def by_email(self, email: str) -> User | None:
        row = self._s.scalar(select(UserRow).where(UserRow.email == email.strip().lower()))
        return _user(row) if row is not None else None

    def in_clinic(self, clinic_id: int) -> list[User]:
        rows = self._s.scalars(
            select(UserRow).where(UserRow.clinic_id == clinic_id).order_by(UserRow.name)
        )
        return [_user(r) for r in rows]

    def _row(self, user_id: int) -> UserRow:
        row = self._s.get(UserRow, user_id)
        if row is None:
            raise NotFound(f"There is no user with id {user_id}.", field="user_id")
        return row

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        self._row(user_id).password_hash = password_hash
        flush(self._s)

    def set_active(self, user_id: int, active: bool) -> None:
        self._row(user_id).active = active
        flush(self._s)


def _patient(row: PatientRow) -> Patient:
    return Patient(
        id=row.id,
        clinic_id=row.clinic_id,
        display_name=row.display_name,
        date_of_birth=row.date_of_birth,
        sex=row.sex,
        user_id=row.user_id,
        created_at=row.created_at,
    )


class SqlPatients:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        clinic_id: int,
        display_name: str,
        date_of_birth: date | None,
        sex: str | None,
        user_id: int | None,
        created_at: datetime,
    ) -> Patient:
        row = PatientRow(
            clinic_id=clinic_id,
            display_name=display_name,
            date_of_birth=date_of_birth,
            sex=sex,
            user_id=user_id,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _patient(row)

    def get(self, patient_id: int) -> Patient | None:
        row = self._s.get(PatientRow, patient_id)
        return _patient(row) if row is not None else None

    def by_user(self, user_id: int) -> Patient | None:
        row = self._s.scalar(select(PatientRow).where(PatientRow.user_id == user_id))
        return _patient(row) if row is not None else None

    def in_clinic(self, clinic_id: int) -> list[Patient]:
        rows = self._s.scalars(
            select(PatientRow)
            .where(PatientRow.clinic_id == clinic_id)
            .order_by(PatientRow.display_name, PatientRow.id)
        )
        return [_patient(r) for r in rows]

    def on_caseload_of(self, clinician_id: int) -> list[Patient]:
        rows = self._s.scalars(
            select(PatientRow)
            .join(CaseloadLinkRow, CaseloadLinkRow.patient_id == PatientRow.id)
            .where(CaseloadLinkRow.clinician_id == clinician_id)
            .order_by(PatientRow.display_name, PatientRow.id)
        )
        return [_patient(r) for r in rows]

    def add_to_caseload(self, clinician_id: int, patient_id: int, added_at: datetime) -> bool:
        if self.is_on_caseload(clinician_id, patient_id):
            return False
        self._s.add(
            CaseloadLinkRow(clinician_id=clinician_id, patient_id=patient_id, added_at=added_at)
        )
        flush(self._s)
        return True

    def is_on_caseload(self, clinician_id: int, patient_id: int) -> bool:
        return self._s.get(CaseloadLinkRow, (clinician_id, patient_id)) is not None

    def clinicians_of(self, patient_id: int) -> list[int]:
        return list(
            self._s.scalars(
                select(CaseloadLinkRow.clinician_id)
                .where(CaseloadLinkRow.patient_id == patient_id)
                .order_by(CaseloadLinkRow.clinician_id)
            )
        )
