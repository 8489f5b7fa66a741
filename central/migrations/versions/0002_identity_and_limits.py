"""Identity, file grants, agency accounts; repair of clock stamps from the future.

- `points.agency_code`: given at enrollment, unique: it starts every dossier code of the point.
- `dossier_codes`: each accepted dossier code once (the first dossier that held it keeps it).
- `blob_grants`: which point may read which file. Existing files are granted to the points whose
  dossiers name them (the hub kept no record of who uploaded them).
- `agencies` and `agency_files`: per-agency hashed tokens and the result files each uploaded.
- Events stamped more than a few minutes after they were stored (a desk clock years ahead), or not
  stamped as an HLC at all, get a stamp from the time the hub stored them; their dossiers are refolded.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import json
import re

import sqlalchemy as sa
from alembic import op

from app.domain.events import Event, EventType
from app.domain.fold import fold
from sync.protocol import MAX_AHEAD_MS, MIN_WALL_MS

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
HLC = re.compile(r"^\d{15}-\d{6}$")


def upgrade() -> None:
    with op.batch_alter_table("points") as batch:
        batch.add_column(sa.Column("agency_code", sa.String(40), nullable=True))
        batch.create_unique_constraint("uq_points_agency_code", ["agency_code"])
    op.create_table(
        "dossier_codes",
        sa.Column("code", sa.String(80), primary_key=True),
        sa.Column("dossier_id", sa.String(64), nullable=False, unique=True),
        sa.Column("point_code", sa.String(40), nullable=False),
    )
    op.create_table(
        "blob_grants",
        sa.Column("point_code", sa.String(40), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
    )
    op.create_table(
        "agencies",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("points", sa.Text, nullable=False),
        sa.Column("procedures", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("revoked_at", sa.BigInteger, nullable=True),
    )
    op.create_table(
        "agency_files",
        sa.Column("agency", sa.String(64), primary_key=True),
        sa.Column("sha256", sa.String(64), primary_key=True),
    )
    conn = op.get_bind()
    _claim_codes(conn)
    conn.execute(
        sa.text(
            "INSERT INTO blob_grants (point_code, sha256) SELECT DISTINCT d.point_code, f.sha256 "
            "FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id JOIN blobs b ON b.sha256 = f.sha256"
        )
    )
    repair_stamps(conn)


def _claim_codes(conn: sa.Connection) -> None:
    taken: set[str] = set()
    rows = conn.execute(
        sa.text("SELECT id, code, point_code FROM dossiers WHERE code IS NOT NULL ORDER BY updated_at, id")
    )
    for dossier_id, code, point in rows.all():
        if code not in taken:
            taken.add(code)
            conn.execute(
                sa.text("INSERT INTO dossier_codes (code, dossier_id, point_code) VALUES (:c, :d, :p)"),
                {"c": code, "d": dossier_id, "p": point},
            )


def repair_stamps(conn: sa.Connection) -> int:
    """Restamp events whose `at` is malformed or was ahead of the hub's clock when stored."""
    bad: dict[str, str] = {}
    for event_id, at, stored_at in conn.execute(sa.text("SELECT id, at, stored_at FROM events")).all():
        if not HLC.match(at or "") or int(at[:15]) > stored_at + MAX_AHEAD_MS or int(at[:15]) < MIN_WALL_MS:
            bad[event_id] = f"{max(stored_at, MIN_WALL_MS):015d}-{0:06d}"
    for event_id, at in bad.items():
        conn.execute(sa.text("UPDATE events SET at = :at WHERE id = :id"), {"at": at, "id": event_id})
    dossiers = (
        {
            r[0]
            for r in conn.execute(
                sa.text("SELECT dossier_id FROM events WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)
                ),
                {"ids": list(bad)},
            )
        }
        if bad
        else set()
    )
    for dossier_id in sorted(dossiers):
        _refold(conn, dossier_id)
    return len(bad)


def _refold(conn: sa.Connection, dossier_id: str) -> None:
    rows = conn.execute(
        sa.text("SELECT id, type, at, actor, device, payload FROM events WHERE dossier_id = :d"),
        {"d": dossier_id},
    ).all()
    events = [Event(r[0], dossier_id, EventType(r[1]), r[2], r[3], r[4], json.loads(r[5])) for r in rows]
    state = fold(events, dossier_id)
    conn.execute(
        sa.text("UPDATE dossiers SET state = :s, flags = :f, state_json = :j WHERE id = :d"),
        {
            "s": state.status.value,
            "f": len(state.flags),
            "j": json.dumps(state.to_dict(), ensure_ascii=False, default=str),
            "d": dossier_id,
        },
    )


def downgrade() -> None:
    for table in ("agency_files", "agencies", "blob_grants", "dossier_codes"):
        op.drop_table(table)
    with op.batch_alter_table("points") as batch:
        batch.drop_constraint("uq_points_agency_code", type_="unique")
        batch.drop_column("agency_code")
