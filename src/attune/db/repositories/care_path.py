"""Intakes, cycle formulations, level-of-care recommendations and treatment plans."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from attune.db.models import (
    FormulationVersionRow,
    IntakeRow,
    RecommendationRow,
    TreatmentPlanRow,
)
from attune.db.repositories.base import flush
from attune.domain.errors import NotFound
from attune.services.ports import (
    FormulationRecord,
    IntakeRecord,
    PlanRecord,
    RecommendationRecord,
)

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
