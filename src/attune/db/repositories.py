"""SQLAlchemy implementations of the repository protocols in attune.services.ports.

Each repository works inside the unit of work's session and hands back the frozen records
from ports, never an ORM object.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from attune.db.models import (
    AssignmentRow,
    AuditEventRow,
    AuditHeadRow,
    CaseloadLinkRow,
    ClinicRow,
    DraftRow,
    FlagRow,
    FormulationVersionRow,
    IntakeRow,
    LoginSessionRow,
    PatientRow,
    RecommendationRow,
    ResponseRow,
    TreatmentPlanRow,
    UserRow,
)
from attune.domain.errors import Conflict, NotFound
from attune.services.actors import Role
from attune.services.ports import (
    Answers,
    Assignment,
    AuditEvent,
    ChainHead,
    Clinic,
    Draft,
    Flag,
    FormulationRecord,
    IntakeRecord,
    LoginSession,
    NewResponse,
    Patient,
    PlanRecord,
    RecommendationRecord,
    StoredResponse,
    User,
)

HEAD_ID = 1


def flush(session: Session) -> None:
    """Flush, turning a constraint violation into a Conflict the edges can show."""
    try:
        session.flush()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            "That clashes with a record that is already saved; please reload and try again."
        ) from exc


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


def _assignment(row: AssignmentRow) -> Assignment:
    return Assignment(
        id=row.id,
        patient_id=row.patient_id,
        instrument_id=row.instrument_id,
        every_days=row.every_days,
        starts_on=row.starts_on,
        next_due_on=row.next_due_on,
        active=row.active,
        created_by=row.created_by,
        created_at=row.created_at,
    )


class SqlAssignments:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: int,
        instrument_id: str,
        every_days: int | None,
        starts_on: date,
        created_by: int,
        created_at: datetime,
    ) -> Assignment:
        row = AssignmentRow(
            patient_id=patient_id,
            instrument_id=instrument_id,
            every_days=every_days,
            starts_on=starts_on,
            next_due_on=starts_on,
            active=True,
            created_by=created_by,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _assignment(row)

    def get(self, assignment_id: int) -> Assignment | None:
        row = self._s.get(AssignmentRow, assignment_id)
        return _assignment(row) if row is not None else None

    def for_patient(self, patient_id: int, *, active_only: bool = True) -> list[Assignment]:
        query = select(AssignmentRow).where(AssignmentRow.patient_id == patient_id)
        if active_only:
            query = query.where(AssignmentRow.active.is_(True))
        rows = self._s.scalars(query.order_by(AssignmentRow.next_due_on, AssignmentRow.id))
        return [_assignment(r) for r in rows]

    def reschedule(self, assignment_id: int, *, next_due_on: date, active: bool) -> None:
        row = self._s.get(AssignmentRow, assignment_id)
        if row is None:
            raise NotFound(
                f"There is no questionnaire with id {assignment_id}.", field="assignment_id"
            )
        row.next_due_on = next_due_on
        row.active = active
        flush(self._s)


class SqlDrafts:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, assignment_id: int) -> Draft | None:
        row = self._s.get(DraftRow, assignment_id)
        if row is None:
            return None
        return Draft(row.assignment_id, dict(row.answers), row.updated_at)

    def put(self, assignment_id: int, answers: Answers, updated_at: datetime) -> Draft:
        row = self._s.get(DraftRow, assignment_id)
        if row is None:
            row = DraftRow(assignment_id=assignment_id, answers={}, updated_at=updated_at)
            self._s.add(row)
        # A new dict, so the JSON column sees the change.
        row.answers = dict(answers)
        row.updated_at = updated_at
        flush(self._s)
        return Draft(row.assignment_id, dict(row.answers), row.updated_at)

    def delete(self, assignment_id: int) -> None:
        row = self._s.get(DraftRow, assignment_id)
        if row is not None:
            self._s.delete(row)
            flush(self._s)


def _response(row: ResponseRow) -> StoredResponse:
    return StoredResponse(
        id=row.id,
        patient_id=row.patient_id,
        instrument_id=row.instrument_id,
        instrument_version=row.instrument_version,
        assignment_id=row.assignment_id,
        answers=dict(row.answers),
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
        total=row.total,
        band=row.band,
        subscales=dict(row.subscales),
        flags=list(row.flags),
        missing=list(row.missing),
        imputed=list(row.imputed),
        skipped=list(row.skipped),
        findings=[dict(f) for f in row.findings],
    )


class SqlResponses:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, response: NewResponse) -> StoredResponse:
        row = ResponseRow(
            patient_id=response.patient_id,
            instrument_id=response.instrument_id,
            instrument_version=response.instrument_version,
            assignment_id=response.assignment_id,
            submitted_by=response.submitted_by,
            answers=dict(response.answers),
            submitted_at=response.submitted_at,
            total=response.total,
            band=response.band,
            subscales=dict(response.subscales),
            flags=list(response.flags),
            missing=list(response.missing),
            imputed=list(response.imputed),
            skipped=list(response.skipped),
            findings=[dict(f) for f in response.findings],
        )
        self._s.add(row)
        flush(self._s)
        return _response(row)

    def get(self, response_id: int) -> StoredResponse | None:
        row = self._s.get(ResponseRow, response_id)
        return _response(row) if row is not None else None

    def for_patient(self, patient_id: int) -> list[StoredResponse]:
        rows = self._s.scalars(
            select(ResponseRow)
            .where(ResponseRow.patient_id == patient_id)
            .order_by(ResponseRow.submitted_at.desc(), ResponseRow.id.desc())
        )
        return [_response(r) for r in rows]


def _flag(row: FlagRow) -> Flag:
    return Flag(
        id=row.id,
        patient_id=row.patient_id,
        response_id=row.response_id,
        kind=row.kind,
        message=row.message,
        raised_at=row.raised_at,
        acknowledged_at=row.acknowledged_at,
        acknowledged_by=row.acknowledged_by,
        note=row.note,
    )


class SqlFlags:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: int,
        response_id: int | None,
        kind: str,
        message: str,
        raised_at: datetime,
    ) -> Flag:
        row = FlagRow(
            patient_id=patient_id,
            response_id=response_id,
            kind=kind,
            message=message,
            raised_at=raised_at,
        )
        self._s.add(row)
        flush(self._s)
        return _flag(row)

    def get(self, flag_id: int) -> Flag | None:
        row = self._s.get(FlagRow, flag_id)
        return _flag(row) if row is not None else None

    def open_for_patient(self, patient_id: int) -> list[Flag]:
        rows = self._s.scalars(
            select(FlagRow)
            .where(FlagRow.patient_id == patient_id, FlagRow.acknowledged_at.is_(None))
            .order_by(FlagRow.raised_at, FlagRow.id)
        )
        return [_flag(r) for r in rows]

    def link_response(self, flag_id: int, response_id: int) -> Flag:
        row = self._s.get(FlagRow, flag_id)
        if row is None:
            raise NotFound(f"There is no flag with id {flag_id}.", field="flag_id")
        row.response_id = response_id
        flush(self._s)
        return _flag(row)

    def acknowledge(self, flag_id: int, *, at: datetime, by: int, note: str | None) -> Flag:
        row = self._s.get(FlagRow, flag_id)
        if row is None:
            raise NotFound(f"There is no flag with id {flag_id}.", field="flag_id")
        row.acknowledged_at = at
        row.acknowledged_by = by
        row.note = note
        flush(self._s)
        return _flag(row)


def _login_session(row: LoginSessionRow) -> LoginSession:
    return LoginSession(
        id=row.id,
        token_hash=row.token_hash,
        user_id=row.user_id,
        created_at=row.created_at,
        expires_at=row.expires_at,
        ended_at=row.ended_at,
    )


class SqlSessions:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self, *, token_hash: str, user_id: int, created_at: datetime, expires_at: datetime
    ) -> LoginSession:
        row = LoginSessionRow(
            token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at
        )
        self._s.add(row)
        flush(self._s)
        return _login_session(row)

    def by_token_hash(self, token_hash: str) -> LoginSession | None:
        row = self._s.scalar(
            select(LoginSessionRow).where(LoginSessionRow.token_hash == token_hash)
        )
        return _login_session(row) if row is not None else None

    def end(self, session_id: int, at: datetime) -> None:
        row = self._s.get(LoginSessionRow, session_id)
        if row is not None and row.ended_at is None:
            row.ended_at = at
            flush(self._s)


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=row.at,
        actor_user_id=row.actor_user_id,
        actor_role=row.actor_role,
        patient_id=row.patient_id,
        action=row.action,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class SqlAuditLog:
    """The audit chain. ``lock_head`` is ``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
    every transaction already holds the database's write lock (``BEGIN IMMEDIATE``)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def _head_row(self, *, lock: bool) -> AuditHeadRow:
        query = select(AuditHeadRow).where(AuditHeadRow.id == HEAD_ID)
        if lock:
            query = query.with_for_update()
        row = self._s.scalar(query.execution_options(populate_existing=True))
        if row is None:
            raise RuntimeError("the audit_head row is missing: run the database migrations")
        return row

    def lock_head(self) -> ChainHead:
        row = self._head_row(lock=True)
        return ChainHead(seq=row.seq, hash=row.hash)

    def head(self) -> ChainHead:
        row = self._head_row(lock=False)
        return ChainHead(seq=row.seq, hash=row.hash)

    def append(self, event: AuditEvent) -> None:
        head = self._head_row(lock=True)
        if event.seq != head.seq + 1 or event.prev_hash != head.hash:
            raise Conflict("The audit log moved on while this event was written; try again.")
        self._s.add(
            AuditEventRow(
                seq=event.seq,
                at=event.at,
                actor_user_id=event.actor_user_id,
                actor_role=event.actor_role,
                patient_id=event.patient_id,
                action=event.action,
                outcome=event.outcome,
                detail=event.detail,
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
        head.seq = event.seq
        head.hash = event.hash
        flush(self._s)

    def in_order(self) -> Iterator[AuditEvent]:
        result = self._s.scalars(
            select(AuditEventRow).order_by(AuditEventRow.seq).execution_options(yield_per=500)
        )
        for row in result:
            yield _event(row)

    def for_patient(self, patient_id: int) -> list[AuditEvent]:
        rows = self._s.scalars(
            select(AuditEventRow)
            .where(AuditEventRow.patient_id == patient_id)
            .order_by(AuditEventRow.seq)
        )
        return [_event(r) for r in rows]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(AuditEventRow)) or 0)


