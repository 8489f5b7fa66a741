"""One-file backups of a desk: `desk.db` (SQLCipher online backup), `blobs/`, `config.toml`,
`keys.json` and the centre's publications (`calendar/YYYY.json`, `digitization.json`, `forms/NN.json`).

The archive is a tar file: `desk.db`, `config.toml`, `keys.json`, `digitization.json`, `calendar/YYYY.json`,
`blobs/ab/cd/<sha256>`, then `manifest.json` with the SHA-256 of every member and the store's marker
(last event HLC, counts). It is sealed as the desk is: desk.db stays SQLCipher-encrypted and the
blobs stay AES-256-GCM sealed under the store key, so the recovery key (or a clerk's password,
through the wraps in keys.json) opens it and nobody else; config, calendar and manifest hold no
personal data. (The catalog publication lives in desk.db.) It is consistent
while the desk runs and writes: the database is copied in one read transaction (WAL lets writers go
on), and every file a committed event names was written before its event, so it is on disk by then.
Files added after the snapshot are taken too (harmless: they are content-addressed).
The archive is written to `<out>.partial`, verified member by member, then renamed into place.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import logging
import os
import re
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from app import keys as key_store
from app.config import blobs_dir, config_path, data_home, db_path
from app.digitization import PROFILE_FILE
from app.domain.errors import DiskFullError, IntegrityError, StorageError
from app.storage.blobs import BlobStore
from app.storage.cipher import connect_sealed
from app.storage.db import store_keys

logger = logging.getLogger(__name__)

FORMAT = "motcua-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BLOB_NAME = re.compile(r"^blobs/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$")
TOP_MEMBERS = ("desk.db", "config.toml", key_store.KEY_FILE, PROFILE_FILE, MANIFEST)
CALENDAR_NAME = re.compile(r"^calendar/\d{4}\.json$")
FORMS_NAME = re.compile(r"^forms/(\d{2}|HD)\.json$")  # the centre's form templates (app.form_templates)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class StoreMarker:
    """What a store holds, to tell which of two stores is newer."""

    last_hlc: str | None
    events: int
    dossiers: int
    blobs: int


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: str
    marker: StoreMarker
    files: int
    size: int


def _no_progress(done: int, total: int) -> None:
    return None


def _never() -> bool:
    return False


def read_marker(con: sqlite3.Connection) -> StoreMarker:
    """Marker of an open desk database (any schema version; missing tables count as empty)."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    last, events, dossiers, blobs = None, 0, 0, 0
    if "events" in tables:
        last, events, dossiers = con.execute(
            "SELECT max(at), count(*), count(DISTINCT dossier_id) FROM events"
        ).fetchone()
    if "blobs" in tables:
        blobs = con.execute("SELECT count(*) FROM blobs").fetchone()[0]
    return StoreMarker(last, events, dossiers, blobs)


def _snapshot_db(src_path: Path, dst_path: Path, keys: key_store.StoreKeys) -> StoreMarker:
    """Online backup in one step (one read transaction), then a self-contained rollback-journal file,
    encrypted under the same key (SQLCipher copies the sealed pages)."""
    src = connect_sealed(src_path, keys.db_key, 30)
    dst = connect_sealed(dst_path, keys.db_key, 30)
    try:
        src.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode=DELETE")
        check = dst.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise IntegrityError(f"database snapshot fails integrity_check: {check}")
        return read_marker(dst)
    finally:
        dst.close()
        src.close()


def _referenced_blobs(db_file: Path, keys: key_store.StoreKeys) -> set[str]:
    con = connect_sealed(db_file, keys.db_key, 30)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "blobs" not in tables:
            return set()
        return {r[0] for r in con.execute("SELECT sha256 FROM blobs")}
    finally:
        con.close()


def list_blob_files(root: Path) -> list[tuple[str, Path]]:
    """(archive name, path) of every complete blob file (temp files of writers are skipped)."""
    found = []
    for path in sorted(root.glob("??/??/*")):
        name = f"blobs/{path.relative_to(root).as_posix()}"
        m = BLOB_NAME.match(name)
        if m and path.is_file() and m.group(3).startswith(m.group(1) + m.group(2)):
            found.append((name, path))
    return found


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> str:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(mtime)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
    return hashlib.sha256(data).hexdigest()


