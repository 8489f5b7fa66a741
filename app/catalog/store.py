"""Catalog in the desk database: import (all or nothing), versions, lookup, export."""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from app.catalog.io import SHIPPED_CATALOG, read_catalog
from app.catalog.model import CatalogFile, Procedure
from app.catalog.schema import ensure_schema
from app.catalog.text import fold
from app.domain.errors import CatalogError, NotFoundError

logger = logging.getLogger(__name__)


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # a newer version became current
    unchanged: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # older than current: kept in history only

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, "
            f"unchanged {len(self.unchanged)}, stale {len(self.stale)}"
        )


@contextmanager
def _savepoint(conn: sqlite3.Connection, name: str) -> Iterator[None]:
    """One atomic unit, whether or not the caller already has a transaction open."""
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
        raise
    conn.execute(f"RELEASE {name}")


def _canonical(proc: Procedure) -> str:
    return json.dumps(proc.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _fts_row(proc: Procedure) -> tuple[str, str, str]:
    parts = proc.code.split(".")
    # "1.001193" is one token (prefix 1.0011*); "001193" alone is findable too
    code_text = " ".join([proc.code, *parts[1:2]])
    extra = " ".join([proc.field, proc.field_code, proc.result, *(c.name for c in proc.components)])
    return fold(code_text), fold(proc.name), fold(extra)


def _ranking_name(name: str) -> str:
    """The folded name search ranks by: the portal's leading "Thủ tục" is not part of what clerks type."""
    folded = fold(name)
    return folded[len("thu tuc ") :] if folded.startswith("thu tuc ") else folded


def _set_current(conn: sqlite3.Connection, proc: Procedure, now: str) -> None:
    row = conn.execute("SELECT id FROM catalog_procedure WHERE code = ?", (proc.code,)).fetchone()
    if row is None:
        cur = conn.execute(
            "INSERT INTO catalog_procedure (code, version, name, name_folded, field, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (proc.code, proc.version, proc.name, _ranking_name(proc.name), proc.field, now),
        )
        rowid = cur.lastrowid
    else:
        rowid = row[0]
        conn.execute(
            "UPDATE catalog_procedure SET version = ?, name = ?, name_folded = ?, field = ?, updated_at = ? "
            "WHERE id = ?",
            (proc.version, proc.name, _ranking_name(proc.name), proc.field, now, rowid),
        )
        conn.execute("DELETE FROM catalog_fts WHERE rowid = ?", (rowid,))
    conn.execute(
        "INSERT INTO catalog_fts (rowid, code, name, extra) VALUES (?, ?, ?, ?)", (rowid, *_fts_row(proc))
    )


def _import_one(
    conn: sqlite3.Connection, proc: Procedure, source: str, now: str, report: ImportReport
) -> None:
    key = f"{proc.code} v{proc.version}"
    data = _canonical(proc)
    old = conn.execute(
        "SELECT data FROM catalog_version WHERE code = ? AND version = ?", (proc.code, proc.version)
    ).fetchone()
    if old is not None and old[0] != data:
        raise CatalogError(
            f"catalog import: {key} already exists with different content; a change needs a new version",
            f"Thủ tục {proc.code} phiên bản {proc.version} đã có với nội dung khác. "
            "Khi sửa nội dung phải tăng số phiên bản. Không có thủ tục nào được nhập.",
        )
    if old is None:
        conn.execute(
            "INSERT INTO catalog_version (code, version, data, imported_at, source) VALUES (?, ?, ?, ?, ?)",
            (proc.code, proc.version, data, now, source),
        )
    cur = conn.execute("SELECT version FROM catalog_procedure WHERE code = ?", (proc.code,)).fetchone()
    if cur is not None and cur[0] > proc.version:
        report.stale.append(key)
    elif cur is not None and cur[0] == proc.version:
        report.unchanged.append(key)
    else:
        _set_current(conn, proc, now)
        (report.added if cur is None else report.updated).append(key)


def import_catalog(conn: sqlite3.Connection, catalog: CatalogFile, source: str = "") -> ImportReport:
    """Import every procedure of a validated catalog in one transaction (all or nothing)."""
    ensure_schema(conn)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    report = ImportReport()
    outer = conn.in_transaction
    with _savepoint(conn, "catalog_import"):
        for proc in catalog.procedures:
            _import_one(conn, proc, source or catalog.source, now, report)
        conn.execute(
            "INSERT OR REPLACE INTO catalog_meta (key, value) VALUES ('last_import', ?)",
            (json.dumps({"at": now, "source": source or catalog.source, "report": report.summary()}),),
        )
    if conn.in_transaction and not outer:
        conn.commit()
    logger.info("catalog import from %r: %s", source or catalog.source, report.summary())
    return report


def import_file(conn: sqlite3.Connection, path: Path) -> ImportReport:
    """Validate a catalog file completely, then import it; a bad file imports nothing."""
    return import_catalog(conn, read_catalog(path), source=str(path))


def ensure_loaded(conn: sqlite3.Connection) -> int:
    """Load the shipped catalog into an empty database, or again when the program ships a different one
    (an upgraded desk gets the new procedures; a version it already has stays as it is). Returns the
    number of current procedures. A shipped catalog that cannot be imported over a working one is logged
    and the working one kept."""
    ensure_schema(conn)
    outer = conn.in_transaction
    count = int(conn.execute("SELECT count(*) FROM catalog_procedure").fetchone()[0])
    digest = hashlib.sha256(SHIPPED_CATALOG.read_bytes()).hexdigest()
    row = conn.execute("SELECT value FROM catalog_meta WHERE key = 'shipped_sha256'").fetchone()
    if count and row is not None and row[0] == digest:
        return count
    try:
        import_catalog(conn, read_catalog(SHIPPED_CATALOG), source="shipped:" + SHIPPED_CATALOG.name)
    except CatalogError:
        if not count:
            raise
        logger.warning("shipped catalog %s not imported over the current one", SHIPPED_CATALOG.name)
    with _savepoint(conn, "catalog_shipped"):
        conn.execute(
            "INSERT OR REPLACE INTO catalog_meta (key, value) VALUES ('shipped_sha256', ?)", (digest,)
        )
    if conn.in_transaction and not outer:
        conn.commit()
    return int(conn.execute("SELECT count(*) FROM catalog_procedure").fetchone()[0])


def get_procedure(conn: sqlite3.Connection, code: str, version: int | None = None) -> Procedure:
    """The current version of a procedure, or the exact `version` a dossier was received under."""
    if version is None:
        row = conn.execute(
            "SELECT v.data FROM catalog_procedure p JOIN catalog_version v "
            "ON v.code = p.code AND v.version = p.version WHERE p.code = ?",
            (code,),
        ).fetchone()
    else:
        row = conn.execute(
            "SELECT data FROM catalog_version WHERE code = ? AND version = ?", (code, version)
        ).fetchone()
    if row is None:
        raise NotFoundError(
            f"procedure {code} version {version or 'current'} not in catalog",
            f"Không tìm thấy thủ tục mã {code} trong danh mục.",
        )
    return Procedure.model_validate_json(row[0])


def procedure_versions(conn: sqlite3.Connection, code: str) -> list[int]:
    rows = conn.execute("SELECT version FROM catalog_version WHERE code = ? ORDER BY version", (code,))
    return [int(r[0]) for r in rows]


def list_procedures(conn: sqlite3.Connection) -> list[Procedure]:
    """Every current procedure, by code."""
    rows = conn.execute(
        "SELECT v.data FROM catalog_procedure p JOIN catalog_version v "
        "ON v.code = p.code AND v.version = p.version ORDER BY p.code"
    )
    return [Procedure.model_validate_json(r[0]) for r in rows]
