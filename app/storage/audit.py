"""Audit log with a keyed hash chain. Rows carry ids only (clerk id, dossier id, event id), never
personal data.

Each row's `mac` is HMAC-SHA256 under the store's audit key (`app.keys`) over the previous row's mac
and its own content; every event, local or from the hub, gets a row holding the SHA-256 of its full
content (all columns, payload included); and the head (last seq and mac, itself keyed) is kept in
`sync_state` in the same transaction. So `verify_chain` finds: an edited event, an edited, inserted
or deleted row anywhere, a deleted tail, and a reset `sqlite_sequence`. Without the key nobody can
recompute the chain after an edit. (`hash` is the unkeyed chain of schema 2, still written for old
readers; `mac` is what counts.)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.storage.db import Database, utc_now

logger = logging.getLogger(__name__)

GENESIS = "0" * 64
HEAD_KEY = "audit_head"
EVENT_COLUMNS = "id, dossier_id, type, at, actor, device, payload, origin, stored_at"


def row_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    content = json.dumps([seq, at, actor, action, subject, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def row_mac(
    key: bytes, prev_mac: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str
) -> str:
    content = json.dumps([seq, at, actor, action, subject, detail], ensure_ascii=False, separators=(",", ":"))
    return hmac.new(key, (prev_mac + content).encode("utf-8"), hashlib.sha256).hexdigest()


def head_value(key: bytes, seq: int, mac: str) -> str:
    return f"{seq}:" + hmac.new(key, f"head:{seq}:{mac}".encode(), hashlib.sha256).hexdigest()


def event_digest(row: Iterable[Any]) -> str:
    """SHA-256 over an event's full stored content (the EVENT_COLUMNS, in order)."""
    text = json.dumps(list(row), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def append_audit(
    db: Database, actor: str, action: str, subject: str = "", detail: Mapping[str, Any] | None = None
) -> int:
    """Append one audit row inside the current transaction; returns its seq."""
    key = db.keys.audit_key
    with db.transaction() as conn:
        last = conn.execute("SELECT hash, mac FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev, prev_mac = (last[0], last[1] or GENESIS) if last else (GENESIS, GENESIS)
        at = utc_now()
        text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        cur = conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, '')",
            (at, actor, action, subject, text, prev),
        )
        seq = int(cur.lastrowid or 0)
        digest = row_hash(prev, seq, at, actor, action, subject, text)
        mac = row_mac(key, prev_mac, seq, at, actor, action, subject, text)
        conn.execute("UPDATE audit_log SET hash = ?, mac = ? WHERE seq = ?", (digest, mac, seq))
        db.set_value(HEAD_KEY, head_value(key, seq, mac))
    return seq


def audit_event(db: Database, event_id: str, actor: str, action: str, subject: str) -> None:
    """The audit row that seals one stored event's full content (inside the caller's transaction)."""
    row = db.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE id = ?", (event_id,)).fetchone()
    append_audit(db, actor, action, subject, {"event_id": event_id, "digest": event_digest(row)})


def reseal_event(db: Database, event_id: str, reason: str) -> None:
    """After a sanctioned rewrite of a stored event (a repair migration, e.g. a poisoned HLC stamp):
    a new audit row seals its new content, and the chain keeps the fact that it was rewritten."""
    row = db.conn.execute("SELECT dossier_id FROM events WHERE id = ?", (event_id,)).fetchone()
    if row is not None:
        audit_event(db, event_id, "system", f"event.resealed.{reason}", str(row[0]))


