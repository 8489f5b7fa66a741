"""Console: rate-limit counters every hub worker shares, what each desk reports it still holds, and the
events each device pushed per day (counted from now on: a day before the upgrade reads 0).

Revision ID: 0008
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_rate_counters",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("window_start", sa.BigInteger, primary_key=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_crc_expires", "console_rate_counters", ["expires_at"])
    op.create_table(
        "console_desk_reports",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("last_push", sa.BigInteger, nullable=True),
        sa.Column("outbox_events", sa.Integer, nullable=True),
        sa.Column("outbox_files", sa.Integer, nullable=True),
        sa.Column("reported_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "console_device_day",
        sa.Column("device_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("events", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("console_device_day")
    op.drop_table("console_desk_reports")
    op.drop_index("ix_crc_expires", "console_rate_counters")
    op.drop_table("console_rate_counters")
