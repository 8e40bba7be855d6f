"""The tables, as typed SQLAlchemy 2 declarative classes.

The schema is built only by the Alembic migrations in ``migrations/``; a test checks that
these classes and the migrations agree on both SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from attune.db.types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime()}


class ClinicRow(Base):
    __tablename__ = "clinic"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class UserRow(Base):
    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint("role IN ('admin', 'clinician', 'patient')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    #: Stored lower-case, so the unique constraint is case-insensitive in effect.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]


class PatientRow(Base):
    __tablename__ = "patient"
    __table_args__ = (CheckConstraint("sex IN ('female', 'male')", name="sex"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), unique=True)
    created_at: Mapped[datetime]
    #: The patient's IANA time zone (where their day begins); None: the clinic's.
    timezone: Mapped[str | None] = mapped_column(String(64))


class CaseloadLinkRow(Base):
    __tablename__ = "caseload"

    clinician_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), primary_key=True, index=True)
    added_at: Mapped[datetime]


class AssignmentRow(Base):
    __tablename__ = "assignment"
    __table_args__ = (CheckConstraint("every_days IS NULL OR every_days > 0", name="every_days"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    instrument_id: Mapped[str] = mapped_column(String(64))
    every_days: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    next_due_on: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean)
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


class DraftRow(Base):
    __tablename__ = "draft"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), primary_key=True
    )
    answers: Mapped[dict[str, int | None]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class ResponseRow(Base):
    __tablename__ = "response"
    __table_args__ = (Index("ix_response_patient_submitted", "patient_id", "submitted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    instrument_id: Mapped[str] = mapped_column(String(64))
    instrument_version: Mapped[str] = mapped_column(String(32))
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignment.id"), index=True)
    submitted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    #: Published response codes by item linkId.
    answers: Mapped[dict[str, int | None]] = mapped_column(JSON)
    submitted_at: Mapped[datetime]
    total: Mapped[float | None] = mapped_column(Float)
    band: Mapped[str | None] = mapped_column(String(64))
    subscales: Mapped[dict[str, float | None]] = mapped_column(JSON)
    flags: Mapped[list[str]] = mapped_column(JSON)
    missing: Mapped[list[str]] = mapped_column(JSON)
    imputed: Mapped[list[str]] = mapped_column(JSON)
    skipped: Mapped[list[str]] = mapped_column(JSON)
    findings: Mapped[list[dict[str, str]]] = mapped_column(JSON)


class FlagRow(Base):
    __tablename__ = "flag"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"), index=True)
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id"))
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)


class LoginSessionRow(Base):
    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: sha256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class AuditEventRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration).

    No foreign keys on purpose: the log must outlive and never block the rows it names.
    """

    __tablename__ = "audit_event"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_role: Mapped[str] = mapped_column(String(16))
    patient_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The one row naming the last audit event; appends lock it."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


