"""Restore a backup (`app.backup`) into a data folder, e.g. on a new machine.

It refuses to overwrite a store that is newer than the backup unless forced. "Newer" means the
store holds an event the backup lacks, or its last event HLC is later than the backup's. The desk app
must be closed (the database is locked exclusively during the swap). Files are extracted into a
staging folder inside the data folder and verified, then moved into place; the previous desk.db and
config.toml are kept beside it as `*.pre-restore-<stamp>`.

The backup is sealed under its store's key: it is opened with the keys given (the recovery key, or a
clerk's password through the backup's keys.json), or those this process already unlocked for the
same store. Before anything is replaced the staged desk.db must open with that key and pass
`integrity_check`, and every staged blob must decrypt to its SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tarfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app import keys as key_store
from app.backup import MANIFEST, IsCancelled, Progress, _never, _no_progress, safe_member_name, verify_backup
from app.config import blobs_dir, config_path, data_home, db_path
from app.digitization import PROFILE_FILE
from app.domain.errors import AppError, IntegrityError, StorageError
from app.storage.blobs import BlobStore
from app.storage.cipher import DB_ERRORS, OperationalError, connect_sealed

logger = logging.getLogger(__name__)


class RestoreRefusedError(AppError):
    code = "restore_refused"
    default_user_message = (
        "Dữ liệu trên máy này mới hơn bản sao lưu. Không khôi phục để tránh mất hồ sơ "
        "(dùng --force nếu chắc chắn muốn ghi đè)."
    )


@dataclass(frozen=True)
class RestoreInfo:
    home: Path
    events: int
    dossiers: int
    files: int
    kept_previous: Path | None


def newer_reason(
    current_db: Path,
    current_keys: key_store.StoreKeys,
    backup_db: Path,
    keys: key_store.StoreKeys,
    backup_hlc: str | None,
) -> str | None:
    """Why the store at `current_db` is newer than the backup's database, or None."""
    con = connect_sealed(current_db, current_keys.db_key, 5)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "events" not in tables:
            return None
        con.execute(f"ATTACH DATABASE ? AS bk KEY \"x'{keys.db_key.hex()}'\"", (str(backup_db),))
        bk_tables = {r[0] for r in con.execute("SELECT name FROM bk.sqlite_master WHERE type='table'")}
        extra_sql = "SELECT count(*) FROM main.events"
        if "events" in bk_tables:
            extra_sql += " WHERE id NOT IN (SELECT id FROM bk.events)"
        extra = con.execute(extra_sql).fetchone()[0]
        last = con.execute("SELECT max(at) FROM main.events").fetchone()[0]
    finally:
        con.close()
    if extra:
        return f"the store holds {extra} event(s) that the backup lacks"
    if last and (backup_hlc is None or last > backup_hlc):
        return f"the store's last event ({last}) is later than the backup's ({backup_hlc})"
    return None


def _assert_not_in_use(current_db: Path, keys: key_store.StoreKeys) -> None:
    con = connect_sealed(current_db, keys.db_key, 2)
    try:
        con.execute("BEGIN EXCLUSIVE")
        con.rollback()
    except OperationalError as exc:
        raise StorageError(
            f"{current_db} is in use: {exc}",
            "Cơ sở dữ liệu đang được dùng. Hãy đóng phần mềm một cửa rồi khôi phục lại.",
        ) from exc
    finally:
        con.close()


def _extract(
    archive: Path, staging: Path, expected: dict[str, str], progress: Progress, cancel: IsCancelled
) -> int:
    count = 0
    with tarfile.open(archive, "r:*") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if not safe_member_name(member.name):  # verify_backup already refused these
                raise IntegrityError(f"unexpected member {member.name!r}")
            if cancel():
                raise InterruptedError("restore cancelled")
            target = staging / member.name
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            src = tar.extractfile(member)
            if src is None:
                raise IntegrityError(f"backup member {member.name} is not a file")
            digest = hashlib.sha256()
            with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
                while chunk := src.read(1 << 20):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != expected[member.name]:
                raise IntegrityError(f"backup member {member.name} changed while restoring")
            count += 1
            progress(count, len(expected))
    return count


