"""Ketamine-assisted psychotherapy: courses and their append-only events, eligibility
checks, sign-offs, consent, preparation, safety plans, sessions, REMS records, gates,
check-ins, integration, the journal and the breathwork practice log."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from attune.db.models import (
    BreathworkPracticeRow,
    KapCheckinRow,
    KapConsentRow,
    KapCourseRow,
    KapEligibilityRow,
    KapEventRow,
    KapGateRow,
    KapIntegrationRow,
    KapJournalRow,
    KapPreparationRow,
    KapRemsRow,
    KapSafetyPlanRow,
    KapSessionRow,
    KapSignOffRow,
    PatientRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import NotFound
from attune.services.ports import (
    BreathworkPracticeRecord,
    KapCheckinRecord,
    KapConsentRecord,
    KapCourseRecord,
    KapEligibilityRecord,
    KapEventRecord,
    KapGateRecord,
    KapIntegrationRecord,
    KapJournalRecord,
    KapPreparationRecord,
    KapRemsRecord,
    KapSafetyPlanRecord,
    KapSessionRecord,
    KapSignOffRecord,
)


def _json(value: dict[str, Any]) -> dict[str, object]:
    """A deep copy, so a caller can never change what the session holds."""
    return copy.deepcopy(dict(value))


def _course(row: KapCourseRow) -> KapCourseRecord:
    return KapCourseRecord(
        id=row.id,
        patient_id=row.patient_id,
        program=row.program,
        protocol=_json(row.protocol),
        status=row.status,
        opened_by=row.opened_by,
        opened_at=row.opened_at,
        updated_at=row.updated_at,
    )


def _event(row: KapEventRow) -> KapEventRecord:
    return KapEventRecord(
        id=row.id,
        course_id=row.course_id,
        seq=row.seq,
        kind=row.kind,
        at=row.at,
        data=_json(row.data),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _eligibility(row: KapEligibilityRow) -> KapEligibilityRecord:
    return KapEligibilityRecord(
        id=row.id,
        course_id=row.course_id,
        result=_json(row.result),
        outcome=row.outcome,
        digest=row.digest,
        assessed_by=row.assessed_by,
        assessed_at=row.assessed_at,
    )


def _signoff(row: KapSignOffRow) -> KapSignOffRecord:
    return KapSignOffRecord(
        id=row.id,
        course_id=row.course_id,
        eligibility_id=row.eligibility_id,
        content=_json(row.content),
        decision=row.decision,
        signed_by=row.signed_by,
        signed_at=row.signed_at,
    )


def _session(row: KapSessionRow) -> KapSessionRecord:
    return KapSessionRecord(
        id=row.id,
        course_id=row.course_id,
        kind=row.kind,
        dose_number=row.dose_number,
        record=_json(row.record),
        status=row.status,
        dosed_at=row.dosed_at,
        created_by=row.created_by,
        created_at=row.created_at,
        updated_at=row.updated_at,
        signed_by=row.signed_by,
        signed_at=row.signed_at,
    )


def _rems(row: KapRemsRow, course_id: int, patient_id: int) -> KapRemsRecord:
    return KapRemsRecord(
        id=row.id,
        session_id=row.session_id,
        course_id=course_id,
        patient_id=patient_id,
        record=_json(row.record),
        submitted=row.submitted,
        submitted_on=row.submitted_on,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def _gate(row: KapGateRow) -> KapGateRecord:
    return KapGateRecord(
        id=row.id,
        course_id=row.course_id,
        day=row.day,
        at=row.at,
        passed=row.passed,
        answers=_json(row.answers),
        result=_json(row.result),
        by=row.by,
    )


def _checkin(row: KapCheckinRow) -> KapCheckinRecord:
    return KapCheckinRecord(
        id=row.id,
        session_id=row.session_id,
        kind=row.kind,
        by=row.by,
        at=row.at,
        answers=_json(row.answers),
        stop=row.stop,
        alert=row.alert,
        outcome=_json(row.outcome),
        recorded_by=row.recorded_by,
        recorded_at=row.recorded_at,
    )


def _integration(row: KapIntegrationRow) -> KapIntegrationRecord:
    return KapIntegrationRecord(
        session_id=row.session_id,
        scheduled_at=row.scheduled_at,
        scheduled_by=row.scheduled_by,
        completed_at=row.completed_at,
        completed_by=row.completed_by,
        note=_json(row.note) if row.note is not None else None,
    )


def _journal(row: KapJournalRow) -> KapJournalRecord:
    return KapJournalRecord(
        id=row.id,
        course_id=row.course_id,
        prompt_key=row.prompt_key,
        prompt_text=row.prompt_text,
        text=row.text,
        written_at=row.written_at,
        written_by=row.written_by,
    )


def _practice(row: BreathworkPracticeRow) -> BreathworkPracticeRecord:
    return BreathworkPracticeRecord(
        id=row.id,
        patient_id=row.patient_id,
        entry=_json(row.entry),
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


class SqlKap:
    def __init__(self, session: Session) -> None:
        self._s = session

    # --- courses and events ---------------------------------------------------------

    def add_course(
        self,
        *,
        patient_id: int,
        program: str,
        protocol: dict[str, object],
        status: str,
        opened_by: int,
        opened_at: datetime,
    ) -> KapCourseRecord:
        row = KapCourseRow(
            patient_id=patient_id,
            program=program,
            protocol=copy.deepcopy(protocol),
            status=status,
            opened_by=opened_by,
            opened_at=opened_at,
            updated_at=opened_at,
        )
        self._s.add(row)
        flush(self._s)
        return _course(row)

    def course(self, course_id: int, *, for_update: bool = False) -> KapCourseRecord | None:
        if for_update:
            query = select(KapCourseRow).where(KapCourseRow.id == course_id).with_for_update()
            row = self._s.scalar(query.execution_options(populate_existing=True))
        else:
            row = self._s.get(KapCourseRow, course_id)
        return _course(row) if row is not None else None

    def courses_for_patient(self, patient_id: int) -> list[KapCourseRecord]:
        rows = self._s.scalars(
            select(KapCourseRow)
            .where(KapCourseRow.patient_id == patient_id)
            .order_by(KapCourseRow.opened_at, KapCourseRow.id)
        )
        return [_course(r) for r in rows]

    def set_course_status(self, course_id: int, *, status: str, updated_at: datetime) -> None:
        row = self._s.get(KapCourseRow, course_id)
        if row is None:
            raise NotFound(f"There is no KAP course with id {course_id}.", field="course_id")
        row.status = status
        row.updated_at = updated_at
        flush(self._s)

    def add_event(
        self,
        *,
        course_id: int,
        seq: int,
        kind: str,
        at: datetime,
        data: dict[str, object],
        recorded_by: int | None,
        recorded_at: datetime,
    ) -> KapEventRecord:
        row = KapEventRow(
            course_id=course_id,
            seq=seq,
            kind=kind,
            at=at,
            data=copy.deepcopy(data),
            recorded_by=recorded_by,
            recorded_at=recorded_at,
        )
        self._s.add(row)
        flush(self._s)
        return _event(row)

    def events(self, course_id: int) -> list[KapEventRecord]:
        rows = self._s.scalars(
            select(KapEventRow).where(KapEventRow.course_id == course_id).order_by(KapEventRow.seq)
        )
        return [_event(r) for r in rows]

    # --- eligibility, sign-off, consent, preparation -------------------------------

    def add_eligibility(
        self,
        *,
        course_id: int,
        result: dict[str, object],
        outcome: str,
        digest: str,
        assessed_by: int,
        assessed_at: datetime,
    ) -> KapEligibilityRecord:
        row = KapEligibilityRow(
            course_id=course_id,
            result=copy.deepcopy(result),
            outcome=outcome,
            digest=digest,
            assessed_by=assessed_by,
            assessed_at=assessed_at,
        )
        self._s.add(row)
        flush(self._s)
        return _eligibility(row)

    def eligibility(self, eligibility_id: int) -> KapEligibilityRecord | None:
        row = self._s.get(KapEligibilityRow, eligibility_id)
        return _eligibility(row) if row is not None else None

    def eligibilities(self, course_id: int) -> list[KapEligibilityRecord]:
        rows = self._s.scalars(
            select(KapEligibilityRow)
            .where(KapEligibilityRow.course_id == course_id)
            .order_by(KapEligibilityRow.assessed_at, KapEligibilityRow.id)
        )
        return [_eligibility(r) for r in rows]

    def add_signoff(
        self,
        *,
        course_id: int,
        eligibility_id: int,
        content: dict[str, object],
        decision: str,
        signed_by: int,
        signed_at: datetime,
    ) -> KapSignOffRecord:
        row = KapSignOffRow(
            course_id=course_id,
            eligibility_id=eligibility_id,
            content=copy.deepcopy(content),
            decision=decision,
            signed_by=signed_by,
            signed_at=signed_at,
        )
        self._s.add(row)
        flush(self._s)
        return _signoff(row)

    def signoffs(self, course_id: int) -> list[KapSignOffRecord]:
        rows = self._s.scalars(
            select(KapSignOffRow)
            .where(KapSignOffRow.course_id == course_id)
            .order_by(KapSignOffRow.signed_at, KapSignOffRow.id)
        )
        return [_signoff(r) for r in rows]

    def add_consent(self, *, course_id: int, kind: str, at: datetime, by: int) -> KapConsentRecord:
        row = KapConsentRow(course_id=course_id, kind=kind, at=at, by=by)
        self._s.add(row)
        flush(self._s)
        return KapConsentRecord(row.id, row.course_id, row.kind, row.at, row.by)

    def consents(self, course_id: int) -> list[KapConsentRecord]:
        rows = self._s.scalars(
            select(KapConsentRow)
            .where(KapConsentRow.course_id == course_id)
            .order_by(KapConsentRow.at, KapConsentRow.id)
        )
        return [KapConsentRecord(r.id, r.course_id, r.kind, r.at, r.by) for r in rows]

    def add_preparation(
        self, *, course_id: int, module: str, done_at: datetime, done_by: int
    ) -> KapPreparationRecord:
        row = KapPreparationRow(
            course_id=course_id, module=module, done_at=done_at, done_by=done_by
        )
        self._s.add(row)
        flush(self._s)
        return KapPreparationRecord(row.id, row.course_id, row.module, row.done_at, row.done_by)

    def preparations(self, course_id: int) -> list[KapPreparationRecord]:
        rows = self._s.scalars(
            select(KapPreparationRow)
            .where(KapPreparationRow.course_id == course_id)
            .order_by(KapPreparationRow.done_at, KapPreparationRow.id)
        )
        return [
            KapPreparationRecord(r.id, r.course_id, r.module, r.done_at, r.done_by) for r in rows
        ]

    def put_safety_plan(
        self, *, course_id: int, content: dict[str, object], updated_at: datetime, updated_by: int
    ) -> KapSafetyPlanRecord:
        row = self._s.get(KapSafetyPlanRow, course_id)
        if row is None:
            row = KapSafetyPlanRow(course_id=course_id)
            self._s.add(row)
        row.content = copy.deepcopy(content)
        row.updated_at = updated_at
        row.updated_by = updated_by
        flush(self._s)
        return KapSafetyPlanRecord(
            row.course_id, _json(row.content), row.updated_at, row.updated_by
        )

    def safety_plan(self, course_id: int) -> KapSafetyPlanRecord | None:
        row = self._s.get(KapSafetyPlanRow, course_id)
        if row is None:
            return None
        return KapSafetyPlanRecord(
            row.course_id, _json(row.content), row.updated_at, row.updated_by
        )

    # --- sessions and the REMS record ----------------------------------------------

    def add_session(
        self,
        *,
        course_id: int,
        kind: str,
        dose_number: int,
        record: dict[str, object],
        status: str,
        dosed_at: datetime,
        created_by: int,
        created_at: datetime,
    ) -> KapSessionRecord:
        row = KapSessionRow(
            course_id=course_id,
            kind=kind,
            dose_number=dose_number,
            record=copy.deepcopy(record),
            status=status,
            dosed_at=dosed_at,
            created_by=created_by,
            created_at=created_at,
            updated_at=created_at,
        )
        self._s.add(row)
        flush(self._s)
        return _session(row)

    def session(self, session_id: int, *, for_update: bool = False) -> KapSessionRecord | None:
        if for_update:
            query = select(KapSessionRow).where(KapSessionRow.id == session_id).with_for_update()
            row = self._s.scalar(query.execution_options(populate_existing=True))
        else:
            row = self._s.get(KapSessionRow, session_id)
        return _session(row) if row is not None else None

    def sessions(self, course_id: int) -> list[KapSessionRecord]:
        rows = self._s.scalars(
            select(KapSessionRow)
            .where(KapSessionRow.course_id == course_id)
            .order_by(KapSessionRow.dose_number)
        )
        return [_session(r) for r in rows]

    def update_session(
        self,
        session_id: int,
        *,
        record: dict[str, object],
        status: str,
        updated_at: datetime,
        signed_by: int | None = None,
        signed_at: datetime | None = None,
    ) -> KapSessionRecord:
        row = self._s.get(KapSessionRow, session_id)
        if row is None:
            raise NotFound(f"There is no KAP session with id {session_id}.", field="session_id")
        row.record = copy.deepcopy(record)
        row.status = status
        row.updated_at = updated_at
        row.signed_by = signed_by
        row.signed_at = signed_at
        flush(self._s)
        return _session(row)

    def _owner(self, session_id: int) -> tuple[int, int]:
        found = self._s.execute(
            select(KapCourseRow.id, KapCourseRow.patient_id)
            .join(KapSessionRow, KapSessionRow.course_id == KapCourseRow.id)
            .where(KapSessionRow.id == session_id)
        ).one_or_none()
        if found is None:
            raise NotFound(f"There is no KAP session with id {session_id}.", field="session_id")
        return int(found[0]), int(found[1])

    def put_rems(
        self,
        *,
        session_id: int,
        record: dict[str, object],
        submitted: bool,
        submitted_on: date | None,
        updated_at: datetime,
        updated_by: int,
    ) -> KapRemsRecord:
        course_id, patient_id = self._owner(session_id)
        row = self._s.scalar(select(KapRemsRow).where(KapRemsRow.session_id == session_id))
        if row is None:
            row = KapRemsRow(session_id=session_id)
            self._s.add(row)
        row.record = copy.deepcopy(record)
        row.submitted = submitted
        row.submitted_on = submitted_on
        row.updated_at = updated_at
        row.updated_by = updated_by
        flush(self._s)
        return _rems(row, course_id, patient_id)

    def rems(self, session_id: int) -> KapRemsRecord | None:
        row = self._s.scalar(select(KapRemsRow).where(KapRemsRow.session_id == session_id))
        if row is None:
            return None
        return _rems(row, *self._owner(session_id))

    def rems_in_clinic(
        self, clinic_id: int, *, submitted: bool | None = None
    ) -> list[KapRemsRecord]:
        query = (
            select(KapRemsRow, KapCourseRow.id, KapCourseRow.patient_id)
            .join(KapSessionRow, KapSessionRow.id == KapRemsRow.session_id)
            .join(KapCourseRow, KapCourseRow.id == KapSessionRow.course_id)
            .join(PatientRow, PatientRow.id == KapCourseRow.patient_id)
            .where(PatientRow.clinic_id == clinic_id)
        )
        if submitted is not None:
            query = query.where(KapRemsRow.submitted == submitted)
        rows = self._s.execute(query.order_by(KapRemsRow.session_id))
        return [_rems(row, course_id, patient_id) for row, course_id, patient_id in rows]

    # --- at home ----------------------------------------------------------------------

    def add_gate(
        self,
        *,
        course_id: int,
        day: date,
        at: datetime,
        passed: bool,
        answers: dict[str, object],
        result: dict[str, object],
        by: int,
    ) -> KapGateRecord:
        row = KapGateRow(
            course_id=course_id,
            day=day,
            at=at,
            passed=passed,
            answers=copy.deepcopy(answers),
            result=copy.deepcopy(result),
            by=by,
        )
        self._s.add(row)
        flush(self._s)
        return _gate(row)

    def gates(self, course_id: int) -> list[KapGateRecord]:
        rows = self._s.scalars(
            select(KapGateRow)
            .where(KapGateRow.course_id == course_id)
            .order_by(KapGateRow.at, KapGateRow.id)
        )
        return [_gate(r) for r in rows]

    def add_checkin(
        self,
        *,
        session_id: int,
        kind: str,
        by: str,
        at: datetime,
        answers: dict[str, object],
        stop: bool,
        alert: bool,
        outcome: dict[str, object],
        recorded_by: int,
        recorded_at: datetime,
    ) -> KapCheckinRecord:
        row = KapCheckinRow(
            session_id=session_id,
            kind=kind,
            by=by,
            at=at,
            answers=copy.deepcopy(answers),
            stop=stop,
            alert=alert,
            outcome=copy.deepcopy(outcome),
            recorded_by=recorded_by,
            recorded_at=recorded_at,
        )
        self._s.add(row)
        flush(self._s)
        return _checkin(row)

    def checkins(self, session_id: int) -> list[KapCheckinRecord]:
        rows = self._s.scalars(
            select(KapCheckinRow)
            .where(KapCheckinRow.session_id == session_id)
            .order_by(KapCheckinRow.at, KapCheckinRow.id)
        )
        return [_checkin(r) for r in rows]

    # --- integration, the journal, breathwork -------------------------------------------

    def integration(self, session_id: int) -> KapIntegrationRecord | None:
        row = self._s.get(KapIntegrationRow, session_id)
        return _integration(row) if row is not None else None

    def _integration_row(self, session_id: int) -> KapIntegrationRow:
        row = self._s.get(KapIntegrationRow, session_id)
        if row is None:
            row = KapIntegrationRow(session_id=session_id)
            self._s.add(row)
        return row

    def schedule_integration(
        self, *, session_id: int, at: datetime, by: int
    ) -> KapIntegrationRecord:
        row = self._integration_row(session_id)
        row.scheduled_at = at
        row.scheduled_by = by
        flush(self._s)
        return _integration(row)

    def complete_integration(
        self, *, session_id: int, at: datetime, by: int, note: dict[str, object]
    ) -> KapIntegrationRecord:
        row = self._integration_row(session_id)
        row.completed_at = at
        row.completed_by = by
        row.note = copy.deepcopy(note)
        flush(self._s)
        return _integration(row)

    def add_journal(
        self,
        *,
        course_id: int,
        prompt_key: str,
        prompt_text: str,
        text: str,
        written_at: datetime,
        written_by: int,
    ) -> KapJournalRecord:
        row = KapJournalRow(
            course_id=course_id,
            prompt_key=prompt_key,
            prompt_text=prompt_text,
            text=text,
            written_at=written_at,
            written_by=written_by,
        )
        self._s.add(row)
        flush(self._s)
        return _journal(row)

    def journal(self, course_id: int) -> list[KapJournalRecord]:
        rows = self._s.scalars(
            select(KapJournalRow)
            .where(KapJournalRow.course_id == course_id)
            .order_by(KapJournalRow.written_at.desc(), KapJournalRow.id.desc())
        )
        return [_journal(r) for r in rows]

    def add_practice(
        self, *, patient_id: int, entry: dict[str, object], recorded_at: datetime, recorded_by: int
    ) -> BreathworkPracticeRecord:
        row = BreathworkPracticeRow(
            patient_id=patient_id,
            entry=copy.deepcopy(entry),
            recorded_at=recorded_at,
            recorded_by=recorded_by,
        )
        self._s.add(row)
        flush(self._s)
        return _practice(row)

    def practice(self, patient_id: int) -> list[BreathworkPracticeRecord]:
        rows = self._s.scalars(
            select(BreathworkPracticeRow)
            .where(BreathworkPracticeRow.patient_id == patient_id)
            .order_by(BreathworkPracticeRow.recorded_at.desc(), BreathworkPracticeRow.id.desc())
        )
        return [_practice(r) for r in rows]