def adopt_chain(db: Database) -> int:
    """Key the chain of a store from before schema 7: mac every unkeyed row in order, then seal
    every event no audit row covers yet. Idempotent; returns the rows added or keyed."""
    key = db.keys.audit_key
    if db.get_value(HEAD_KEY) is not None:  # keyed already (every append keeps the head)
        return 0
    q = db.conn.execute
    if (
        q("SELECT 1 FROM audit_log LIMIT 1").fetchone() is None
        and q("SELECT 1 FROM events LIMIT 1").fetchone() is None
    ):
        return 0
    count = 0
    with db.transaction() as conn:
        prev_mac, seq = GENESIS, 0
        rows = conn.execute(
            "SELECT seq, at, actor, action, subject, detail, mac FROM audit_log ORDER BY seq"
        ).fetchall()
        for seq, at, actor, action, subject, detail, mac in rows:
            if mac is None:
                mac = row_mac(key, prev_mac, seq, at, actor, action, subject, detail)
                conn.execute("UPDATE audit_log SET mac = ? WHERE seq = ?", (mac, seq))
                count += 1
            prev_mac = mac
        if rows:
            db.set_value(HEAD_KEY, head_value(key, seq, prev_mac))
        covered = _covered(db)
        loose = [
            r[0] for r in conn.execute("SELECT id FROM events ORDER BY stored_at, id") if r[0] not in covered
        ]
        for event_id in loose:
            audit_event(db, event_id, "system", "event.sealed", "")
        count += len(loose)
    logger.info("audit chain keyed: %d rows", count)
    return count


def _covered(db: Database) -> dict[str, str]:
    """event id -> digest, from the audit rows that seal events."""
    found: dict[str, str] = {}
    for event_id, digest in db.conn.execute(
        "SELECT json_extract(detail, '$.event_id'), json_extract(detail, '$.digest') FROM audit_log"
        " WHERE json_extract(detail, '$.digest') IS NOT NULL ORDER BY seq"
    ):  # the latest seal of an event counts (see reseal_event)
        found[str(event_id)] = str(digest)
    return found


def chain_head(db: Database) -> tuple[int, str]:
    """(seq, mac) of the last audit row: what a push would carry for the hub to keep per device
    (a later head with a lower seq went backwards; the same seq with another mac forked)."""
    row = db.conn.execute("SELECT seq, mac FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return (int(row[0]), str(row[1] or GENESIS)) if row else (0, GENESIS)


def mac_at(db: Database, seq: int) -> str | None:
    """The chain's MAC at row `seq` (what the hub compares with the head it recorded), None if no such row."""
    row = db.conn.execute("SELECT mac FROM audit_log WHERE seq = ?", (seq,)).fetchone()
    return str(row[0] or GENESIS) if row else None


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_broken: int | None  # seq of the first row that does not verify (0: not a row)
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.first_broken is None


def verify_chain(db: Database) -> ChainReport:
    """Recompute the whole keyed chain, its head, and every event's seal; report the first break."""
    key = db.keys.audit_key
    prev, expected_seq, count = GENESIS, 1, 0
    cursor = db.conn.execute(
        "SELECT seq, at, actor, action, subject, detail, mac FROM audit_log ORDER BY seq"
    )
    for seq, at, actor, action, subject, detail, mac in cursor:
        count += 1
        if seq != expected_seq:
            return ChainReport(count, expected_seq, f"row {expected_seq} is missing")
        if mac is None or not hmac.compare_digest(
            row_mac(key, prev, seq, at, actor, action, subject, detail), mac
        ):
            return ChainReport(count, seq, "content does not match its keyed hash")
        prev, expected_seq = mac, seq + 1
    last = expected_seq - 1
    top = db.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top and int(top[0]) != last:
        return ChainReport(count, last + 1, f"sqlite_sequence says {top[0]}, the log ends at {last}")
    head = db.get_value(HEAD_KEY)
    if (head is not None or count) and head != head_value(key, last, prev):
        return ChainReport(
            count, last + 1, f"the log ends at row {last} but its sealed head differs (tail deleted)"
        )
    return _verify_events(db, count)


def _verify_events(db: Database, count: int) -> ChainReport:
    covered = _covered(db)
    for row in db.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events"):
        digest = covered.pop(str(row[0]), None)
        if digest is None:
            return ChainReport(count, 0, f"event {row[0]} is not sealed in the audit log")
        if digest != event_digest(row):
            return ChainReport(count, 0, f"event {row[0]} was changed after it was stored")
    if covered:
        return ChainReport(
            count, 0, f"{len(covered)} sealed events are missing (first {next(iter(covered))})"
        )
    return ChainReport(count, None)