def _move_into_place(staging: Path, home: Path, stamp: str) -> Path | None:
    """Blobs first (content-addressed, merging is harmless), then config, then desk.db last."""
    kept = None
    src_blobs = staging / "blobs"
    if src_blobs.is_dir():
        for path in sorted(src_blobs.rglob("*")):
            if path.is_file():
                dest = blobs_dir(home) / path.relative_to(src_blobs)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if not dest.exists():
                    os.replace(path, dest)
    for name, dest in (("config.toml", config_path(home)), (key_store.KEY_FILE, key_store.key_path(home))):
        if (staging / name).exists():
            if dest.exists():
                os.replace(dest, dest.with_name(f"{name}.pre-restore-{stamp}"))
            os.replace(staging / name, dest)
    if (staging / PROFILE_FILE).exists():
        os.replace(staging / PROFILE_FILE, home / PROFILE_FILE)
    for folder in ("calendar", "forms"):  # the centre's calendar and form templates
        for path in sorted((staging / folder).glob("*.json")):
            (home / folder).mkdir(exist_ok=True)
            os.replace(path, home / folder / path.name)
    if (staging / "desk.db").exists():
        db = db_path(home)
        if db.exists():
            kept = db.with_name(f"desk.db.pre-restore-{stamp}")
            os.replace(db, kept)
            for suffix in ("-wal", "-shm"):
                side = db.with_name(db.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
        os.replace(staging / "desk.db", db)
    return kept


def restore_backup(
    archive: Path,
    home: Path | None = None,
    force: bool = False,
    progress: Progress = _no_progress,
    is_cancelled: IsCancelled = _never,
    keys: key_store.StoreKeys | None = None,
) -> RestoreInfo:
    """Verify `archive`, check the target is not newer (unless `force`), then restore into `home`."""
    home = home or data_home()
    manifest = verify_backup(Path(archive))
    marker = manifest["marker"]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    staging = home / f".restore-{stamp}"
    staging.mkdir(mode=0o700, parents=True)
    try:
        files = _extract(Path(archive), staging, manifest["files"], progress, is_cancelled)
        keys = _backup_keys(staging, home, keys)
        _verify_staged(staging, keys)
        current = db_path(home)
        if current.exists() and (staging / "desk.db").exists():
            current_keys = key_store.unlock(home)
            _assert_not_in_use(current, current_keys)
            reason = newer_reason(current, current_keys, staging / "desk.db", keys, marker["last_hlc"])
            if reason and not force:
                raise RestoreRefusedError(f"restore refused: {reason}")
            if reason:
                logger.warning("restore forced although %s", reason)
        kept = _move_into_place(staging, home, stamp)
        key_store.remember(home, keys)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    logger.info("restored %s into %s: %d files, %d events", archive, home, files, marker["events"])
    return RestoreInfo(home, marker["events"], marker["dossiers"], files, kept)


def _backup_keys(staging: Path, home: Path, given: key_store.StoreKeys | None) -> key_store.StoreKeys:
    """The key that opens the backup: given, its own local key (an unsealed desk), or the one this
    process unlocked for the same store. StoreLockedError: ask for the recovery key."""
    data = key_store.load_file(staging)
    candidates = [given, key_store.remembered(home), key_store.unlock_unattended(staging)]
    for keys in candidates:
        if keys is not None and (data is None or data.get("check") == keys.check):
            return keys
    if given is not None:
        raise key_store.WrongSecretError("the key given does not open this backup")
    raise key_store.StoreLockedError("the backup is sealed; its recovery key is needed")


def _verify_staged(staging: Path, keys: key_store.StoreKeys) -> None:
    db = staging / "desk.db"
    if db.exists():
        try:
            con = connect_sealed(db, keys.db_key, 5)
            try:
                check = con.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                con.close()
        except DB_ERRORS as exc:
            raise key_store.WrongSecretError(f"backup database does not open with this key: {exc}") from exc
        if check != "ok":
            raise IntegrityError(f"backup database fails integrity_check: {check}", "Tệp sao lưu bị hỏng.")
    store = BlobStore(staging / "blobs", keys)
    bad = [sha for sha in store.iter_shas() if not store.verify(sha)]
    if bad:
        raise IntegrityError(
            f"{len(bad)} backup file(s) do not open to their SHA-256", "Tệp sao lưu bị hỏng."
        )
