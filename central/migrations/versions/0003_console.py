"""Console: branches, operators, sessions, view audit, dossier index and day counters, desk last-seen.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX_COLUMNS = [
    ("ix_cdi_point_open_due", ["point_code", "is_open", "due_date"]),
    ("ix_cdi_code", ["code"]),
    ("ix_cdi_id_number", ["id_number"]),
    ("ix_cdi_name_key", ["name_key"]),
    ("ix_cdi_procedure", ["procedure_code", "is_open"]),
    # city-wide figures (no point filter): open dossiers by due date, dossiers waiting for files
    ("ix_cdi_open_due_point", ["is_open", "due_date", "point_code"]),
    ("ix_cdi_pending", ["files_pending", "point_code"]),
]


def upgrade() -> None:
    op.create_table(
        "console_branches",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_table(
        "console_point_branch",
        sa.Column("point_code", sa.String(40), primary_key=True),
        sa.Column("branch_code", sa.String(40), sa.ForeignKey("console_branches.code"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_index("ix_console_point_branch_branch_code", "console_point_branch", ["branch_code"])
    op.create_table(
        "console_agency_routes",
        sa.Column("agency", sa.String(80), primary_key=True),
        sa.Column("procedure_code", sa.String(80), primary_key=True),
        sa.Column("point_code", sa.String(40), primary_key=True),
    )
    op.create_table(
        "console_operators",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("username", sa.String(80), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("branch_code", sa.String(40), nullable=True),
        sa.Column("agency", sa.String(80), nullable=True),
        sa.Column("is_active", sa.Boolean, nullable=False),
        sa.Column("failed_logins", sa.Integer, nullable=False),
        sa.Column("locked_until", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("operator_id", sa.Integer, sa.ForeignKey("console_operators.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_console_sessions_operator_id", "console_sessions", ["operator_id"])
    op.create_table(
        "console_view_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("operator_id", sa.Integer, nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("dossier_id", sa.String(64), nullable=False),
        sa.Column("detail", sa.String(200), nullable=False),
    )
    op.create_index("ix_console_view_audit_operator_id", "console_view_audit", ["operator_id"])
    op.create_index("ix_console_view_audit_dossier_id", "console_view_audit", ["dossier_id"])
    _index_tables()
    from central.console.index import backfill

    backfill(op.get_bind())


def _index_tables() -> None:
    op.create_table(
        "console_dossier_index",
        sa.Column("dossier_id", sa.String(64), primary_key=True),
        sa.Column("point_code", sa.String(40), nullable=False),
        sa.Column("code", sa.String(80), nullable=True),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("is_open", sa.Boolean, nullable=False),
        sa.Column("procedure_code", sa.String(80), nullable=False),
        sa.Column("received_day", sa.String(10), nullable=True),
        sa.Column("due_date", sa.String(10), nullable=True),
        sa.Column("returned_day", sa.String(10), nullable=True),
        sa.Column("on_time", sa.Boolean, nullable=True),
        sa.Column("rating", sa.String(40), nullable=True),
        # byte order on PostgreSQL, so a prefix is one index range whatever the database's locale
        sa.Column(
            "name_key",
            sa.String(200).with_variant(sa.String(200, collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column("id_number", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("files_pending", sa.Integer, nullable=False),
    )
    for name, cols in INDEX_COLUMNS:
        op.create_index(name, "console_dossier_index", cols)
    op.create_table(
        "console_point_day",
        sa.Column("point_code", sa.String(40), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        *(sa.Column(c, sa.Integer, nullable=False) for c in COUNTERS),
    )
    op.create_index("ix_cpd_day", "console_point_day", ["day", "point_code"])
    op.create_table(
        "console_device_seen",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("last_seen", sa.BigInteger, nullable=False),
        sa.Column("clock_offset_ms", sa.BigInteger, nullable=True),
    )


COUNTERS = ("received", "returned", "returned_on_time", "rated", "satisfied")


def downgrade() -> None:
    for table in (
        "console_device_seen",
        "console_point_day",
        "console_dossier_index",
        "console_view_audit",
        "console_sessions",
        "console_operators",
        "console_agency_routes",
        "console_point_branch",
        "console_branches",
    ):
        op.drop_table(table)
