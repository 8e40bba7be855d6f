"""Issue 3: intakes, versions of the cycle (formulation), level-of-care recommendations
and treatment plans.

Revision ID: 0002
Revises: 0001
Created: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _json(name: str) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(), nullable=False)


def _patient_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["patient_id"], ["patient.id"], name=op.f(f"fk_{table}_patient_id_patient")
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["app_user.id"], name=op.f(f"fk_{table}_{column}_app_user")
    )


def upgrade() -> None:
    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        _json("answers"),
        _json("sections_done"),
        sa.Column("opened_by", sa.Integer(), nullable=False),
        _when("opened_at"),
        _when("updated_at"),
        _when("submitted_at", nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'submitted')", name=op.f("ck_intake_status")),
        _patient_fk("intake"),
        _user_fk("intake", "opened_by"),
        _user_fk("intake", "submitted_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake")),
    )
    op.create_index("ix_intake_patient_opened", "intake", ["patient_id", "opened_at"])

    op.create_table(
        "formulation_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        _json("content"),
        sa.Column("author_user_id", sa.Integer(), nullable=False),
        sa.Column("author_role", sa.String(length=16), nullable=False),
        _when("created_at"),
        sa.CheckConstraint("number > 0", name=op.f("ck_formulation_version_number")),
        sa.CheckConstraint(
            "author_role IN ('clinician', 'patient', 'together')",
            name=op.f("ck_formulation_version_author_role"),
        ),
        _patient_fk("formulation_version"),
        _user_fk("formulation_version", "author_user_id"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_formulation_version")),
        sa.UniqueConstraint("patient_id", "number", name="uq_formulation_version_patient_number"),
    )

    op.create_table(
        "recommendation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        _when("created_at"),
        _json("content"),
        sa.Column("rules_version", sa.String(length=32), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("final_level", sa.String(length=32), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending_review', 'accepted', 'overridden', 'superseded')",
            name=op.f("ck_recommendation_status"),
        ),
        _patient_fk("recommendation"),
        _user_fk("recommendation", "decided_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation")),
    )
    op.create_index(
        "ix_recommendation_patient_created", "recommendation", ["patient_id", "created_at"]
    )

    op.create_table(
        "treatment_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        _json("content"),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        _when("created_at"),
        _when("updated_at"),
        sa.CheckConstraint("version > 0", name=op.f("ck_treatment_plan_version")),
        sa.CheckConstraint("status IN ('draft', 'agreed')", name=op.f("ck_treatment_plan_status")),
        _patient_fk("treatment_plan"),
        _user_fk("treatment_plan", "created_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_treatment_plan")),
        sa.UniqueConstraint("patient_id", "version", name="uq_treatment_plan_patient_version"),
    )


def downgrade() -> None:
    op.drop_table("treatment_plan")
    op.drop_index("ix_recommendation_patient_created", table_name="recommendation")
    op.drop_table("recommendation")
    op.drop_table("formulation_version")
    op.drop_index("ix_intake_patient_opened", table_name="intake")
    op.drop_table("intake")