_Locked = TypeVar("_Locked", IntakeRow, RecommendationRow, TreatmentPlanRow)


def _locked(session: Session, model: type[_Locked], row_id: int) -> _Locked | None:
    """The row read afresh, locked until the transaction ends (``FOR UPDATE`` on
    PostgreSQL; a SQLite transaction already holds the database's write lock)."""
    query = select(model).where(model.id == row_id).with_for_update()
    return session.scalar(query.execution_options(populate_existing=True))


def _intake(row: IntakeRow) -> IntakeRecord:
    return IntakeRecord(
        id=row.id,
        patient_id=row.patient_id,
        status=row.status,
        answers=dict(row.answers),
        sections_done=tuple(row.sections_done),
        opened_by=row.opened_by,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
        submitted_at=row.submitted_at,
        submitted_by=row.submitted_by,
    )


class SqlIntakes:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self, *, patient_id: int, opened_by: int, opened_at: datetime, answers: dict[str, object]
    ) -> IntakeRecord:
        row = IntakeRow(
            patient_id=patient_id,
            status="open",
            answers=dict(answers),
            sections_done=[],
            opened_by=opened_by,
            opened_at=opened_at,
            updated_at=opened_at,
        )
        self._s.add(row)
        flush(self._s)
        return _intake(row)

    def get(self, intake_id: int, *, for_update: bool = False) -> IntakeRecord | None:
        row = (
            _locked(self._s, IntakeRow, intake_id)
            if for_update
            else self._s.get(IntakeRow, intake_id)
        )
        return _intake(row) if row is not None else None

    def latest_for_patient(
        self, patient_id: int, *, submitted_only: bool = False
    ) -> IntakeRecord | None:
        query = select(IntakeRow).where(IntakeRow.patient_id == patient_id)
        if submitted_only:
            query = query.where(IntakeRow.status == "submitted")
        row = self._s.scalar(
            query.order_by(IntakeRow.opened_at.desc(), IntakeRow.id.desc()).limit(1)
        )
        return _intake(row) if row is not None else None

    def _row(self, intake_id: int) -> IntakeRow:
        row = self._s.get(IntakeRow, intake_id)
        if row is None:
            raise NotFound(f"There is no intake with id {intake_id}.", field="intake_id")
        return row

    def save_answers(
        self,
        intake_id: int,
        *,
        answers: dict[str, object],
        sections_done: tuple[str, ...],
        updated_at: datetime,
    ) -> IntakeRecord:
        row = self._row(intake_id)
        # New containers, so the JSON columns see the change.
        row.answers = dict(answers)
        row.sections_done = list(sections_done)
        row.updated_at = updated_at
        flush(self._s)
        return _intake(row)

    def submit(self, intake_id: int, *, at: datetime, by: int) -> IntakeRecord:
        row = self._row(intake_id)
        row.status = "submitted"
        row.submitted_at = at
        row.submitted_by = by
        row.updated_at = at
        flush(self._s)
        return _intake(row)


