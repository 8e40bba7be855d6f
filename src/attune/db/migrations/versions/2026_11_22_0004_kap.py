"""Issue 4: ketamine-assisted psychotherapy: courses and their append-only events,
eligibility checks and sign-offs, consent, preparation, the safety plan, dosing sessions,
the Spravato REMS record, the at-home gate and check-ins, integration, the journal and
the breathwork practice log (docs/adr/0014-kap-course-records-and-replay.md).

Revision ID: 0004
Revises: 0003
Created: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "breathwork_practice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_breathwork_practice_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"],
            ["app_user.id"],
            name=op.f("fk_breathwork_practice_recorded_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breathwork_practice")),
    )
    op.create_index(
        "ix_breathwork_practice_patient_recorded",
        "breathwork_practice",
        ["patient_id", "recorded_at"],
    )

    op.create_table(
        "kap_course",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(length=32), nullable=False),
        sa.Column("protocol", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "program IN ('in_office', 'at_home', 'spravato_in_office')",
            name=op.f("ck_kap_course_program"),
        ),
        sa.CheckConstraint(
            "status IN ('preparation', 'dosing', 'stopped', 'aftercare')",
            name=op.f("ck_kap_course_status"),
        ),
        sa.ForeignKeyConstraint(
            ["opened_by"], ["app_user.id"], name=op.f("fk_kap_course_opened_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_kap_course_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_course")),
    )
    op.create_index("ix_kap_course_patient_opened", "kap_course", ["patient_id", "opened_at"])

    op.create_table(
        "kap_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('given', 'withdrawn')", name=op.f("ck_kap_consent_kind")),
        sa.ForeignKeyConstraint(["by"], ["app_user.id"], name=op.f("fk_kap_consent_by_app_user")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_consent_course_id_kap_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_consent")),
    )
    op.create_index(op.f("ix_kap_consent_course_id"), "kap_consent", ["course_id"])

    op.create_table(
        "kap_eligibility",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("assessed_by", sa.Integer(), nullable=False),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('eligible', 'eligible_with_conditions', 'not_eligible')",
            name=op.f("ck_kap_eligibility_outcome"),
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by"], ["app_user.id"], name=op.f("fk_kap_eligibility_assessed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_eligibility_course_id_kap_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_eligibility")),
    )
    op.create_index(op.f("ix_kap_eligibility_course_id"), "kap_eligibility", ["course_id"])

    op.create_table(
        "kap_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("seq > 0", name=op.f("ck_kap_event_seq")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_event_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_kap_event_recorded_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_event")),
        sa.UniqueConstraint("course_id", "seq", name="uq_kap_event_course_seq"),
    )
    op.create_table(
        "kap_gate",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["by"], ["app_user.id"], name=op.f("fk_kap_gate_by_app_user")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_gate_course_id_kap_course")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_gate")),
    )
    op.create_index("ix_kap_gate_course_day", "kap_gate", ["course_id", "day"])

    op.create_table(
        "kap_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("prompt_key", sa.String(length=64), nullable=False),
        sa.Column("prompt_text", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("written_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_journal_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["written_by"], ["app_user.id"], name=op.f("fk_kap_journal_written_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_journal")),
    )
    op.create_index("ix_kap_journal_course_written", "kap_journal", ["course_id", "written_at"])

    op.create_table(
        "kap_preparation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("module", sa.String(length=64), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_preparation_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["done_by"], ["app_user.id"], name=op.f("fk_kap_preparation_done_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_preparation")),
        sa.UniqueConstraint("course_id", "module", name="uq_kap_preparation_course_module"),
    )
    op.create_table(
        "kap_safety_plan",
        sa.Column("course_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_safety_plan_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["app_user.id"], name=op.f("fk_kap_safety_plan_updated_by_app_user")
        ),
        sa.PrimaryKeyConstraint("course_id", name=op.f("pk_kap_safety_plan")),
    )
    op.create_table(
        "kap_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("dose_number", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("dosed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(status = 'signed') = (signed_at IS NOT NULL)", name=op.f("ck_kap_session_signed")
        ),
        sa.CheckConstraint("kind IN ('in_office', 'at_home')", name=op.f("ck_kap_session_kind")),
        sa.CheckConstraint(
            "status IN ('draft', 'signed', 'open', 'completed')", name=op.f("ck_kap_session_status")
        ),
        sa.CheckConstraint("dose_number > 0", name=op.f("ck_kap_session_dose_number")),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_session_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["app_user.id"], name=op.f("fk_kap_session_created_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["app_user.id"], name=op.f("fk_kap_session_signed_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_session")),
        sa.UniqueConstraint("course_id", "dose_number", name="uq_kap_session_course_dose_number"),
    )
    op.create_table(
        "kap_checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("by", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("stop", sa.Boolean(), nullable=False),
        sa.Column("alert", sa.Boolean(), nullable=False),
        sa.Column("outcome", sa.JSON(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("by IN ('sitter', 'patient')", name=op.f("ck_kap_checkin_by")),
        sa.CheckConstraint("kind IN ('sitter', 'post_session')", name=op.f("ck_kap_checkin_kind")),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["app_user.id"], name=op.f("fk_kap_checkin_recorded_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["kap_session.id"], name=op.f("fk_kap_checkin_session_id_kap_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_checkin")),
    )
    op.create_index("ix_kap_checkin_session_at", "kap_checkin", ["session_id", "at"])

    op.create_table(
        "kap_integration",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scheduled_by", sa.Integer(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.JSON(), nullable=True),
        sa.CheckConstraint(
            "(completed_at IS NULL) = (note IS NULL)", name=op.f("ck_kap_integration_note")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["app_user.id"], name=op.f("fk_kap_integration_completed_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["scheduled_by"], ["app_user.id"], name=op.f("fk_kap_integration_scheduled_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["kap_session.id"],
            name=op.f("fk_kap_integration_session_id_kap_session"),
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_kap_integration")),
    )
    op.create_table(
        "kap_rems",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("submitted", sa.Boolean(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "submitted = (submitted_on IS NOT NULL)", name=op.f("ck_kap_rems_submitted_on")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"], ["kap_session.id"], name=op.f("fk_kap_rems_session_id_kap_session")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"], ["app_user.id"], name=op.f("fk_kap_rems_updated_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_rems")),
        sa.UniqueConstraint("session_id", name=op.f("uq_kap_rems_session_id")),
    )
    op.create_table(
        "kap_signoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("eligibility_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("signed_by", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('approve', 'decline', 'override')", name=op.f("ck_kap_signoff_decision")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"], ["kap_course.id"], name=op.f("fk_kap_signoff_course_id_kap_course")
        ),
        sa.ForeignKeyConstraint(
            ["eligibility_id"],
            ["kap_eligibility.id"],
            name=op.f("fk_kap_signoff_eligibility_id_kap_eligibility"),
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["app_user.id"], name=op.f("fk_kap_signoff_signed_by_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kap_signoff")),
    )
    op.create_index(op.f("ix_kap_signoff_course_id"), "kap_signoff", ["course_id"])
    _guard_events()


def _guard_events() -> None:
    """Course events are never changed or removed: the state is replayed from them."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION kap_event_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'kap_event is append-only: % refused', TG_OP;
            END;
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER kap_event_append_only BEFORE UPDATE OR DELETE ON kap_event "
            "FOR EACH ROW EXECUTE FUNCTION kap_event_refuse_change()"
        )
        op.execute(
            "CREATE TRIGGER kap_event_no_truncate BEFORE TRUNCATE ON kap_event "
            "FOR EACH STATEMENT EXECUTE FUNCTION kap_event_refuse_change()"
        )
        return
    for statement in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER kap_event_no_{statement.lower()} BEFORE {statement} ON kap_event "
            f"BEGIN SELECT RAISE(ABORT, 'kap_event is append-only: {statement} refused'); END"
        )


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS kap_event_append_only ON kap_event")
        op.execute("DROP TRIGGER IF EXISTS kap_event_no_truncate ON kap_event")
        op.execute("DROP FUNCTION IF EXISTS kap_event_refuse_change()")
        return
    op.execute("DROP TRIGGER IF EXISTS kap_event_no_update")
    op.execute("DROP TRIGGER IF EXISTS kap_event_no_delete")


