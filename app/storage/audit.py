"""Audit log with a SHA-256 hash chain. Rows carry ids only (clerk id, dossier id, event id), never
personal data. Each row's hash covers the previous row's hash and its own content, so editing,
inserting or deleting a row anywhere (including the tail) breaks `verify_chain`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.storage.db import Database, utc_now

logger = logging.getLogger(__name__)

GENESIS = "0" * 64


def row_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, detail: str) -> str:
    content = json.dumps([seq, at, actor, action, subject, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + content).encode("utf-8")).hexdigest()


def append_audit(
    db: Database, actor: str, action: str, subject: str = "", detail: Mapping[str, Any] | None = None
) -> int:
    """Append one audit row inside the current transaction; returns its seq."""
    with db.transaction() as conn:
        last = conn.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        at = utc_now()
        text = json.dumps(dict(detail or {}), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        cur = conn.execute(
            "INSERT INTO audit_log (at, actor, action, subject, detail, prev_hash, hash) "
            "VALUES (?, ?, ?, ?, ?, ?, '')",
            (at, actor, action, subject, text, prev),
        )
        seq = int(cur.lastrowid or 0)
        digest = row_hash(prev, seq, at, actor, action, subject, text)
        conn.execute("UPDATE audit_log SET hash = ? WHERE seq = ?", (digest, seq))
    return seq


@dataclass(frozen=True)
class ChainReport:
    rows: int
    first_broken: int | None  # seq of the first row that does not verify
    reason: str = ""

    @property
    def is_intact(self) -> bool:
        return self.first_broken is None


def verify_chain(db: Database) -> ChainReport:
    """Recompute the whole chain; report the first row that breaks it."""
    prev, expected_seq, count = GENESIS, 1, 0
    cursor = db.conn.execute(
        "SELECT seq, at, actor, action, subject, detail, prev_hash, hash FROM audit_log ORDER BY seq"
    )
    for seq, at, actor, action, subject, detail, prev_hash, digest in cursor:
        count += 1
        if seq != expected_seq:
            return ChainReport(count, expected_seq, f"row {expected_seq} is missing")
        if prev_hash != prev:
            return ChainReport(count, seq, "previous hash does not match")
        if row_hash(prev, seq, at, actor, action, subject, detail) != digest:
            return ChainReport(count, seq, "content does not match its hash")
        prev, expected_seq = digest, seq + 1
    top = db.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'").fetchone()
    if top and int(top[0]) >= expected_seq:
        return ChainReport(count, expected_seq, f"rows {expected_seq}..{top[0]} were deleted")
    return ChainReport(count, None)