class IntakeRow(Base):
    """A patient's intake: answers as the JSON form of the domain intake."""

    __tablename__ = "intake"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'submitted')", name="status"),
        Index("ix_intake_patient_opened", "patient_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    status: Mapped[str] = mapped_column(String(16))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    sections_done: Mapped[list[str]] = mapped_column(JSON)
    opened_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    submitted_at: Mapped[datetime | None]
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class FormulationVersionRow(Base):
    """One version of a patient's cycle; versions are never edited."""

    __tablename__ = "formulation_version"
    __table_args__ = (
        UniqueConstraint("patient_id", "number", name="uq_formulation_version_patient_number"),
        CheckConstraint("number > 0", name="number"),
        CheckConstraint("author_role IN ('clinician', 'patient', 'together')", name="author_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    author_user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    author_role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class RecommendationRow(Base):
    """A level-of-care recommendation with its rules version and the clinician's decision."""

    __tablename__ = "recommendation"
    __table_args__ = (
        CheckConstraint(
            "status IN ('pending_review', 'accepted', 'overridden', 'superseded')", name="status"
        ),
        Index("ix_recommendation_patient_created", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    created_at: Mapped[datetime]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    rules_version: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decided_at: Mapped[datetime | None]
    final_level: Mapped[str | None] = mapped_column(String(32))
    rationale: Mapped[str | None] = mapped_column(Text)


class TreatmentPlanRow(Base):
    """One version of a patient's treatment plan."""

    __tablename__ = "treatment_plan"
    __table_args__ = (
        UniqueConstraint("patient_id", "version", name="uq_treatment_plan_patient_version"),
        CheckConstraint("version > 0", name="version"),
        CheckConstraint("status IN ('draft', 'agreed')", name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


# --- the controlled-substance ledger ---------------------------------------------------

LEDGER_KINDS = "'receipt', 'administration', 'dispense', 'waste', 'correction'"


class LedgerBookRow(Base):
    """One per clinic: the number of its last entry and when it was recorded. Every ledger
    write locks this row first (see repositories/ledger.py)."""

    __tablename__ = "ledger_book"
    __table_args__ = (CheckConstraint("entries >= 0", name="entries"),)

    clinic_id: Mapped[int] = mapped_column(
        ForeignKey("clinic.id"), primary_key=True, autoincrement=False
    )
    entries: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime | None]


class LedgerLotRow(Base):
    """A lot and its running balance. The CHECK makes a negative balance impossible;
    triggers refuse deleting a lot or changing anything but its balance."""

    __tablename__ = "ledger_lot"
    __table_args__ = (
        UniqueConstraint("clinic_id", "lot", name="uq_ledger_lot_clinic_lot"),
        CheckConstraint("balance_ug >= 0", name="balance_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    lot: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(String(200))
    mg_per_ml: Mapped[str | None] = mapped_column(String(20))
    balance_ug: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime]


class LedgerEntryRow(Base):
    """Append-only: database triggers refuse UPDATE and DELETE (see the migration)."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        UniqueConstraint("clinic_id", "number", name="uq_ledger_entry_clinic_number"),
        CheckConstraint(f"kind IN ({LEDGER_KINDS})", name="kind"),
        CheckConstraint("number > 0", name="number"),
        CheckConstraint(
            "(kind = 'receipt' AND change_ug > 0) OR (kind = 'correction' AND change_ug <> 0) "
            "OR (kind IN ('administration', 'dispense', 'waste') AND change_ug < 0)",
            name="change_sign",
        ),
        CheckConstraint("balance_after_ug >= 0", name="balance_after_not_negative"),
        CheckConstraint(
            "kind <> 'waste' OR (witness_id IS NOT NULL AND witness_id <> recorded_by)",
            name="waste_witness",
        ),
        CheckConstraint(
            "kind NOT IN ('administration', 'dispense') OR session_ref <> ''", name="session_ref"
        ),
        CheckConstraint("(kind = 'correction') = (corrects IS NOT NULL)", name="corrects"),
        # A correction names an entry of the same clinic's ledger.
        ForeignKeyConstraint(
            ["clinic_id", "corrects"],
            ["ledger_entry.clinic_id", "ledger_entry.number"],
            name="fk_ledger_entry_corrects",
        ),
        Index("ix_ledger_entry_lot_number", "lot_id", "number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"))
    #: 1, 2, 3, … per clinic, without gaps.
    number: Mapped[int] = mapped_column(Integer)
    lot_id: Mapped[int] = mapped_column(ForeignKey("ledger_lot.id"))
    kind: Mapped[str] = mapped_column(String(16))
    #: Signed whole micrograms.
    change_ug: Mapped[int] = mapped_column(BigInteger)
    balance_after_ug: Mapped[int] = mapped_column(BigInteger)
    #: When it was recorded (the ledger's order).
    at: Mapped[datetime]
    #: The day it happened, as the person recording it says.
    occurred_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    description: Mapped[str] = mapped_column(String(200))
    supplier: Mapped[str] = mapped_column(String(200))
    supplier_dea: Mapped[str] = mapped_column(String(9))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    session_ref: Mapped[str] = mapped_column(String(100))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: The number of the entry a correction corrects (same clinic).
    corrects: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)


class LedgerCountRow(Base):
    """An on-hand count compared with the ledger (append-only)."""

    __tablename__ = "ledger_count"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    counted_at: Mapped[datetime]
    counted_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    through_entry: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text)


class LedgerCountLineRow(Base):
    """One lot of a count (append-only). ``lot`` is text: a counted lot may be unknown."""

    __tablename__ = "ledger_count_line"
    __table_args__ = (
        CheckConstraint(
            "status IN ('matches', 'short', 'over', 'not_counted', 'not_in_ledger')",
            name="status",
        ),
        CheckConstraint("counted_ug IS NULL OR counted_ug >= 0", name="counted_not_negative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    count_id: Mapped[int] = mapped_column(ForeignKey("ledger_count.id"), index=True)
    lot: Mapped[str] = mapped_column(String(40))
    expected_ug: Mapped[int] = mapped_column(BigInteger)
    counted_ug: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))


class LedgerInventoryRow(Base):
    """A biennial inventory taken (append-only); its lines come from the entries."""

    __tablename__ = "ledger_inventory"
    __table_args__ = (
        CheckConstraint("taken_at IN ('opening', 'close_of_business')", name="taken_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinic.id"), index=True)
    as_of: Mapped[datetime]
    taken_at: Mapped[str] = mapped_column(String(20))
    registrant_dea: Mapped[str] = mapped_column(String(9))
    taken_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]


# --- ketamine-assisted psychotherapy (KAP) --------------------------------------------
# docs/adr/0014-kap-course-records-and-replay.md: the course's state is rebuilt from its
# append-only events; the other tables hold the records the events came from.

KAP_PHASES = "'preparation', 'dosing', 'stopped', 'aftercare'"


class KapCourseRow(Base):
    __tablename__ = "kap_course"
    __table_args__ = (
        CheckConstraint(
            "program IN ('in_office', 'at_home', 'spravato_in_office')", name="program"
        ),
        CheckConstraint(f"status IN ({KAP_PHASES})", name="status"),
        Index("ix_kap_course_patient_opened", "patient_id", "opened_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    program: Mapped[str] = mapped_column(String(32))
    protocol: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    opened_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class KapEventRow(Base):
    """One accepted course event; never changed or removed (a database trigger refuses)."""

    __tablename__ = "kap_event"
    __table_args__ = (
        UniqueConstraint("course_id", "seq", name="uq_kap_event_course_seq"),
        CheckConstraint("seq > 0", name="seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]


class KapEligibilityRow(Base):
    __tablename__ = "kap_eligibility"
    __table_args__ = (
        CheckConstraint(
            "outcome IN ('eligible', 'eligible_with_conditions', 'not_eligible')", name="outcome"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    outcome: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    assessed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    assessed_at: Mapped[datetime]


class KapSignOffRow(Base):
    __tablename__ = "kap_signoff"
    __table_args__ = (
        CheckConstraint("decision IN ('approve', 'decline', 'override')", name="decision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"), index=True)
    eligibility_id: Mapped[int] = mapped_column(ForeignKey("kap_eligibility.id"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    decision: Mapped[str] = mapped_column(String(16))
    signed_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    signed_at: Mapped[datetime]


class KapConsentRow(Base):
    __tablename__ = "kap_consent"
    __table_args__ = (CheckConstraint("kind IN ('given', 'withdrawn')", name="kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class KapPreparationRow(Base):
    __tablename__ = "kap_preparation"
    __table_args__ = (
        UniqueConstraint("course_id", "module", name="uq_kap_preparation_course_module"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"))
    module: Mapped[str] = mapped_column(String(64))
    done_at: Mapped[datetime]
    done_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class KapSafetyPlanRow(Base):
    __tablename__ = "kap_safety_plan"

    course_id: Mapped[int] = mapped_column(
        ForeignKey("kap_course.id"), primary_key=True, autoincrement=False
    )
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime]
    updated_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class KapSessionRow(Base):
    __tablename__ = "kap_session"
    __table_args__ = (
        UniqueConstraint("course_id", "dose_number", name="uq_kap_session_course_dose_number"),
        CheckConstraint("kind IN ('in_office', 'at_home')", name="kind"),
        CheckConstraint("status IN ('draft', 'signed', 'open', 'completed')", name="status"),
        CheckConstraint("dose_number > 0", name="dose_number"),
        CheckConstraint("(status = 'signed') = (signed_at IS NOT NULL)", name="signed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"))
    kind: Mapped[str] = mapped_column(String(16))
    dose_number: Mapped[int] = mapped_column(Integer)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    dosed_at: Mapped[datetime]
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    signed_at: Mapped[datetime | None]


class KapRemsRow(Base):
    __tablename__ = "kap_rems"
    __table_args__ = (
        CheckConstraint("submitted = (submitted_on IS NOT NULL)", name="submitted_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("kap_session.id"), unique=True)
    record: Mapped[dict[str, Any]] = mapped_column(JSON)
    submitted: Mapped[bool] = mapped_column(Boolean)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime]
    updated_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class KapGateRow(Base):
    __tablename__ = "kap_gate"
    __table_args__ = (Index("ix_kap_gate_course_day", "course_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"))
    day: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime]
    passed: Mapped[bool] = mapped_column(Boolean)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class KapCheckinRow(Base):
    __tablename__ = "kap_checkin"
    __table_args__ = (
        CheckConstraint("kind IN ('sitter', 'post_session')", name="kind"),
        CheckConstraint("by IN ('sitter', 'patient')", name="by"),
        Index("ix_kap_checkin_session_at", "session_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("kap_session.id"))
    kind: Mapped[str] = mapped_column(String(16))
    by: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    stop: Mapped[bool] = mapped_column(Boolean)
    alert: Mapped[bool] = mapped_column(Boolean)
    outcome: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    recorded_at: Mapped[datetime]


class KapIntegrationRow(Base):
    __tablename__ = "kap_integration"
    __table_args__ = (CheckConstraint("(completed_at IS NULL) = (note IS NULL)", name="note"),)

    session_id: Mapped[int] = mapped_column(
        ForeignKey("kap_session.id"), primary_key=True, autoincrement=False
    )
    scheduled_at: Mapped[datetime | None]
    scheduled_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))


class KapJournalRow(Base):
    __tablename__ = "kap_journal"
    __table_args__ = (Index("ix_kap_journal_course_written", "course_id", "written_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("kap_course.id"))
    prompt_key: Mapped[str] = mapped_column(String(64))
    prompt_text: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]
    written_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


class BreathworkPracticeRow(Base):
    __tablename__ = "breathwork_practice"
    __table_args__ = (
        Index("ix_breathwork_practice_patient_recorded", "patient_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime]
    recorded_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))


# --- daily monitoring: check-ins, reminders, the email outbox, alerts -------------------

SAFETY_ANSWERS = "'none', 'thoughts', 'might_act'"
RATING_CHECKS = tuple(
    CheckConstraint(f"{name} BETWEEN 0 AND 10", name=name)
    for name in ("mood", "stress", "loneliness", "craving")
)


class CheckinRow(Base):
    """One daily check-in per patient per local day (``day`` is the patient's date)."""

    __tablename__ = "checkin"
    __table_args__ = (
        UniqueConstraint("patient_id", "day", name="uq_checkin_patient_day"),
        *RATING_CHECKS,
        CheckConstraint(f"safety IN ({SAFETY_ANSWERS})", name="safety"),
        CheckConstraint("sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24", name="sleep_hours"),
        CheckConstraint(
            "sleep_quality IS NULL OR sleep_quality BETWEEN 0 AND 4", name="sleep_quality"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    day: Mapped[date] = mapped_column(Date)
    mood: Mapped[int] = mapped_column(Integer)
    stress: Mapped[int] = mapped_column(Integer)
    loneliness: Mapped[int] = mapped_column(Integer)
    craving: Mapped[int] = mapped_column(Integer)
    used: Mapped[bool] = mapped_column(Boolean)
    #: ``[{"what": …, "amount": …, "unit": …, "detail": …}]``; empty when nothing was used.
    uses: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    triggers: Mapped[list[str]] = mapped_column(JSON)
    trigger_note: Mapped[str] = mapped_column(Text)
    coping: Mapped[list[str]] = mapped_column(JSON)
    sleep_hours: Mapped[float | None] = mapped_column(Float)
    sleep_quality: Mapped[int | None] = mapped_column(Integer)
    safety: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReminderRow(Base):
    """A patient's daily check-in reminder time, in their own time zone."""

    __tablename__ = "reminder"

    patient_id: Mapped[int] = mapped_column(
        ForeignKey("patient.id"), primary_key=True, autoincrement=False
    )
    enabled: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[time] = mapped_column(Time)
    updated_at: Mapped[datetime]


class OutboxMessageRow(Base):
    """An email waiting to be sent, or sent; kept either way (failures are never lost)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        CheckConstraint("kind IN ('reminder', 'alert', 'escalation')", name="kind"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_outbox_message_due", "sent_at", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patient.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    #: Queueing the same key twice is a no-op (e.g. ``reminder:7:2026-11-22``).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class AlertRow(Base):
    """An alert about a patient: new → acknowledged → resolved, with who and when."""

    __tablename__ = "alert"
    __table_args__ = (
        CheckConstraint("kind IN ('safety', 'relapse_risk', 'missed_checkins')", name="kind"),
        CheckConstraint("priority BETWEEN 1 AND 4", name="priority"),
        CheckConstraint("status IN ('new', 'acknowledged', 'resolved')", name="status"),
        CheckConstraint(
            "(status = 'new') = (acknowledged_at IS NULL AND resolved_at IS NULL)",
            name="status_times",
        ),
        CheckConstraint("(status = 'resolved') = (resolved_at IS NOT NULL)", name="resolved"),
        CheckConstraint("(escalated_at IS NULL) = (escalated_to IS NULL)", name="escalated"),
        Index("ix_alert_patient_status", "patient_id", "status"),
        Index("ix_alert_status_escalate", "status", "escalate_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[str] = mapped_column(String(32))
    priority: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[int | None] = mapped_column(Integer)
    raised_at: Mapped[datetime]
    escalate_at: Mapped[datetime | None]
    score: Mapped[float | None] = mapped_column(Float)
    assigned_to: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    status: Mapped[str] = mapped_column(String(16))
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    note: Mapped[str | None] = mapped_column(Text)
    escalated_at: Mapped[datetime | None]
    escalated_to: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
