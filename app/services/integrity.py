"""`python -m app check`: is everything the desk saved whole and consistent?

SQLite integrity and foreign keys; every dossier's events fold without flags and its projection row
matches the fold; every dossier is in the search index with today's terms; the outbox has exactly one row per local event; every file a local event names is
present with the right SHA-256; dossier codes are unique; the dashboard counters match a recount; the audit hash chain is intact;
the device clock is sound (a runaway one is restarted); no local event stands rejected by the hub,
and what the hub has not confirmed yet (events, files, the last reconciliation) is reported.
Orphan files (stored but never committed) are reported for information; `app gc` removes them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from app.domain.fold import fold
from app.domain.hlc import MAX_CORRECTION_MS, now_ms
from app.services.queries import status_counts
from app.storage import BlobStore, Database, search_index
from app.storage.audit import verify_chain
from app.storage.blob_gc import find_orphans
from app.storage.db import HLC_KEY
from app.storage.events import load_events, projection_row

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _sqlite(db: Database) -> CheckResult:
    rows = [r[0] for r in db.conn.execute("PRAGMA integrity_check")]
    fk = db.conn.execute("PRAGMA foreign_key_check").fetchall()
    ok = rows == ["ok"] and not fk
    return CheckResult("SQLite integrity", ok, "ok" if ok else f"{rows[:3]} foreign key errors: {len(fk)}")


def _dossiers(db: Database, progress: Callable[[int, int], None] | None) -> CheckResult:
    ids = [r[0] for r in db.conn.execute("SELECT DISTINCT dossier_id FROM events ORDER BY dossier_id")]
    flagged, mismatched = [], []
    cols = [c[1] for c in db.conn.execute("PRAGMA table_info(dossiers)")]
    stored = {r[cols.index("id")]: r for r in db.conn.execute("SELECT * FROM dossiers")}
    for n, dossier_id in enumerate(ids):
        state = fold(load_events(db, dossier_id), dossier_id)
        if state.flags:
            flagged.append(dossier_id)
        row = stored.pop(dossier_id, None)
        expected = projection_row(state)
        if row is None or any(row[cols.index(k)] != v for k, v in expected.items()):
            mismatched.append(dossier_id)
        if progress and n % 500 == 0:
            progress(n, len(ids))
    problems = []
    if flagged:
        problems.append(f"{len(flagged)} with flagged events (first {flagged[0]})")
    if mismatched:
        problems.append(f"{len(mismatched)} projection rows differ from the fold (first {mismatched[0]})")
    if stored:
        problems.append(f"{len(stored)} projection rows without events")
    return CheckResult("Dossiers fold", not problems, "; ".join(problems) or f"{len(ids)} dossiers ok")


def check_search_index(db: Database) -> CheckResult:
    """Every dossier is in the search index with the terms today's code gives it (the phone too)."""
    stale = search_index.stale_rows(db)
    detail = f"{len(stale)} dossiers not findable by all their terms (python -m app check --repair)"
    return CheckResult("Search index", not stale, detail if stale else "every dossier indexed")


def _codes(db: Database) -> CheckResult:
    dup = db.conn.execute(
        "SELECT code, count(*) FROM dossiers WHERE code IS NOT NULL GROUP BY code HAVING count(*) > 1"
    ).fetchall()
    n = db.conn.execute("SELECT count(code) FROM dossiers").fetchone()[0]
    return CheckResult(
        "Dossier codes unique", not dup, f"{n} codes" if not dup else f"{len(dup)} duplicated codes"
    )


def _outbox(db: Database) -> CheckResult:
    q = db.conn.execute
    missing = q(
        "SELECT count(*) FROM events e WHERE e.origin = 'local' AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.event_id = e.id)"
    ).fetchone()[0]
    remote = q(
        "SELECT count(*) FROM outbox o JOIN events e ON e.id = o.event_id WHERE e.origin = 'remote'"
    ).fetchone()[0]
    pending = q("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_reason IS NULL").fetchone()[0]
    ok = missing == 0 and remote == 0
    detail = (
        f"{pending} pending"
        if ok
        else f"{missing} local events without outbox row, {remote} remote events in outbox"
    )
    return CheckResult("Outbox", ok, detail)


def _blobs(db: Database, blobs: BlobStore) -> CheckResult:
    rows = db.conn.execute(
        "SELECT DISTINCT f.sha256, b.size FROM event_files f JOIN events e ON e.id = f.event_id"
        " LEFT JOIN blobs b ON b.sha256 = f.sha256 WHERE e.origin = 'local'"
    ).fetchall()
    bad = []
    for sha, size in rows:
        if size is None or not blobs.has(sha) or blobs.size(sha) != size or not blobs.verify(sha):
            bad.append(sha)
    detail = (
        f"{len(rows)} files ok"
        if not bad
        else f"{len(bad)} of {len(rows)} missing or corrupt (first {bad[0]})"
    )
    return CheckResult("Files (SHA-256)", not bad, detail)