def _formulation(row: FormulationVersionRow) -> FormulationRecord:
    return FormulationRecord(
        id=row.id,
        patient_id=row.patient_id,
        number=row.number,
        content=dict(row.content),
        author_user_id=row.author_user_id,
        author_role=row.author_role,
        created_at=row.created_at,
    )


class SqlFormulations:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: int,
        number: int,
        content: dict[str, object],
        author_user_id: int,
        author_role: str,
        created_at: datetime,
    ) -> FormulationRecord:
        row = FormulationVersionRow(
            patient_id=patient_id,
            number=number,
            content=dict(content),
            author_user_id=author_user_id,
            author_role=author_role,
            created_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _formulation(row)

    def for_patient(self, patient_id: int) -> list[FormulationRecord]:
        rows = self._s.scalars(
            select(FormulationVersionRow)
            .where(FormulationVersionRow.patient_id == patient_id)
            .order_by(FormulationVersionRow.number)
        )
        return [_formulation(r) for r in rows]


def _recommendation(row: RecommendationRow) -> RecommendationRecord:
    return RecommendationRecord(
        id=row.id,
        patient_id=row.patient_id,
        created_at=row.created_at,
        content=dict(row.content),
        rules_version=row.rules_version,
        level=row.level,
        status=row.status,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        final_level=row.final_level,
        rationale=row.rationale,
    )


class SqlRecommendations:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: int,
        created_at: datetime,
        content: dict[str, object],
        rules_version: str,
        level: str,
        status: str,
    ) -> RecommendationRecord:
        row = RecommendationRow(
            patient_id=patient_id,
            created_at=created_at,
            content=dict(content),
            rules_version=rules_version,
            level=level,
            status=status,
        )
        self._s.add(row)
        flush(self._s)
        return _recommendation(row)

    def get(
        self, recommendation_id: int, *, for_update: bool = False
    ) -> RecommendationRecord | None:
        row = (
            _locked(self._s, RecommendationRow, recommendation_id)
            if for_update
            else self._s.get(RecommendationRow, recommendation_id)
        )
        return _recommendation(row) if row is not None else None

    def for_patient(self, patient_id: int) -> list[RecommendationRecord]:
        rows = self._s.scalars(
            select(RecommendationRow)
            .where(RecommendationRow.patient_id == patient_id)
            .order_by(RecommendationRow.created_at, RecommendationRow.id)
        )
        return [_recommendation(r) for r in rows]

    def _row(self, recommendation_id: int) -> RecommendationRow:
        row = self._s.get(RecommendationRow, recommendation_id)
        if row is None:
            raise NotFound(
                f"There is no recommendation with id {recommendation_id}.",
                field="recommendation_id",
            )
        return row

    def set_status(self, recommendation_id: int, status: str) -> RecommendationRecord:
        row = self._row(recommendation_id)
        row.status = status
        flush(self._s)
        return _recommendation(row)

    def decide(
        self,
        recommendation_id: int,
        *,
        status: str,
        by: int,
        at: datetime,
        final_level: str,
        rationale: str | None,
    ) -> RecommendationRecord:
        row = self._row(recommendation_id)
        row.status = status
        row.decided_by = by
        row.decided_at = at
        row.final_level = final_level
        row.rationale = rationale
        flush(self._s)
        return _recommendation(row)


