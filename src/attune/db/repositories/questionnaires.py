"""Assignments, drafts, responses and flags."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from attune.db.models import (
    AssignmentRow,
    DraftRow,
    FlagRow,
    ResponseRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import NotFound
from attune.services.ports import (
    Answers,
    Assignment,
    Draft,
    Flag,
    NewResponse,
    StoredResponse,
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
