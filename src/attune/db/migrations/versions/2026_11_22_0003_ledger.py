"""Issue 4: the controlled-substance ledger: a book per clinic, lots with a balance that
cannot go below zero, append-only entries, on-hand counts and biennial inventories.

Revision ID: 0003
Revises: 0002
Created: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Tables whose rows are never changed or removed once written.
APPEND_ONLY = ("ledger_entry", "ledger_count", "ledger_count_line", "ledger_inventory")
#: The lot columns that never change (only balance_ug moves).
LOT_FIXED = ("id", "clinic_id", "lot", "description", "mg_per_ml", "created_at")


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _clinic_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["clinic_id"], ["clinic.id"], name=op.f(f"fk_{table}_clinic_id_clinic")
    )


def _user_fk(table: str, column: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], ["app_user.id"], name=op.f(f"fk_{table}_{column}_app_user")
    )


def upgrade() -> None:
    op.create_table(
        "ledger_book",
        sa.Column("clinic_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        _when("last_at", nullable=True),
        sa.CheckConstraint("entries >= 0", name=op.f("ck_ledger_book_entries")),
        _clinic_fk("ledger_book"),
        sa.PrimaryKeyConstraint("clinic_id", name=op.f("pk_ledger_book")),
    )

    op.create_table(
        "ledger_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("mg_per_ml", sa.String(length=20), nullable=True),
        sa.Column("balance_ug", sa.BigInteger(), nullable=False),
        _when("created_at"),
        sa.CheckConstraint("balance_ug >= 0", name=op.f("ck_ledger_lot_balance_not_negative")),
        _clinic_fk("ledger_lot"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_lot")),
        sa.UniqueConstraint("clinic_id", "lot", name="uq_ledger_lot_clinic_lot"),
    )

    op.create_table(
        "ledger_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("change_ug", sa.BigInteger(), nullable=False),
        sa.Column("balance_after_ug", sa.BigInteger(), nullable=False),
        _when("at"),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("supplier", sa.String(length=200), nullable=False),
        sa.Column("supplier_dea", sa.String(length=9), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("session_ref", sa.String(length=100), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("corrects", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('receipt', 'administration', 'dispense', 'waste', 'correction')",
            name=op.f("ck_ledger_entry_kind"),
        ),
        sa.CheckConstraint("number > 0", name=op.f("ck_ledger_entry_number")),
        sa.CheckConstraint(
            "(kind = 'receipt' AND change_ug > 0) OR (kind = 'correction' AND change_ug <> 0) "
            "OR (kind IN ('administration', 'dispense', 'waste') AND change_ug < 0)",
            name=op.f("ck_ledger_entry_change_sign"),
        ),
        sa.CheckConstraint(
            "balance_after_ug >= 0", name=op.f("ck_ledger_entry_balance_after_not_negative")
        ),
        sa.CheckConstraint(
            "kind <> 'waste' OR (witness_id IS NOT NULL AND witness_id <> recorded_by)",
            name=op.f("ck_ledger_entry_waste_witness"),
        ),
        sa.CheckConstraint(
            "kind NOT IN ('administration', 'dispense') OR session_ref <> ''",
            name=op.f("ck_ledger_entry_session_ref"),
        ),
        sa.CheckConstraint(
            "(kind = 'correction') = (corrects IS NOT NULL)", name=op.f("ck_ledger_entry_corrects")
        ),
        _clinic_fk("ledger_entry"),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["ledger_lot.id"], name=op.f("fk_ledger_entry_lot_id_ledger_lot")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_ledger_entry_patient_id_patient")
        ),
        _user_fk("ledger_entry", "recorded_by"),
        _user_fk("ledger_entry", "witness_id"),
        sa.ForeignKeyConstraint(
            ["clinic_id", "corrects"],
            ["ledger_entry.clinic_id", "ledger_entry.number"],
            name="fk_ledger_entry_corrects",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entry")),
        sa.UniqueConstraint("clinic_id", "number", name="uq_ledger_entry_clinic_number"),
    )
    op.create_index("ix_ledger_entry_lot_number", "ledger_entry", ["lot_id", "number"])
    op.create_index(op.f("ix_ledger_entry_patient_id"), "ledger_entry", ["patient_id"])

    op.create_table(
        "ledger_count",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        _when("counted_at"),
        sa.Column("counted_by", sa.Integer(), nullable=False),
        sa.Column("through_entry", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _clinic_fk("ledger_count"),
        _user_fk("ledger_count", "counted_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_count")),
    )
    op.create_index(op.f("ix_ledger_count_clinic_id"), "ledger_count", ["clinic_id"])

    op.create_table(
        "ledger_count_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("count_id", sa.Integer(), nullable=False),
        sa.Column("lot", sa.String(length=40), nullable=False),
        sa.Column("expected_ug", sa.BigInteger(), nullable=False),
        sa.Column("counted_ug", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "status IN ('matches', 'short', 'over', 'not_counted', 'not_in_ledger')",
            name=op.f("ck_ledger_count_line_status"),
        ),
        sa.CheckConstraint(
            "counted_ug IS NULL OR counted_ug >= 0",
            name=op.f("ck_ledger_count_line_counted_not_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["count_id"],
            ["ledger_count.id"],
            name=op.f("fk_ledger_count_line_count_id_ledger_count"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_count_line")),
    )
    op.create_index(op.f("ix_ledger_count_line_count_id"), "ledger_count_line", ["count_id"])

    op.create_table(
        "ledger_inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        _when("as_of"),
        sa.Column("taken_at", sa.String(length=20), nullable=False),
        sa.Column("registrant_dea", sa.String(length=9), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=False),
        _when("created_at"),
        sa.CheckConstraint(
            "taken_at IN ('opening', 'close_of_business')",
            name=op.f("ck_ledger_inventory_taken_at"),
        ),
        _clinic_fk("ledger_inventory"),
        _user_fk("ledger_inventory", "taken_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_inventory")),
    )
    op.create_index(op.f("ix_ledger_inventory_clinic_id"), "ledger_inventory", ["clinic_id"])

    _create_guards()


def _create_guards() -> None:
    """Refuse UPDATE and DELETE of the append-only tables (and TRUNCATE on PostgreSQL);
    refuse deleting a lot or changing anything of it but its balance."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION ledger_refuse_change() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
            )
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in LOT_FIXED)
        op.execute(
            f"""
            CREATE FUNCTION ledger_lot_guard() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'UPDATE' THEN
                    RAISE EXCEPTION 'ledger_lot rows are never removed: % refused', TG_OP;
                END IF;
                IF {changed} THEN
                    RAISE EXCEPTION 'ledger_lot: only the balance of a lot changes';
                END IF;
                RETURN NEW;
            END
            $$
            """
        )
        op.execute(
            "CREATE TRIGGER ledger_lot_guard BEFORE UPDATE OR DELETE ON ledger_lot "
            "FOR EACH ROW EXECUTE FUNCTION ledger_lot_guard()"
        )
        op.execute(
            "CREATE TRIGGER ledger_lot_no_truncate BEFORE TRUNCATE ON ledger_lot "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()"
        )
        return
    for table in APPEND_ONLY:
        for statement in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{statement.lower()} BEFORE {statement} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {statement} refused'); END"
            )
    op.execute(
        "CREATE TRIGGER ledger_lot_no_delete BEFORE DELETE ON ledger_lot "
        "BEGIN SELECT RAISE(ABORT, 'ledger_lot rows are never removed: DELETE refused'); END"
    )
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in LOT_FIXED)
    op.execute(
        f"CREATE TRIGGER ledger_lot_fixed BEFORE UPDATE ON ledger_lot WHEN {changed} "
        "BEGIN SELECT RAISE(ABORT, 'ledger_lot: only the balance of a lot changes'); END"
    )


def _drop_guards() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS ledger_lot_guard ON ledger_lot")
        op.execute("DROP TRIGGER IF EXISTS ledger_lot_no_truncate ON ledger_lot")
        op.execute("DROP FUNCTION IF EXISTS ledger_lot_guard()")
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
        return
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    op.execute("DROP TRIGGER IF EXISTS ledger_lot_no_delete")
    op.execute("DROP TRIGGER IF EXISTS ledger_lot_fixed")


def downgrade() -> None:
    _drop_guards()
    op.drop_index(op.f("ix_ledger_inventory_clinic_id"), table_name="ledger_inventory")
    op.drop_table("ledger_inventory")
    op.drop_index(op.f("ix_ledger_count_line_count_id"), table_name="ledger_count_line")
    op.drop_table("ledger_count_line")
    op.drop_index(op.f("ix_ledger_count_clinic_id"), table_name="ledger_count")
    op.drop_table("ledger_count")
    op.drop_index(op.f("ix_ledger_entry_patient_id"), table_name="ledger_entry")
    op.drop_index("ix_ledger_entry_lot_number", table_name="ledger_entry")
    op.drop_table("ledger_entry")
    op.drop_table("ledger_lot")
    op.drop_table("ledger_book")