def _plan(row: TreatmentPlanRow) -> PlanRecord:
    return PlanRecord(
        id=row.id,
        patient_id=row.patient_id,
        version=row.version,
        content=dict(row.content),
        status=row.status,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class SqlTreatmentPlans:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: int,
        version: int,
        content: dict[str, object],
        status: str,
        created_by: int,
        created_at: datetime,
    ) -> PlanRecord:
        row = TreatmentPlanRow(
            patient_id=patient_id,
            version=version,
            content=dict(content),
            status=status,
            created_by=created_by,
            created_at=created_at,
            updated_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _plan(row)

    def get(self, plan_id: int, *, for_update: bool = False) -> PlanRecord | None:
        row = (
            _locked(self._s, TreatmentPlanRow, plan_id)
            if for_update
            else self._s.get(TreatmentPlanRow, plan_id)
        )
        return _plan(row) if row is not None else None

    def latest_for_patient(self, patient_id: int) -> PlanRecord | None:
        row = self._s.scalar(
            select(TreatmentPlanRow)
            .where(TreatmentPlanRow.patient_id == patient_id)
            .order_by(TreatmentPlanRow.version.desc())
            .limit(1)
        )
        return _plan(row) if row is not None else None

    def for_patient(self, patient_id: int) -> list[PlanRecord]:
        rows = self._s.scalars(
            select(TreatmentPlanRow)
            .where(TreatmentPlanRow.patient_id == patient_id)
            .order_by(TreatmentPlanRow.version)
        )
        return [_plan(r) for r in rows]

    def update(
        self, plan_id: int, *, content: dict[str, object], status: str, updated_at: datetime
    ) -> PlanRecord:
        row = self._s.get(TreatmentPlanRow, plan_id)
        if row is None:
            raise NotFound(f"There is no plan with id {plan_id}.", field="plan_id")
        row.content = dict(content)
        row.status = status
        row.updated_at = updated_at
        flush(self._s)
        return _plan(row)
