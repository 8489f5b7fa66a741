"""Audit chain heads per device, and the fork warnings when a head does not extend the recorded one.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_heads",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("mac", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "audit_forks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("device_id", sa.String(64), nullable=False),
        sa.Column("point_code", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("recorded_seq", sa.BigInteger, nullable=False),
        sa.Column("got_seq", sa.BigInteger, nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("cleared_at", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_audit_forks_device_id", "audit_forks", ["device_id"])
    op.create_index("ix_audit_forks_point_code", "audit_forks", ["point_code"])


def downgrade() -> None:
    op.drop_table("audit_forks")
    op.drop_table("audit_heads")
