"""Orphan blobs: files in the blob store that no event and no `blobs` row names.

They appear when pages were stored (BlobStore.put_*, before the transaction) and the dossier's
transaction then failed (disk full at commit, a crash, a clerk who abandoned the receipt). Only files
older than `min_age_s` (default 1 hour) count: a younger one may belong to a receipt still being made.
`collect` holds the database's write lock while it lists and removes, so no dossier can commit a
reference to a file between the check and the removal; storing bytes that already exist refreshes
the file's age (BlobStore._write), so a page scanned again is young again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.storage.blobs import BlobStore
from app.storage.db import Database, storage_error

logger = logging.getLogger(__name__)

MIN_AGE_S = 3600.0


@dataclass
class GcReport:
    orphans: list[str] = field(default_factory=list)  # sha256 of unreferenced old files
    bytes: int = 0
    removed: int = 0
    young: int = 0  # unreferenced but younger than min_age_s: left alone


def _referenced(db: Database) -> set[str]:
    rows = db.conn.execute("SELECT sha256 FROM blobs UNION SELECT sha256 FROM event_files")
    return {str(r[0]) for r in rows}


def find_orphans(db: Database, blobs: BlobStore, min_age_s: float = MIN_AGE_S) -> GcReport:
    """Unreferenced files older than `min_age_s` (read only)."""
    report = GcReport()
    if not blobs.root.exists():
        return report
    referenced, cutoff = _referenced(db), time.time() - min_age_s
    for sha in blobs.iter_shas():
        if sha in referenced:
            continue
        try:
            st = blobs.path(sha).stat()
        except OSError:  # removed meanwhile
            continue
        if st.st_mtime > cutoff:
            report.young += 1
            continue
        report.orphans.append(sha)
        report.bytes += st.st_size
    return report


def collect(
    db: Database,
    blobs: BlobStore,
    dry_run: bool = False,
    min_age_s: float = MIN_AGE_S,
    progress: Callable[[int, int], None] | None = None,
    is_cancelled: Callable[[], bool] | None = None,
) -> GcReport:
    """Remove orphan blobs (or only list them with dry_run), under the write lock."""
    with db.transaction():  # BEGIN IMMEDIATE: no receive commits while we decide
        report = find_orphans(db, blobs, min_age_s)
        for n, sha in enumerate([] if dry_run else report.orphans):
            if is_cancelled and is_cancelled():
                break
            try:
                blobs.path(sha).unlink(missing_ok=True)
            except OSError as exc:
                raise storage_error(exc, f"removing orphan blob {sha}") from exc
            report.removed += 1
            if progress and n % 100 == 0:
                progress(n, len(report.orphans))
    logger.info(
        "blob gc: %d orphan files (%d bytes), %d removed, %d young left alone",
        len(report.orphans),
        report.bytes,
        report.removed,
        report.young,
    )
    return report
