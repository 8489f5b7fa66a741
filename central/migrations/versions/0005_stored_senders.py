"""Repair `device` and `actor` of events stored as sent, before the hub stamped them.

Until the hub stamped `device` from the authenticated device (0002's release), an event kept whatever
`device` and `actor` it said. The hub did record who really wrote each event: the feed row it made
for it names the authenticated device (or `hub` for an agency decision). From that:

- `device`: set to the feed row's writer wherever the two differ;
- `actor`: an event a device wrote with no actor, or with one only the hub may write (`agency…`,
  `hub…`, `system…`), cannot be given its real clerk: it is marked `unverified` (a name no device may
  send any more) and its dossier is refolded, so the projection's actors say so too.

Every value changed is kept in `event_repairs` (event, field, the value as sent, why), so the centre
can still see what a device claimed. An event with no feed row is left as it is (the hub does not
know who wrote it) and listed there with the reason `no_writer`. Desks that pulled an event before
keep their copy as they pulled it; the hub's own records and later pulls carry the repaired values.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import json
import logging
import re
import time

import sqlalchemy as sa
from alembic import op

from app.domain.events import Event, EventType
from app.domain.fold import fold

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
UNVERIFIED = "unverified"
HUB_WRITER = "hub"
RESERVED = re.compile(r"^(agency|hub|system)(:.*)?$", re.IGNORECASE)
CHUNK = 500
logger = logging.getLogger(__name__)


def upgrade() -> None:
    op.create_table(
        "event_repairs",
        sa.Column("event_id", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(20), primary_key=True),
        sa.Column("sent", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("repaired_at", sa.BigInteger, nullable=False),
    )
    counts = repair_senders(op.get_bind())
    logger.info("stored senders repaired: %(device)d devices, %(actor)d actors; %(unknown)d unknown", counts)


def repair_senders(conn: sa.Connection) -> dict[str, int]:
    """Rewrite what the feed proves, mark what it cannot; returns counts by kind of repair."""
    now = time.time_ns() // 1_000_000
    rows = conn.execute(
        sa.text(
            "SELECT e.id, e.dossier_id, e.device, e.actor, f.device FROM events e "
            "LEFT JOIN feed f ON f.event_id = e.id AND f.kind = 'event' "
            "WHERE f.device IS NULL OR f.device <> e.device OR e.actor = '' "
            "OR lower(e.actor) LIKE 'agency%' OR lower(e.actor) LIKE 'hub%' OR lower(e.actor) LIKE 'system%'"
        )
    ).all()
    repairs: list[dict[str, object]] = []
    devices: list[dict[str, object]] = []
    actors: list[dict[str, object]] = []
    refold: set[str] = set()
    for event_id, dossier_id, device, actor, writer in rows:
        if not writer:  # no feed row (or one that names nobody): who wrote it is not known
            repairs.append(_repair(event_id, "device", device, "no_writer", now))
            continue
        if writer != device:
            repairs.append(_repair(event_id, "device", device, "feed_writer", now))
            devices.append({"id": event_id, "v": writer})
        if writer != HUB_WRITER and (not actor or RESERVED.match(actor)):
            repairs.append(_repair(event_id, "actor", actor, "not_a_clerk", now))
            actors.append({"id": event_id, "v": UNVERIFIED})
            refold.add(dossier_id)
    for i in range(0, len(repairs), CHUNK):
        conn.execute(
            sa.text(
                "INSERT INTO event_repairs (event_id, field, sent, reason, repaired_at) "
                "VALUES (:event_id, :field, :sent, :reason, :repaired_at)"
            ),
            repairs[i : i + CHUNK],
        )
    if devices:
        conn.execute(sa.text("UPDATE events SET device = :v WHERE id = :id"), devices)
    if actors:
        conn.execute(sa.text("UPDATE events SET actor = :v WHERE id = :id"), actors)
    for dossier_id in sorted(refold):
        _refold(conn, dossier_id)
    unknown = sum(1 for r in repairs if r["reason"] == "no_writer")
    return {"device": len(devices), "actor": len(actors), "unknown": unknown}


def _repair(event_id: str, field: str, sent: str, reason: str, now: int) -> dict[str, object]:
    return {
        "event_id": event_id,
        "field": field,
        "sent": (sent or "")[:200],
        "reason": reason,
        "repaired_at": now,
    }


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
    op.drop_table("event_repairs")
