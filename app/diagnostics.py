"""A support bundle (`motcua diagnostics --out FILE`): logs, versions, settings, self-test, db counts.

It must never carry personal data. The database is read for counts only; settings lose every
secret; the logs (which should name records by id only) are scrubbed anyway: every applicant name,
ID number, address, phone and e-mail found in the store is masked, then any 9- or 12-digit number
(CMND/CCCD-like), phone number or e-mail address left.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import sqlite3
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from app import bundle
from app.config import data_home, db_path, load_settings, logs_dir
from app.domain.errors import AppError
from app.keys import StoreLockedError
from app.storage.cipher import cipher_version
from app.storage.db import connect_store

logger = logging.getLogger(__name__)

MASK = "[ẩn]"
ID_NUMBER = re.compile(r"(?<![\w-])(?:\d{9}|\d{12})(?![\w-])")
PHONE = re.compile(r"(?<![\w-])(?:\+84|84|0)[ .]?\d{2,3}[ .]?\d{3}[ .]?\d{3,4}(?![\w-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SECRET_KEY = re.compile(r"code|secret|token|password|key|enroll", re.IGNORECASE)
PACKAGES = ("PySide6-Essentials", "opencv-python-headless", "pytesseract", "sqlite-utils", "numpy", "pillow")
PERSONAL_FIELDS = ("full_name", "id_number", "address", "phone", "email", "recipient_name")


def _walk_strings(value: Any, keys: tuple[str, ...]) -> Iterable[str]:
    if isinstance(value, dict):
        for k, v in value.items():
            if k in keys and isinstance(v, str):
                yield v
            else:
                yield from _walk_strings(v, keys)
    elif isinstance(value, list):
        for item in value:
            yield from _walk_strings(item, keys)


def personal_terms(db: Path) -> set[str]:
    """Every name, ID number, address, phone and e-mail in the store's events (kept in memory only)."""
    if not db.exists():
        return set()
    try:
        con = connect_store(db)
    except StoreLockedError:  # sealed and locked: the ID/phone/mail patterns still scrub
        return set()
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        rows = con.execute("SELECT payload FROM events") if "events" in tables else []
        terms = set()
        for (payload,) in rows:
            for text in _walk_strings(json.loads(payload), PERSONAL_FIELDS):
                text = unicodedata.normalize("NFC", text.strip())
                if len(text) >= 4:
                    terms.add(text)
                    terms.update(p.strip() for p in text.split(",") if len(p.strip()) >= 6)
        return terms
    finally:
        con.close()


def make_scrubber(terms: set[str]) -> Callable[[str], str]:
    """A function masking `terms` (longest first, case-insensitive) and anything ID-, phone- or mail-like."""
    ordered = sorted(terms, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE) if ordered else None

    def scrub(text: str) -> str:
        text = unicodedata.normalize("NFC", text)
        if pattern is not None:
            text = pattern.sub(MASK, text)
        for rx in (EMAIL, PHONE, ID_NUMBER):
            text = rx.sub(MASK, text)
        return text

    return scrub


def db_stats(db: Path) -> dict[str, Any]:
    """Counts only: rows per table, events per type, outbox states, blob bytes, file sizes."""
    if not db.exists():
        return {"exists": False}
    try:
        con = connect_store(db)
    except StoreLockedError:
        return {"exists": True, "sealed": True, "locked": True, "size_bytes": db.stat().st_size}
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        stats: dict[str, Any] = {
            "exists": True,
            "size_bytes": db.stat().st_size,
            "wal_bytes": db.with_name(db.name + "-wal").stat().st_size
            if db.with_name(db.name + "-wal").exists()
            else 0,
            "user_version": con.execute("PRAGMA user_version").fetchone()[0],
            "integrity": con.execute("PRAGMA quick_check").fetchone()[0],
            "rows": {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables},
        }
        if "events" in tables:
            stats["events_by_type"] = dict(con.execute("SELECT type, count(*) FROM events GROUP BY type"))
            stats["last_event_hlc"] = con.execute("SELECT max(at) FROM events").fetchone()[0]
        if "outbox" in tables:
            stats["outbox"] = dict(
                zip(
                    ("pending", "sent", "rejected", "with_error"),
                    con.execute(
                        "SELECT sum(sent_at IS NULL AND rejected_reason IS NULL), sum(sent_at IS NOT NULL),"
                        " sum(rejected_reason IS NOT NULL), sum(last_error IS NOT NULL) FROM outbox"
                    ).fetchone(),
                    strict=True,
                )
            )
        if "blobs" in tables:
            stats["blobs"] = dict(
                zip(
                    ("count", "bytes", "not_uploaded"),
                    con.execute("SELECT count(*), sum(size), sum(uploaded_at IS NULL) FROM blobs").fetchone(),
                    strict=True,
                )
            )
        return stats
    finally:
        con.close()


def versions() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": sys.version,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "frozen": bundle.is_frozen(),
        "sqlite": sqlite3.sqlite_version,
        "sqlcipher": cipher_version(),
        "packages": {},
    }
    for name in ("motcua", *PACKAGES):
        try:
            info["packages"][name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            info["packages"][name] = None
    setup = bundle.find_tesseract()
    info["tesseract"] = {"cmd": setup.cmd, "bundled": setup.bundled} if setup else None
    return info


def safe_settings(home: Path) -> dict[str, Any]:
    try:
        data = asdict(load_settings(home))
    except AppError as exc:
        return {"error": exc.log_message}
    extra = data.pop("extra")
    data["extra"] = {k: ("[ẩn]" if SECRET_KEY.search(k) else v) for k, v in extra.items()}
    return data


def run_self_test(timeout: float = 300) -> str:
    """The self-test's table, run as a child process (it needs Qt, which app/ may not import)."""
    try:
        done = subprocess.run(
            [*bundle.self_command(), "self-test"], capture_output=True, text=True, timeout=timeout
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"self-test could not run: {exc}"
    return f"exit status {done.returncode}\n{done.stdout}\n{done.stderr}"


def collect(out: Path, home: Path | None = None, include_self_test: bool = True) -> Path:
    """Write the support bundle (a zip) to `out`, atomically; returns its path."""
    home = home or data_home()
    scrub = make_scrubber(personal_terms(db_path(home)))
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("versions.json", json.dumps(versions(), indent=1, ensure_ascii=False))
        zf.writestr("settings.json", scrub(json.dumps(safe_settings(home), indent=1, ensure_ascii=False)))
        zf.writestr("db_stats.json", json.dumps(db_stats(db_path(home)), indent=1))
        if include_self_test:
            zf.writestr("self-test.txt", scrub(run_self_test()))
        for log in sorted(logs_dir(home).glob("*.log*")):
            text = log.read_text(encoding="utf-8", errors="replace")
            zf.writestr(f"logs/{log.name}", scrub(text))
        zf.writestr("README.txt", f"motcua diagnostics, {datetime.now(UTC).isoformat(timespec='seconds')}\n")
    os.replace(partial, out)
    logger.info("diagnostics written to %s", out)
    return out