def downgrade() -> None:
    _drop_guards()
    op.drop_index(op.f("ix_kap_signoff_course_id"), table_name="kap_signoff")

    op.drop_table("kap_signoff")
    op.drop_table("kap_rems")
    op.drop_table("kap_integration")
    op.drop_index("ix_kap_checkin_session_at", table_name="kap_checkin")

    op.drop_table("kap_checkin")
    op.drop_table("kap_session")
    op.drop_table("kap_safety_plan")
    op.drop_table("kap_preparation")
    op.drop_index("ix_kap_journal_course_written", table_name="kap_journal")

    op.drop_table("kap_journal")
    op.drop_index("ix_kap_gate_course_day", table_name="kap_gate")

    op.drop_table("kap_gate")
    op.drop_table("kap_event")
    op.drop_index(op.f("ix_kap_eligibility_course_id"), table_name="kap_eligibility")

    op.drop_table("kap_eligibility")
    op.drop_index(op.f("ix_kap_consent_course_id"), table_name="kap_consent")

    op.drop_table("kap_consent")
    op.drop_index("ix_kap_course_patient_opened", table_name="kap_course")

    op.drop_table("kap_course")
    op.drop_index("ix_breathwork_practice_patient_recorded", table_name="breathwork_practice")

    op.drop_table("breathwork_practice")
