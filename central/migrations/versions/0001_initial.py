"""Initial hub schema: points, devices, enrollment codes, events, dossiers, files, feed, publications.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "points",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("next_seq", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "devices",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("point_code", sa.String(40), sa.ForeignKey("points.code"), nullable=False),
        sa.Column("desk", sa.Integer, nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "enroll_codes",
        sa.Column("code_hash", sa.String(64), primary_key=True),
        sa.Column("point_code", sa.String(40), sa.ForeignKey("points.code"), nullable=False),
        sa.Column("desk", sa.Integer, nullable=False),
        sa.Column("expires_at", sa.BigInteger, nullable=False),
        sa.Column("used_at", sa.BigInteger, nullable=True),
        sa.Column("device_id", sa.String(64), nullable=True),
    )
    op.create_index("ix_enroll_device", "enroll_codes", ["device_id"])
    op.create_table(
        "events",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("dossier_id", sa.String(64), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("at", sa.String(22), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("stored_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_events_dossier_id", "events", ["dossier_id"])
    op.create_table(
        "dossiers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("point_code", sa.String(40), sa.ForeignKey("points.code"), nullable=False),
        sa.Column("code", sa.String(80), nullable=True),
        sa.Column("state", sa.String(40), nullable=False),
        sa.Column("flags", sa.Integer, nullable=False),
        sa.Column("state_json", sa.Text, nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_dossiers_point_code", "dossiers", ["point_code"])
    op.create_index("ix_dossiers_code", "dossiers", ["code"])
    op.create_table(
        "dossier_files",
        sa.Column("dossier_id", sa.String(64), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_dossier_files_sha256", "dossier_files", ["sha256"])
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(64), primary_key=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("stored_at", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "feed",
        sa.Column("point_code", sa.String(40), primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(64), nullable=True),
        sa.Column("publication_id", sa.Integer, nullable=True),
        sa.Column("device", sa.String(64), nullable=False),
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("published_at", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    for table in ("publications", "feed", "blobs", "dossier_files", "dossiers", "events"):
        op.drop_table(table)
    op.drop_table("enroll_codes")
    op.drop_table("devices")
    op.drop_table("points")