def _counters(db: Database) -> CheckResult:
    """The dashboard counters (`dossier_counts`, kept by triggers) against a recount of `dossiers`."""
    recount = {
        str(k): int(n) for k, n in db.conn.execute("SELECT status, count(*) FROM dossiers GROUP BY status")
    }
    recount["returned_on_time"] = int(
        db.conn.execute(
            "SELECT count(*) FROM dossiers WHERE status = 'returned' AND substr(returned_at, 1, 10) <= due_date"
        ).fetchone()[0]
    )
    stored = {k: n for k, n in status_counts(db).items() if n or k in recount}
    differ = sorted(k for k in set(recount) | set(stored) if recount.get(k, 0) != stored.get(k, 0))
    detail = f"{len(recount)} counters ok" if not differ else f"counters differ from a recount: {differ}"
    return CheckResult("Dashboard counters", not differ, detail)


def _orphans(db: Database, blobs: BlobStore) -> CheckResult:
    """Information only: files no event or `blobs` row names (removed by `python -m app gc`)."""
    report = find_orphans(db, blobs)
    detail = f"{len(report.orphans)} unreferenced files older than an hour ({report.bytes / 1e6:.1f} MB)"
    return CheckResult(
        "Orphan files (info)", True, detail + ("; run `python -m app gc`" if report.orphans else "")
    )


def check_projection(db: Database) -> CheckResult:
    """Every dossier's projection row against a fresh fold of its (sealed) events."""
    return _dossiers(db, None)


def _audit(db: Database) -> CheckResult:
    report = verify_chain(db)
    detail = (
        f"{report.rows} rows" if report.is_intact else f"broken at row {report.first_broken}: {report.reason}"
    )
    return CheckResult("Audit chain (keyed, every event sealed)", report.is_intact, detail)


def _clock(db: Database) -> CheckResult:
    """The device clock: readable and not run away (`open_db` restarts a runaway one); local events
    an earlier version stamped far ahead are counted (their dates show as the latest showable)."""
    repaired = db.repair_clock() or db.clock_repaired
    far = str(now_ms() + MAX_CORRECTION_MS).zfill(15)
    ahead = db.conn.execute("SELECT count(*) FROM events WHERE at > ?", (far,)).fetchone()[0]
    detail = f"clock {db.get_value(HLC_KEY) or 'not started'}"
    if repaired:
        detail += f"; restarted (it stood at {repaired[:22]})"
    if ahead:
        detail += f"; {ahead} events stamped in the far future by an earlier version (kept as they are)"
    return CheckResult("Device clock", True, detail)


def _hub(db: Database) -> CheckResult:
    """What the hub has not confirmed: rejected events fail the check (fix the cause, then
    `python -m sync requeue`); pending events and files and the last reconciliation are reported."""
    q = db.conn.execute
    rejected = q("SELECT count(*) FROM outbox WHERE rejected_reason IS NOT NULL").fetchone()[0]
    pending = q("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND rejected_reason IS NULL").fetchone()[0]
    files = q(
        "SELECT count(DISTINCT b.sha256) FROM blobs b JOIN event_files f ON f.sha256 = b.sha256"
        " JOIN events e ON e.id = f.event_id WHERE b.uploaded_at IS NULL AND e.origin = 'local'"
    ).fetchone()[0]
    last = db.get_value("sync.reconciled")
    parts = [f"{pending} events and {files} files not yet confirmed by the hub"]
    if rejected:
        parts.insert(0, f"{rejected} events rejected by the hub (fix, then `python -m sync requeue`)")
    parts.append("last reconciliation " + (last[:160] if last else "never"))
    return CheckResult("Hub confirmation", rejected == 0, "; ".join(parts))


def run(
    db: Database,
    blobs: BlobStore,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> list[CheckResult]:
    """Every check, in order; stops early only if cancelled."""
    steps: list[Callable[[], CheckResult]] = [
        lambda: _sqlite(db),
        lambda: _dossiers(db, progress),
        lambda: check_search_index(db),
        lambda: _codes(db),
        lambda: _counters(db),
        lambda: _outbox(db),
        lambda: _blobs(db, blobs),
        lambda: _orphans(db, blobs),
        lambda: _audit(db),
        lambda: _clock(db),
        lambda: _hub(db),
    ]
    results = []
    for step in steps:
        if is_cancelled and is_cancelled():
            break
        results.append(step())
    for r in results:
        (logger.info if r.ok else logger.error)(
            "check %s: %s %s", r.name, "ok" if r.ok else "FAILED", r.detail
        )
    return results