def create_backup(
    out: Path,
    home: Path | None = None,
    progress: Progress = _no_progress,
    is_cancelled: IsCancelled = _never,
) -> BackupInfo:
    """Write a verified backup of the desk at `home` to `out` (atomically); see the module docstring."""
    home = home or data_home()
    keys = store_keys(db_path(home))  # StoreLockedError: a sealed desk backs up only once unlocked
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    created = datetime.now(UTC).isoformat(timespec="seconds")
    try:
        with tempfile.TemporaryDirectory(prefix="motcua-backup-", dir=out.parent) as tmp:
            snap = Path(tmp) / "desk.db"
            src = db_path(home)
            marker = _snapshot_db(src, snap, keys) if src.exists() else StoreMarker(None, 0, 0, 0)
            files = _write_archive(partial, home, snap, marker, created, (keys, progress, is_cancelled))
        verify_backup(partial)
        with open(partial, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        if exc.errno == errno.ENOSPC:
            raise DiskFullError(f"disk full while writing backup {out}") from exc
        raise StorageError(
            f"cannot write backup {out}: {exc}",
            "Không ghi được tệp sao lưu. Hãy kiểm tra ổ đĩa hoặc thư mục đích.",
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = out.stat().st_size
    logger.info("backup %s written: %d files, %d bytes, last hlc %s", out, files, size, marker.last_hlc)
    return BackupInfo(out, created, marker, files, size)


def _write_archive(
    partial: Path,
    home: Path,
    snap: Path,
    marker: StoreMarker,
    created: str,
    run: tuple[key_store.StoreKeys, Progress, IsCancelled],
) -> int:
    keys, progress, is_cancelled = run
    store = BlobStore(blobs_dir(home), keys)
    blobs = list_blob_files(blobs_dir(home))
    missing = (
        _referenced_blobs(snap, keys) - {Path(name).name for name, _ in blobs} if snap.exists() else set()
    )
    if missing:
        raise IntegrityError(f"{len(missing)} file(s) named by the store are missing from {blobs_dir(home)}")
    hashes: dict[str, str] = {}
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))  # owner-only, like the desk
    with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
        if snap.exists():
            hashes["desk.db"] = _add_bytes(tar, "desk.db", snap.read_bytes(), snap.stat().st_mtime)
        for name, path in _small_files(home):
            hashes[name] = _add_bytes(tar, name, path.read_bytes(), path.stat().st_mtime)
        for i, (name, path) in enumerate(blobs):
            if is_cancelled():
                raise InterruptedError("backup cancelled")
            if not store.verify(Path(name).name):
                raise IntegrityError(f"blob {Path(name).name} on disk does not match its hash")
            hashes[name] = _add_bytes(tar, name, path.read_bytes(), path.stat().st_mtime)
            progress(i + 1, len(blobs))
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "created_at": created,
            "marker": asdict(marker),
            "files": hashes,
        }
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode(), datetime.now().timestamp())
    return len(hashes)


def _small_files(home: Path) -> list[tuple[str, Path]]:
    """config.toml, keys.json, the digitization profile and the calendar publications (a restored desk
    keeps the centre's calendar and profile that match its sync cursor)."""
    found = [
        (name, p)
        for name, p in (
            ("config.toml", config_path(home)),
            ("keys.json", key_store.key_path(home)),
            (PROFILE_FILE, home / PROFILE_FILE),
        )
    ]
    found += [(f"calendar/{p.name}", p) for p in sorted((home / "calendar").glob("*.json"))]
    found += [(f"forms/{p.name}", p) for p in sorted((home / "forms").glob("*.json"))]
    return [(name, p) for name, p in found if p.is_file() and safe_member_name(name)]


def read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        fh = tar.extractfile(MANIFEST)
    except KeyError as exc:
        raise IntegrityError("backup has no manifest", "Tệp sao lưu không hợp lệ.") from exc
    manifest: dict[str, Any] = json.loads(fh.read()) if fh else {}
    if manifest.get("format") != FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise IntegrityError("not a motcua backup (format/version)", "Tệp sao lưu không hợp lệ.")
    return manifest


def safe_member_name(name: str) -> bool:
    return name in TOP_MEMBERS or bool(
        BLOB_NAME.match(name) or CALENDAR_NAME.match(name) or FORMS_NAME.match(name)
    )


def verify_backup(path: Path) -> dict[str, Any]:
    """Re-read every member and check its SHA-256 against the manifest; returns the manifest."""
    bad = "Tệp sao lưu bị hỏng hoặc không đầy đủ."
    try:
        with tarfile.open(path, "r:*") as tar:
            manifest = read_manifest(tar)
            expected: dict[str, str] = manifest["files"]
            seen = set()
            for member in tar:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not safe_member_name(member.name):
                    raise IntegrityError(f"unexpected member {member.name!r} in backup", bad)
                fh = tar.extractfile(member)
                digest = _sha256_stream(fh) if fh else ""
                if expected.get(member.name) != digest:
                    raise IntegrityError(f"backup member {member.name} fails its SHA-256", bad)
                seen.add(member.name)
            if seen != set(expected):
                raise IntegrityError(f"backup lacks {len(set(expected) - seen)} listed member(s)", bad)
    except (tarfile.TarError, EOFError, json.JSONDecodeError) as exc:
        raise IntegrityError(f"backup {path} unreadable: {exc}", bad) from exc
    return manifest


def _sha256_stream(fh: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := fh.read(1 << 20):
        digest.update(chunk)
    return digest.hexdigest()
