"""Issue 5: daily monitoring: the patient's time zone, daily check-ins (one per patient
per local day), reminder times, the email outbox and alerts about patients.

Revision ID: 0005
Revises: 0004
Created: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("patient", sa.Column("timezone", sa.String(length=64), nullable=True))

    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mood", sa.Integer(), nullable=False),
        sa.Column("stress", sa.Integer(), nullable=False),
        sa.Column("loneliness", sa.Integer(), nullable=False),
        sa.Column("craving", sa.Integer(), nullable=False),
        sa.Column("used", sa.Boolean(), nullable=False),
        sa.Column("uses", sa.JSON(), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("trigger_note", sa.Text(), nullable=False),
        sa.Column("coping", sa.JSON(), nullable=False),
        sa.Column("sleep_hours", sa.Float(), nullable=True),
        sa.Column("sleep_quality", sa.Integer(), nullable=True),
        sa.Column("safety", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "safety IN ('none', 'thoughts', 'might_act')", name=op.f("ck_checkin_safety")
        ),
        sa.CheckConstraint("mood BETWEEN 0 AND 10", name=op.f("ck_checkin_mood")),
        sa.CheckConstraint("stress BETWEEN 0 AND 10", name=op.f("ck_checkin_stress")),
        sa.CheckConstraint("loneliness BETWEEN 0 AND 10", name=op.f("ck_checkin_loneliness")),
        sa.CheckConstraint("craving BETWEEN 0 AND 10", name=op.f("ck_checkin_craving")),
        sa.CheckConstraint(
            "sleep_hours IS NULL OR sleep_hours BETWEEN 0 AND 24",
            name=op.f("ck_checkin_sleep_hours"),
        ),
        sa.CheckConstraint(
            "sleep_quality IS NULL OR sleep_quality BETWEEN 0 AND 4",
            name=op.f("ck_checkin_sleep_quality"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_checkin_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkin")),
        sa.UniqueConstraint("patient_id", "day", name="uq_checkin_patient_day"),
    )

    op.create_table(
        "reminder",
        sa.Column("patient_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("at", sa.Time(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_reminder_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("patient_id", name=op.f("pk_reminder")),
    )

    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('reminder', 'alert', 'escalation')", name=op.f("ck_outbox_message_kind")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_message_attempts")),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outbox_message_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["app_user.id"], name=op.f("fk_outbox_message_user_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    op.create_index("ix_outbox_message_due", "outbox_message", ["sent_at", "next_attempt_at"])
    op.create_index(op.f("ix_outbox_message_patient_id"), "outbox_message", ["patient_id"])

    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("escalate_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("assigned_to", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("escalated_to", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('safety', 'relapse_risk', 'missed_checkins')", name=op.f("ck_alert_kind")
        ),
        sa.CheckConstraint("priority BETWEEN 1 AND 4", name=op.f("ck_alert_priority")),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'resolved')", name=op.f("ck_alert_status")
        ),
        sa.CheckConstraint(
            "(status = 'new') = (acknowledged_at IS NULL AND resolved_at IS NULL)",
            name=op.f("ck_alert_status_times"),
        ),
        sa.CheckConstraint(
            "(status = 'resolved') = (resolved_at IS NOT NULL)", name=op.f("ck_alert_resolved")
        ),
        sa.CheckConstraint(
            "(escalated_at IS NULL) = (escalated_to IS NULL)", name=op.f("ck_alert_escalated")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_alert_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to"], ["app_user.id"], name=op.f("fk_alert_assigned_to_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"], ["app_user.id"], name=op.f("fk_alert_acknowledged_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by"], ["app_user.id"], name=op.f("fk_alert_resolved_by_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["escalated_to"], ["app_user.id"], name=op.f("fk_alert_escalated_to_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert")),
    )
    op.create_index("ix_alert_patient_status", "alert", ["patient_id", "status"])
    op.create_index("ix_alert_status_escalate", "alert", ["status", "escalate_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_status_escalate", table_name="alert")
    op.drop_index("ix_alert_patient_status", table_name="alert")
    op.drop_table("alert")
    op.drop_index(op.f("ix_outbox_message_patient_id"), table_name="outbox_message")
    op.drop_index("ix_outbox_message_due", table_name="outbox_message")
    op.drop_table("outbox_message")
    op.drop_table("reminder")
    op.drop_table("checkin")
    # SQLite 3.35+ drops a column in place (no table rebuild, foreign keys untouched).
    op.drop_column("patient", "timezone")
